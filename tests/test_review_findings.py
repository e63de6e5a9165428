"""What an outside review of the portal found, each closed: drafts stay unnamed, an erased name leaves every
copy, materials before the meeting, only selected speakers on the agenda, decisions and cancellations by
e-mail, exports in the exporter's language."""

import csv
import io
import json
from datetime import timedelta
from datetime import timedelta as days
from decimal import Decimal

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.files.base import ContentFile
from django.test import TestCase
from django.utils import timezone

from consultations import services as consultation_services
from consultations.enums import ConsultationStatus, DocumentKind, ExportStatus, InterestStatus, SessionKind
from consultations.models import ExportLog, ExpressionOfInterest, Proposal, Registration, Session, SummaryDocument
from discussions import services as discussion_services
from discussions.models import PendingPost, Phase, Space
from discussions.seed import add_questions
from funding import services as funding_services
from funding.models import Call
from portal import privacy
from portal.enums import Role
from portal.models import UnsentTask
from tests.factories import make_consultation, make_user

# --- Draft consultations are never named outside the staff's pages ------------------------------------------


@pytest.fixture
def call_with_a_draft(db):
    open_one = make_consultation(title="Open consultation")
    draft = make_consultation(title="Secret draft consultation", status=ConsultationStatus.DRAFT)
    call = Call.objects.create(
        cycle=open_one.event.cycle,
        title="Travel",
        budget=Decimal("1000"),
        opens_at=timezone.now() - timedelta(days=1),
        closes_at=timezone.now() + timedelta(days=9),
        published=True,
    )
    call.consultations.add(open_one, draft)
    return call, open_one, draft


@pytest.mark.django_db
def test_a_draft_consultation_is_not_named_on_the_call_nor_offered_in_the_application(client, call_with_a_draft):
    call, _open, draft = call_with_a_draft
    applicant = make_user(Role.STAKEHOLDER)
    client.force_login(applicant)

    call_page = client.get(f"/en/funding/calls/{call.pk}/").content.decode()
    form = client.get(f"/en/funding/calls/{call.pk}/apply/").content.decode()
    chosen = client.post(
        f"/en/funding/calls/{call.pk}/apply/", {"consultation": draft.pk, "travelling_from": "KE", "action": "save"}
    )

    assert "Open consultation" in call_page and "Secret draft consultation" not in call_page
    assert "Open consultation" in form and "Secret draft consultation" not in form
    assert chosen.status_code == 400
    with pytest.raises(funding_services.FundingError):
        funding_services.application_save(call=call, applicant=applicant, data={"consultation": draft})


# --- Erasing an account erases every copy of the name ------------------------------------------------------


@pytest.mark.django_db
def test_erasing_an_account_removes_the_name_from_the_admin_history_and_every_copy(settings, tmp_path):
    settings.PRIVATE_ROOT = tmp_path
    person = make_user(Role.STAKEHOLDER, display_name="Amina Diallo")
    other = make_user(Role.STAKEHOLDER, display_name="Aminata Diallo-Sow")
    secretariat = make_user(Role.SECRETARIAT)
    consultation = make_consultation()
    registration = consultation_services.registration_create(
        consultation=consultation, user=person, attendance="virtual"
    )
    for obj, text in ((registration, str(registration)), (person, str(person)), (other, str(other))):
        LogEntry.objects.create(
            user=secretariat,
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
            object_repr=text,
            action_flag=CHANGE,
            change_message=json.dumps([{"added": {"name": "registration", "object": str(obj)}}]),
        )
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "list.xlsx").write_bytes(b"Amina Diallo")
    export = ExportLog.objects.create(
        consultation=consultation, user=secretariat, file_format="xlsx", file_name="list.xlsx"
    )
    UnsentTask.objects.create(signature={"task": "portal.tasks.send_prepared_mail", "kwargs": {"to": [person.email]}})
    Proposal.objects.create(
        kind="gcm_talk",
        title="Talk",
        level="country",
        date=timezone.localdate(),
        organisers="Amina",
        proposed_by=person,
    )

    privacy.account_delete(user=person)

    history = " ".join(f"{e.object_repr} {e.change_message}" for e in LogEntry.objects.all())
    assert "Amina Diallo" not in history.replace("Aminata Diallo-Sow", "") and person.email not in history
    assert "Aminata Diallo-Sow" in history, "another person whose name contains this one keeps theirs"
    assert not (tmp_path / "exports" / "list.xlsx").exists()
    export.refresh_from_db()
    assert (export.status, export.file_name) == (ExportStatus.REMOVED, "")
    assert not UnsentTask.objects.exists()
    assert not Proposal.objects.exists()


