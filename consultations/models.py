import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from consultations.enums import (
    HOLDS_PLACE,
    LETTER_OPEN,
    Attendance,
    BriefingKind,
    BriefingStatus,
    CheckInWay,
    ConsultationStatus,
    DocumentKind,
    ExportStatus,
    InputAuthor,
    InputStatus,
    InterestStatus,
    LetterStatus,
    ProposalKind,
    ProposalLevel,
    ProposalStatus,
    Rating,
    RegistrationStatus,
    ReportStatus,
    SessionKind,
    SpeakingRole,
    TalkRole,
)
from consultations.slate import DIMENSIONS
from portal.enums import Constituency, Expertise
from portal.timezones import validate_time_zone
from reviews.enums import EventKind, Modality


def validate_preference(value: str) -> None:
    """An order of preference names each balance dimension once."""
    if sorted(value.split(",")) != sorted(DIMENSIONS):
        raise ValidationError(_("Put each dimension once in the order of preference."))


def _share_field(label, default: int) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        label, default=default, validators=[MinValueValidator(1), MaxValueValidator(100)], help_text=_("% at most")
    )


def decider_field() -> models.ForeignKey:
    """Who decided a row (accredited a registration, screened an input, answered a request): never its owner."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )


# Crockford's base 32: no I, L, O or U, so a code read aloud or typed from paper is not misread.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_check_in_code() -> str:
    """Eight random characters in two groups, "7KQ2-M9XD": 40 bits, typed at the door when a scan fails."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def private_storage():
    """Files that are never under a public URL: views that check who asks serve them."""
    return storages["private"]


OFFER_KINDS = frozenset(
    {
        EventKind.GLOBAL_CONSULTATION,
        EventKind.PRE_CONSULTATION,
        EventKind.MULTI_STAKEHOLDER_CONSULTATION,
        EventKind.REGIONAL_REVIEW,
    }
)


