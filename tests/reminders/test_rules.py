"""Each kind of reminder: a table of days saying whether it is due (001: 12 weeks; 002: 8 weeks, 4 weeks, 2 weeks)."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from consultations.models import Follow
from consultations.services import registration_create
from discussions import services as discussion_services
from discussions.models import AnalysisPaper, Phase, Space
from discussions.seed import add_questions
from funding import services as funding_services
from funding.models import Call
from portal.enums import Role
from reminders import registry
from reviews.dates import parse
from tests.factories import make_consultation, make_user
from tests.reminders.conftest import due, event

D = date


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "day", "fires_on"),
    [
        # Review 15 June 2027. Pre-consultation window opens 16 weeks before: 23 February.
        ("pre_consultation_opens", D(2027, 2, 22), None),
        ("pre_consultation_opens", D(2027, 2, 23), D(2027, 2, 23)),
        ("pre_consultation_opens", D(2027, 2, 25), D(2027, 2, 23)),  # a late scan still sends it
        ("pre_consultation_opens", D(2027, 2, 26), None),
        # It closes 12 weeks before (23 March); reminder two weeks before that: 9 March.
        ("pre_consultation_closing", D(2027, 3, 8), None),
        ("pre_consultation_closing", D(2027, 3, 9), D(2027, 3, 9)),
        # Discussion space opens 8 weeks before (20 April); reminder a week earlier: 13 April.
        ("discussion_space_due", D(2027, 4, 12), None),
        ("discussion_space_due", D(2027, 4, 13), D(2027, 4, 13)),
        # Analysis paper due 2 weeks before (1 June); reminder a week earlier: 25 May (only if a space exists).
        ("analysis_paper_due", D(2027, 5, 25), None),
    ],
)
def test_review_deadlines_for_the_secretariat(review, secretariat, kind, day, fires_on):
    expected = {(kind, f"event:{review.pk}", fires_on, secretariat.pk)} if fires_on else set()
    assert due(day, kind) == expected


@pytest.mark.django_db
def test_a_pre_consultation_planned_in_time_stops_its_reminders(review, secretariat, region, cycle):
    event(region, cycle, "pre_consultation", "9 March 2027")
    assert due(D(2027, 2, 23), "pre_consultation_opens") == set()


@pytest.mark.django_db
def test_a_pre_consultation_planned_too_late_does_not(review, secretariat, region, cycle):
    event(region, cycle, "pre_consultation", "week of 22 March 2027")  # may end after the 23 March deadline
    assert len(due(D(2027, 2, 23), "pre_consultation_opens")) == 1


@pytest.mark.django_db
def test_discussion_space_and_analysis_paper(review, secretariat, region, cycle):

    space = Space.objects.create(region=region, cycle=cycle, title="Space")
    assert len(due(D(2027, 5, 25), "analysis_paper_due")) == 1
    assert len(due(D(2027, 4, 13), "discussion_space_due")) == 1
    Phase.objects.create(space=space, number=1, opens_at=datetime(2027, 4, 19, tzinfo=UTC))
    assert due(D(2027, 4, 13), "discussion_space_due") == set(), "opens in time"
    AnalysisPaper.objects.create(space=space, published_at=datetime(2027, 5, 20, tzinfo=UTC))
    assert due(D(2027, 5, 25), "analysis_paper_due") == set(), "already published"


@pytest.mark.django_db
def test_imprecise_review_date_counts_from_its_earliest_day(region, cycle, secretariat):
    review = event(region, cycle, "regional_review", "June 2027")  # earliest possible day: 1 June
    assert due(D(2027, 2, 9), "pre_consultation_opens") == {
        ("pre_consultation_opens", f"event:{review.pk}", D(2027, 2, 9), secretariat.pk)
    }

    message = registry.rules()["pre_consultation_opens"].message(f"event:{review.pk}")
    assert message.not_final is True


@pytest.mark.django_db
def test_a_moved_review_moves_its_reminders(review, secretariat):
    assert len(due(D(2027, 2, 23), "pre_consultation_opens")) == 1

    review.start = parse("29 June 2027")[0]
    review.save()
    assert due(D(2027, 2, 23), "pre_consultation_opens") == set()
    assert len(due(D(2027, 3, 9), "pre_consultation_opens")) == 1


@pytest.fixture
def space_with_phase(region, cycle):

    space = Space.objects.create(region=region, cycle=cycle, title="Space")
    moderator = make_user(Role.MODERATOR)
    space.moderators.add(moderator)
    phase = Phase.objects.create(
        space=space,
        number=1,
        opens_at=datetime(2027, 4, 19, 8, tzinfo=UTC),
        closes_at=datetime(2027, 5, 17, 23, tzinfo=UTC),
    )
    return space, phase, moderator


@pytest.mark.django_db
@pytest.mark.parametrize(("day", "fires"), [(D(2027, 5, 13), False), (D(2027, 5, 14), True), (D(2027, 5, 17), False)])
def test_phase_closing_goes_to_secretariat_and_moderators(space_with_phase, secretariat, day, fires):
    _space, phase, moderator = space_with_phase
    expected = {("phase_closing", f"phase:{phase.pk}", D(2027, 5, 14), p) for p in (secretariat.pk, moderator.pk)}
    assert due(day, "phase_closing") == (expected if fires else set())


@pytest.mark.django_db
def test_phase_opening_goes_to_stakeholders_of_the_region(space_with_phase):

    space_with_phase  # noqa: B018 - the phase opening on 19 April
    kenyan = make_user(Role.STAKEHOLDER, country="KE")
    un_nigeria = make_user(Role.UN_SYSTEM, country="NG")
    make_user(Role.STAKEHOLDER, country="FR")
    make_user(Role.MEMBER_STATE, country="KE")
    assert due(D(2027, 4, 18), "phase_opening") == set()
    assert {r for *_x, r in due(D(2027, 4, 19), "phase_opening")} == {kenyan.pk, un_nigeria.pk}


@pytest.mark.django_db
def test_moderation_backlog_after_48_hours(space_with_phase):

    space, phase, moderator = space_with_phase
    with time_machine.travel(datetime(2027, 4, 20, 9, tzinfo=UTC)):
        discussion_services.post_create(
            question=_question(phase), author=make_user(Role.STAKEHOLDER), text="Hi", language="en"
        )
    with time_machine.travel(datetime(2027, 4, 22, 8, tzinfo=UTC)):
        assert due(D(2027, 4, 22), "moderation_backlog") == set()
    with time_machine.travel(datetime(2027, 4, 22, 10, tzinfo=UTC)):
        assert due(D(2027, 4, 22), "moderation_backlog") == {
            ("moderation_backlog", f"space:{space.pk}", D(2027, 4, 22), moderator.pk)
        }


def _question(phase):

    add_questions(phase, ["What works?"])
    return phase.questions.get()


@pytest.fixture
def consultation(db):
    return make_consultation(
        starts_at=datetime(2027, 5, 10, 7, tzinfo=UTC),
        time_zone="Africa/Nairobi",
        # Every date of this consultation is stated, none taken from today, so the rules read the same any day.
        registration_opens_at=datetime(2027, 3, 1, tzinfo=UTC),
        registration_deadline=datetime(2027, 4, 30, 20, tzinfo=UTC),
        interest_deadline=datetime(2027, 4, 20, 20, tzinfo=UTC),
        venue="UN Gigiri",
    )


@pytest.mark.django_db
def test_consultation_deadlines_go_to_followers(consultation):

    follower, registered = make_user(Role.STAKEHOLDER), make_user(Role.STAKEHOLDER)
    Follow.objects.create(consultation=consultation, user=follower)
    with time_machine.travel(datetime(2027, 4, 1, tzinfo=UTC)):
        registration_create(consultation=consultation, user=registered, attendance="in_person")
    target = f"consultation:{consultation.pk}"
    assert due(D(2027, 4, 26), "registration_deadline") == set()
    assert due(D(2027, 4, 27), "registration_deadline") == {
        ("registration_deadline", target, D(2027, 4, 27), follower.pk)
    }
    assert {r for *_x, r in due(D(2027, 4, 17), "interest_deadline")} == {follower.pk, registered.pk}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "day", "fires_on"),
    [
        ("consultation_week", D(2027, 5, 2), None),
        ("consultation_week", D(2027, 5, 3), D(2027, 5, 3)),
        ("consultation_day", D(2027, 5, 9), D(2027, 5, 9)),
        ("consultation_day", D(2027, 5, 12), None),
    ],
)
def test_your_consultation_in_7_days_and_tomorrow(consultation, kind, day, fires_on):

    person = make_user(Role.STAKEHOLDER)
    make_user(Role.STAKEHOLDER)  # not registered: nothing
    with time_machine.travel(datetime(2027, 4, 1, tzinfo=UTC)):
        registration_create(consultation=consultation, user=person, attendance="in_person")
    expected = {(kind, f"consultation:{consultation.pk}", fires_on, person.pk)} if fires_on else set()
    assert due(day, kind) == expected


@pytest.mark.django_db
def test_funding_draft_before_the_call_closes(consultation):

    call = Call.objects.create(
        cycle=consultation.event.cycle,
        title="Call",
        budget=Decimal("1000"),
        opens_at=datetime(2027, 3, 1, tzinfo=UTC),
        closes_at=datetime(2027, 4, 15, 12, tzinfo=UTC),
        published=True,
    )
    drafter, submitter = make_user(Role.STAKEHOLDER), make_user(Role.STAKEHOLDER)
    funding_services.application_save(call=call, applicant=drafter, data={})
    submitted = funding_services.application_save(
        call=call,
        applicant=submitter,
        data={
            "consultation": consultation,
            "travelling_from": "KE",
            "travel_cost": Decimal("100"),
            "justification": "Ready",
        },
    )
    with time_machine.travel(datetime(2027, 4, 1, tzinfo=UTC)):
        funding_services.application_submit(application=submitted, applicant=submitter)
    assert due(D(2027, 4, 12), "funding_draft") == {("funding_draft", f"call:{call.pk}", D(2027, 4, 12), drafter.pk)}
    assert due(D(2027, 4, 11), "funding_draft") == set()
    assert due(D(2027, 4, 12) + timedelta(days=3), "funding_draft") == set()


@pytest.mark.django_db
def test_a_call_for_written_inputs_reminds_those_taking_part_until_they_send_one():
    """Three days before a call's deadline: people holding a place at a meeting of its region and cycle who may
    send an input (stakeholders, Member States), not those who sent one, not the UN system."""
    from consultations.models import InputCall, WrittenInput  # noqa: PLC0415 - only this test
    from reminders.registry import rule  # noqa: PLC0415 - only this test

    consultation = make_consultation(
        registration_opens_at=datetime(2027, 3, 1, tzinfo=UTC),
        registration_deadline=datetime(2027, 9, 30, tzinfo=UTC),
        capacity_in_person=10,
    )
    call = InputCall.objects.create(
        region=consultation.event.region,
        cycle=consultation.event.cycle,
        title="Inputs",
        deadline=datetime(2027, 6, 10, 21, tzinfo=UTC),
        published=True,
    )
    taking_part, sent, un_system = make_user(Role.STAKEHOLDER), make_user(Role.STAKEHOLDER), make_user(Role.UN_SYSTEM)
    with time_machine.travel(datetime(2027, 4, 1, tzinfo=UTC)):
        for person in (taking_part, sent, un_system):
            registration_create(consultation=consultation, user=person, attendance="in_person")
    WrittenInput.objects.create(
        call=call,
        author=sent,
        submitted_as="stakeholder",
        constituency="migrant",
        organisation="o",
        title="t",
        summary="s",
        language="en",
        file="inputs/x.pdf",
        content_type="application/pdf",
        original_name="x.pdf",
    )
    target = f"inputcall:{call.pk}"

    assert due(D(2027, 6, 6), "input_call_deadline") == set()
    assert due(D(2027, 6, 7), "input_call_deadline") == {("input_call_deadline", target, D(2027, 6, 7), taking_part.pk)}
    with time_machine.travel(datetime(2027, 6, 7, 8, tzinfo=UTC)):
        message = rule("input_call_deadline").message(target)
        assert "Inputs" in message.subject
        assert rule("input_call_deadline").still_needed_by(sent.pk, target) is False
    with time_machine.travel(datetime(2027, 6, 11, tzinfo=UTC)):
        assert rule("input_call_deadline").message(target) is None, "the call has closed"