# --- Materials before the meeting; summaries once published -----------------------------------------------


def _document(consultation, kind: str) -> SummaryDocument:
    document = SummaryDocument(
        consultation=consultation, kind=kind, title=kind, content_type="application/pdf", original_name=f"{kind}.pdf"
    )
    document.file.save(f"{kind}.pdf", ContentFile(b"%PDF-1.7"), save=True)
    return document


@pytest.mark.django_db
def test_materials_can_be_downloaded_before_the_meeting_and_summaries_once_published(client):
    consultation = make_consultation()
    material, summary = _document(consultation, DocumentKind.MATERIAL), _document(consultation, DocumentKind.SUMMARY)
    draft = make_consultation(status=ConsultationStatus.DRAFT)
    draft_material = _document(draft, DocumentKind.MATERIAL)

    def status(document):
        return client.get(f"/en/consultations/{document.consultation_id}/summary/{document.pk}/").status_code

    assert (status(material), status(summary), status(draft_material)) == (200, 404, 404)
    consultation.status = ConsultationStatus.SUMMARY_PUBLISHED
    consultation.save()
    assert status(summary) == 200


# --- The public agenda names selected speakers only ---------------------------------------------------------


@pytest.mark.django_db
def test_the_public_agenda_names_only_selected_speakers(client):
    consultation = make_consultation()
    roundtable = Session.objects.create(consultation=consultation, kind=SessionKind.ROUNDTABLE, title="Roundtable")
    for name, status in (
        ("Selected Speaker", InterestStatus.SELECTED),
        ("Waiting Speaker", InterestStatus.RECEIVED),
        ("Declined Speaker", InterestStatus.NOT_SELECTED),
    ):
        offer = ExpressionOfInterest.objects.create(
            consultation=consultation,
            user=make_user(Role.STAKEHOLDER, display_name=name),
            role="panel",
            topic="t",
            statement="s",
            status=status,
        )
        roundtable.speakers.add(offer)

    agenda = client.get(f"/en/consultations/{consultation.pk}/agenda/").content.decode()

    assert "Selected Speaker" in agenda
    assert "Waiting Speaker" not in agenda and "Declined Speaker" not in agenda


# --- Decisions and cancellations are e-mailed, in the person's language --------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("approve", "subject"), [(True, "Votre proposition « Talk » est approuvée"), (False, None)])
def test_talk_decisions_are_mailed_to_the_proposer_in_their_language(approve, subject):
    make_consultation()
    proposer = make_user(Role.STAKEHOLDER, preferred_language="fr")
    proposal = Proposal.objects.create(
        kind="gcm_talk",
        title="Talk",
        level="country",
        date=timezone.localdate() + timedelta(days=20),
        organisers="Us",
        proposed_by=proposer,
    )

    with TestCase.captureOnCommitCallbacks(execute=True):
        consultation_services.proposal_decide(
            proposal=proposal, by=make_user(Role.SECRETARIAT), approve=approve, reason="" if approve else "Trop tard"
        )

    (message,) = mail.outbox
    assert message.to == [proposer.email]
    if subject:
        assert message.subject == subject
    else:
        assert "Trop tard" in message.body and "Motif" in message.body


@pytest.mark.django_db
def test_cancelling_a_registration_sends_a_confirmation(client):
    person = make_user(Role.STAKEHOLDER, preferred_language="es")
    consultation = make_consultation(title="Consulta regional")
    consultation_services.registration_create(consultation=consultation, user=person, attendance="virtual")
    mail.outbox.clear()
    client.force_login(person)

    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(f"/en/consultations/{consultation.pk}/cancel/")

    (message,) = mail.outbox
    assert message.to == [person.email]
    assert message.subject == "Se canceló su inscripción en Consulta regional"
    assert Registration.objects.get().status == "cancelled"


# --- Registration exports in the exporter's language --------------------------------------------------------


@pytest.mark.django_db
def test_the_registration_export_shows_labels_in_the_exporters_language_and_codes_on_request(client):
    consultation = make_consultation()
    consultation_services.registration_create(
        consultation=consultation,
        user=make_user(Role.STAKEHOLDER, constituency="trade_union", country="KE"),
        attendance="in_person",
    )
    client.force_login(make_user(Role.SECRETARIAT))
    columns = "&".join(
        f"columns={c}" for c in ("attendance", "status", "constituency", "country", "country_code", "status_code")
    )

    response = client.get(f"/fr/consultations/{consultation.pk}/registrations.csv?{columns}")

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == [
        "Mode de participation",
        "État",
        "Catégorie de parties prenantes",
        "Pays",
        "Pays (code ISO)",
        "État (code)",
    ]
    assert rows[1] == ["En présentiel", "Inscription confirmée", "Syndicat", "Kenya", "KE", "registered"]