class Consultation(models.Model):
    """A multi-stakeholder consultation (or pre-consultation) that people register for."""

    event = models.ForeignKey(
        "reviews.Event", on_delete=models.PROTECT, related_name="consultations", verbose_name=_("calendar event")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=10_000)
    modality = models.CharField(_("modality"), max_length=20, choices=Modality.choices, default=Modality.HYBRID)
    capacity_in_person = models.PositiveIntegerField(_("places in the room"), default=0)
    capacity_virtual = models.PositiveIntegerField(_("places online"), default=0)
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    host_country = CountryField(
        _("host country"),
        blank=True,
        help_text=_("Where the meeting is held: visa invitation letters may be written in its language."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text=_("For example Africa/Addis_Ababa."),
    )
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
    summary = models.TextField(_("summary"), blank=True, max_length=50_000)
    summary_published_at = models.DateTimeField(_("summary published on"), null=True, blank=True)
    # 000: materials are shared "well in advance"; the organisers are reminded as this day approaches.
    materials_due = models.DateTimeField(
        _("materials due"),
        null=True,
        blank=True,
        help_text=_("When the meeting's materials should be published; the organisers are reminded before."),
    )
    # 000: a pre-consultation draws "inputs which would feed into the inter-governmental review meeting
    # discussions and the agenda of the multi-stakeholder consultation": its outputs show on that agenda.
    feeds = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="fed_by",
        verbose_name=_("its outputs feed"),
        help_text=_("The consultation of the same review whose agenda this one's summary feeds."),
    )

    class Meta:
        ordering = ["registration_deadline", "pk"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        permissions = [("export_registrations", _("Can export registration lists"))]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("consultations:detail", kwargs={"pk": self.pk})

    def clean(self):
        super().clean()
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The meeting ends after it starts.")
        if self.starts_at:
            # Registration, offers to speak and materials come before the meeting, never after it has begun.
            for name in ("registration_deadline", "interest_deadline", "materials_due"):
                value = getattr(self, name)
                if value and value > self.starts_at:
                    errors[name] = _("Set it before the meeting starts.")
        opens, closes = self.registration_opens_at, self.registration_deadline
        if opens and closes and closes <= opens:
            errors["registration_deadline"] = _("The deadline comes after registration opens.")
        if errors:
            raise ValidationError(errors)
        if self.feeds_id is None or self.event_id is None:
            return
        fed = self.feeds
        if fed.pk == self.pk or (fed.event.cycle_id, fed.event.region_id) != (
            self.event.cycle_id,
            self.event.region_id,
        ):
            raise ValidationError({"feeds": _("Choose another consultation of the same region and review cycle.")})

    def capacity(self, attendance: str) -> int:
        return self.capacity_in_person if attendance == Attendance.IN_PERSON else self.capacity_virtual

    @property
    def attendance_choices(self) -> list[tuple[str, str]]:
        return [(value, label) for value, label in Attendance.choices if self.capacity(value) > 0]

    @property
    def takes_offers(self) -> bool:
        """Consultations and the review meeting take offers to speak (001 Annex 2, 004); a briefing, a GCM Talk or a
        side event has the panel its organisers name."""
        return self.event.kind in OFFER_KINDS

    @property
    def has_begun(self) -> bool:
        return self.starts_at is not None and self.starts_at <= timezone.now()

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
    decided_by = decider_field()
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)
    # The personal code shown at the door (as a QR code and as text): unique within the meeting, random, so
    # that one person's code says nothing about anyone else's.
    code = models.CharField(_("check-in code"), max_length=9, default=new_check_in_code, editable=False)

    class Meta:
        ordering = ["arrival"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(fields=["consultation", "user"], name="one_registration_per_person"),
            models.UniqueConstraint(fields=["consultation", "code"], name="one_check_in_code_per_meeting"),
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
    # 004: people "express their interest in providing speakers and moderators for each of the roundtables".
    # Empty for the rapporteur, who reports on the whole consultation, and for offers made before roundtables.
    session = models.ForeignKey(
        "Session",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="offers",
        verbose_name=_("roundtable"),
    )
    expertise = models.CharField(_("area of expertise"), max_length=32, choices=Expertise.choices, blank=True)
    topic = models.CharField(_("topic"), max_length=200)
    statement = models.TextField(_("short statement"), max_length=2_000)
    submitted_at = models.DateTimeField(_("received on"), default=timezone.now, db_index=True)
    status = models.CharField(
        _("status"), max_length=20, choices=InterestStatus.choices, default=InterestStatus.RECEIVED
    )

    class Meta:
        ordering = ["submitted_at", "pk"]
        verbose_name = _("expression of interest")
        verbose_name_plural = _("expressions of interest")
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "user", "role"],
                condition=models.Q(session__isnull=True),
                name="one_interest_per_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "session"],
                condition=models.Q(session__isnull=False),
                name="one_interest_per_role_and_roundtable",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}"


