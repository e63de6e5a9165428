"""Each planning rule of the documents is defined once (reviews/planning.py), and everything reads it there."""

from datetime import timedelta

from discussions import analysis
from reviews import planning, rules
from reviews.enums import EventKind
from tests.reviews.test_rules import event, result


def test_the_numbers_of_the_documents():
    defined = [
        planning.PRE_CONSULTATION_BEFORE_REVIEW,
        planning.DISCUSSION_SPACE_BEFORE_REVIEW,
        planning.PHASE_1_DURATION,
        planning.SUMMARY_BEFORE_REVIEW,
    ]

    assert defined == [timedelta(weeks=12), timedelta(weeks=8), timedelta(weeks=4), timedelta(weeks=2)]


def test_the_checker_reads_the_planning_constant(monkeypatch):
    review = event(EventKind.REGIONAL_REVIEW, "11 March 2024")
    ten_weeks_before = event(EventKind.PRE_CONSULTATION, "1 January 2024")

    assert result([ten_weeks_before, review], "pre_consultation_12_weeks").status == "broken"
    monkeypatch.setattr(planning, "PRE_CONSULTATION_BEFORE_REVIEW", timedelta(weeks=10))
    assert result([ten_weeks_before, review], "pre_consultation_12_weeks").status == "met"


def test_the_checker_takes_every_number_from_planning():
    by_code = {rule.code: rule.min_days for rule in rules.rules()}

    assert by_code == {
        "pre_consultation_12_weeks": planning.PRE_CONSULTATION_BEFORE_REVIEW.days,
        "discussion_space_8_weeks": planning.DISCUSSION_SPACE_BEFORE_REVIEW.days,
        "phase_1_4_weeks": planning.PHASE_1_DURATION.days,
        "summary_2_weeks": planning.SUMMARY_BEFORE_REVIEW.days,
        "consultation_not_after_review": 0,
    }


def test_the_analysis_paper_is_due_by_the_same_rule():
    assert analysis.PAPER_DUE_BEFORE_REVIEW is planning.SUMMARY_BEFORE_REVIEW


def test_the_titles_say_the_numbers_of_planning():
    """The titles are translated prose: they name the numbers, which must stay those of planning."""
    titles = {rule.code: str(rule.title) for rule in rules.rules()}

    assert f"{planning.PRE_CONSULTATION_BEFORE_REVIEW.days // 7} weeks" in titles["pre_consultation_12_weeks"]
    assert f"{planning.DISCUSSION_SPACE_BEFORE_REVIEW.days // 7} weeks" in titles["discussion_space_8_weeks"]
    assert "four weeks" in titles["phase_1_4_weeks"]
    assert planning.PHASE_1_DURATION.days // 7 == 4  # written out in the title
    assert f"{planning.SUMMARY_BEFORE_REVIEW.days // 7} weeks" in titles["summary_2_weeks"]
