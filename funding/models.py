from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from consultations.models import validate_time_zone
from funding.enums import SelfIdentification, State
from portal.integrity import organisation_key

# An amount above this is a typing mistake, not a travel grant.
MAX_AMOUNT = Decimal("100000")


def amount_field(label, **kwargs):
    return models.DecimalField(
        label,
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_AMOUNT)],
        **kwargs,
    )


class Call(models.Model):
    """A call for travel funding from the Migration MPTF, for one review cycle (001)."""

    cycle = models.ForeignKey(
        "reviews.ReviewCycle", on_delete=models.PROTECT, related_name="funding_calls", verbose_name=_("review cycle")
    )
    consultations = models.ManyToManyField(
        "consultations.Consultation",
        blank=True,
        related_name="funding_calls",
        verbose_name=_("consultations"),
        help_text=_("The events the funding is for. Empty: the applicant names the consultation."),
    )
    title = models.CharField(_("title"), max_length=200)
    eligibility = models.TextField(_("eligibility"), blank=True, max_length=10_000)
    criteria = models.TextField(_("criteria"), blank=True, max_length=10_000)
    budget = models.DecimalField(
        _("budget (USD)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text=_("Deadlines are stated in this time zone, for example America/Santiago."),
    )
    published = models.BooleanField(_("published"), default=False)

    class Meta:
        ordering = ["-closes_at", "pk"]
        verbose_name = _("funding call")
        verbose_name_plural = _("funding calls")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="call_closes_after_opening"
            ),
            models.CheckConstraint(condition=models.Q(budget__gte=0), name="call_budget_not_negative"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("funding:call", kwargs={"pk": self.pk})

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.published and self.opens_at <= now < self.closes_at


def requested_total(*costs: Decimal | None) -> Decimal:
    """What an application asks for: its travel, accommodation and daily allowance, a blank one counting nothing."""
    return sum((cost or Decimal("0") for cost in costs), Decimal("0"))


class Application(models.Model):
    """A request for travel funding to attend one consultation."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applications", verbose_name=_("call"))
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="funding_applications",
        verbose_name=_("applicant"),
    )
    consultation = models.ForeignKey(
        "consultations.Consultation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funding_applications",
        verbose_name=_("consultation"),
    )
    travelling_from = CountryField(_("travelling from"), blank=True)
    travel_cost = amount_field(_("travel (USD)"), null=True, blank=True)
    accommodation_cost = amount_field(_("accommodation (USD)"), null=True, blank=True)
    daily_allowance = amount_field(_("daily allowance (USD)"), null=True, blank=True)
    # The language the applicant wrote in: a reviewer who reads another may ask for a machine translation.
    language = models.CharField(_("language of your answers"), max_length=8, choices=settings.LANGUAGES, default="en")
    justification = models.TextField(_("why you should take part"), blank=True, max_length=5_000)
    representation = models.TextField(_("how your participation adds to representation"), blank=True, max_length=5_000)
    self_identification = models.JSONField(_("self-identification"), default=list, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT, db_index=True)
    recommended_amount = amount_field(_("recommended amount (USD)"), null=True, blank=True)
    approved_amount = amount_field(_("approved amount (USD)"), null=True, blank=True)
    # 001: the Chair decides "based on recommendations from the Network Executive Committee". Deciding against
    # them takes a written reason, for the committee (funding.services.application_decide); blank otherwise.
    reason_against_recommendation = models.TextField(
        _("the Chair's reason for deciding against the recommendation"), blank=True, max_length=2_000
    )
    created_at = models.DateTimeField(_("created on"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted on"), null=True, blank=True)
    notified_at = models.DateTimeField(_("applicant notified on"), null=True, blank=True)
    # One more at every change a reviewer could see (contents, state, recommendations): a decision names
    # the revision its decider was shown and is refused if the application moved on since.
    revision = models.PositiveIntegerField(_("revision"), default=1, editable=False)

    class Meta:
        ordering = ["submitted_at", "pk"]
        verbose_name = _("funding application")
        verbose_name_plural = _("funding applications")
        constraints = [
            models.UniqueConstraint(fields=["call", "applicant"], name="one_application_per_call"),
            models.CheckConstraint(
                condition=models.Q(approved_amount__isnull=True) | models.Q(state=State.APPROVED),
                name="approved_amount_only_when_approved",
            ),
        ]
        indexes = [models.Index(fields=["call", "state"])]

    def __str__(self) -> str:
        return f"{self.call}: {self.applicant}"

    def get_absolute_url(self) -> str:
        return reverse("funding:application", kwargs={"pk": self.pk})

    @property
    def requested_amount(self) -> Decimal:
        return requested_total(self.travel_cost, self.accommodation_cost, self.daily_allowance)

    @property
    def identifies_as(self) -> list[str]:
        labels = dict(SelfIdentification.choices)
        return [str(labels[v]) for v in self.self_identification if v in labels]


class Transition(models.Model):
    """Every change of state: who, when, from which state to which, why, with which amount."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="transitions")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    # Blank on an application's first step, which comes from no state.
    source = models.CharField(_("from"), max_length=20, choices=State.choices, blank=True)
    target = models.CharField(_("to"), max_length=20, choices=State.choices)
    reason = models.TextField(_("reason"), blank=True, max_length=2_000)
    amount = amount_field(_("amount (USD)"), null=True, blank=True)
    created_at = models.DateTimeField(_("on"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("state change")
        verbose_name_plural = _("state changes")

    def __str__(self) -> str:
        return f"{self.source} → {self.target}"


class Recommendation(models.Model):
    """One Executive Committee member's recommendation on one application."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="recommendations")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    recommend = models.BooleanField(_("recommend"))
    amount = amount_field(_("amount (USD)"), null=True, blank=True)
    comment = models.TextField(_("comment"), max_length=2_000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        constraints = [models.UniqueConstraint(fields=["application", "member"], name="one_recommendation_per_member")]

    def __str__(self) -> str:
        return f"{self.member}: {self.recommend}"


class Conflict(models.Model):
    """A committee member's declared conflict of interest with an application or an organisation."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="funding_conflicts", verbose_name=_("member")
    )
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, null=True, blank=True, related_name="conflicts"
    )
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    organisation_key = models.CharField(max_length=200, blank=True, editable=False, db_index=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(application__isnull=False) | ~models.Q(organisation=""),
                name="conflict_names_application_or_organisation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.application or self.organisation}"

    def save(self, *args, **kwargs):

        self.organisation_key = organisation_key(self.organisation)
        super().save(*args, **kwargs)


class ExportLog(models.Model):
    """Who exported the applications of which call, when, in which format, how many rows."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="exports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    file_format = models.CharField(max_length=8)
    rows = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self) -> str:
        return f"{self.call} {self.file_format} {self.created_at:%Y-%m-%d %H:%M}"
