"""The calendar's part of the review's workspace: the planning rules with what to do next, and the
events of the coming four weeks (reviews.workspace)."""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reviews import rules
from reviews.enums import RuleStatus
from reviews.models import Event
from reviews.selectors import SHARED_KINDS
from reviews.workspace import DEADLINE_WINDOW, Tile, register

# What the region's team does when a rule is broken: the rule of the documents, put as a step to take.
NEXT_STEPS = {
    "pre_consultation_12_weeks": _(
        "Hold the pre-consultation earlier: at least 12 weeks before the Regional Review, so its outcomes can feed "
        "the preparations."
    ),
    "discussion_space_8_weeks": _("Open the discussion space earlier: at least 8 weeks before the Regional Review."),
    "phase_1_4_weeks": _("Give phase 1 of the discussion space four weeks: move its start or its end."),
    "summary_2_weeks": _("Set the summary's due date at least 2 weeks before the Regional Review."),
    "consultation_not_after_review": _("Hold the multi-stakeholder consultation before the Regional Review."),
}
UNKNOWN_STEP = _(
    "Put the events this rule compares in the calendar, with dates precise enough to tell (the reason says which)."
)


def _events(region, cycle):
    return Event.objects.filter(Q(region=region) | Q(region__isnull=True, kind__in=SHARED_KINDS), cycle=cycle)


# What the rules and the names of the events read: not their descriptions, places or links.
EVENT_FIELDS = (
    "region_id",
    "kind",
    "title",
    "subregions",
    "start",
    "start_earliest",
    "start_latest",
    "end",
    "end_earliest",
    "end_latest",
)


def _next_step(result: rules.RuleResult) -> str:
    if result.status == RuleStatus.BROKEN:
        return str(NEXT_STEPS.get(result.rule.code, ""))
    if result.status == RuleStatus.UNKNOWN:
        return str(UNKNOWN_STEP)
    return ""


def keep_rules(*, region, cycle, today=None) -> tuple[list[dict], list[tuple]]:
    """The rules checked on the region's calendar, each with what to do next, and its events as (earliest day,
    latest day, name, link), in one query: the same for everyone who opens the dashboard, written out in the
    active language."""
    events = list(_events(region, cycle).only(*EVENT_FIELDS))
    for event in events:
        if event.region_id is not None:
            event.region = region  # the dashboard's own, whose name names an untitled event
    results = [
        {
            "title": str(result.rule.title),
            "status": result.status,
            "status_label": str(result.status_label),
            "reason": result.reason,
            "next_step": _next_step(result),
        }
        for result in rules.check(events)
    ]
    return results, [(e.start_earliest, e.start_latest, str(e), e.get_absolute_url()) for e in events]


def build_rules(*, region, cycle, user, kept=None) -> dict:
    results, events = kept if kept is not None else keep_rules(region=region, cycle=cycle)
    # The four weeks ahead are counted from today on every request.
    today = timezone.localdate()
    return {
        "results": results,
        "broken": sum(1 for result in results if result["status"] == RuleStatus.BROKEN),
        "deadlines": [
            (earliest, name, link)
            for earliest, latest, name, link in events
            if latest >= today and earliest <= today + DEADLINE_WINDOW
        ],
    }


register(Tile("rules", 10, "reviews/tiles/rules.html", build_rules, keep=keep_rules))
