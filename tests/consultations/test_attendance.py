"""Check-in at the door, online attendance from a platform's report, and attendance by hand."""

import json
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consultations import attendance as services
from consultations import documents
from consultations.attendance import AttendanceError, normalise_code
from consultations.models import Certificate, CheckIn, Registration, UnmatchedAttendee, new_check_in_code
from consultations.services import registration_create
from consultations.tiles import build_attendance
from portal.enums import AuditAction, Role
from portal.models import AuditEntry
from tests.concurrency import run_at_once
from tests.factories import (
    CertificateFactory,
    CheckInFactory,
    RegionalRoleFactory,
    RegistrationFactory,
    make_consultation,
    make_user,
)


def meeting(**fields):
    """A meeting that began an hour ago: the door is open."""
    fields.setdefault("starts_at", timezone.now() - timedelta(hours=1))
    return make_consultation(**fields)


def confirmed(consultation=None, attendance="in_person", **profile):
    consultation = consultation or meeting()
    return RegistrationFactory(
        consultation=consultation, user=make_user(**profile), attendance=attendance, status="registered"
    )


# --- Codes ---


def test_new_codes_use_crockford_letters_in_two_groups():
    code = new_check_in_code()
    assert len(code) == 9 and code[4] == "-"
    assert set(code.replace("-", "")) <= set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("7kq2-m9xd", "7KQ2-M9XD"), (" 7KQ2 M9XD ", "7KQ2-M9XD"), ("7KQ2M9XD", "7KQ2-M9XD"), ("7kq2-m9xO", "7KQ2-M9X0")],
)
def test_codes_are_read_as_typed_or_scanned(typed, stored):
    assert normalise_code(typed) == stored


def test_a_name_is_not_a_code():
    assert normalise_code("Amina") == ""


@pytest.mark.django_db
def test_every_registration_has_its_own_code():
    consultation = meeting()
    codes = {confirmed(consultation).code for _ in range(5)}
    assert len(codes) == 5


# --- The door ---


@pytest.mark.django_db
def test_door_checks_in_a_confirmed_place_once(secretariat):
    registration = confirmed()
    first = services.door_check_in(consultation=registration.consultation, text=registration.code, by=secretariat)
    second = services.door_check_in(
        consultation=registration.consultation, text=registration.code.lower(), by=secretariat
    )
    assert (first.outcome, second.outcome) == (services.CHECKED_IN, services.ALREADY)
    check_in = CheckIn.objects.get()
    assert (check_in.registration, check_in.attended, check_in.way, check_in.recorded_by) == (
        registration,
        "in_person",
        "door",
        secretariat,
    )
    assert AuditEntry.objects.filter(action=AuditAction.ATTENDANCE).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "warning"),
    [
        ("pending", "Accreditation is still pending"),
        ("waitlisted", "waiting list"),
        ("cancelled", "cancelled"),
        ("rejected", "did not accredit"),
    ],
)
def test_door_warns_and_does_not_admit_without_a_confirmed_place(secretariat, status, warning):
    registration = RegistrationFactory(consultation=meeting(), status=status, attendance="in_person")
    answer = services.door_check_in(consultation=registration.consultation, text=registration.code, by=secretariat)
    assert answer.outcome == services.NOT_ADMITTED
    assert warning in answer.warning
    assert not CheckIn.objects.exists()


@pytest.mark.django_db
def test_door_warns_that_someone_registered_online(secretariat):
    registration = confirmed(attendance="virtual")
    answer = services.door_check_in(consultation=registration.consultation, text=registration.code, by=secretariat)
    assert answer.outcome == services.CHECKED_IN
    assert answer.warning == "This person registered to take part online."


@pytest.mark.django_db
def test_a_code_of_another_meeting_finds_nobody(secretariat):
    elsewhere = confirmed()
    answer = services.door_check_in(consultation=meeting(), text=elsewhere.code, by=secretariat)
    assert answer.outcome == services.NOT_FOUND


@pytest.mark.django_db
def test_door_finds_people_by_name(secretariat):
    consultation = meeting()
    amina = confirmed(consultation, display_name="Amina Yusuf")
    confirmed(consultation, display_name="Amina Diallo")
    confirmed(consultation, display_name="Carlos Pérez")
    several = services.door_check_in(consultation=consultation, text="amina", by=secretariat)
    assert several.outcome == services.MATCHES
    assert [r.user.profile.display_name for r in several.matches] == ["Amina Diallo", "Amina Yusuf"]
    one = services.door_check_in(consultation=consultation, text="Yusuf", by=secretariat)
    assert (one.outcome, one.matches) == (services.MATCHES, (amina,))
    assert not CheckIn.objects.exists()


