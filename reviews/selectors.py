"""Reads of the calendar, with their joins in place so a page's queries do not grow with its rows."""

from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone, translation

from portal.cache import by_data
from reviews import rules
from reviews.enums import EventKind
from reviews.models import DateStatement, Event, Region, ReviewCycle


def events() -> QuerySet[Event]:
    return Event.objects.select_related("region", "cycle").prefetch_related(
        Prefetch("statements", queryset=DateStatement.objects.select_related("source"))
    )


def upcoming_events(*, today: date | None = None, limit: int = 5, region: Region | None = None) -> list[Event]:
    """The next events whose date is not yet past (an imprecise date counts until its latest possible day)."""
    today = today or timezone.localdate()
    queryset = events().filter(start_latest__gte=today)
    if region is not None:
        queryset = queryset.filter(Q(region=region) | Q(region__isnull=True))
    return list(queryset[:limit])


def region_and_cycle(*, code: str, cycle: str) -> tuple[Region, ReviewCycle] | None:
    """The region and the review cycle of these codes with what the pages read of them (codes and names, in every
    language), or None when either code names none. Kept until any row changes (portal.cache.by_data): the same
    for everyone; who may open what is checked on every request."""

    def read() -> tuple[Region, ReviewCycle] | None:
        region = Region.objects.only("code", "name").filter(code=code).first()
        review_cycle = ReviewCycle.objects.only("code", "name").filter(code=cycle).first()
        return (region, review_cycle) if region and review_cycle else None

    # Codes that name nothing are not kept (by_data keeps no None): they are looked up again at each request.
    return by_data(f"reviews:region-cycle:{code}:{cycle}", read)


def current_cycle() -> ReviewCycle | None:
    return ReviewCycle.objects.order_by("-start_year").first()


def conflicts(event: Event) -> dict[str, list[DateStatement]]:
    """Statements of the same date that cannot all be true (their possible days do not overlap)."""
    found: dict[str, list[DateStatement]] = {}
    statements = list(event.statements.all())
    for which in {s.which for s in statements}:
        group = [s for s in statements if s.which == which]
        if any(a.value and b.value and not a.value.overlaps(b.value) for a in group for b in group if a is not b):
            found[which] = group
    return found


# Global events that count for every region: the discussion spaces are launched together.
SHARED_KINDS = [EventKind.DISCUSSION_SPACE_OPENING]


def rule_results(*, region: Region, cycle: ReviewCycle) -> list[rules.RuleResult]:
    return rules.check(
        Event.objects.filter(Q(region=region) | Q(region__isnull=True, kind__in=SHARED_KINDS), cycle=cycle)
    )


def rule_overview(*, cycle: ReviewCycle) -> list[tuple[Region, list[rules.RuleResult]]]:
    """Each region with its rule results for ``cycle``, in two queries."""
    regions = list(Region.objects.order_by("position"))
    by_region: dict[int, list[Event]] = {}
    shared: list[Event] = []
    for event in Event.objects.filter(Q(region__isnull=False) | Q(kind__in=SHARED_KINDS), cycle=cycle):
        if event.region_id is None:
            shared.append(event)
        else:
            by_region.setdefault(event.region_id, []).append(event)
    return [(region, rules.check(by_region.get(region.pk, []) + shared)) for region in regions]


FOOTER_CACHE_SECONDS = 300


def regions_for_contacts() -> list[Region]:
    """The five regions with their contact details, in display order."""
    return list(Region.objects.order_by("position"))


def footer_regions() -> list[dict]:
    """Region names and contact addresses for the footer, cached per language."""
    key = f"portal:footer-regions:{translation.get_language()}"
    regions = cache.get(key)
    if regions is None:
        regions = [
            {"name": r.name, "email": r.contact_email, "url": r.get_absolute_url()} for r in regions_for_contacts()
        ]
        cache.set(key, regions, FOOTER_CACHE_SECONDS)
    return regions


def forget_footer_regions() -> None:
    cache.delete_many([f"portal:footer-regions:{code}" for code, _name in settings.LANGUAGES])
