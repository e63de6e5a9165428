from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reminders import registry
from reminders.enums import State


class Reminder(models.Model):
    """One reminder to one person: written once, sent once.

    The unique key (recipient, kind, target, due day) is what makes a reminder
    happen exactly once: scanners running at the same time insert the same key
    and only one row exists; the send task claims the row before sending.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("recipient")
    )
    # No choices: each domain app declares its own kinds (reminders.registry); the labels are read from there.
    kind = models.CharField(_("kind"), max_length=registry.KIND_MAX_LENGTH)
    target = models.CharField(_("about"), max_length=60, help_text=_("What the reminder is about, as type:id."))
    due_on = models.DateField(_("due on"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(_("written on"), default=timezone.now)
    queued_at = models.DateTimeField(_("queued on"), null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent on"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.CharField(_("last error"), max_length=500, blank=True)

    class Meta:
        ordering = ["-due_on", "-pk"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "kind", "target", "due_on"], name="one_reminder_per_key")
        ]
        indexes = [models.Index(fields=["state", "queued_at"]), models.Index(fields=["kind", "due_on"])]

    def __str__(self) -> str:
        # A page listing reminders reads every label once and sets ``kind_label``: no query per row.
        label = getattr(self, "kind_label", None) or registry.label(self.kind)
        return f"{label} → {self.recipient} ({self.due_on})"


class Preference(models.Model):
    """A kind of reminder a person turned off. No row means on."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preferences")
    kind = models.CharField(max_length=registry.KIND_MAX_LENGTH)
    enabled = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("reminder preference")
        verbose_name_plural = _("reminder preferences")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind} {'on' if self.enabled else 'off'}"
