import pytest

from reviews import rules
from reviews.dates import parse
from reviews.enums import EventKind
from reviews.models import Event
from reviews.seed_calendar import load_seed_calendar
from reviews.selectors import current_cycle, rule_overview


def event(kind, wording, end=None, region_id=1, title=""):
    start = parse(wording)[0]
    e = Event(kind=kind, start=start, end=parse(end)[0] if end else None, region_id=region_id, title=title)
    e.start_earliest, e.start_latest = start.earliest, start.latest
    if e.end:
        e.end_earliest, e.end_latest = e.end.earliest, e.end.latest
    return e


def statuses(events):
    return {r.rule.code: r.status for r in rules.check(events)}


def result(events, code):
    return next(r for r in rules.check(events) if r.rule.code == code)


def test_pre_consultation_twelve_weeks_met_broken_and_undecidable():
    review = event(EventKind.REGIONAL_REVIEW, "11 March 2024")

    met = result([event(EventKind.PRE_CONSULTATION, "8 November 2023"), review], "pre_consultation_12_weeks")
    broken = result([event(EventKind.PRE_CONSULTATION, "1 February 2024"), review], "pre_consultation_12_weeks")
    unknown = result([event(EventKind.PRE_CONSULTATION, "December 2023"), review], "pre_consultation_12_weeks")

    assert (met.status, broken.status, unknown.status) == ("met", "broken", "unknown")
    assert "at most 39 days" in broken.reason
    assert "known only to the month (December 2023)" in unknown.reason


def test_exactly_twelve_weeks_is_met():
    review = event(EventKind.REGIONAL_REVIEW, "11 March 2024")

    assert (
        result([event(EventKind.PRE_CONSULTATION, "18 December 2023"), review], "pre_consultation_12_weeks").status
        == "met"
    )
    assert (
        result([event(EventKind.PRE_CONSULTATION, "19 December 2023"), review], "pre_consultation_12_weeks").status
        == "broken"
    )


def test_asia_pacific_pre_consultations_before_a_march_2024_review_are_broken():
    # Made-up case from the seeds: both late-2024 pre-consultations against a review in March 2024.
    events = [
        event(EventKind.PRE_CONSULTATION, "late 2024", title="Pre-consultation for Asia"),
        event(EventKind.PRE_CONSULTATION, "late 2024", title="Pre-consultation for the Pacific"),
        event(EventKind.REGIONAL_REVIEW, "March 2024"),
    ]

    found = result(events, "pre_consultation_12_weeks")

    assert found.status == "broken"
    assert "Pre-consultation for Asia" in found.reason and "Pre-consultation for the Pacific" in found.reason


def test_one_broken_pre_consultation_breaks_the_rule_even_if_the_other_is_met():
    events = [
        event(EventKind.PRE_CONSULTATION, "1 October 2024"),
        event(EventKind.PRE_CONSULTATION, "15 December 2024"),
        event(EventKind.REGIONAL_REVIEW, "1 March 2025"),
    ]

    assert result(events, "pre_consultation_12_weeks").status == "broken"


def test_phase_one_lasting_four_weeks():
    assert (
        result([event(EventKind.DISCUSSION_PHASE_1, "18 January 2024", "16 February 2024")], "phase_1_4_weeks").status
        == "met"
    )
    assert (
        result([event(EventKind.DISCUSSION_PHASE_1, "18 January 2024", "1 February 2024")], "phase_1_4_weeks").status
        == "broken"
    )
    assert (
        result([event(EventKind.DISCUSSION_PHASE_1, "January 2024", "February 2024")], "phase_1_4_weeks").status
        == "unknown"
    )
    no_end = result([event(EventKind.DISCUSSION_PHASE_1, "18 January 2024")], "phase_1_4_weeks")
    assert no_end.status == "unknown"
    assert "end" in no_end.reason


def test_summary_two_weeks_and_consultation_not_after_review():
    review = event(EventKind.REGIONAL_REVIEW, "11 March 2024")
    events = [
        review,
        event(EventKind.SUMMARY_DUE, "1 March 2024"),
        event(EventKind.MULTI_STAKEHOLDER_CONSULTATION, "12 March 2024"),
    ]

    assert statuses(events)["summary_2_weeks"] == "broken"
    assert statuses(events)["consultation_not_after_review"] == "broken"
    assert (
        statuses([review, event(EventKind.MULTI_STAKEHOLDER_CONSULTATION, "8 or 11 March 2024")])[
            "consultation_not_after_review"
        ]
        == "met"
    )


def test_missing_review_cannot_be_told():
    found = result([event(EventKind.PRE_CONSULTATION, "8 November 2023")], "pre_consultation_12_weeks")

    assert found.status == "unknown"
    assert found.reason == "Nothing in the calendar yet for: Regional Review meeting."


@pytest.mark.django_db
def test_seeded_regions_rule_status():
    load_seed_calendar()

    overview = {
        region.code: {r.rule.code: r.status for r in results}
        for region, results in rule_overview(cycle=current_cycle())
    }

    assert overview["europe-north-america"] == {
        "pre_consultation_12_weeks": "met",
        "discussion_space_8_weeks": "broken",  # 18 January to 11 March is 53 days
        "phase_1_4_weeks": "met",
        "summary_2_weeks": "met",
        "consultation_not_after_review": "met",
    }
    assert overview["latin-america-caribbean"]["pre_consultation_12_weeks"] == "broken"
    assert overview["latin-america-caribbean"]["consultation_not_after_review"] == "unknown"
    assert overview["arab-states"]["pre_consultation_12_weeks"] == "unknown"
    assert overview["africa"]["pre_consultation_12_weeks"] == "met"
    assert overview["africa"]["discussion_space_8_weeks"] == "met"  # the global launch, January 2024
    assert overview["asia-pacific"]["pre_consultation_12_weeks"] == "unknown"


@pytest.mark.django_db
def test_rule_overview_query_count_does_not_grow(django_assert_max_num_queries):
    load_seed_calendar()
    cycle = current_cycle()

    with django_assert_max_num_queries(2):
        rule_overview(cycle=cycle)
