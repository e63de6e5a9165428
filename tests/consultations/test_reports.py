"""The rapporteur's outcome report (004): written in the portal by the selected rapporteur, in any of the six
languages, draft → published; a draft is read by the rapporteur and the organisers only; the review meeting's
agenda has the rapporteur's briefing slot."""

import datetime

import pytest
from django.utils import timezone

from consultations import reports
from consultations.enums import InterestStatus, ReportStatus, SessionKind, SpeakingRole
from consultations.models import RapporteurReport
from portal.enums import Role
from reviews.enums import EventKind
from tests.factories import (
    EventFactory,
    ExpressionOfInterestFactory,
    SessionFactory,
    africa,
    make_consultation,
    make_user,
    shared_cycle,
)

pytestmark = pytest.mark.django_db


def held_consultation(**fields):
    """A consultation that began yesterday."""
    return make_consultation(starts_at=timezone.now() - datetime.timedelta(days=1), **fields)


def rapporteur_for(consultation, status=InterestStatus.SELECTED):
    user = make_user(Role.STAKEHOLDER, display_name="Amina Rapporteur", organisation="Diaspora Network")
    ExpressionOfInterestFactory(consultation=consultation, user=user, role=SpeakingRole.RAPPORTEUR, status=status)
    return user


def write(consultation, user, text="Outcomes: decent work, regular pathways.", language="en", revision=0):
    return reports.report_save(
        consultation=consultation, by=user, language=language, title="Outcomes", text=text, shown_revision=revision
    )


def test_only_the_selected_rapporteur_writes_the_report():
    consultation = held_consultation()
    rapporteur = rapporteur_for(consultation)
    waiting = rapporteur_for(consultation, status=InterestStatus.RECEIVED)
    organiser = make_user(Role.SECRETARIAT)

    for person in (waiting, organiser, make_user(Role.STAKEHOLDER)):
        with pytest.raises(reports.ReportError, match="Only the consultation's rapporteur"):
            write(consultation, person)
    report = write(consultation, rapporteur)

    assert (report.author, report.original_language, report.status, report.revision) == (
        rapporteur,
        "en",
        ReportStatus.DRAFT,
        1,
    )


def test_publishing_binds_to_the_version_shown_and_waits_for_the_meeting():
    consultation = held_consultation()
    rapporteur = rapporteur_for(consultation)
    first = write(consultation, rapporteur)
    write(consultation, rapporteur, text="A second tab's text.", revision=1)

    with pytest.raises(reports.ReportError, match="changed since you opened it"):
        reports.report_publish(report=first, by=rapporteur, shown_revision=1)
    published = reports.report_publish(report=first, by=rapporteur, shown_revision=2)
    assert published.status == ReportStatus.PUBLISHED and published.text_en == "A second tab's text."

    later = make_consultation(starts_at=timezone.now() + datetime.timedelta(days=3))
    ahead = rapporteur_for(later)
    draft = write(later, ahead)
    with pytest.raises(reports.ReportError, match="once the meeting has begun"):
        reports.report_publish(report=draft, by=ahead, shown_revision=1)


def test_a_stale_save_is_refused_and_the_empty_original_is_refused():
    consultation = held_consultation()
    rapporteur = rapporteur_for(consultation)
    write(consultation, rapporteur)

    with pytest.raises(reports.ReportError, match="changed since you opened it"):
        write(consultation, rapporteur, revision=0)
    with pytest.raises(reports.ReportError, match="cannot be empty in the language it was first written in"):
        write(consultation, rapporteur, text="  ", revision=1)


def test_readers_get_their_language_or_the_original(client):
    consultation = held_consultation()
    rapporteur = rapporteur_for(consultation)
    report = write(consultation, rapporteur, text="Resultados: trabajo decente.", language="es")
    report = reports.report_publish(report=report, by=rapporteur, shown_revision=1)

    french = client.get(f"/fr/consultations/{consultation.pk}/report/").content.decode()
    assert '<article lang="es" dir="ltr">' in french and "Resultados: trabajo decente." in french

    write(consultation, rapporteur, text="Résultats : travail décent.", language="fr", revision=1)
    french = client.get(f"/fr/consultations/{consultation.pk}/report/").content.decode()
    assert '<article lang="fr" dir="ltr">' in french and "Résultats : travail décent." in french
    spanish = client.get(f"/es/consultations/{consultation.pk}/report/").content.decode()
    assert "Resultados: trabajo decente." in spanish


