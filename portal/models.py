from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from portal.enums import (
    AuditAction,
    ClaimedAffiliation,
    Constituency,
    DigestFrequency,
    Expertise,
    Gender,
    Role,
    TranslationKind,
    VerificationStatus,
)
from portal.m49 import SUBREGIONS, subregion_for_country
from portal.timezones import validate_time_zone


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """An account. The e-mail address is the login; no name or username is stored here."""

    email = models.EmailField(_("e-mail address"), unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("technical staff"),
        default=False,
        help_text=_("Kept for Django's own tools; access to the administration follows the roles."),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        profile = getattr(self, "profile", None)
        return profile.display_name if profile and profile.display_name else self.email

    def get_full_name(self) -> str:
        return str(self)

    def get_short_name(self) -> str:
        return str(self)


def public_name(display_name: str) -> str:
    """The name shown for a person, or a neutral one once they erased their account (a page that reads the name
    as a value calls this, as Profile.public_name does)."""
    return display_name or gettext("Former participant")


class Profile(models.Model):
    """What a person tells the portal about themselves: the least that serves.

    Display name, optional organisation, constituency (GCM para 44), country,
    an optional gender and the preferred language. The M49 sub-region is derived
    from the country, never asked. No phone, birth date or nationality.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile", verbose_name=_("user")
    )
    display_name = models.CharField(
        _("display name"),
        max_length=80,
        help_text=_("Shown with what you post. It need not be your legal name."),
    )
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    # The organisation as portal.integrity compares it: nobody decides the case of their own organisation.
    organisation_key = models.CharField(max_length=200, blank=True, editable=False, db_index=True)
    constituency = models.CharField(_("constituency"), max_length=32, choices=Constituency.choices)
    country = CountryField(_("country"), help_text=_("The country you work in or from."))
    subregion = models.CharField(
        _("sub-region"), max_length=3, choices=list(SUBREGIONS.items()), blank=True, editable=False, db_index=True
    )
    gender = models.CharField(_("gender"), max_length=16, choices=Gender.choices, blank=True)
    # Codes of portal.enums.Expertise, separated by commas; optional, like gender.
    expertise = models.CharField(_("areas of expertise"), max_length=200, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    # Meeting times are shown in their own zone and, when chosen, in this one (pages and e-mails).
    time_zone = models.CharField(
        _("your time zone"),
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text=_("Meeting times are also shown in this zone. Leave empty to use your browser's on pages."),
    )
    # For slow or costly connections: e-mail as plain text only, without its HTML part or pictures.
    plain_email = models.BooleanField(
        _("plain-text e-mail"),
        default=False,
        help_text=_(
            "Short e-mails in plain text only, without formatting or pictures: lighter on slow or costly connections."
        ),
    )
    # One e-mail per day or week with what is new in everything the person follows (portal.digest); daily by
    # default, as the digest of new posts always went out, and a day with nothing new sends nothing.
    digest = models.CharField(
        _("digest by e-mail"),
        max_length=8,
        choices=DigestFrequency.choices,
        default=DigestFrequency.DAILY,
        help_text=_(
            "One e-mail with what is new in the discussions and consultations you follow and their deadlines. "
            "Nothing is sent when nothing is new."
        ),
    )
    # The end of what the person's last digest reported (portal.digest): the next one starts there.
    digest_sent_until = models.DateTimeField(_("last digest covered until"), null=True, blank=True, editable=False)
    privacy_consent_at = models.DateTimeField(_("privacy notice accepted on"), null=True, blank=True)
    claimed_affiliation = models.CharField(
        _("affiliation"),
        max_length=16,
        choices=ClaimedAffiliation.choices,
        default=ClaimedAffiliation.STAKEHOLDER,
    )
    verification_status = models.CharField(
        _("verification"),
        max_length=16,
        choices=VerificationStatus.choices,
        default=VerificationStatus.NOT_NEEDED,
        db_index=True,
    )
    verification_note = models.CharField(_("reason"), max_length=500, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    verified_at = models.DateTimeField(_("verified on"), null=True, blank=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")
        permissions = [("verify_role", _("Can verify UN system and Member State affiliations"))]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args, **kwargs):
        from portal.integrity import organisation_key  # noqa: PLC0415 - a cycle: portal.integrity reads these models

        # The sub-region always follows the country and the key the organisation; nobody types them.
        self.subregion = subregion_for_country(self.country.code if self.country else "")
        self.organisation_key = organisation_key(self.organisation)
        if kwargs.get("update_fields") is not None:
            follows = {"country": "subregion", "organisation": "organisation_key"}
            kwargs["update_fields"] = {*kwargs["update_fields"]} | {
                derived for field, derived in follows.items() if field in kwargs["update_fields"]
            }
        super().save(*args, **kwargs)
        if self.organisation_key:
            OrganisationHistory.objects.get_or_create(
                user_id=self.user_id, key=self.organisation_key, defaults={"name": self.organisation}
            )

    @property
    def expertise_codes(self) -> list[str]:
        return [code for code in self.expertise.split(",") if code in Expertise.values]

    @property
    def expertise_labels(self) -> list[str]:
        return [str(Expertise(code).label) for code in self.expertise_codes]

    @property
    def public_name(self) -> str:
        """The display name, or a neutral one once the person erased their account."""
        return public_name(self.display_name)


class OrganisationHistory(models.Model):
    """Every organisation a person has named on their profile, kept when they change or blank the field.

    Conflicts of interest (portal.integrity) look at all of them: editing one's own organisation, or the
    subject's, just before a decision must not hide a tie. Erased with the account.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="organisation_history",
        verbose_name=_("person"),
    )
    key = models.CharField(max_length=200, db_index=True)
    name = models.CharField(_("organisation"), max_length=200)
    first_named_at = models.DateTimeField(_("first named on"), default=timezone.now)

    class Meta:
        verbose_name = _("organisation named")
        verbose_name_plural = _("organisations named")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_history_row_per_organisation")]

    def __str__(self) -> str:
        return self.name


