"""Each kind of reminder: a table of days saying whether it is due (001: 12 weeks; 002: 8 weeks, 4 weeks, 2 weeks)."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from reminders.enums import Kind
from tests.factories import make_consultation, make_user
from tests.reminders.conftest import due, event

D = date


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "day", "fires_on"),
    [
        # Review 15 June 2027. Pre-consultation window opens 16 weeks before: 23 February.
        (Kind.PRE_CONSULTATION_OPENS, D(2027, 2, 22), None),
        (Kind.PRE_CONSULTATION_OPENS, D(2027, 2, 23), D(2027, 2, 23)),
        (Kind.PRE_CONSULTATION_OPENS, D(2027, 2, 25), D(2027, 2, 23)),  # a late scan still sends it
        (Kind.PRE_CONSULTATION_OPENS, D(2027, 2, 26), None),
        # It closes 12 weeks before (23 March); reminder two weeks before that: 9 March.
        (Kind.PRE_CONSULTATION_CLOSING, D(2027, 3, 8), None),
        (Kind.PRE_CONSULTATION_CLOSING, D(2027, 3, 9), D(2027, 3, 9)),
        # Discussion space opens 8 weeks before (20 April); reminder a week earlier: 13 April.
        (Kind.DISCUSSION_SPACE_DUE, D(2027, 4, 12), None),
        (Kind.DISCUSSION_SPACE_DUE, D(2027, 4, 13), D(2027, 4, 13)),
        # Analysis paper due 2 weeks before (1 June); reminder a week earlier: 25 May (only if a space exists).
        (Kind.ANALYSIS_PAPER_DUE, D(2027, 5, 25), None),
    ],
)
def test_review_deadlines_for_the_secretariat(review, secretariat, kind, day, fires_on):
    expected = {(kind, f"event:{review.pk}", fires_on, secretariat.pk)} if fires_on else set()
    assert due(day, kind) == expected


@pytest.mark.django_db
def test_a_pre_consultation_planned_in_time_stops_its_reminders(review, secretariat, region, cycle):
    event(region, cycle, "pre_consultation", "9 March 2027")
    assert due(D(2027, 2, 23), Kind.PRE_CONSULTATION_OPENS) == set()


@pytest.mark.django_db
def test_a_pre_consultation_planned_too_late_does_not(review, secretariat, region, cycle):
    event(region, cycle, "pre_consultation", "week of 22 March 2027")  # may end after the 23 March deadline
    assert len(due(D(2027, 2, 23), Kind.PRE_CONSULTATION_OPENS)) == 1


@pytest.mark.django_db
def test_discussion_space_and_analysis_paper(review, secretariat, region, cycle):
    from discussions.models import AnalysisPaper, Phase, Space

    space = Space.objects.create(region=region, cycle=cycle, title="Space")
    assert len(due(D(2027, 5, 25), Kind.ANALYSIS_PAPER_DUE)) == 1
    assert len(due(D(2027, 4, 13), Kind.DISCUSSION_SPACE_DUE)) == 1
    Phase.objects.create(space=space, number=1, opens_at=datetime(2027, 4, 19, tzinfo=UTC))
    assert due(D(2027, 4, 13), Kind.DISCUSSION_SPACE_DUE) == set(), "opens in time"
    AnalysisPaper.objects.create(space=space, published_at=datetime(2027, 5, 20, tzinfo=UTC))
    assert due(D(2027, 5, 25), Kind.ANALYSIS_PAPER_DUE) == set(), "already published"


@pytest.mark.django_db
def test_imprecise_review_date_counts_from_its_earliest_day(region, cycle, secretariat):
    review = event(region, cycle, "regional_review", "June 2027")  # earliest possible day: 1 June
    assert due(D(2027, 2, 9), Kind.PRE_CONSULTATION_OPENS) == {
        (Kind.PRE_CONSULTATION_OPENS, f"event:{review.pk}", D(2027, 2, 9), secretariat.pk)
    }
    from reminders import rules

    message = rules.rules()[Kind.PRE_CONSULTATION_OPENS].message(f"event:{review.pk}")
    assert message.not_final is True


@pytest.mark.django_db
def test_a_moved_review_moves_its_reminders(review, secretariat):
    assert len(due(D(2027, 2, 23), Kind.PRE_CONSULTATION_OPENS)) == 1
    from reviews.dates import parse

    review.start = parse("29 June 2027")[0]
    review.save()
    assert due(D(2027, 2, 23), Kind.PRE_CONSULTATION_OPENS) == set()
    assert len(due(D(2027, 3, 9), Kind.PRE_CONSULTATION_OPENS)) == 1


@pytest.fixture
def space_with_phase(region, cycle):
    from discussions.models import Phase, Space
    from portal.enums import Role

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
    expected = {(Kind.PHASE_CLOSING, f"phase:{phase.pk}", D(2027, 5, 14), p) for p in (secretariat.pk, moderator.pk)}
    assert due(day, Kind.PHASE_CLOSING) == (expected if fires else set())


@pytest.mark.django_db
def test_phase_opening_goes_to_stakeholders_of_the_region(space_with_phase):
    from portal.enums import Role

    space_with_phase  # noqa: B018 - the phase opening on 19 April
    kenyan = make_user(Role.STAKEHOLDER, country="KE")
    un_nigeria = make_user(Role.UN_SYSTEM, country="NG")
    make_user(Role.STAKEHOLDER, country="FR")
    make_user(Role.MEMBER_STATE, country="KE")
    assert due(D(2027, 4, 18), Kind.PHASE_OPENING) == set()
    assert {r for *_x, r in due(D(2027, 4, 19), Kind.PHASE_OPENING)} == {kenyan.pk, un_nigeria.pk}


@pytest.mark.django_db
def test_moderation_backlog_after_48_hours(space_with_phase):
    from discussions import services
    from portal.enums import Role

    space, phase, moderator = space_with_phase
    with time_machine.travel(datetime(2027, 4, 20, 9, tzinfo=UTC)):
        services.post_create(question=_question(phase), author=make_user(Role.STAKEHOLDER), text="Hi", language="en")
    with time_machine.travel(datetime(2027, 4, 22, 8, tzinfo=UTC)):
        assert due(D(2027, 4, 22), Kind.MODERATION_BACKLOG) == set()
    with time_machine.travel(datetime(2027, 4, 22, 10, tzinfo=UTC)):
        assert due(D(2027, 4, 22), Kind.MODERATION_BACKLOG) == {
            (Kind.MODERATION_BACKLOG, f"space:{space.pk}", D(2027, 4, 22), moderator.pk)
        }


def _question(phase):
    from discussions.seed import add_questions

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
    from consultations.models import Follow
    from consultations.services import registration_create
    from portal.enums import Role

    follower, registered = make_user(Role.STAKEHOLDER), make_user(Role.STAKEHOLDER)
    Follow.objects.create(consultation=consultation, user=follower)
    with time_machine.travel(datetime(2027, 4, 1, tzinfo=UTC)):
        registration_create(consultation=consultation, user=registered, attendance="in_person")
    target = f"consultation:{consultation.pk}"
    assert due(D(2027, 4, 26), Kind.REGISTRATION_DEADLINE) == set()
    assert due(D(2027, 4, 27), Kind.REGISTRATION_DEADLINE) == {
        (Kind.REGISTRATION_DEADLINE, target, D(2027, 4, 27), follower.pk)
    }
    assert {r for *_x, r in due(D(2027, 4, 17), Kind.INTEREST_DEADLINE)} == {follower.pk, registered.pk}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "day", "fires_on"),
    [
        (Kind.CONSULTATION_WEEK, D(2027, 5, 2), None),
        (Kind.CONSULTATION_WEEK, D(2027, 5, 3), D(2027, 5, 3)),
        (Kind.CONSULTATION_DAY, D(2027, 5, 9), D(2027, 5, 9)),
        (Kind.CONSULTATION_DAY, D(2027, 5, 12), None),
    ],
)
def test_your_consultation_in_7_days_and_tomorrow(consultation, kind, day, fires_on):
    from consultations.services import registration_create
    from portal.enums import Role

    person = make_user(Role.STAKEHOLDER)
    make_user(Role.STAKEHOLDER)  # not registered: nothing
    with time_machine.travel(datetime(2027, 4, 1, tzinfo=UTC)):
        registration_create(consultation=consultation, user=person, attendance="in_person")
    expected = {(kind, f"consultation:{consultation.pk}", fires_on, person.pk)} if fires_on else set()
    assert due(day, kind) == expected


@pytest.mark.django_db
def test_funding_draft_before_the_call_closes(consultation):
    from funding import services
    from funding.models import Call
    from portal.enums import Role

    call = Call.objects.create(
        cycle=consultation.event.cycle,
        title="Call",
        budget=Decimal("1000"),
        opens_at=datetime(2027, 3, 1, tzinfo=UTC),
        closes_at=datetime(2027, 4, 15, 12, tzinfo=UTC),
        published=True,
    )
    drafter, submitter = make_user(Role.STAKEHOLDER), make_user(Role.STAKEHOLDER)
    services.application_save(call=call, applicant=drafter, data={})
    submitted = services.application_save(
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
        services.application_submit(application=submitted, applicant=submitter)
    assert due(D(2027, 4, 12), Kind.FUNDING_DRAFT) == {
        (Kind.FUNDING_DRAFT, f"call:{call.pk}", D(2027, 4, 12), drafter.pk)
    }
    assert due(D(2027, 4, 11), Kind.FUNDING_DRAFT) == set()
    assert due(D(2027, 4, 12) + timedelta(days=3), Kind.FUNDING_DRAFT) == set()
