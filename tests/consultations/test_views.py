import datetime

import pytest
from django.core.exceptions import ValidationError

from consultations import services
from consultations.enums import RegistrationStatus
from consultations.models import ExpressionOfInterest, Registration, SummaryDocument
from consultations.services import INTEREST_WORD_LIMIT
from portal.enums import Role
from tests.factories import make_consultation, make_user


@pytest.mark.django_db
def test_stakeholder_registers_and_sees_status(client, stakeholder):
    consultation = make_consultation()
    client.force_login(stakeholder)

    response = client.post(f"/en/consultations/{consultation.pk}/register/", {"attendance": "virtual"}, follow=True)

    assert "You are registered." in response.content.decode()
    assert Registration.objects.get(user=stakeholder).status == RegistrationStatus.REGISTERED
    assert "Cancel my registration" in response.content.decode()


@pytest.mark.django_db
def test_waitlisted_person_sees_position(client):
    consultation = make_consultation(capacity_in_person=1)
    first, second = make_user(Role.STAKEHOLDER), make_user(Role.STAKEHOLDER)
    for user in (first, second):
        client.force_login(user)
        client.post(f"/en/consultations/{consultation.pk}/register/", {"attendance": "in_person"})

    html = client.get(f"/en/consultations/{consultation.pk}/").content.decode()

    assert "number 1 on the waiting list" in html


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "status"), [(Role.MODERATOR, 403), (Role.EXECUTIVE_COMMITTEE, 403)])
def test_roles_without_registration_right_are_refused(client, user_with_role, role, status):
    consultation = make_consultation()
    client.force_login(user_with_role(role))

    assert (
        client.post(f"/en/consultations/{consultation.pk}/register/", {"attendance": "virtual"}).status_code == status
    )


@pytest.mark.django_db
def test_anonymous_is_sent_to_sign_in(client):
    consultation = make_consultation()

    response = client.post(f"/en/consultations/{consultation.pk}/register/", {"attendance": "virtual"})

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_draft_consultation_is_hidden_from_the_public(client, secretariat):
    consultation = make_consultation(status="draft")

    assert client.get(f"/en/consultations/{consultation.pk}/").status_code == 404, "not even that it exists"
    assert consultation.title not in client.get("/en/consultations/").content.decode()
    client.force_login(secretariat)
    assert client.get(f"/en/consultations/{consultation.pk}/").status_code == 200


@pytest.mark.django_db
def test_overlong_statement_keeps_text_and_says_by_how_much(client, stakeholder):
    consultation = make_consultation()
    client.force_login(stakeholder)
    statement = " ".join(["word"] * (INTEREST_WORD_LIMIT + 7))

    response = client.post(
        f"/en/consultations/{consultation.pk}/speak/",
        {"role": "panel", "topic": "Labour migration", "statement": statement},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "shorten your statement by 7 words" in html
    assert statement in html
    assert 'value="Labour migration"' in html
    assert ExpressionOfInterest.objects.count() == 0


@pytest.mark.django_db
def test_offer_to_speak_is_recorded(client, stakeholder):
    consultation = make_consultation()
    client.force_login(stakeholder)

    client.post(
        f"/en/consultations/{consultation.pk}/speak/", {"role": "floor", "topic": "Climate", "statement": "Short."}
    )

    interest = ExpressionOfInterest.objects.get()
    assert (interest.user, interest.role, interest.topic) == (stakeholder, "floor", "Climate")


@pytest.mark.django_db
def test_list_and_detail_query_counts_do_not_grow(client, stakeholder, query_count):
    consultation = make_consultation(capacity_in_person=100)
    client.force_login(stakeholder)

    services.registration_create(consultation=consultation, user=make_user(Role.STAKEHOLDER), attendance="in_person")
    client.get("/en/consultations/")
    one = (
        query_count(lambda: client.get("/en/consultations/")),
        query_count(lambda: client.get(consultation.get_absolute_url())),
    )
    for _ in range(49):
        services.registration_create(
            consultation=consultation, user=make_user(Role.STAKEHOLDER), attendance="in_person"
        )
    fifty = (
        query_count(lambda: client.get("/en/consultations/")),
        query_count(lambda: client.get(consultation.get_absolute_url())),
    )

    assert one == fifty


@pytest.mark.django_db
def test_secretariat_accredits_in_bulk_from_the_admin(client, secretariat, django_capture_on_commit_callbacks):

    consultation = make_consultation(accreditation_required=True)
    regs = [
        services.registration_create(consultation=consultation, user=make_user(Role.STAKEHOLDER), attendance="virtual")
        for _ in range(3)
    ]
    client.force_login(secretariat)

    selection = {"action": "approve", "_selected_action": [r.pk for r in regs], "reason": ""}
    page = client.post("/en/admin/consultations/pendingaccreditation/", selection)
    assert set(Registration.objects.values_list("status", flat=True)) == {"pending"}, "first they are shown"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/en/admin/consultations/pendingaccreditation/",
            {**selection, "confirm_decision": "yes", **{f"shown-{i.obj.pk}": i.version for i in page.context["items"]}},
        )

    assert set(Registration.objects.values_list("status", flat=True)) == {"registered"}