class ExportLog(models.Model):
    """Who exported which registration list, when, with which filter and how many rows."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="exports")
    status = models.CharField(max_length=10, choices=ExportStatus.choices, default=ExportStatus.READY)
    progress = models.PositiveSmallIntegerField(default=100)
    file_name = models.CharField(max_length=200, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    file_format = models.CharField(max_length=8)
    # The exporter's language: headings and labels of the file are in it, whoever builds it.
    language = models.CharField(max_length=8, blank=True)
    filters = models.JSONField(default=dict, blank=True)
    columns = models.JSONField(default=list, blank=True)
    rows = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self) -> str:
        return f"{self.consultation} {self.file_format} {self.created_at:%Y-%m-%d %H:%M}"


class Session(models.Model):
    """One item of a consultation's agenda (004: opening, roundtables with a panel and an open floor, closing)."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("consultation")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=20, choices=SessionKind.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    starts_at = models.TimeField(_("starts at"), null=True, blank=True)
    panel_minutes = models.PositiveSmallIntegerField(_("moderated panel (minutes)"), default=0)
    floor_minutes = models.PositiveSmallIntegerField(_("open floor (minutes)"), default=0)
    minutes = models.PositiveSmallIntegerField(_("length (minutes)"), default=0)
    # 004: "Each roundtable will feature a panel of 4-5 panelists".
    panel_size = models.PositiveSmallIntegerField(
        _("panelists"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_("How many panelists the agenda states for the roundtable (often 4 or 5)."),
    )
    speakers = models.ManyToManyField(
        ExpressionOfInterest, blank=True, related_name="sessions", verbose_name=_("speakers")
    )
    # 004: the rapporteur of the multi-stakeholder consultation reports on its outcomes at the review meeting.
    reports_on = models.ForeignKey(
        Consultation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="briefing_slots",
        verbose_name=_("outcomes of"),
        help_text=_("For a rapporteur's briefing: the consultation whose rapporteur reports in this slot."),
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self) -> str:
        return self.title or self.get_kind_display()

    @property
    def length(self) -> int:
        return self.minutes or (self.panel_minutes + self.floor_minutes)


class SelectionCriteria(models.Model):
    """How the speakers of one consultation are chosen, set by its region's task team (001 Annex 2).

    The largest share of the speakers' list one value of each balance dimension may take, the order in which
    the limits are let go when the offers cannot fill the list within all of them, and whether UN system
    members may offer to speak. Without a row the defaults apply (:data:`DEFAULTS`).
    """

    consultation = models.OneToOneField(
        Consultation, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("consultation")
    )
    max_expertise = _share_field(_("one area of expertise"), 40)
    max_constituency = _share_field(_("one sector"), 40)
    max_country = _share_field(_("one country"), 25)
    max_subregion = _share_field(_("one sub-region"), 50)
    max_gender = _share_field(_("one gender"), 60)
    preference = models.CharField(
        _("order of preference"), max_length=100, default=",".join(DIMENSIONS), validators=[validate_preference]
    )
    # 001 and 004 give the speaking slots to stakeholders; a consultation may open them to the UN system.
    un_system_may_offer = models.BooleanField(_("UN system members may offer to speak"), default=False)
    version = models.PositiveIntegerField(default=0, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("selection criteria")
        verbose_name_plural = _("selection criteria")

    def __str__(self) -> str:
        return str(self.consultation)

    @property
    def max_shares(self) -> dict[str, float]:
        return {dim: getattr(self, f"max_{dim}") / 100 for dim in DIMENSIONS}

    @property
    def order(self) -> tuple[str, ...]:
        return tuple(self.preference.split(","))


class Proposal(models.Model):
    """A GCM Talk or side event proposed by a stakeholder (000); public once the secretariat approves it."""

    kind = models.CharField(_("kind"), max_length=20, choices=ProposalKind.choices)
    title = models.CharField(_("title"), max_length=200)
    level = models.CharField(_("level"), max_length=20, choices=ProposalLevel.choices)
    region = models.ForeignKey(
        "reviews.Region", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("region")
    )
    date = models.DateField(_("date"))
    organisers = models.CharField(_("organisers"), max_length=300)
    link = models.URLField(_("link"), blank=True)
    # 003: "Suggest a topic and outline for a GCM talk on a priority issue for regional collaboration".
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    outline = models.TextField(_("short outline"), max_length=3_000, blank=True)
    modality = models.CharField(
        _("modality"), max_length=20, choices=Modality.choices, blank=True, help_text=_("Leave empty if not decided.")
    )
    # 001: side events take place "during the meetings": the consultation of the same region it is held at.
    meeting = models.ForeignKey(
        Consultation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="side_events",
        verbose_name=_("held during"),
        help_text=_("For a side event: the meeting of the same region it takes place at."),
    )
    # 003: "Summaries are posted on the Network's website": public once posted.
    summary = models.TextField(_("summary"), max_length=20_000, blank=True)
    summary_posted_at = models.DateTimeField(_("summary posted on"), null=True, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("proposed by")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.PENDING, db_index=True
    )
    decision_note = models.CharField(_("reason"), max_length=500, blank=True)
    event = models.OneToOneField(
        "reviews.Event",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposal",
        verbose_name=_("calendar event"),
    )
    created_at = models.DateTimeField(_("proposed on"), default=timezone.now)

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("GCM Talk or side event")
        verbose_name_plural = _("GCM Talks and side events")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("consultations:talk", kwargs={"pk": self.pk})

    def clean(self):
        super().clean()
        if self.meeting_id is None:
            return
        if self.kind != ProposalKind.SIDE_EVENT:
            raise ValidationError({"meeting": _("Only a side event takes place during a meeting.")})
        if self.region_id is None or self.meeting.event.region_id != self.region_id:
            raise ValidationError({"meeting": _("Choose a meeting of the side event's region.")})


class TalkSpeaker(models.Model):
    """A panelist or moderator of a GCM Talk or side event: a name, as the organisers give it (no account)."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="speakers", verbose_name=_("GCM Talk or side event")
    )
    role = models.CharField(_("role"), max_length=20, choices=TalkRole.choices)
    name = models.CharField(_("name"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("panelist or moderator")
        verbose_name_plural = _("panelists and moderators")

    def __str__(self) -> str:
        return self.name


class Pledge(models.Model):
    """A pledge announced at a GCM Talk (000: talks aim at "initiating pledges"), as the organisers record it."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="pledges", verbose_name=_("GCM Talk or side event")
    )
    pledged_by = models.CharField(
        _("pledged by"), max_length=200, help_text=_("The organisation or Member State that pledges.")
    )
    text = models.TextField(_("pledge"), max_length=2_000)
    # The GCM's objectives by number (1 to 23), separated by commas.
    objectives = models.CharField(_("GCM objectives"), max_length=100, blank=True)
    dashboard_link = models.URLField(
        _("Pledging Dashboard entry"), blank=True, help_text=_("The pledge's page on the Pledging Dashboard, if any.")
    )
    recorded_at = models.DateTimeField(_("recorded on"), default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "pk"]
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")

    def __str__(self) -> str:
        return f"{self.pledged_by}: {self.text[:60]}"

    @property
    def objective_numbers(self) -> list[int]:
        return [int(n) for n in self.objectives.split(",") if n.strip().isdigit()]


class BriefingRequest(models.Model):
    """A stakeholder network asking for a briefing or a consultation (000: "To request briefings and consultations
    for specific stakeholder networks (sectoral or regional)"); accepted, it becomes a meeting on the calendar."""

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="briefing_requests",
        verbose_name=_("requested by"),
    )
    kind = models.CharField(_("what is asked for"), max_length=20, choices=BriefingKind.choices)
    network = models.CharField(_("network or organisation"), max_length=200)
    region = models.ForeignKey(
        "reviews.Region", on_delete=models.PROTECT, related_name="briefing_requests", verbose_name=_("region")
    )
    cycle = models.ForeignKey(
        "reviews.ReviewCycle",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="briefing_requests",
        verbose_name=_("review cycle"),
    )
    topic = models.CharField(_("topic"), max_length=200)
    needs = models.TextField(_("what you need"), max_length=3_000)
    preferred_from = models.DateField(_("preferred period: from"))
    preferred_to = models.DateField(_("preferred period: until"))
    languages = models.CharField(_("languages"), max_length=60, help_text=_("Language codes, separated by commas."))
    expected_participants = models.PositiveIntegerField(
        _("expected participants"), validators=[MinValueValidator(1), MaxValueValidator(100_000)]
    )
    status = models.CharField(
        _("status"), max_length=20, choices=BriefingStatus.choices, default=BriefingStatus.PENDING, db_index=True
    )
    # Each change by the requester makes a new version: a decision binds to the version the decider read.
    revision = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("requested on"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed on"), default=timezone.now)
    decision_note = models.CharField(_("reason"), max_length=500, blank=True)
    decided_by = decider_field()
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)
    consultation = models.OneToOneField(
        Consultation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="briefing_request",
        verbose_name=_("meeting"),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("request for a briefing or consultation")
        verbose_name_plural = _("requests for a briefing or consultation")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(preferred_to__gte=models.F("preferred_from")), name="briefing_period_in_order"
            )
        ]

    def __str__(self) -> str:
        return self.topic

    def get_absolute_url(self) -> str:
        return reverse("consultations:briefing_request", kwargs={"pk": self.pk})

    @property
    def language_names(self) -> list[str]:
        names = dict(settings.LANGUAGES)
        return [str(names[c]) for c in self.languages.split(",") if c in names]


