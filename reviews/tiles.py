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


def build_rules(*, region, cycle, user) -> dict:
    results = rules.check(_events(region, cycle).select_related("region"))
    for result in results:
        result.next_step = (
            NEXT_STEPS.get(result.rule.code)
            if result.status == RuleStatus.BROKEN
            else UNKNOWN_STEP
            if result.status == RuleStatus.UNKNOWN
            else ""
        )
    today = timezone.localdate()
    coming = _events(region, cycle).filter(start_latest__gte=today, start_earliest__lte=today + DEADLINE_WINDOW)
    return {
        "results": results,
        "broken": sum(1 for r in results if r.status == RuleStatus.BROKEN),
        "deadlines": [(event.start_earliest, str(event), event.get_absolute_url()) for event in coming],
    }


register(Tile("rules", 10, "reviews/tiles/rules.html", build_rules))
