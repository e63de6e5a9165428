"""What the outside review of issue 21 found, held by tests: nothing is taken once a meeting has begun, deadlines
come before the meeting, a report the organisers took back stays a draft, and more."""

import datetime
from datetime import UTC, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from consultations import reports, services
from consultations.enums import InterestStatus, ReportStatus, SpeakingRole
from discussions.models import Space
from portal.enums import Role
from reminders.registry import rule
from reviews.enums import EventKind
from tests.factories import (
    EventFactory,
    ExpressionOfInterestFactory,
    ProposalFactory,
    RegionFactory,
    ReviewCycleFactory,
    SpaceFactory,
    africa,
    make_consultation,
    make_user,
    shared_cycle,
)

pytestmark = pytest.mark.django_db


def begun(**fields):
    return make_consultation(starts_at=timezone.now() - timedelta(minutes=5), **fields)


def test_nobody_registers_or_offers_to_speak_once_the_meeting_has_begun():
    consultation = begun()
    with pytest.raises(services.ConsultationError, match="registration is closed"):
        services.registration_create(consultation=consultation, user=make_user(), attendance="in_person")
    with pytest.raises(services.ConsultationError, match="offers to speak are closed"):
        services.interest_create(
            consultation=consultation, user=make_user(), role=SpeakingRole.RAPPORTEUR, topic="t", statement="s"
        )


def test_a_briefing_or_talk_takes_no_offers_to_speak(client):
    briefing = make_consultation(event=EventFactory(region=africa(), cycle=shared_cycle(), kind=EventKind.BRIEFING))
    person = make_user()
    with pytest.raises(services.ConsultationError, match="takes no offers to speak"):
        services.interest_create(
            consultation=briefing, user=person, role=SpeakingRole.RAPPORTEUR, topic="t", statement="s"
        )
    client.force_login(person)
    page = client.get(briefing.get_absolute_url()).content.decode()
    assert "Offer to speak" not in page and "How speakers are selected" not in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("ends_at", -timedelta(hours=1), "ends after it starts"),
        ("registration_deadline", timedelta(days=1), "before the meeting starts"),
        ("interest_deadline", timedelta(days=1), "before the meeting starts"),
        ("materials_due", timedelta(days=1), "before the meeting starts"),
    ],
)
def test_deadlines_come_before_the_meeting_and_it_ends_after_it_starts(field, value, message):
    starts = timezone.now() + timedelta(days=10)
    consultation = make_consultation(starts_at=starts, registration_deadline=starts - timedelta(days=2))
    setattr(consultation, field, starts + value)
    with pytest.raises(ValidationError, match=message):
        consultation.full_clean()


def test_a_talk_s_registration_closes_by_its_day():
    secretariat = make_user(Role.SECRETARIAT)
    day = timezone.localdate() + timedelta(days=10)
    ReviewCycleFactory(code="now", start_year=day.year - 1, end_year=day.year + 1, imrf_year=day.year + 2)
    talk = services.proposal_decide(proposal=ProposalFactory(region=africa(), date=day), by=secretariat, approve=True)
    after = timezone.make_aware(datetime.datetime.combine(day + timedelta(days=1), datetime.time(9)))
    with pytest.raises(services.ConsultationError, match="on or before the day of the talk"):
        services.talk_registration_open(
            proposal=talk, by=secretariat, capacity_in_person=0, capacity_virtual=10, registration_deadline=after
        )


def test_the_day_before_reminder_is_not_sent_once_the_meeting_has_begun():
    starts = datetime.datetime(2027, 5, 10, 8, tzinfo=UTC)
    consultation = make_consultation(starts_at=starts, registration_deadline=starts - timedelta(days=3))
    target = f"consultation:{consultation.pk}"
    with time_machine.travel(starts - timedelta(hours=20)):
        assert rule("consultation_day").message(target) is not None
    with time_machine.travel(starts + timedelta(hours=1)):
        assert rule("consultation_day").message(target) is None