@pytest.mark.django_db
def test_nobody_checks_themselves_in():
    staff = make_user(Role.SECRETARIAT)
    registration = RegistrationFactory(consultation=meeting(), user=staff, status="registered")
    with pytest.raises(AttendanceError):
        services.door_check_in(consultation=registration.consultation, text=registration.code, by=staff)
    assert not CheckIn.objects.exists()


# transactional: four threads scan at once, each on its own connection
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("locked", [True, False], ids=["row-lock", "constraint-only"])
def test_two_staff_scanning_the_same_person_at_once_record_one_check_in(settings, locked):
    """With the lock, the second scan waits and is told "already"; without it (the control), the database's
    constraint still keeps one row, and the scan that lost the race is told the same."""
    settings.CONSULTATIONS_LOCK_PLACES = locked
    registration = confirmed()
    staff = [make_user(Role.SECRETARIAT) for _ in range(4)]
    answers = []

    def scan(person):
        def run():
            answer = services.door_check_in(consultation=registration.consultation, text=registration.code, by=person)
            answers.append(answer.outcome)

        return run

    errors = run_at_once([scan(person) for person in staff])
    assert errors == []
    assert sorted(answers) == [services.ALREADY] * 3 + [services.CHECKED_IN]
    assert CheckIn.objects.filter(registration=registration).count() == 1
    assert AuditEntry.objects.filter(action=AuditAction.ATTENDANCE).count() == 1


@pytest.mark.django_db
def test_undoing_a_check_in_revokes_its_certificate(secretariat):
    certificate = CertificateFactory()
    assert services.check_in_undo(registration=certificate.registration, by=secretariat) is True
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None
    assert not CheckIn.objects.exists()


# --- The platform's report ---

ZOOM = (
    "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"
    "Amina Yusuf,amina@example.org,03/10/2027 10:00:00 AM,03/10/2027 11:00:00 AM,60,No\n"
    "Amina Yusuf,AMINA@example.org,03/10/2027 11:10:00 AM,03/10/2027 11:40:00 AM,30,No\n"
    "Interpreter,booth@example.org,03/10/2027 09:50:00 AM,03/10/2027 12:00:00 PM,130,Yes\n"
    "Someone,,03/10/2027 10:00:00 AM,03/10/2027 10:05:00 AM,5,Yes\n"
)


@pytest.mark.django_db
def test_import_marks_matched_people_present_online_and_keeps_the_rest(secretariat):
    consultation = meeting()
    amina = confirmed(consultation, attendance="in_person")
    amina.user.email = "amina@example.org"
    amina.user.save()
    result = services.attendance_import(consultation=consultation, data=ZOOM.encode(), by=secretariat)
    assert (result.rows, result.checked_in, result.already, result.unmatched) == (3, 1, 0, 2)
    check_in = CheckIn.objects.get()
    assert (check_in.registration, check_in.attended, check_in.way, check_in.minutes) == (
        amina,
        "virtual",
        "platform",
        90,
    )
    assert services.attendance_state(Registration.objects.select_related("check_in").get(pk=amina.pk)) == (
        "online_instead"
    )
    assert sorted(UnmatchedAttendee.objects.values_list("name", "email", "minutes")) == [
        ("Interpreter", "booth@example.org", 130),
        ("Someone", "", 5),
    ]
    again = services.attendance_import(consultation=consultation, data=ZOOM.encode(), by=secretariat)
    assert (again.checked_in, again.already, again.unmatched) == (0, 1, 2)
    assert UnmatchedAttendee.objects.count() == 2


@pytest.mark.django_db
def test_import_leaves_the_importers_own_row_to_a_colleague():
    consultation = meeting()
    staff = make_user(Role.SECRETARIAT)
    staff.email = "amina@example.org"
    staff.save()
    RegistrationFactory(consultation=consultation, user=staff, status="registered")
    result = services.attendance_import(consultation=consultation, data=ZOOM.encode(), by=staff)
    assert result.checked_in == 0
    assert not CheckIn.objects.exists()
    row = UnmatchedAttendee.objects.get(email="amina@example.org")
    with pytest.raises(AttendanceError):
        services.unmatched_resolve(row=row, registration=staff.registrations.get(), by=staff)
    colleague = make_user(Role.SECRETARIAT)
    services.unmatched_resolve(row=row, registration=staff.registrations.get(), by=colleague)
    assert CheckIn.objects.get().recorded_by == colleague


