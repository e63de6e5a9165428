"""Calls for voluntary written inputs (004: "Member States and stakeholders have been invited to submit voluntary
inputs … by 30 October 2020 … These submissions will be posted on the regional landing page"): sending one,
screening it, listing it, and who sees an input before it is published."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from consultations import services
from consultations.enums import InputStatus
from consultations.models import InputCall, WrittenInput
from portal.enums import AuditAction, Role
from portal.models import AuditEntry
from portal.privacy import account_delete, personal_data
from tests.factories import (
    EventFactory,
    InputCallFactory,
    RegionFactory,
    SummaryDocumentFactory,
    WrittenInputFactory,
    make_consultation,
    make_user,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7 our input"


def send(call, user, **fields):
    values = {
        "title": "Our input",
        "summary": "Three points.",
        "language": "en",
        "organisation": "A network",
        "upload": SimpleUploadedFile("input.pdf", PDF),
        "content_type": "application/pdf",
    } | fields
    return services.written_input_create(call=call, author=user, **values)


def screen(inputs, by, publish=True, reason=""):
    versions = {w.pk: services.written_input_version(written=w) for w in inputs}
    return services.written_inputs_screen(inputs=inputs, by=by, publish=publish, versions=versions, reason=reason)


# --- Sending ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "submitted_as"), [(Role.STAKEHOLDER, "stakeholder"), (Role.MEMBER_STATE, "member_state")]
)
def test_stakeholders_and_member_states_send_one_input_each_with_a_receipt(
    role, submitted_as, django_capture_on_commit_callbacks
):
    call = InputCallFactory()
    person = make_user(role, preferred_language="fr")

    with django_capture_on_commit_callbacks(execute=True):
        written = send(call, person)

    assert (written.status, written.submitted_as, written.original_name) == ("submitted", submitted_as, "input.pdf")
    assert written.file.read() == PDF
    assert mail.outbox[-1].to == [person.email]
    assert "Our input" in mail.outbox[-1].subject
    with pytest.raises(services.ConsultationError, match="already sent"):
        send(call, person)


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ({"role": Role.UN_SYSTEM}, "come from stakeholders and Member States"),
        ({"role": Role.MODERATOR}, "come from stakeholders and Member States"),
        ({"deadline": -1}, "closed"),
        ({"published": False}, "closed"),
        ({"summary": " ".join(["word"] * 201)}, "200 words"),
    ],
)
def test_an_input_is_refused_outside_the_call(setup, message):
    call = InputCallFactory(
        deadline=timezone.now() + timedelta(days=setup.get("deadline", 7)), published=setup.get("published", True)
    )
    person = make_user(setup.get("role", Role.STAKEHOLDER))
    fields = {"summary": setup["summary"]} if "summary" in setup else {}

    with pytest.raises(services.ConsultationError, match=message), transaction.atomic():
        send(call, person, **fields)
    assert not WrittenInput.objects.exists()


def test_the_form_checks_the_file_by_its_content_and_keeps_what_was_typed(client):
    call = InputCallFactory()
    client.force_login(make_user(Role.STAKEHOLDER, organisation="Our network"))
    page = client.get(call.get_absolute_url()).content.decode()
    assert 'value="Our network"' in page, "the organisation comes from the profile"

    response = client.post(
        f"/en/consultations/inputs/{call.pk}/send/",
        {
            "organisation": "Our network",
            "title": "Our input",
            "summary": "Three points.",
            "language": "en",
            "document": SimpleUploadedFile("input.pdf", b"<html><script>alert(1)</script>"),
        },
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert "is not a PDF, an office document" in body
    assert "Three points." in body
    assert not WrittenInput.objects.exists()


def test_the_sender_withdraws_an_input_before_screening_only(client):
    call = InputCallFactory()
    person = make_user(Role.STAKEHOLDER)
    written = send(call, person)
    client.force_login(person)

    client.post(f"/en/consultations/inputs/documents/{written.pk}/withdraw/")
    assert not WrittenInput.objects.exists()

    written = send(call, person)
    screen([written], make_user(Role.SECRETARIAT))
    response = client.post(f"/en/consultations/inputs/documents/{written.pk}/withdraw/", follow=True)
    assert "Only an input still waiting for screening can be withdrawn." in response.content.decode()
    assert WrittenInput.objects.get().status == InputStatus.PUBLISHED


# --- Screening -------------------------------------------------------------------------------------------------


def test_screening_publishes_or_declines_with_a_reason_and_tells_the_sender(django_capture_on_commit_callbacks):
    call = InputCallFactory()
    one, two = WrittenInputFactory(call=call), WrittenInputFactory(call=call)
    secretariat = make_user(Role.SECRETARIAT)

    with pytest.raises(services.ConsultationError, match="reason"):
        screen([two], secretariat, publish=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert screen([one], secretariat) == 1
        assert screen([two], secretariat, publish=False, reason="Not about the GCM") == 1

    assert dict(WrittenInput.objects.values_list("pk", "status")) == {one.pk: "published", two.pk: "declined"}
    assert [m.to for m in mail.outbox] == [[one.author.email], [two.author.email]]
    assert "Not about the GCM" in mail.outbox[1].body
    entry = AuditEntry.objects.filter(action=AuditAction.INPUT_SCREENING).first()
    assert (entry.role, entry.region_id) == (Role.SECRETARIAT, call.region_id)


def test_screening_binds_to_the_input_shown_and_to_the_region_and_never_to_ones_own():
    call = InputCallFactory()
    written = WrittenInputFactory(call=call)
    shown = {written.pk: services.written_input_version(written=written)}
    WrittenInput.objects.filter(pk=written.pk).update(summary="Something else entirely.")
    with pytest.raises(services.ConsultationError, match="changed since you opened"), transaction.atomic():
        services.written_inputs_screen(inputs=[written], by=make_user(Role.SECRETARIAT), publish=True, versions=shown)

    written.refresh_from_db()
    elsewhere = make_user(Role.FOCAL_POINT, regions=[RegionFactory()])
    with pytest.raises(services.ConsultationError, match="does not allow"), transaction.atomic():
        screen([written], elsewhere)

    colleague = make_user(Role.SECRETARIAT, organisation=written.author.profile.organisation or "Same org")
    written.author.profile.organisation = colleague.profile.organisation
    written.author.profile.save()
    with pytest.raises(services.ConsultationError), transaction.atomic():
        screen([written], colleague)

    here = make_user(Role.FOCAL_POINT, regions=[call.region])
    assert screen([written], here) == 1
    assert WrittenInput.objects.get().status == InputStatus.PUBLISHED


def test_the_admin_queue_shows_each_input_before_deciding(client):
    written = WrittenInputFactory(title="Input to screen")
    client.force_login(make_user(Role.SECRETARIAT))
    data = {"action": "publish", "_selected_action": [written.pk], "reason": ""}

    page = client.post("/en/admin/consultations/pendinginput/", data)
    assert "Input to screen" in page.content.decode()
    assert WrittenInput.objects.get().status == InputStatus.SUBMITTED, "first it is shown"

    client.post(
        "/en/admin/consultations/pendinginput/",
        {**data, "confirm_decision": "yes", f"shown-{written.pk}": services.written_input_version(written=written)},
    )
    assert WrittenInput.objects.get().status == InputStatus.PUBLISHED


# --- Who sees what ---------------------------------------------------------------------------------------------


def test_only_published_inputs_are_listed_and_their_files_open_to_all(client):
    call = InputCallFactory()
    published = WrittenInputFactory(call=call, title="PUBLISHED-TITLE", status="published")
    waiting = WrittenInputFactory(call=call, title="WAITING-TITLE", summary="WAITING-SUMMARY")
    declined = WrittenInputFactory(call=call, title="DECLINED-TITLE", status="declined")
    region_page = f"/en/regions/{call.region.code}/"
    viewers = {
        "anonymous": None,
        "stakeholder": make_user(Role.STAKEHOLDER),
        "focal point elsewhere": make_user(Role.FOCAL_POINT, regions=[RegionFactory()]),
        "task team here": make_user(Role.TASK_TEAM, regions=[call.region]),
    }
    for name, viewer in viewers.items():
        client.logout()
        if viewer:
            client.force_login(viewer)
        for url in (call.get_absolute_url(), region_page):
            body = client.get(url).content.decode()
            assert "WAITING" not in body and "DECLINED" not in body, (name, url)
        assert "PUBLISHED-TITLE" in client.get(call.get_absolute_url()).content.decode()
        assert client.get(f"/en/consultations/inputs/documents/{published.pk}/").status_code == 200
        for hidden in (waiting, declined):
            assert client.get(f"/en/consultations/inputs/documents/{hidden.pk}/").status_code == 404, name

    for viewer in (waiting.author, make_user(Role.SECRETARIAT), make_user(Role.FOCAL_POINT, regions=[call.region])):
        client.force_login(viewer)
        assert client.get(f"/en/consultations/inputs/documents/{waiting.pk}/").status_code == 200


def test_the_list_filters_by_constituency_and_language(client):
    call = InputCallFactory()
    WrittenInputFactory(call=call, title="English union input", constituency="trade_union", status="published")
    WrittenInputFactory(
        call=call, title="French academic input", constituency="academia", language="fr", status="published"
    )
    WrittenInputFactory(
        call=call, title="A State input", constituency="member_state", submitted_as="member_state", status="published"
    )

    def titles(query):
        body = client.get(f"{call.get_absolute_url()}?{query}").content.decode()
        return [t for t in ("English union input", "French academic input", "A State input") if t in body]

    assert titles("") == ["English union input", "French academic input", "A State input"]
    assert titles("constituency=academia") == ["French academic input"]
    assert titles("language=fr") == ["French academic input"]
    assert titles("constituency=member_state") == ["A State input"]
    assert titles("constituency=nonsense&language=xx") == [
        "English union input",
        "French academic input",
        "A State input",
    ]


def test_a_call_being_prepared_is_its_organisers_alone(client):
    call = InputCallFactory(published=False, title="PREPARED-CALL")
    assert client.get(call.get_absolute_url()).status_code == 404
    client.force_login(make_user(Role.FOCAL_POINT, regions=[call.region]))
    assert client.get(call.get_absolute_url()).status_code == 200


def test_the_2020_unece_call_is_seeded_and_closed():
    call_command("load_seed_calendar", stdout=StringIO())
    call = InputCall.objects.get(region__code="europe-north-america", cycle__code="2020-2021")
    assert call.deadline.date().isoformat() == "2020-10-30"
    assert not call.is_open()
    call_command("load_seed_calendar", stdout=StringIO())
    assert InputCall.objects.count() == 1


def test_an_input_is_in_the_senders_data_and_erasure_keeps_only_published_ones():
    call = InputCallFactory()
    person = make_user(Role.STAKEHOLDER)
    other_call = InputCallFactory(region=call.region)
    published = WrittenInputFactory(call=call, author=person, title="Kept", status="published")
    WrittenInputFactory(call=other_call, author=person, title="Gone")

    assert sorted(row["title"] for row in personal_data(person)["consultations.writteninput"]) == ["Gone", "Kept"]
    account_delete(user=person)

    assert list(WrittenInput.objects.values_list("title", flat=True)) == ["Kept"]
    assert WrittenInput.objects.get().pk == published.pk


# --- Outputs of a pre-consultation (000) -------------------------------------------------------------------


def test_a_pre_consultations_published_summary_shows_on_the_agenda_it_feeds(client):
    main = make_consultation(title="Multi-stakeholder consultation")
    earlier = make_consultation(
        event=main.event, title="Pre-consultation", feeds=main, summary="PRE-CONSULTATION OUTCOMES", status="held"
    )
    SummaryDocumentFactory(consultation=earlier, title="Pre-consultation report")

    assert "PRE-CONSULTATION OUTCOMES" not in client.get(f"/en/consultations/{main.pk}/agenda/").content.decode()
    earlier.status = "summary_published"
    earlier.save()
    page = client.get(f"/en/consultations/{main.pk}/agenda/").content.decode()
    assert "PRE-CONSULTATION OUTCOMES" in page
    assert "Pre-consultation report" in page


def test_a_consultation_feeds_only_another_of_its_region_and_cycle():
    main = make_consultation()
    elsewhere = make_consultation(event=EventFactory(cycle=main.event.cycle))
    for target in (main, elsewhere):
        main.feeds = target
        with pytest.raises(ValidationError) as caught:
            main.full_clean()
        assert "feeds" in caught.value.message_dict