@pytest.mark.django_db
def test_an_offer_to_speak_and_a_submitted_application_are_confirmed_by_e_mail(client):
    person = make_user(Role.STAKEHOLDER, preferred_language="en")
    consultation = make_consultation(title="Consultation for Africa")
    client.force_login(person)

    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(
            f"/en/consultations/{consultation.pk}/speak/",
            {"role": "panel", "topic": "Decent work", "statement": "Ten years with domestic workers."},
        )
    call = Call.objects.create(
        cycle=consultation.event.cycle,
        title="Travel to Addis",
        budget=Decimal("1000"),
        opens_at=timezone.now() - timedelta(days=1),
        closes_at=timezone.now() + timedelta(days=9),
        published=True,
    )
    draft = funding_services.application_save(
        call=call,
        applicant=person,
        data={
            "consultation": consultation,
            "travelling_from": "KE",
            "travel_cost": Decimal("500"),
            "justification": "We run the helpline.",
        },
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        funding_services.application_submit(application=draft, applicant=person)

    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([person.email], "Your offer to speak at Consultation for Africa is received"),
        ([person.email], "Your application to Travel to Addis is received"),
    ]


@pytest.mark.django_db
def test_erasing_an_account_erases_the_admin_history_of_its_things_whatever_name_it_holds():

    person = make_user(Role.STAKEHOLDER, display_name="Leila (demo)")
    secretariat = make_user(Role.SECRETARIAT)
    consultation = make_consultation()
    offer = ExpressionOfInterest.objects.create(
        consultation=consultation, user=person, role="panel", topic="t", statement="s"
    )
    space = Space.objects.create(region=consultation.event.region, cycle=consultation.event.cycle, title="S")
    phase = Phase.objects.create(
        space=space, number=1, opens_at=timezone.now() - timedelta(days=1), closes_at=timezone.now() + timedelta(9)
    )
    add_questions(phase, ["What works?"])
    post = discussion_services.post_create(
        question=phase.questions.get(), author=person, text="Our network of domestic workers", language="en"
    )
    discussion_services.post_moderate(post=post, by=_space_moderator(space), approve=True, shown_revision=post.revision)
    # Entries written through the admin, one through a proxy's (the moderation queue names the proxy).
    for model, obj in ((ExpressionOfInterest, offer), (PendingPost, post)):
        LogEntry.objects.create(
            user=secretariat,
            content_type=ContentType.objects.get_for_model(model, for_concrete_model=False),
            object_id=str(obj.pk),
            object_repr=str(obj),
            action_flag=CHANGE,
            change_message="[]",
        )
    person.profile.display_name = "Leila Haddad"  # renamed before erasing: the old name is in the history
    person.profile.save()

    privacy.account_delete(user=person)

    assert set(LogEntry.objects.values_list("object_repr", flat=True)) == {"[erased]"}


def _space_moderator(space):
    moderator = make_user(Role.MODERATOR)
    space.moderators.add(moderator)
    return moderator


@pytest.mark.django_db
def test_a_proposed_talk_and_a_request_for_a_second_review_are_confirmed_by_e_mail(client):

    person = make_user(Role.STAKEHOLDER, preferred_language="en")
    consultation = make_consultation()
    client.force_login(person)
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(
            "/en/consultations/talks/",
            {
                "kind": "gcm_talk",
                "title": "Remittances",
                "level": "country",
                "date": (timezone.localdate() + timedelta(days=20)).isoformat(),
                "organisers": "Us",
            },
        )
    assert [m.subject for m in mail.outbox] == ["Your proposal “Remittances” is received"]

    space = Space.objects.create(region=consultation.event.region, cycle=consultation.event.cycle, title="S")
    phase = Phase.objects.create(
        space=space, number=1, opens_at=timezone.now() - days(days=1), closes_at=timezone.now() + days(days=9)
    )
    add_questions(phase, ["What works?"])
    post = discussion_services.post_create(question=phase.questions.get(), author=person, text="t", language="en")
    discussion_services.post_moderate(
        post=post, by=_space_moderator(space), approve=False, reason="Off topic", shown_revision=post.revision
    )
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        discussion_services.appeal_create(post=post, author=person, reason="It is on topic.")

    assert [m.subject for m in mail.outbox] == ["Your request for a second review is received"]
    assert Proposal.objects.get().title == "Remittances"