@pytest.mark.parametrize(
    ("who", "draft_status", "published_status"),
    [
        ("anonymous", 404, 200),
        ("stakeholder", 404, 200),
        ("other_speaker", 404, 200),
        ("focal_point_elsewhere", 404, 200),
        ("focal_point", 200, 200),
        ("secretariat", 200, 200),
        ("rapporteur", 200, 200),
    ],
)
def test_a_draft_is_the_rapporteur_s_and_the_organisers_alone(client, who, draft_status, published_status):
    consultation = held_consultation()
    rapporteur = rapporteur_for(consultation)
    report = write(consultation, rapporteur, text="DRAFT-OUTCOMES")
    elsewhere = EventFactory(cycle=shared_cycle()).region
    people = {
        "anonymous": None,
        "stakeholder": make_user(Role.STAKEHOLDER),
        "other_speaker": ExpressionOfInterestFactory(consultation=consultation, status=InterestStatus.SELECTED).user,
        "focal_point_elsewhere": make_user(Role.FOCAL_POINT, regions=[elsewhere]),
        "focal_point": make_user(Role.FOCAL_POINT, regions=[africa()]),
        "secretariat": make_user(Role.SECRETARIAT),
        "rapporteur": rapporteur,
    }
    if people[who]:
        client.force_login(people[who])
    url = f"/en/consultations/{consultation.pk}/report/"

    response = client.get(url)
    assert response.status_code == draft_status
    assert ("DRAFT-OUTCOMES" in response.content.decode()) == (draft_status == 200)
    link = f'href="/en/consultations/{consultation.pk}/report/"'
    assert link not in client.get(consultation.get_absolute_url()).content.decode()

    reports.report_publish(report=report, by=rapporteur, shown_revision=1)
    response = client.get(url)
    assert response.status_code == published_status and "DRAFT-OUTCOMES" in response.content.decode()
    assert link in client.get(consultation.get_absolute_url()).content.decode()


def test_the_rapporteur_writes_saves_and_publishes_through_the_page(client):
    consultation = held_consultation()
    rapporteur = rapporteur_for(consultation)
    client.force_login(rapporteur)
    url = f"/en/consultations/{consultation.pk}/report/edit/"

    assert client.get(url).status_code == 200
    saved = client.post(url, {"language": "en", "revision": "0", "title": "Outcomes", "text": "Six messages."})
    assert saved.status_code == 302
    stale = client.post(url, {"language": "en", "revision": "0", "title": "Old", "text": "Typed in another tab."})
    assert stale.status_code == 409 and "Six messages." in stale.content.decode(), "the current version is shown"
    assert "Typed in another tab." in stale.content.decode(), "what was typed is kept on the page"
    published = client.post(
        url, {"language": "en", "revision": "1", "title": "Outcomes", "text": "Six messages.", "publish": "1"}
    )
    assert published.status_code == 302
    assert RapporteurReport.objects.get().status == ReportStatus.PUBLISHED

    french = f"/fr/consultations/{consultation.pk}/report/edit/"
    stale = client.post(french, {"language": "en", "revision": "0", "title": "", "text": "Écrit dans un autre onglet."})
    assert stale.status_code == 409, "a stale save is told apart in any language"
    assert "Six messages." in stale.content.decode() and "Écrit dans un autre onglet." in stale.content.decode()

    client.force_login(make_user(Role.SECRETARIAT))
    assert client.get(url).status_code == 403, "the organisers read the report; only the rapporteur writes it"


def test_the_organisers_take_a_published_report_back_to_draft(client):
    consultation = held_consultation()
    rapporteur = rapporteur_for(consultation)
    report = reports.report_publish(report=write(consultation, rapporteur), by=rapporteur, shown_revision=1)
    url = f"/en/consultations/{consultation.pk}/report/withdraw/"

    client.force_login(make_user(Role.STAKEHOLDER))
    assert client.post(url).status_code == 403
    client.force_login(make_user(Role.SECRETARIAT))
    assert client.post(url).status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and report.published_at is None


def test_the_review_meeting_agenda_has_the_rapporteur_s_briefing(client, django_assert_max_num_queries):
    consultation = held_consultation(title="Multi-stakeholder consultation for Africa")
    rapporteur = rapporteur_for(consultation)
    review = make_consultation(
        event=EventFactory(region=africa(), cycle=shared_cycle(), kind=EventKind.REGIONAL_REVIEW),
        title="Regional Review meeting",
    )
    SessionFactory(consultation=review, kind=SessionKind.RAPPORTEUR, title="", reports_on=consultation)
    url = f"/en/consultations/{review.pk}/agenda/"

    html = client.get(url).content.decode()
    assert "Rapporteur&#x27;s briefing" in html
    assert "The rapporteur reports on the outcomes of “Multi-stakeholder consultation for Africa”." in html
    assert "Rapporteur: Amina Rapporteur (Diaspora Network)." in html
    assert "Read the report" not in html

    reports.report_publish(report=write(consultation, rapporteur), by=rapporteur, shown_revision=1)
    html = client.get(url).content.decode()
    assert f'href="/en/consultations/{consultation.pk}/report/">Read the report' in html
