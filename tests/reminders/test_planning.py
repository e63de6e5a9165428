"""The reminders read the planning rules where the checker does (reviews/planning.py): one change moves both."""

from datetime import date, timedelta

from reviews import planning
from tests.reminders.conftest import due, event

D = date


def test_the_pre_consultation_reminders_read_the_planning_constant(db, review, secretariat, region, cycle, monkeypatch):
    # Review 15 June 2027; a pre-consultation on 6 April 2027 is 10 weeks before it: too late for 12 weeks.
    event(region, cycle, "pre_consultation", "6 April 2027")
    closing = ("pre_consultation_closing", f"event:{review.pk}", D(2027, 3, 9), secretariat.pk)
    assert due(D(2027, 3, 9), "pre_consultation_closing") == {closing}, "12 weeks: still to plan"

    monkeypatch.setattr(planning, "PRE_CONSULTATION_BEFORE_REVIEW", timedelta(weeks=10))

    assert due(D(2027, 3, 9), "pre_consultation_closing") == set(), "10 weeks: planned in time"


def test_the_discussion_space_reminder_reads_the_planning_constant(db, review, secretariat, monkeypatch):
    # 8 weeks before 15 June 2027 is 20 April; the reminder goes a week earlier, 13 April. With 6 weeks: 27 April.
    fired = ("discussion_space_due", f"event:{review.pk}", D(2027, 4, 27), secretariat.pk)
    assert due(D(2027, 4, 27), "discussion_space_due") == set()

    monkeypatch.setattr(planning, "DISCUSSION_SPACE_BEFORE_REVIEW", timedelta(weeks=6))

    assert due(D(2027, 4, 27), "discussion_space_due") == {fired}
