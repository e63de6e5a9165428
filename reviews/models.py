from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from portal.m49 import SUBREGIONS, subregion_for_country
from reviews.dates import StatedDate
from reviews.enums import DateField, EventKind, Modality
from reviews.fields import StatedDateField


def validate_subregions(value: str) -> None:
    unknown = [code for code in value.split(",") if code and code not in SUBREGIONS]
    if unknown:
        raise ValidationError(_("Unknown sub-region codes: %(codes)s.") % {"codes": ", ".join(unknown)})


class Region(models.Model):
    """One of the five UN regions, with its Regional Economic Commission and regional Network contact."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    commission = models.CharField(_("Regional Economic Commission"), max_length=200)
    commission_acronym = models.CharField(_("acronym"), max_length=60)
    contact_email = models.EmailField(_("regional Network contact"), blank=True)
    landing_page = models.URLField(_("Regional Review page"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    countries = CountryField(_("member countries"), multiple=True, blank=True)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("reviews:region", kwargs={"code": self.code})


class ReviewCycle(models.Model):
    """One round of Regional Reviews, every four years, and the IMRF it feeds."""

    code = models.SlugField(_("code"), max_length=20, unique=True, help_text=_("For example 2024-2025."))
    name = models.CharField(_("name"), max_length=120)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    imrf_year = models.PositiveSmallIntegerField(
        _("IMRF year"), help_text=_("The International Migration Review Forum it feeds.")
    )

    class Meta:
        ordering = ["-start_year"]
        verbose_name = _("review cycle")
        verbose_name_plural = _("review cycles")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")), name="cycle_years_in_order"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Source(models.Model):
    """A document that states dates: a roadmap, a guide, a concept note."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=300)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    as_of = models.DateField(
        _("as of"), null=True, blank=True, help_text=_("The date the document gives for its information.")
    )
    as_of_note = models.CharField(_("note on the date"), max_length=200, blank=True)
    sequence = models.PositiveSmallIntegerField(
        _("order of publication"), default=0, help_text=_("Higher is newer; used when a document is undated.")
    )
    url = models.URLField(_("link"), blank=True)

    class Meta:
        ordering = ["-sequence"]
        verbose_name = _("source document")
        verbose_name_plural = _("source documents")

    def __str__(self) -> str:
        return self.title