@pytest.mark.django_db
def test_import_matches_a_confirmed_second_address():
    consultation = meeting()
    amina = confirmed(consultation)
    EmailAddress.objects.create(user=amina.user, email="amina@example.org", verified=True)
    services.attendance_import(consultation=consultation, data=ZOOM.encode(), by=make_user(Role.SECRETARIAT))
    assert CheckIn.objects.get().registration == amina


@pytest.mark.django_db
def test_import_does_not_trust_an_unconfirmed_second_address():
    consultation = meeting()
    amina = confirmed(consultation)
    EmailAddress.objects.create(user=amina.user, email="amina@example.org", verified=False)
    services.attendance_import(consultation=consultation, data=ZOOM.encode(), by=make_user(Role.SECRETARIAT))
    assert not CheckIn.objects.exists()


@pytest.mark.django_db
def test_someone_checked_in_in_the_room_stays_in_the_room(secretariat):
    consultation = meeting()
    check_in = CheckInFactory(registration=confirmed(consultation))
    check_in.registration.user.email = "amina@example.org"
    check_in.registration.user.save()
    result = services.attendance_import(consultation=consultation, data=ZOOM.encode(), by=secretariat)
    assert result.already == 1
    assert CheckIn.objects.get().attended == "in_person"


# --- Pages ---


def door(client, consultation, text, *, json_answer=True):
    headers = {"HTTP_ACCEPT": "application/json"} if json_answer else {}
    return client.post(f"/en/consultations/{consultation.pk}/check-in/", {"code": text}, **headers)


@pytest.mark.django_db
def test_door_page_answers_json_with_name_and_status(client, secretariat):
    registration = confirmed(display_name="Amina Yusuf")
    client.force_login(secretariat)
    response = door(client, registration.consultation, registration.code)
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["outcome"] == "checked_in"
    assert "Amina Yusuf" in body["html"] and "Checked in" in body["html"]
    again = json.loads(door(client, registration.consultation, registration.code).content)
    assert again["outcome"] == "already"


@pytest.mark.django_db
def test_door_page_works_without_javascript(client, secretariat):
    registration = RegistrationFactory(consultation=meeting(), status="pending", attendance="in_person")
    client.force_login(secretariat)
    response = door(client, registration.consultation, registration.code, json_answer=False)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Accreditation is still pending" in page
    assert 'id="check-in-form"' in page


@pytest.mark.django_db
def test_door_page_choice_among_several_names_checks_in_the_one_chosen(client, secretariat):
    consultation = meeting()
    chosen = confirmed(consultation, display_name="Amina Yusuf")
    confirmed(consultation, display_name="Amina Diallo")
    client.force_login(secretariat)
    body = json.loads(door(client, consultation, "Amina").content)
    assert body["outcome"] == "matches"
    response = client.post(
        f"/en/consultations/{consultation.pk}/check-in/", {"registration": chosen.pk}, HTTP_ACCEPT="application/json"
    )
    assert json.loads(response.content)["outcome"] == "checked_in"
    assert CheckIn.objects.get().registration == chosen


@pytest.mark.django_db
def test_door_refuses_a_registration_of_another_meeting_by_id(client, secretariat):
    other = confirmed()
    client.force_login(secretariat)
    response = client.post(f"/en/consultations/{meeting().pk}/check-in/", {"registration": other.pk})
    assert response.status_code == 404
    assert not CheckIn.objects.exists()


@pytest.mark.django_db
def test_door_tells_staff_they_cannot_check_themselves_in(client):
    staff = make_user(Role.SECRETARIAT)
    registration = RegistrationFactory(consultation=meeting(), user=staff, status="registered")
    client.force_login(staff)
    response = door(client, registration.consultation, registration.code)
    assert response.status_code == 403
    assert "colleague" in json.loads(response.content)["html"]