def test_a_report_the_organisers_took_back_stays_a_draft_until_they_release_it():
    consultation = begun()
    rapporteur = make_user()
    ExpressionOfInterestFactory(
        consultation=consultation, user=rapporteur, role=SpeakingRole.RAPPORTEUR, status=InterestStatus.SELECTED
    )
    report = reports.report_save(
        consultation=consultation, by=rapporteur, language="en", title="", text="Outcomes.", shown_revision=0
    )
    report = reports.report_publish(report=report, by=rapporteur, shown_revision=1)
    organiser = make_user(Role.FOCAL_POINT, regions=[africa()])

    report = reports.report_withdraw(report=report, by=organiser)
    with pytest.raises(reports.ReportError, match="once they release it"):
        reports.report_publish(report=report, by=rapporteur, shown_revision=report.revision)
    with pytest.raises(reports.ReportError, match="does not allow"):
        reports.report_release(report=report, by=rapporteur)
    reports.report_release(report=report, by=organiser)
    report = reports.report_publish(report=report, by=rapporteur, shown_revision=report.revision)
    assert report.status == ReportStatus.PUBLISHED


def test_a_focal_point_is_offered_only_its_region_s_consultations_to_report_on(client):
    mine = make_consultation(title="Ours to report on")
    other = make_consultation(event=EventFactory(region=RegionFactory(), cycle=shared_cycle()), title="Not ours")
    client.force_login(make_user(Role.FOCAL_POINT, regions=[africa()]))

    page = client.get("/en/admin/consultations/consultation/add/").content.decode()

    assert "Ours to report on" in page and "Not ours" not in page
    assert other.pk != mine.pk


def test_a_space_s_moderators_are_chosen_among_moderators_only(client):
    space = SpaceFactory(region=africa())
    moderator = make_user(Role.MODERATOR, display_name="Moderator Mo")
    make_user(Role.STAKEHOLDER, display_name="Stakeholder Sam")
    client.force_login(make_user(Role.SECRETARIAT))

    page = client.get(f"/en/admin/discussions/space/{space.pk}/change/").content.decode()

    assert "Moderator Mo" in page or moderator.email in page
    assert "Stakeholder Sam" not in page


def test_a_summary_dated_ahead_is_not_published_yet(client):
    space = SpaceFactory(region=africa())
    Space.objects.filter(pk=space.pk).update(
        summary_en="Later", summary_published_at=timezone.now() + timedelta(days=30)
    )

    assert client.get(f"/en/discussions/{space.pk}/closing/").status_code == 404


def test_a_time_skipped_by_the_clocks_is_refused_in_the_administration(client):
    client.force_login(make_user(Role.SECRETARIAT))
    response = client.post(
        "/en/admin/consultations/inputcall/add/",
        {
            "region": africa().pk,
            "cycle": shared_cycle().pk,
            "title_en": "Inputs",
            "deadline_0": "2027-03-28",
            "deadline_1": "02:30:00",
            "time_zone": "Europe/Paris",
        },
    )
    assert response.status_code == 200
    assert "02:30 does not exist in Europe/Paris: the clocks go forward then." in response.content.decode()


def test_the_receipt_of_a_proposal_says_it_arrived_even_when_decided_at_once(django_capture_on_commit_callbacks):
    proposer = make_user()
    day = timezone.localdate() + timedelta(days=20)
    ReviewCycleFactory(code="now", start_year=day.year - 1, end_year=day.year + 1, imrf_year=day.year + 2)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        proposal = services.proposal_create(
            proposed_by=proposer,
            kind="gcm_talk",
            title="Talk",
            level="regional",
            region=africa(),
            date=timezone.localdate() + timedelta(days=20),
            organisers="Us",
        )
    services.proposal_decide(proposal=proposal, by=make_user(Role.SECRETARIAT), approve=True)
    for callback in callbacks:
        callback()
    subjects = [m.subject for m in mail.outbox if m.to == [proposer.email]]
    assert len(subjects) == 1 and "approved" not in subjects[0].lower(), subjects