class Event(models.Model):
    """A dated step of a review cycle: a consultation, a meeting, a discussion-space phase, a deadline."""

    key = models.SlugField(_("key"), max_length=120, unique=True, editable=False)
    cycle = models.ForeignKey(ReviewCycle, on_delete=models.PROTECT, related_name="events", verbose_name=_("cycle"))
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="events",
        null=True,
        blank=True,
        verbose_name=_("region"),
        help_text=_("Empty for global events."),
    )
    kind = models.CharField(_("kind"), max_length=40, choices=EventKind.choices)
    # 000: pre-consultations may be "regional or sub-regional": the M49 sub-regions a meeting gathers.
    subregions = models.CharField(
        _("sub-regions"),
        max_length=80,
        blank=True,
        validators=[validate_subregions],
        help_text=_("For a sub-regional meeting: the sub-regions it gathers."),
    )
    title = models.CharField(
        _("title"), max_length=200, blank=True, help_text=_("Leave empty to use the kind and the region.")
    )
    description = models.TextField(_("description"), blank=True, max_length=5_000)
    place = models.CharField(_("place"), max_length=200, blank=True)
    modality = models.CharField(_("modality"), max_length=20, choices=Modality.choices, blank=True)
    link = models.URLField(_("link"), blank=True)

    start = StatedDateField(
        _("date"),
        help_text=_(
            "As stated: “11 March 2024”, “8 or 11 March 2024”, “week of 3 November 2024”, “March 2024”, "
            "“late 2024”, “2025”."
        ),
    )
    start_tentative = models.BooleanField(_("to be confirmed"), default=False)
    start_earliest = models.DateField(_("earliest possible day"), editable=False, db_index=True)
    start_latest = models.DateField(_("latest possible day"), editable=False)
    end = StatedDateField(_("until"), blank=True, null=True, help_text=_("For events that last several days or weeks."))
    end_earliest = models.DateField(editable=False, null=True)
    end_latest = models.DateField(editable=False, null=True)

    class Meta:
        ordering = ["start_earliest", "start_latest", "pk"]
        verbose_name = _("calendar event")
        verbose_name_plural = _("calendar events")
        indexes = [models.Index(fields=["region", "cycle", "kind"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start_latest__gte=models.F("start_earliest")), name="event_start_bounds_in_order"
            ),
            models.CheckConstraint(
                condition=models.Q(end_earliest__isnull=True) | models.Q(end_latest__gte=models.F("start_earliest")),
                name="event_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def save(self, *args, **kwargs):
        self.start_earliest, self.start_latest = self.start.earliest, self.start.latest
        if self.end:
            self.end_earliest, self.end_latest = self.end.earliest, self.end.latest
        else:
            self.end_earliest = self.end_latest = None
        if not self.key:
            self.key = slugify(f"{self.cycle.code}-{self.region.code if self.region_id else 'global'}-{self.kind}")[
                :100
            ]
            base, n = self.key, 2
            taken = set(Event.objects.filter(key__startswith=base).values_list("key", flat=True))  # one query
            while self.key in taken:
                self.key, n = f"{base}-{n}", n + 1
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("reviews:event", kwargs={"pk": self.pk})

    def clean(self):
        super().clean()
        codes = self.subregion_codes
        if not codes:
            return
        if self.region_id is None:
            raise ValidationError({"subregions": _("A sub-regional meeting belongs to a region: choose the region.")})
        members = {subregion_for_country(str(getattr(c, "code", c))) for c in self.region.countries}
        outside = [SUBREGIONS[code] for code in codes if members and code not in members]
        if outside:
            raise ValidationError(
                {
                    "subregions": _("No country of %(region)s is in: %(names)s.")
                    % {"region": self.region.name, "names": ", ".join(str(name) for name in outside)}
                }
            )

    @property
    def subregion_codes(self) -> list[str]:
        return [code for code in self.subregions.split(",") if code]

    @property
    def subregion_names(self) -> str:
        return ", ".join(str(SUBREGIONS[code]) for code in self.subregion_codes if code in SUBREGIONS)

    @property
    def label(self) -> str:
        base = self.title or self.get_kind_display()
        if self.subregions and not self.title:
            return f"{base}: {self.subregion_names}"
        if self.region_id and not self.title:
            return f"{base}: {self.region.name}"
        return str(base)

    @property
    def is_exact(self) -> bool:
        return self.start.is_exact and not self.start_tentative and (self.end is None or self.end.is_exact)

    @property
    def earliest(self):
        return self.start_earliest

    @property
    def latest(self):
        return self.end_latest or self.start_latest


class DateStatement(models.Model):
    """What one source says about one date of an event, in its own words."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="statements", verbose_name=_("event"))
    which = models.CharField(_("which date"), max_length=8, choices=DateField.choices, default=DateField.START)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="statements", verbose_name=_("source"))
    wording = models.CharField(_("wording in the source"), max_length=300)
    value = StatedDateField(_("date"))
    tentative = models.BooleanField(_("to be confirmed"), default=False)
    earliest = models.DateField(editable=False)
    latest = models.DateField(editable=False)

    class Meta:
        ordering = ["-source__sequence", "pk"]
        verbose_name = _("date as stated by a source")
        verbose_name_plural = _("dates as stated by sources")
        constraints = [
            models.UniqueConstraint(fields=["event", "which", "source"], name="one_statement_per_source_and_date")
        ]

    def __str__(self) -> str:
        return f"{self.source.code}: {self.wording}"

    def save(self, *args, **kwargs):
        self.earliest, self.latest = self.value.earliest, self.value.latest
        super().save(*args, **kwargs)


class DateChange(models.Model):
    """The history of an event's dates: every change made through the portal."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="date_changes", verbose_name=_("event"))
    which = models.CharField(_("which date"), max_length=8, choices=DateField.choices)
    old_value = models.CharField(_("old value"), max_length=120, blank=True)
    new_value = models.CharField(_("new value"), max_length=120, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("changed by")
    )
    changed_at = models.DateTimeField(_("changed on"), auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("date change")
        verbose_name_plural = _("date changes")

    def __str__(self) -> str:
        return f"{self.old_value} → {self.new_value}"

    @staticmethod
    def describe(value: StatedDate | None, tentative: bool) -> str:
        if value is None:
            return ""
        return value.canonical() + (" (TBD)" if tentative else "")
