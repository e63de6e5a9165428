import datetime

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from openpyxl import load_workbook

from consultations import services
from consultations.models import ExportLog, ExpressionOfInterest, Proposal, Session, SummaryDocument
from portal.enums import Role
from reviews.models import Event, ReviewCycle
from tests.factories import make_consultation, make_user


@pytest.mark.django_db
def test_xlsx_export_runs_in_celery_and_is_downloadable_by_its_author(
    client, secretariat, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.PRIVATE_ROOT = tmp_path
    consultation = make_consultation()
    evil = make_user(Role.STAKEHOLDER, display_name="=cmd|' /C calc'!A0")
    services.registration_create(consultation=consultation, user=evil, attendance="virtual")
    client.force_login(secretariat)

    with django_capture_on_commit_callbacks(execute=True):  # the build is queued on commit
        response = client.post(
            f"/en/consultations/{consultation.pk}/registrations.xlsx", {"columns": ["display_name", "status"]}
        )

    log = ExportLog.objects.get()
    assert response["Location"] == f"/en/consultations/exports/{log.pk}/"
    assert (log.status, log.progress, log.rows, log.file_format) == ("ready", 100, 1, "xlsx")
    assert "Download the XLSX file" in client.get(response["Location"]).content.decode()
    download = client.get(f"/en/consultations/exports/{log.pk}/download/")
    assert download["Content-Disposition"] == f'attachment; filename="registrations-{consultation.pk}.xlsx"'
    path = tmp_path / "download.xlsx"
    path.write_bytes(b"".join(download.streaming_content))
    rows = list(load_workbook(path, read_only=True).active.iter_rows(values_only=True))
    assert rows == [("Display name", "Status"), ("'=cmd|' /C calc'!A0", "Registered")]

    client.force_login(make_user(Role.SECRETARIAT))
    assert client.get(f"/en/consultations/exports/{log.pk}/download/").status_code == 403


@pytest.mark.django_db
def test_public_agenda_shows_sessions_and_speakers(client):
    consultation = make_consultation()
    speaker = make_user(Role.STAKEHOLDER, organisation="Migrant Forum")
    interest = ExpressionOfInterest.objects.create(
        consultation=consultation, user=speaker, role="panel", topic="t", statement="s", status="selected"
    )
    Session.objects.create(
        consultation=consultation, position=1, kind="opening", minutes=30, starts_at=datetime.time(10)
    )
    roundtable = Session.objects.create(
        consultation=consultation,
        position=2,
        kind="roundtable",
        title="Progress and challenges",
        panel_minutes=45,
        floor_minutes=60,
    )
    roundtable.speakers.add(interest)

    html = client.get(f"/en/consultations/{consultation.pk}/agenda/").content.decode()

    assert html.index("Opening plenary") < html.index("Progress and challenges")
    assert "Moderated panel: 45 minutes; open floor: 60 minutes." in html
    assert "Migrant Forum" in html


@pytest.mark.django_db
def test_agenda_query_count_does_not_grow(client, query_count):
    consultation = make_consultation()
    url = f"/en/consultations/{consultation.pk}/agenda/"

    def add(n):
        for i in range(n):
            session = Session.objects.create(consultation=consultation, position=i, kind="roundtable")
            session.speakers.add(
                ExpressionOfInterest.objects.create(
                    consultation=consultation, user=make_user(Role.STAKEHOLDER), role="panel", topic="t", statement="s"
                )
            )

    add(1)
    client.get(url)
    one = query_count(lambda: client.get(url))
    add(20)
    assert query_count(lambda: client.get(url)) == one


@pytest.mark.django_db
def test_stakeholder_proposes_a_talk_and_approval_puts_it_on_the_calendar(client, stakeholder, secretariat):
    make_consultation()  # creates the cycle
    ReviewCycle.objects.update(start_year=2024, end_year=2030)
    client.force_login(stakeholder)
    date = timezone.localdate() + datetime.timedelta(days=30)

    response = client.post(
        "/en/consultations/talks/",
        {
            "kind": "gcm_talk",
            "title": "Decent work for migrants",
            "level": "regional",
            "date": date.isoformat(),
            "organisers": "Migrant Forum",
        },
    )

    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert (
        "Decent work for migrants"
        not in client.get("/en/consultations/talks/").content.decode().split("Your proposals")[0]
    )
    services.proposal_decide(proposal=proposal, by=secretariat, approve=True)
    proposal.refresh_from_db()
    assert proposal.status == "approved"
    event = Event.objects.get(pk=proposal.event_id)
    assert (event.kind, event.start_earliest) == ("gcm_talk", date)
    assert "Decent work for migrants" in client.get("/en/calendar/?kind=gcm_talk").content.decode()


@pytest.mark.django_db
def test_proposal_with_past_date_keeps_input(client, stakeholder):
    client.force_login(stakeholder)

    response = client.post(
        "/en/consultations/talks/",
        {"kind": "side_event", "title": "Kept title", "level": "country", "date": "2020-01-01", "organisers": "Us"},
    )

    assert response.status_code == 200
    assert "The date has passed" in response.content.decode()
    assert 'value="Kept title"' in response.content.decode()


@pytest.mark.django_db
def test_declining_needs_a_reason(secretariat, stakeholder):
    proposal = Proposal.objects.create(
        kind="side_event", title="x", level="global", date=timezone.localdate(), organisers="o", proposed_by=stakeholder
    )

    with pytest.raises(services.ConsultationError):
        services.proposal_decide(proposal=proposal, by=secretariat, approve=False)


@pytest.mark.django_db
def test_summary_documents_are_served_only_once_published(client, secretariat):

    consultation = make_consultation(status="held", summary="What was said.")
    document = SummaryDocument(
        consultation=consultation,
        title="Summary report",
        language="fr",
        content_type="application/pdf",
        original_name="summary.pdf",
    )
    document.file.save("x", ContentFile(b"%PDF-1.7 report"), save=True)
    url = f"/en/consultations/{consultation.pk}/summary/{document.pk}/"

    assert client.get(url).status_code == 404
    client.force_login(secretariat)
    assert client.get(url).status_code == 200
    client.logout()
    consultation.status = "summary_published"
    consultation.save()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="summary.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Summary report" in client.get(consultation.get_absolute_url()).content.decode()


TALK = {"kind": "side_event", "title": "A side event", "level": "country", "organisers": "Us"}


@pytest.mark.django_db
@pytest.mark.parametrize("far", ["9999-12-31", "beyond the horizon"])
def test_a_proposal_too_far_ahead_is_refused_next_to_the_date(client, stakeholder, far):
    """A year typed wrong (9999) would reach the calendar and its feeds; five years ahead is the last day taken."""
    limit = services.proposal_date_limit()
    day = (limit + datetime.timedelta(days=1)).isoformat() if far == "beyond the horizon" else far
    client.force_login(stakeholder)

    response = client.post("/en/consultations/talks/", {**TALK, "date": day})

    assert response.status_code == 200
    html = response.content.decode()
    assert "The date is too far ahead: propose a date no later than" in html
    assert 'value="A side event"' in html
    assert not Proposal.objects.exists()


@pytest.mark.django_db
def test_the_last_day_of_the_horizon_is_taken_and_offered_by_the_date_picker(client, stakeholder):
    limit = services.proposal_date_limit()
    client.force_login(stakeholder)

    assert f'max="{limit.isoformat()}"' in client.get("/en/consultations/talks/").content.decode()
    assert client.post("/en/consultations/talks/", {**TALK, "date": limit.isoformat()}).status_code == 302
    assert Proposal.objects.get().date == limit


def test_the_horizon_is_five_years_and_29_february_ends_on_28_february():
    assert services.proposal_date_limit(today=datetime.date(2026, 3, 10)) == datetime.date(2031, 3, 10)
    assert services.proposal_date_limit(today=datetime.date(2028, 2, 29)) == datetime.date(2033, 2, 28)


@pytest.mark.django_db
def test_proposal_create_refuses_a_date_too_far_ahead_for_any_caller(stakeholder):
    with pytest.raises(services.ConsultationError):
        services.proposal_create(proposed_by=stakeholder, region=None, date=datetime.date(9999, 12, 31), **TALK)

    assert not Proposal.objects.exists()


@pytest.mark.django_db
def test_a_proposal_sent_before_the_horizon_never_reaches_the_calendar(client, secretariat, stakeholder):
    """Proposed for 9999-12-31 before the form refused it: approving it is refused; declining it still works."""
    make_consultation()  # a review cycle
    proposal = Proposal.objects.create(date=datetime.date(9999, 12, 31), proposed_by=stakeholder, **TALK)

    with pytest.raises(services.ConsultationError, match="too far ahead"):
        services.proposal_decide(proposal=proposal, by=secretariat, approve=True)

    proposal.refresh_from_db()
    assert (proposal.status, proposal.event, Event.objects.filter(title="A side event").exists()) == (
        "pending",
        None,
        False,
    )
    assert client.get("/en/calendar.ics").status_code == 200
    services.proposal_decide(proposal=proposal, by=secretariat, approve=False, reason="Mistyped year")
    proposal.refresh_from_db()
    assert proposal.status == "declined"