def _summary_path(instance, filename: str) -> str:

    return f"summaries/{instance.consultation_id}/{uuid.uuid4().hex}"


class SummaryDocument(models.Model):
    """A meeting material or a summary file, per language, as an upload or a link.

    Files are served only through a view: materials with the consultation, summary
    documents once the summary is published.
    """

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="documents", verbose_name=_("consultation")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices, default=DocumentKind.SUMMARY)
    title = models.CharField(_("title"), max_length=200)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    file = models.FileField(_("file"), upload_to=_summary_path, storage=private_storage, blank=True)
    link = models.URLField(_("link"), blank=True)
    content_type = models.CharField(max_length=120, editable=False)
    original_name = models.CharField(max_length=200, editable=False)
    added_at = models.DateTimeField(_("added on"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.CheckConstraint(condition=~models.Q(file="") | ~models.Q(link=""), name="document_has_file_or_link")
        ]

    def __str__(self) -> str:
        return self.title


class Follow(models.Model):
    """A person who wants reminders of a consultation's deadlines before registering."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consultation_follows")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("follower")
        verbose_name_plural = _("followers")
        constraints = [models.UniqueConstraint(fields=["consultation", "user"], name="one_follow_per_person")]

    def __str__(self) -> str:
        return f"{self.user} → {self.consultation}"


def _input_path(instance, filename: str) -> str:
    return f"inputs/{instance.call_id}/{uuid.uuid4().hex}"


class InputCall(models.Model):
    """A call for voluntary written inputs to one region's review (004: "Member States and stakeholders are
    invited to submit voluntary inputs … by 30 October 2020 … posted on the regional landing page")."""

    region = models.ForeignKey(
        "reviews.Region", on_delete=models.PROTECT, related_name="input_calls", verbose_name=_("region")
    )
    cycle = models.ForeignKey(
        "reviews.ReviewCycle", on_delete=models.PROTECT, related_name="input_calls", verbose_name=_("review cycle")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=10_000)
    deadline = models.DateTimeField(_("deadline"))
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text=_("For example Europe/Zurich."),
    )
    published = models.BooleanField(_("published"), default=False)

    class Meta:
        ordering = ["-deadline", "pk"]
        verbose_name = _("call for written inputs")
        verbose_name_plural = _("calls for written inputs")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("consultations:inputs", kwargs={"pk": self.pk})

    def is_open(self, now=None) -> bool:
        return self.published and (now or timezone.now()) < self.deadline