@pytest.mark.django_db
def test_a_focal_point_takes_attendance_in_their_own_region_only(client):
    consultation = meeting()
    focal = make_user(Role.FOCAL_POINT)
    client.force_login(focal)
    assert client.get(f"/en/consultations/{consultation.pk}/check-in/").status_code == 403
    RegionalRoleFactory(user=focal, role=Role.FOCAL_POINT, region=consultation.event.region)
    focal = type(focal).objects.get(pk=focal.pk)
    client.force_login(focal)
    assert client.get(f"/en/consultations/{consultation.pk}/check-in/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.STAKEHOLDER, Role.TASK_TEAM, Role.MODERATOR, Role.MPTF_CHAIR])
def test_others_cannot_take_attendance(client, role):
    registration = confirmed()
    client.force_login(make_user(role))
    base = f"/en/consultations/{registration.consultation.pk}"
    assert door(client, registration.consultation, registration.code).status_code == 403
    assert client.get(f"{base}/attendance/").status_code == 403
    assert client.post(f"{base}/attendance/", {"action": "room", "registration": registration.pk}).status_code == 403
    assert not CheckIn.objects.exists()


@pytest.mark.django_db
def test_attendance_page_marks_by_hand_and_withdraws(client, secretariat):
    registration = confirmed(display_name="Amina Yusuf")
    base = f"/en/consultations/{registration.consultation.pk}/attendance/"
    client.force_login(secretariat)
    client.post(base, {"action": "online", "registration": registration.pk})
    assert CheckIn.objects.get().way == "hand"
    page = client.get(base).content.decode()
    assert "Amina Yusuf" in page and "Online instead" in page
    client.post(base, {"action": "undo", "registration": registration.pk})
    assert not CheckIn.objects.exists()


@pytest.mark.django_db
def test_attendance_page_imports_a_report_and_resolves_a_row(client, secretariat):
    consultation = meeting()
    guest = confirmed(consultation, display_name="Interpreting Guest")
    client.force_login(secretariat)
    upload = SimpleUploadedFile("participants.csv", ZOOM.encode(), content_type="text/csv")
    response = client.post(f"/en/consultations/{consultation.pk}/attendance/import/", {"report": upload}, follow=True)
    assert "3 people in the report: 0 marked present online, 0 already checked in, 3 to resolve below." in (
        response.content.decode()
    )
    row = UnmatchedAttendee.objects.get(email="booth@example.org")
    client.post(
        f"/en/consultations/{consultation.pk}/attendance/",
        {"action": "resolve", "row": row.pk, "registration": guest.pk},
    )
    check_in = CheckIn.objects.get()
    assert (check_in.registration, check_in.minutes) == (guest, 130)
    assert not UnmatchedAttendee.objects.filter(pk=row.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.7\x00\x00binary", "This file is not a CSV participant report."),
        (b"Name,Joined\nAmina,10:00\n", "No column of e-mail addresses was found"),
    ],
)
def test_a_wrong_file_is_refused_with_the_reason(client, secretariat, content, message):
    consultation = meeting()
    client.force_login(secretariat)
    upload = SimpleUploadedFile("report.csv", content, content_type="text/csv")
    response = client.post(f"/en/consultations/{consultation.pk}/attendance/import/", {"report": upload}, follow=True)
    assert message in response.content.decode()
    assert not CheckIn.objects.exists() and not UnmatchedAttendee.objects.exists()


@pytest.mark.django_db
def test_attendance_list_queries_do_not_grow_with_rows(client, secretariat, django_assert_max_num_queries):
    consultation = meeting(capacity_in_person=40)
    client.force_login(secretariat)
    url = f"/en/consultations/{consultation.pk}/attendance/"

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    CheckInFactory(registration=confirmed(consultation))
    count()  # the first request reads what later ones find cached (the session, the live settings)
    one = count()
    for _ in range(19):
        CheckInFactory(registration=confirmed(consultation))
    assert count() == one


# --- The person's own ---


@pytest.mark.django_db
def test_my_registrations_shows_the_qr_code_of_a_confirmed_place_in_the_room(client):
    registration = confirmed()
    waiting = RegistrationFactory(user=registration.user, status="waitlisted", attendance="in_person")
    client.force_login(registration.user)
    page = client.get("/en/consultations/mine/").content.decode()
    assert registration.code in page
    assert "data:image/svg+xml;base64," in page
    assert waiting.code not in page


@pytest.mark.django_db
def test_each_qr_code_is_drawn_once_then_read_from_the_cache(client, monkeypatch):
    """The picture of a code depends on the code alone: drawn on the first visit, read back after (and the
    same picture, the same code, for its holder)."""

    drawn = []
    real = documents.qr_data_uri
    monkeypatch.setattr(documents, "qr_data_uri", lambda text: drawn.append(text) or real(text))
    registration = confirmed()
    client.force_login(registration.user)

    first = client.get("/en/consultations/mine/").content.decode()
    second = client.get("/en/consultations/mine/").content.decode()
    assert drawn == [registration.code]
    picture = real(registration.code)
    assert picture in first and picture in second
    assert documents.qr_data_uris([registration.code, "ANOTHER-CODE"]) == {
        registration.code: picture,
        "ANOTHER-CODE": real("ANOTHER-CODE"),
    }