class RegionalRole(models.Model):
    """A role held for one region: a member of its task team, or a focal point of its Regional Network.

    The person also belongs to the role's group (kept in step by portal.services.regional_roles_sync); what
    the role allows holds only in the regions listed here (portal.permissions.can_in_region).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="regional_roles", verbose_name=_("person")
    )
    role = models.CharField(
        _("role"),
        max_length=16,
        choices=[(Role.TASK_TEAM.value, Role.TASK_TEAM.label), (Role.FOCAL_POINT.value, Role.FOCAL_POINT.label)],
    )
    region = models.ForeignKey(
        "reviews.Region", on_delete=models.CASCADE, related_name="regional_roles", verbose_name=_("region")
    )
    granted_at = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        verbose_name = _("regional role")
        verbose_name_plural = _("regional roles")
        ordering = ["region", "role", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "region"], name="one_regional_role_per_region"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} – {self.region}"


class PendingVerification(Profile):
    """The secretariat's queue of UN system and Member State claims (admin only)."""

    class Meta:
        proxy = True
        verbose_name = _("affiliation to verify")
        verbose_name_plural = _("affiliations to verify")


class SignInLock(AccessAttempt):
    """django-axes' record of failed sign-ins, as the secretariat sees it: who is paused, and a way to lift it."""

    class Meta:
        proxy = True
        verbose_name = _("sign-in lock")
        verbose_name_plural = _("sign-in locks")


class AuditEntry(models.Model):
    """One staff action that touched personal data: who, when, what kind, on which record.

    Written by the service that does the action, in its transaction. It names the record (type and id),
    never copies personal fields, so erasing an account leaves nothing of it here but a number.
    """

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    action = models.CharField(_("action"), max_length=32, choices=AuditAction.choices, db_index=True)
    target_type = models.CharField(_("record type"), max_length=100)
    target_id = models.CharField(_("record"), max_length=64, blank=True)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    # In which role, and for which region, the actor acted (regional roles act only in their regions).
    role = models.CharField(_("in the role of"), max_length=32, blank=True)
    region = models.ForeignKey(
        "reviews.Region",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
    )

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.target_type} {self.target_id}"


class UnsentTask(models.Model):
    """A Celery task that could not be queued because the broker was unreachable (portal.tasks.enqueue).

    ``portal.tasks.queue_unsent`` queues it once the broker is back and deletes the row.
    """

    signature = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("task not yet queued")
        verbose_name_plural = _("tasks not yet queued")

    def __str__(self) -> str:
        return f"{self.signature.get('task')} {self.signature.get('kwargs')}"


class Translation(models.Model):
    """One text of the portal in another language: written by a person, or an engine's output kept as a cache.

    The row names its original (any model, one of its text fields) and the version it was made from
    (``source_digest``, a SHA-256 of the original text). An engine's translation is kept per version and
    language and deleted once the original changes; a person's is kept, marked not current (readers no
    longer see it) and offered to translators to bring up to date. See portal.content_translation.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    original = GenericForeignKey("content_type", "object_id")
    field = models.CharField(max_length=40)
    source_language = models.CharField(_("original language"), max_length=8, choices=settings.LANGUAGES)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    source_digest = models.CharField(max_length=64)
    text = models.TextField(_("translation"), max_length=20_000)
    kind = models.CharField(_("translated"), max_length=8, choices=TranslationKind.choices)
    engine = models.CharField(_("engine"), max_length=40, blank=True)
    translator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="translations",
        verbose_name=_("translator"),
    )
    is_current = models.BooleanField(_("up to date"), default=True)
    # The translation as search reads it (PostgreSQL; written with the text by the app that owns the original).
    search_vector = SearchVectorField(null=True, editable=False)
    created_at = models.DateTimeField(_("created on"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated on"), default=timezone.now)

    class Meta:
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "field", "language", "kind"], name="one_translation_per_kind"
            ),
            models.CheckConstraint(
                condition=~models.Q(language=models.F("source_language")), name="translation_into_another_language"
            ),
        ]
        # And, on PostgreSQL only, a GIN index of search_vector (migration 0015: SQLite cannot build one).
        indexes = [models.Index(fields=["content_type", "object_id", "field"])]

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.object_id}.{self.field} → {self.language}"
