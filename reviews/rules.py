"""The engagement rules of the planning documents, checked on the calendar.

Every date is an interval of possible days (earliest, latest). A rule "A at
least N days before B" is *met* when even the closest possible pair of days
keeps the distance, *broken* when even the farthest pair does not, and
*cannot tell yet* otherwise, with the reason naming the imprecise dates.

The rules (001 and 002): a stakeholder pre-consultation at least 12 weeks
before the Regional Review; the discussion space open at least 8 weeks before
it; its first phase lasting (at least) four weeks; the summary of the
discussion shared at least two weeks before the review; the multi-stakeholder
consultation not after the review. Their numbers are defined once, in
:mod:`reviews.planning`, which the reminders read too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from reviews import planning
from reviews.enums import EventKind, Precision, RuleStatus


@dataclass
class Rule:
    code: str
    title: str
    first: tuple[str, ...]
    second: tuple[str, ...]
    # Read from reviews.planning, where each rule of the documents is defined once.
    min_days: int
    # "gap": from the first event's start to the second's start; "duration": start to end of one event.
    measure: str = "gap"


def rules() -> list[Rule]:
    return [
        Rule(
            "pre_consultation_12_weeks",
            _("Pre-consultation at least 12 weeks before the Regional Review"),
            (EventKind.PRE_CONSULTATION,),
            (EventKind.REGIONAL_REVIEW,),
            planning.PRE_CONSULTATION_BEFORE_REVIEW.days,
        ),
        Rule(
            "discussion_space_8_weeks",
            _("Discussion space open at least 8 weeks before the Regional Review"),
            (EventKind.DISCUSSION_SPACE_OPENING, EventKind.DISCUSSION_PHASE_1),
            (EventKind.REGIONAL_REVIEW,),
            planning.DISCUSSION_SPACE_BEFORE_REVIEW.days,
        ),
        Rule(
            "phase_1_4_weeks",
            _("Phase 1 of the discussion space lasts four weeks"),
            (EventKind.DISCUSSION_PHASE_1,),
            (),
            planning.PHASE_1_DURATION.days,
            measure="duration",
        ),
        Rule(
            "summary_2_weeks",
            _("Summary of the discussion space shared at least 2 weeks before the Regional Review"),
            (EventKind.SUMMARY_DUE,),
            (EventKind.REGIONAL_REVIEW,),
            planning.SUMMARY_BEFORE_REVIEW.days,
        ),
        Rule(
            "consultation_not_after_review",
            _("Multi-stakeholder consultation not after the Regional Review"),
            (EventKind.MULTI_STAKEHOLDER_CONSULTATION,),
            (EventKind.REGIONAL_REVIEW,),
            0,
        ),
    ]


@dataclass
class RuleResult:
    rule: Rule
    status: str
    reasons: list[str] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return RuleStatus(self.status).label

    @property
    def reason(self) -> str:
        return " ".join(self.reasons)


def _precision_phrase(event, which: str = "start") -> str:
    value = event.start if which == "start" else event.end
    phrases = {
        Precision.DAYS: _("%(event)s is one of several days (%(date)s)"),
        Precision.WEEK: _("%(event)s is known only to the week (%(date)s)"),
        Precision.MONTH: _("%(event)s is known only to the month (%(date)s)"),
        Precision.PART: _("%(event)s is known only to part of the year (%(date)s)"),
        Precision.YEAR: _("%(event)s is known only to the year (%(date)s)"),
    }
    phrase = phrases.get(value.precision)
    return phrase % {"event": _name(event), "date": value.display()} if phrase else ""


def _name(event) -> str:
    return str(event.title or event.get_kind_display())


def _check_pair(rule: Rule, first, second) -> RuleResult:
    # Closest and farthest possible distances between the two days.
    closest = (second.start_earliest - first.start_latest).days
    farthest = (second.start_latest - first.start_earliest).days
    if closest >= rule.min_days:
        return RuleResult(rule, RuleStatus.MET)
    if farthest < rule.min_days:
        if rule.min_days:
            reason = _("%(first)s (%(first_date)s) is at most %(days)d days before %(second)s (%(second_date)s).")
        else:
            reason = _("%(first)s (%(first_date)s) comes after %(second)s (%(second_date)s).")
        return RuleResult(
            rule,
            RuleStatus.BROKEN,
            [
                reason
                % {
                    "first": _name(first),
                    "first_date": first.start.display(),
                    "second": _name(second),
                    "second_date": second.start.display(),
                    "days": farthest,
                }
            ],
        )
    reasons = [p for p in (_precision_phrase(first), _precision_phrase(second)) if p]
    return RuleResult(rule, RuleStatus.UNKNOWN, [_("Not decided yet: %(why)s.") % {"why": "; ".join(reasons)}])


def _check_duration(rule: Rule, event) -> RuleResult:
    if event.end is None:
        return RuleResult(
            rule,
            RuleStatus.UNKNOWN,
            [_("The end of %(event)s is not in the calendar yet.") % {"event": _name(event)}],
        )
    # Days counted inclusively: 18 January to 16 February is 30 days.
    shortest = (event.end_earliest - event.start_latest).days + 1
    longest = (event.end_latest - event.start_earliest).days + 1
    if shortest >= rule.min_days:
        return RuleResult(rule, RuleStatus.MET)
    if longest < rule.min_days:
        return RuleResult(
            rule,
            RuleStatus.BROKEN,
            [_("%(event)s lasts at most %(days)d days.") % {"event": _name(event), "days": longest}],
        )
    reasons = [p for p in (_precision_phrase(event), _precision_phrase(event, "end")) if p]
    return RuleResult(rule, RuleStatus.UNKNOWN, [_("Not decided yet: %(why)s.") % {"why": "; ".join(reasons)}])


def _combine(rule: Rule, results: list[RuleResult]) -> RuleResult:
    for status in (RuleStatus.BROKEN, RuleStatus.UNKNOWN):
        found = [r for r in results if r.status == status]
        if found:
            reasons = [reason for r in found for reason in r.reasons]
            return RuleResult(rule, status, list(dict.fromkeys(reasons)))
    return RuleResult(rule, RuleStatus.MET)


def check(events: Iterable) -> list[RuleResult]:
    """Check every rule on the events of one region in one cycle (with the cycle's global openings)."""
    events = list(events)
    by_kind: dict[str, list] = {}
    for event in events:
        by_kind.setdefault(event.kind, []).append(event)
    results = []
    for rule in rules():
        firsts = [e for kind in rule.first for e in by_kind.get(kind, [])]
        if rule.measure == "duration":
            if not firsts:
                results.append(
                    RuleResult(
                        rule,
                        RuleStatus.UNKNOWN,
                        [_("Nothing in the calendar yet for: %(kind)s.") % {"kind": EventKind(rule.first[0]).label}],
                    )
                )
                continue
            results.append(_combine(rule, [_check_duration(rule, e) for e in firsts]))
            continue
        seconds = [e for kind in rule.second for e in by_kind.get(kind, [])]
        missing = [
            EventKind(kind).label
            for kinds, found in ((rule.first, firsts), (rule.second, seconds))
            if not found
            for kind in kinds[:1]
        ]
        if missing:
            results.append(
                RuleResult(
                    rule,
                    RuleStatus.UNKNOWN,
                    [_("Nothing in the calendar yet for: %(kind)s.") % {"kind": str(k)} for k in missing],
                )
            )
            continue
        if rule.code == "discussion_space_8_weeks":
            # The region's own dates win over the global launch; the space is open from the earliest of them.
            firsts = [e for e in firsts if e.region_id] or firsts
            firsts = [min(firsts, key=lambda e: (e.start_earliest, e.start_latest))]
        results.append(_combine(rule, [_check_pair(rule, a, b) for a in firsts for b in seconds]))
    return results


def summary(results: list[RuleResult]) -> str:
    statuses = {r.status for r in results}
    if RuleStatus.BROKEN in statuses:
        return RuleStatus.BROKEN
    if RuleStatus.UNKNOWN in statuses:
        return RuleStatus.UNKNOWN
    return RuleStatus.MET