@pytest.mark.django_db
def test_an_accreditation_is_refused_when_the_registration_changed_since_it_was_shown(client, secretariat):

    consultation = make_consultation(accreditation_required=True)
    person = make_user(Role.STAKEHOLDER)
    registration = services.registration_create(consultation=consultation, user=person, attendance="virtual")
    client.force_login(secretariat)
    selection = {"action": "approve", "_selected_action": [registration.pk], "reason": ""}
    shown = client.post("/en/admin/consultations/pendingaccreditation/", selection).context["items"][0].version
    services.registration_cancel(registration=registration)
    services.registration_create(consultation=consultation, user=person, attendance="in_person")

    response = client.post(
        "/en/admin/consultations/pendingaccreditation/",
        {**selection, "confirm_decision": "yes", f"shown-{registration.pk}": shown},
        follow=True,
    )

    assert "changed since you opened the list" in response.content.decode()
    registration.refresh_from_db()
    assert (registration.status, registration.attendance) == ("pending", "in_person")


@pytest.mark.django_db
def test_admin_refuses_lowering_capacity_below_taken(client, secretariat):

    consultation = make_consultation(capacity_in_person=5)
    for _ in range(3):
        services.registration_create(
            consultation=consultation, user=make_user(Role.STAKEHOLDER), attendance="in_person"
        )
    client.force_login(secretariat)
    form = client.get(f"/en/admin/consultations/consultation/{consultation.pk}/change/").context["adminform"].form

    data = {name: ("" if value is None else value) for name, value in form.initial.items()}
    data.update({"capacity_in_person": 2, "event": consultation.event_id})
    for name in ("registration_opens_at", "registration_deadline"):
        value = getattr(consultation, name)
        data[f"{name}_0"], data[f"{name}_1"] = value.strftime("%Y-%m-%d"), value.strftime("%H:%M:%S")
    data = {k: v for k, v in data.items() if not isinstance(v, (list, dict)) and v is not False}
    response = client.post(f"/en/admin/consultations/consultation/{consultation.pk}/change/", data)

    assert response.status_code == 200
    assert "3 people already hold a place" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/en/admin/consultations/registration/", "/en/admin/consultations/pendingaccreditation/"]
)
def test_admin_lists_query_count_same_at_1_and_50(client, secretariat, query_count, url):

    consultation = make_consultation(capacity_in_person=100, accreditation_required=True)
    client.force_login(secretariat)

    def add(n):
        for _ in range(n):
            services.registration_create(
                consultation=consultation, user=make_user(Role.STAKEHOLDER), attendance="in_person"
            )

    add(1)
    client.get(url)
    one = query_count(lambda: client.get(url))
    add(49)

    assert query_count(lambda: client.get(url)) == one


@pytest.mark.django_db
def test_meeting_materials_are_listed_and_links_work(client):

    consultation = make_consultation()
    SummaryDocument.objects.create(
        consultation=consultation,
        kind="material",
        title="Logistics note",
        language="es",
        link="https://migrationnetwork.un.org/",
    )
    SummaryDocument.objects.create(
        consultation=consultation,
        kind="summary",
        title="Hidden summary",
        language="en",
        link="https://example.org/summary",
    )

    html = client.get(consultation.get_absolute_url()).content.decode()

    assert 'href="https://migrationnetwork.un.org/" hreflang="es">Logistics note' in html
    assert "Hidden summary" not in html


@pytest.mark.django_db
def test_times_are_shown_in_the_consultation_time_zone(client):

    consultation = make_consultation(
        time_zone="Europe/Zurich", starts_at=datetime.datetime(2027, 3, 8, 9, 0, tzinfo=datetime.UTC)
    )

    html = client.get(consultation.get_absolute_url()).content.decode()

    assert "8 March 2027, 10:00 CET (Europe/Zurich)" in html
    consultation.time_zone = "Mars/Olympus"
    with pytest.raises(ValidationError, match="not a time zone name"):
        consultation.full_clean()