class WrittenInput(models.Model):
    """One document sent to a call, with a short summary; listed on the region's page once screened."""

    call = models.ForeignKey(InputCall, on_delete=models.CASCADE, related_name="inputs", verbose_name=_("call"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="written_inputs", verbose_name=_("sent by")
    )
    submitted_as = models.CharField(_("from"), max_length=16, choices=InputAuthor.choices)
    # The constituency at the time of sending (a Member State's is "member_state"): the list filters by it.
    constituency = models.CharField(_("constituency"), max_length=32, db_index=True)
    organisation = models.CharField(
        _("on behalf of"), max_length=200, help_text=_("The organisation, network or government the input is from.")
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("short summary"), max_length=2_000)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, db_index=True)
    file = models.FileField(_("document"), upload_to=_input_path, storage=private_storage)
    content_type = models.CharField(max_length=120, editable=False)
    original_name = models.CharField(max_length=200, editable=False)
    status = models.CharField(
        _("status"), max_length=16, choices=InputStatus.choices, default=InputStatus.SUBMITTED, db_index=True
    )
    submitted_at = models.DateTimeField(_("received on"), default=timezone.now)
    decision_note = models.CharField(_("reason"), max_length=500, blank=True)
    decided_by = decider_field()
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("written input")
        verbose_name_plural = _("written inputs")
        constraints = [models.UniqueConstraint(fields=["call", "author"], name="one_written_input_per_call")]
        indexes = [models.Index(fields=["call", "status", "submitted_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def constituency_label(self) -> str:
        return str(dict(Constituency.choices).get(self.constituency, self.constituency))


class PendingInput(WrittenInput):
    """The screening queue of written inputs (admin only)."""

    class Meta:
        proxy = True
        verbose_name = _("written input to screen")
        verbose_name_plural = _("written inputs to screen")


class RapporteurReport(models.Model):
    """The outcome report of a consultation, written in the portal by its rapporteur (004).

    Written in any of the six languages (each a translated field); readers get their language where the
    rapporteur wrote it, else the language it was first written in. Public once published.
    """

    consultation = models.OneToOneField(
        Consultation, on_delete=models.CASCADE, related_name="report", verbose_name=_("consultation")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="rapporteur_reports",
        verbose_name=_("rapporteur"),
    )
    original_language = models.CharField(_("written in"), max_length=8, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=200, blank=True)
    text = models.TextField(
        _("report"),
        blank=True,
        max_length=50_000,
        help_text=_("Plain text; an empty line starts a new paragraph."),
    )
    status = models.CharField(_("status"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    revision = models.PositiveIntegerField(_("version"), default=1, editable=False)
    updated_at = models.DateTimeField(_("updated on"), default=timezone.now)
    published_at = models.DateTimeField(_("published on"), null=True, blank=True)
    # Taken back to draft by the organisers: the rapporteur publishes it again only once they release it.
    held_by_organisers = models.BooleanField(_("held by the organisers"), default=False)

    class Meta:
        verbose_name = _("rapporteur's report")
        verbose_name_plural = _("rapporteurs' reports")

    def __str__(self) -> str:
        return str(self.consultation)

    def get_absolute_url(self) -> str:
        return reverse("consultations:report", kwargs={"pk": self.consultation_id})


class FeedbackResponse(models.Model):
    """One anonymous answer to a meeting's feedback form (000: "subject to feedback … on the organizational
    aspects").

    Tied to no person: a random key, the day only, and no link to who answered (FeedbackGiven records that
    someone answered, so nobody answers twice, without saying what).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="feedback", verbose_name=_("meeting")
    )
    submitted_on = models.DateField(_("answered on"))
    overall = models.PositiveSmallIntegerField(_("The meeting as a whole"), choices=Rating.choices)
    information = models.PositiveSmallIntegerField(
        _("Information and materials before the meeting"), choices=Rating.choices, null=True, blank=True
    )
    access = models.PositiveSmallIntegerField(
        _("Registration and access (venue or online platform)"), choices=Rating.choices, null=True, blank=True
    )
    interpretation = models.PositiveSmallIntegerField(
        _("Interpretation"), choices=Rating.choices, null=True, blank=True
    )
    speaking_time = models.PositiveSmallIntegerField(
        _("Time for stakeholders to speak"), choices=Rating.choices, null=True, blank=True
    )
    comment = models.TextField(_("What should change next time?"), blank=True, max_length=2_000)

    class Meta:
        ordering = ["id"]
        verbose_name = _("feedback answer")
        verbose_name_plural = _("feedback answers")

    def __str__(self) -> str:
        return str(self.consultation)


class FeedbackGiven(models.Model):
    """That a person answered a meeting's feedback form: nothing of what they answered."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feedback_given")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["consultation", "user"], name="one_feedback_per_person")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.consultation_id}"


class CheckIn(models.Model):
    """That a registered person attended: in the room or online. One per registration: two staff scanning the
    same person at the same moment record one check-in (the database refuses the second)."""

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="check_in", verbose_name=_("registration")
    )
    attended = models.CharField(_("attended"), max_length=20, choices=Attendance.choices)
    way = models.CharField(_("recorded"), max_length=20, choices=CheckInWay.choices)
    at = models.DateTimeField(_("checked in on"), default=timezone.now)
    # From the platform's report: minutes in the online meeting, when it says.
    minutes = models.PositiveIntegerField(_("minutes online"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")

    def __str__(self) -> str:
        return f"{self.registration_id}: {self.attended}"


class UnmatchedAttendee(models.Model):
    """A row of a meeting platform's participant report that matched nobody registered, for staff to resolve
    (match it to a registration, or dismiss it). Deleted once resolved, and with the passport data after the
    meeting: it may be anyone's name and address."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="unmatched_attendees", verbose_name=_("meeting")
    )
    name = models.CharField(_("name in the report"), max_length=200, blank=True)
    email = models.CharField(_("e-mail in the report"), max_length=254, blank=True)
    minutes = models.PositiveIntegerField(_("minutes online"), default=0)
    imported_at = models.DateTimeField(_("imported on"), default=timezone.now)

    class Meta:
        ordering = ["name", "email", "pk"]
        verbose_name = _("unmatched attendee")
        verbose_name_plural = _("unmatched attendees")
        constraints = [
            models.UniqueConstraint(fields=["consultation", "email", "name"], name="one_unmatched_row_per_person")
        ]

    def __str__(self) -> str:
        return self.name or self.email


def _serial() -> str:
    return secrets.token_urlsafe(12)


class Certificate(models.Model):
    """A certificate of attendance: issued once a person attended, verifiable by anyone through a signed link,
    revocable by the secretariat. It shows the name as it was when issued, and nothing else personal."""

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="certificate", verbose_name=_("registration")
    )
    serial = models.CharField(_("number"), max_length=32, unique=True, default=_serial, editable=False)
    name = models.CharField(_("name shown"), max_length=200)
    issued_at = models.DateTimeField(_("issued on"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked on"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoke_reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        ordering = ["issued_at", "pk"]
        verbose_name = _("certificate of attendance")
        verbose_name_plural = _("certificates of attendance")

    def __str__(self) -> str:
        return self.serial


class InvitationLetter(models.Model):
    """A request for a visa invitation letter (the least a visa office needs), and the letter once the
    secretariat approved it. The passport details are the secretariat's and the requester's alone, never
    exported, and erased a set time after the meeting (settings.INVITATION_LETTER_RETENTION_DAYS)."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="letters", verbose_name=_("registration")
    )
    passport_name = models.CharField(
        _("name as in the passport"), max_length=200, blank=True, help_text=_("Exactly as printed in the passport.")
    )
    nationality = CountryField(_("nationality"), blank=True)
    passport_number = models.CharField(_("passport number"), max_length=20, blank=True)
    passport_expiry = models.DateField(_("passport valid until"), null=True, blank=True)
    stay_from = models.DateField(_("arriving on"))
    stay_to = models.DateField(_("leaving on"))
    language = models.CharField(_("language of the letter"), max_length=8, choices=settings.LANGUAGES, default="en")
    status = models.CharField(
        _("status"), max_length=20, choices=LetterStatus.choices, default=LetterStatus.REQUESTED, db_index=True
    )
    revision = models.PositiveIntegerField(_("version"), default=1, editable=False)
    requested_at = models.DateTimeField(_("requested on"), default=timezone.now)
    decided_by = decider_field()
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)
    decision_note = models.CharField(_("reason"), max_length=500, blank=True)
    serial = models.CharField(_("number"), max_length=32, unique=True, default=_serial, editable=False)
    erased_at = models.DateTimeField(_("passport details erased on"), null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]
        verbose_name = _("visa invitation letter")
        verbose_name_plural = _("visa invitation letters")
        constraints = [
            models.UniqueConstraint(
                fields=["registration"],
                condition=models.Q(status__in=LETTER_OPEN),
                name="one_open_letter_per_registration",
            ),
            models.CheckConstraint(condition=models.Q(stay_to__gte=models.F("stay_from")), name="letter_stay_ordered"),
        ]

    def __str__(self) -> str:
        return self.serial


def _feed_token() -> str:
    return secrets.token_urlsafe(24)


class PersonalFeed(models.Model):
    """A person's private calendar feed: the secret in its link, replaced (and the old link dead) on request."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed", verbose_name=_("person")
    )
    token = models.CharField(max_length=64, unique=True, default=_feed_token, editable=False)
    created_at = models.DateTimeField(_("link made on"), default=timezone.now)

    class Meta:
        verbose_name = _("private calendar feed")
        verbose_name_plural = _("private calendar feeds")

    def __str__(self) -> str:
        return str(self.user_id)
