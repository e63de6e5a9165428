from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consultations.enums import (
    HOLDS_PLACE,
    Attendance,
    ConsultationStatus,
    InterestStatus,
    RegistrationStatus,
    SpeakingRole,
)
from reviews.enums import Modality


class Consultation(models.Model):
    """A multi-stakeholder consultation (or pre-consultation) that people register for."""

    event = models.ForeignKey(
        "reviews.Event", on_delete=models.PROTECT, related_name="consultations", verbose_name=_("calendar event")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    modality = models.CharField(_("modality"), max_length=20, choices=Modality.choices, default=Modality.HYBRID)
    capacity_in_person = models.PositiveIntegerField(_("places in the room"), default=0)
    capacity_virtual = models.PositiveIntegerField(_("places online"), default=0)
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    join_link = models.URLField(_("link to join online"), blank=True)
    registration_opens_at = models.DateTimeField(_("registration opens"), default=timezone.now)
    registration_deadline = models.DateTimeField(_("registration deadline"))
    interest_deadline = models.DateTimeField(_("deadline to offer to speak"), null=True, blank=True)
    accreditation_required = models.BooleanField(_("accreditation required"), default=False)
    interpretation_languages = models.CharField(
        _("interpretation"), max_length=60, blank=True, help_text=_("Language codes, separated by commas.")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ConsultationStatus.choices, default=ConsultationStatus.DRAFT, db_index=True
    )
    summary = models.TextField(_("summary"), blank=True)
    summary_published_at = models.DateTimeField(_("summary published on"), null=True, blank=True)

    class Meta:
        ordering = ["registration_deadline", "pk"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        permissions = [("export_registrations", _("Can export registration lists"))]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("consultations:detail", kwargs={"pk": self.pk})

    def capacity(self, attendance: str) -> int:
        return self.capacity_in_person if attendance == Attendance.IN_PERSON else self.capacity_virtual

    @property
    def attendance_choices(self) -> list[tuple[str, str]]:
        return [(value, label) for value, label in Attendance.choices if self.capacity(value) > 0]

    @property
    def interpretation_language_names(self) -> list[str]:
        names = dict(settings.LANGUAGES)
        return [str(names[c]) for c in self.interpretation_languages.split(",") if c in names]


class Registration(models.Model):
    """One person's place (or place in line) at one consultation."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("consultation")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("person")
    )
    attendance = models.CharField(_("attendance"), max_length=20, choices=Attendance.choices)
    status = models.CharField(_("status"), max_length=20, choices=RegistrationStatus.choices, db_index=True)
    # Arrival order: the next number under the consultation's lock, so it is strict even within a millisecond.
    arrival = models.PositiveBigIntegerField(_("arrival order"), editable=False)
    created_at = models.DateTimeField(_("registered on"), default=timezone.now)
    promoted_at = models.DateTimeField(_("moved from the waiting list on"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled on"), null=True, blank=True)
    decision_note = models.CharField(_("reason"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)

    class Meta:
        ordering = ["arrival"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(fields=["consultation", "user"], name="one_registration_per_person"),
        ]
        indexes = [models.Index(fields=["consultation", "status", "attendance", "arrival"])]

    def __str__(self) -> str:
        return f"{self.user} – {self.consultation}"

    @property
    def holds_place(self) -> bool:
        return self.status in HOLDS_PLACE


class PendingAccreditation(Registration):
    """The secretariat's accreditation queue (admin only)."""

    class Meta:
        proxy = True
        verbose_name = _("registration to accredit")
        verbose_name_plural = _("registrations to accredit")


class ExpressionOfInterest(models.Model):
    """An offer to speak on a panel or from the floor; first come, time-stamped."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="interests", verbose_name=_("consultation")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="interests", verbose_name=_("person")
    )
    role = models.CharField(_("I offer to be"), max_length=20, choices=SpeakingRole.choices)
    topic = models.CharField(_("topic"), max_length=200)
    statement = models.TextField(_("short statement"))
    submitted_at = models.DateTimeField(_("received on"), default=timezone.now, db_index=True)
    status = models.CharField(
        _("status"), max_length=20, choices=InterestStatus.choices, default=InterestStatus.RECEIVED
    )

    class Meta:
        ordering = ["submitted_at", "pk"]
        verbose_name = _("expression of interest")
        verbose_name_plural = _("expressions of interest")
        constraints = [models.UniqueConstraint(fields=["consultation", "user", "role"], name="one_interest_per_role")]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}"


class ExportLog(models.Model):
    """Who exported which registration list, when, with which filter and how many rows."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="exports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    file_format = models.CharField(max_length=8)
    filters = models.JSONField(default=dict)
    columns = models.JSONField(default=list)
    rows = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self) -> str:
        return f"{self.consultation} {self.file_format} {self.created_at:%Y-%m-%d %H:%M}"