@pytest.mark.django_db
def test_my_registrations_shows_own_attendance_only(client):
    mine = CheckInFactory().registration
    other = CheckInFactory(registration=confirmed(mine.consultation, display_name="Someone Else")).registration
    client.force_login(mine.user)
    page = client.get("/en/consultations/mine/").content.decode()
    assert "Attendance: Present" in page
    assert other.code not in page and "Someone Else" not in page


@pytest.mark.django_db
def test_registration_mail_carries_the_code_and_qr_for_the_room(mailoutbox, django_capture_on_commit_callbacks):
    consultation = make_consultation(starts_at=timezone.now() + timedelta(days=30))
    user = make_user()
    with django_capture_on_commit_callbacks(execute=True):
        registration = registration_create(consultation=consultation, user=user, attendance="in_person")
    message = mailoutbox[-1]
    assert registration.code in message.body
    assert [name for name, _content, _type in message.attachments] == ["consultation.ics", "check-in-code.png"]
    assert message.attachments[1][1].startswith(b"\x89PNG")


@override_settings(CONSULTATIONS_LOCK_PLACES=True)
@pytest.mark.django_db
def test_certificate_is_not_issued_before_attendance(client):
    registration = confirmed()
    client.force_login(registration.user)
    response = client.get(f"/en/consultations/{registration.consultation.pk}/certificate.pdf", follow=True)
    assert "once your attendance has been recorded" in response.content.decode()
    assert not Certificate.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("starts_in", "refused"),
    [(timedelta(days=2), True), (timedelta(hours=13), True), (timedelta(hours=11), False), (None, True)],
    ids=["two-days-ahead", "thirteen-hours-ahead", "eleven-hours-ahead", "no-time"],
)
def test_attendance_is_taken_only_from_twelve_hours_before_the_meeting(secretariat, starts_in, refused):
    consultation = make_consultation(starts_at=timezone.now() + starts_in if starts_in else None)
    registration = confirmed(consultation)
    answer = None
    if refused:
        with pytest.raises(AttendanceError):
            services.door_check_in(consultation=consultation, text=registration.code, by=secretariat)
        with pytest.raises(AttendanceError):
            services.attendance_import(consultation=consultation, data=ZOOM.encode(), by=secretariat)
    else:
        answer = services.door_check_in(consultation=consultation, text=registration.code, by=secretariat)
    assert CheckIn.objects.exists() is (answer is not None)


@pytest.mark.django_db
def test_a_report_listing_nobody_is_refused(secretariat):
    with pytest.raises(services.ReportError, match="Nobody is listed"):
        services.attendance_import(consultation=meeting(), data=b"Name,User Email,Duration (Minutes)\n", by=secretariat)


# --- The review dashboard ---


@pytest.mark.django_db
def test_review_dashboard_counts_attendance_by_sector_subregion_and_gender_without_names(client, secretariat):
    consultation = meeting()
    people = [
        ("migrant", "KE", "woman", "in_person"),
        ("migrant", "ET", "man", "virtual"),
        ("civil_society", "NG", "woman", "in_person"),
    ]
    for constituency, country, gender, attended in people:
        registration = confirmed(
            consultation, constituency=constituency, country=country, gender=gender, display_name=f"Name {country}"
        )
        CheckInFactory(registration=registration, attended=attended)
    confirmed(consultation, constituency="academia", country="GH")  # registered, not checked in: not counted
    region, cycle = consultation.event.region, consultation.event.cycle
    built = build_attendance(region=region, cycle=cycle, user=secretariat)
    assert built["totals"] == {"total": 3, "in_room": 2, "online": 1}
    assert {g["dim"]: g["rows"] for g in built["groups"]} == {
        "constituency": [("Migrant", 2), ("Civil society", 1)],
        "subregion": [("Eastern Africa", 2), ("Western Africa", 1)],
        "gender": [("Woman", 2), ("Man", 1)],
    }
    client.force_login(secretariat)
    page = client.get(f"/en/regions/{region.code}/{cycle.code}/workspace/").content.decode()
    assert "3 attendances recorded at the review" in page
    assert "Name KE" not in page
    assert build_attendance(region=region, cycle=cycle, user=make_user(Role.STAKEHOLDER)) is None
