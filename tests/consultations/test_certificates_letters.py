"""Certificates of attendance and visa invitation letters: issued, verified, revoked, decided, erased."""

import io
import json
from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from pypdf import PdfReader

from consultations import certificates, letters
from consultations.attendance import AttendanceError
from consultations.letters import letter_languages
from consultations.models import Certificate, CheckIn, InvitationLetter, UnmatchedAttendee
from consultations.reminders import LETTER_REQUEST_WAITING
from consultations.services import registration_confirm_funded
from consultations.tasks import erase_expired_letters
from portal import privacy
from portal.enums import AuditAction, Role
from portal.models import AuditEntry
from tests.factories import (
    CertificateFactory,
    CheckInFactory,
    InvitationLetterFactory,
    OrganisationHistoryFactory,
    RegistrationFactory,
    UnmatchedAttendeeFactory,
    make_consultation,
    make_user,
)


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def pdf_fonts(content: bytes) -> set[str]:
    fonts = set()
    for page in PdfReader(io.BytesIO(content)).pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    return fonts


def attended(*, display_name="Amina Yusuf", language="en", **consultation_fields):
    consultation = make_consultation(
        starts_at=timezone.now() - timedelta(days=2),
        ends_at=timezone.now() - timedelta(days=2, hours=-6),
        **consultation_fields,
    )
    registration = RegistrationFactory(
        consultation=consultation,
        user=make_user(display_name=display_name, preferred_language=language),
        status="registered",
        attendance="in_person",
    )
    CheckInFactory(registration=registration)
    return registration


# --- Certificates ---


@pytest.mark.django_db
def test_certificate_pdf_names_the_person_meeting_and_verification_link(client):
    registration = attended(title="Sub-regional consultation for the Pacific")
    client.force_login(registration.user)
    response = client.get(f"/en/consultations/{registration.consultation.pk}/certificate.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Certificate of attendance" in text
    assert "Amina Yusuf" in text and "Sub-regional consultation for the Pacific" in text
    certificate = Certificate.objects.get()
    assert certificates.certificate_token(certificate).replace("\n", "") in text.replace("\n", "")
    assert client.get(f"/en/consultations/{registration.consultation.pk}/certificate.pdf").status_code == 200
    assert Certificate.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "name", "heading", "font"),
    [
        ("ar", "أمينة يوسف", "شهادة حضور", "Noto-Naskh-Arabic"),
        ("zh-hans", "王小明", "出席证明", "WenQuanYi"),
    ],
)
def test_certificate_is_in_the_preferred_language_with_a_font_that_has_its_script(
    client, language, name, heading, font
):
    """Pango shapes Arabic (joined letters, right to left) when the font has the script: the text extracted back
    from the PDF is the name typed, and the font embedded is the one made for the script."""
    registration = attended(display_name=name, language=language)
    client.force_login(registration.user)
    content = client.get(f"/en/consultations/{registration.consultation.pk}/certificate.pdf").content
    text = pdf_text(content)
    assert name in text or name[::-1] in text
    assert any(font in used for used in pdf_fonts(content))
    assert heading in text or heading[::-1] in text


@pytest.mark.django_db
def test_verification_page_confirms_a_genuine_certificate_to_anyone(client):
    certificate = CertificateFactory(name="Amina Yusuf")
    url = f"/en/consultations/verify/certificate/{certificates.certificate_token(certificate)}/"
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "This certificate is genuine and stands." in text
    assert "Amina Yusuf" in text
    assert certificate.registration.user.email not in text
    assert page["X-Robots-Tag"] == "noindex"


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["forged", "abc:def", "{serial}", "{serial}:x"])
def test_verification_refuses_a_link_the_portal_did_not_sign(client, token):
    certificate = CertificateFactory()
    response = client.get(f"/en/consultations/verify/certificate/{token.format(serial=certificate.serial)}/")
    assert response.status_code == 404
    assert "not genuine" in response.content.decode()


@pytest.mark.django_db
def test_secretariat_revokes_and_the_link_says_so(client):
    certificate = CertificateFactory()
    secretariat = make_user(Role.SECRETARIAT)
    certificates.certificate_revoke(certificate=certificate, by=secretariat, reason="Attendance disputed.")
    page = client.get(f"/en/consultations/verify/certificate/{certificates.certificate_token(certificate)}/")
    assert "was revoked" in page.content.decode()
    assert AuditEntry.objects.filter(action=AuditAction.CERTIFICATE_REVOCATION, actor=secretariat).count() == 1
    client.force_login(certificate.registration.user)
    response = client.get(f"/en/consultations/{certificate.registration.consultation_id}/certificate.pdf", follow=True)
    assert "was revoked" in response.content.decode()


@pytest.mark.django_db
def test_revocation_matrix():
    """Who may revoke whose certificate: the secretariat only, never their own or their organisation's, with a
    reason."""
    certificate = CertificateFactory()
    holder = certificate.registration.user
    OrganisationHistoryFactory(user=holder, name="Migrant Voices")
    colleague = make_user(Role.SECRETARIAT)
    OrganisationHistoryFactory(user=colleague, name="Migrant Voices")
    holder_as_staff = holder
    holder_as_staff.groups.add(*make_user(Role.SECRETARIAT).groups.all())
    refused = [
        (make_user(Role.FOCAL_POINT), "reason"),
        (make_user(Role.MODERATOR), "reason"),
        (make_user(Role.STAKEHOLDER), "reason"),
        (colleague, "reason"),
        (type(holder).objects.get(pk=holder.pk), "reason"),
        (make_user(Role.SECRETARIAT), " "),
    ]
    for by, reason in refused:
        with pytest.raises(AttendanceError):
            certificates.certificate_revoke(certificate=certificate, by=by, reason=reason)
    certificate.refresh_from_db()
    assert certificate.revoked_at is None
    certificates.certificate_revoke(certificate=certificate, by=make_user(Role.SECRETARIAT), reason="Issued in error.")
    certificate.refresh_from_db()
    assert certificate.revoke_reason == "Issued in error."


@pytest.mark.django_db
def test_certificate_of_another_persons_meeting_is_not_found(client):
    registration = attended()
    client.force_login(make_user())
    assert client.get(f"/en/consultations/{registration.consultation.pk}/certificate.pdf").status_code == 404


# --- Letters ---


def future_place(**consultation_fields):
    consultation = make_consultation(
        starts_at=timezone.now() + timedelta(days=60),
        ends_at=timezone.now() + timedelta(days=61),
        **consultation_fields,
    )
    return RegistrationFactory(consultation=consultation, status="registered", attendance="in_person")


def request_values(registration, **overrides):
    start = registration.consultation.starts_at.date()
    values = {
        "passport_name": "AMINA YUSUF",
        "nationality": "NG",
        "passport_number": "a1234 5678",
        "passport_expiry": start + timedelta(days=700),
        "stay_from": start - timedelta(days=1),
        "stay_to": start + timedelta(days=3),
        "language": "en",
    }
    return {**values, **overrides}


def form_data(values):
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in values.items()}


@pytest.mark.django_db
def test_letter_request_approval_and_download(client, mailoutbox, django_capture_on_commit_callbacks):
    registration = future_place(host_country="SN")
    client.force_login(registration.user)
    url = f"/en/consultations/{registration.consultation.pk}/letter/"
    assert "Ask for the letter" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, form_data(request_values(registration, language="fr")))
    assert response.status_code == 302
    letter = InvitationLetter.objects.get()
    assert (letter.passport_number, letter.status, letter.language) == ("A12345678", "requested", "fr")
    assert "received your request" in mailoutbox[-1].body
    assert "A12345678" not in mailoutbox[-1].body
    secretariat = make_user(Role.SECRETARIAT)
    with django_capture_on_commit_callbacks(execute=True):
        letters.letter_decide(letter=letter, by=secretariat, approve=True, shown_revision=letter.revision)
    assert "has approved your visa invitation letter" in mailoutbox[-1].body
    letter.refresh_from_db()
    pdf = client.get(f"/en/consultations/letters/{letter.pk}.pdf")
    assert pdf.status_code == 200
    text = pdf_text(pdf.content)
    assert "AMINA YUSUF" in text and "A12345678" in text
    assert "Lettre d'invitation" in text or "Lettre d’invitation" in text
    verify = client.get(f"/en/consultations/verify/letter/{letters.letter_token(letter)}/").content.decode()
    assert "This letter is genuine" in verify and "AMINA YUSUF" in verify
    assert "A12345678" not in verify


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"passport_number": "12"}, "passport_number", "5 to 20 letters and digits"),
        ({"stay_from": "+2"}, "stay_from", "must cover the meeting"),
        ({"stay_from": "-20"}, "stay_from", "at most two weeks"),
        ({"passport_expiry": "+1"}, "passport_expiry", "valid after the day you leave"),
        ({"language": "ru"}, "language", "Select a valid choice"),
        ({"passport_name": ""}, "passport_name", "This field is required"),
    ],
)
def test_letter_request_errors_keep_what_was_typed(client, overrides, field, message):
    registration = future_place(host_country="SN")
    start = registration.consultation.starts_at.date()
    values = request_values(registration)
    for key, value in overrides.items():
        if key in ("stay_from", "passport_expiry") and value[0] in "+-":
            value = start + timedelta(days=int(value))
        values[key] = value
    client.force_login(registration.user)
    response = client.post(f"/en/consultations/{registration.consultation.pk}/letter/", form_data(values))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert field in response.context["form"].errors
    assert 'value="AMINA YUSUF"' in response.content.decode() or field == "passport_name"
    assert not InvitationLetter.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "attendance"), [("pending", "in_person"), ("waitlisted", "in_person"), ("registered", "virtual")]
)
def test_only_a_confirmed_place_in_the_room_may_ask(status, attendance):
    consultation = make_consultation(starts_at=timezone.now() + timedelta(days=60))
    registration = RegistrationFactory(consultation=consultation, status=status, attendance=attendance)
    with pytest.raises(AttendanceError, match="confirmed place in the room"):
        letters.letter_request(registration=registration, user=registration.user, values=request_values(registration))


@pytest.mark.django_db
def test_a_funded_traveller_may_ask(django_capture_on_commit_callbacks):
    """The Chair's approval confirms a place in the room (funding.services), which is what a letter needs."""
    consultation = make_consultation(
        starts_at=timezone.now() + timedelta(days=60), ends_at=timezone.now() + timedelta(days=61)
    )
    traveller = make_user()
    registration = registration_confirm_funded(consultation=consultation, user=traveller, by=make_user(Role.MPTF_CHAIR))
    letter = letters.letter_request(registration=registration, user=traveller, values=request_values(registration))
    assert letter.status == "requested"


@pytest.mark.django_db
def test_letter_languages_are_the_host_countrys_then_english():
    assert letter_languages(make_consultation(host_country="CL")) == ["es", "en"]
    assert letter_languages(make_consultation(host_country="TD")) == ["ar", "fr", "en"]
    assert letter_languages(make_consultation(host_country="TH")) == ["en"]
    assert letter_languages(make_consultation()) == ["en"]


@pytest.mark.django_db
def test_letter_decision_matrix():
    """The secretariat decides, never about itself or its organisation, on the version it read, once; a refusal
    gives its reason."""
    letter = InvitationLetterFactory()
    requester = letter.registration.user
    OrganisationHistoryFactory(user=requester, name="Diaspora Network")
    same_org = make_user(Role.SECRETARIAT)
    OrganisationHistoryFactory(user=same_org, name="Diaspora Network")
    cases = [
        (make_user(Role.FOCAL_POINT), True, letter.revision, "", "does not allow"),
        (make_user(Role.MPTF_CHAIR), True, letter.revision, "", "does not allow"),
        (same_org, True, letter.revision, "", "your organisation"),
        (make_user(Role.SECRETARIAT), True, letter.revision + 1, "", "changed since you opened it"),
        (make_user(Role.SECRETARIAT), False, letter.revision, " ", "reason for refusing"),
    ]
    for by, approve, revision, reason, message in cases:
        with pytest.raises(AttendanceError, match=message):
            letters.letter_decide(letter=letter, by=by, approve=approve, shown_revision=revision, reason=reason)
    requester.groups.add(*make_user(Role.SECRETARIAT).groups.all())
    requester = type(requester).objects.get(pk=requester.pk)
    with pytest.raises(AttendanceError, match="it is about you"):
        letters.letter_decide(letter=letter, by=requester, approve=True, shown_revision=letter.revision)
    decided = letters.letter_decide(
        letter=letter, by=make_user(Role.SECRETARIAT), approve=False, shown_revision=letter.revision, reason="Forged."
    )
    assert (decided.status, decided.decision_note) == ("refused", "Forged.")
    with pytest.raises(AttendanceError, match="already been answered"):
        letters.letter_decide(
            letter=decided, by=make_user(Role.SECRETARIAT), approve=True, shown_revision=decided.revision
        )
    assert AuditEntry.objects.filter(action=AuditAction.LETTER_DECISION).count() == 1


@pytest.mark.django_db
def test_a_withdrawn_request_keeps_no_passport_detail(client):
    letter = InvitationLetterFactory()
    client.force_login(letter.registration.user)
    client.post(f"/en/consultations/{letter.registration.consultation_id}/letter/", {"action": "withdraw"})
    letter.refresh_from_db()
    assert (letter.status, letter.passport_number, letter.passport_name, letter.passport_expiry) == (
        "withdrawn",
        "",
        "",
        None,
    )


@pytest.mark.django_db
def test_passport_details_are_erased_thirty_days_after_the_meeting_by_the_scheduled_task(settings):
    assert settings.INVITATION_LETTER_RETENTION_DAYS == 30
    letter = InvitationLetterFactory()
    letters.letter_decide(letter=letter, by=make_user(Role.SECRETARIAT), approve=True, shown_revision=letter.revision)
    row = UnmatchedAttendeeFactory(consultation=letter.registration.consultation)
    ends = letter.registration.consultation.ends_at
    with time_machine.travel(ends + timedelta(days=29, hours=23), tick=False):
        assert erase_expired_letters() == 0
    letter.refresh_from_db()
    assert letter.passport_number == "A12345678"
    with time_machine.travel(ends + timedelta(days=30, minutes=1), tick=False):
        assert erase_expired_letters() == 1
        assert erase_expired_letters() == 0
    letter.refresh_from_db()
    assert (letter.passport_name, letter.passport_number, str(letter.nationality), letter.passport_expiry) == (
        "",
        "",
        "",
        None,
    )
    assert letter.erased_at is not None and letter.status == "approved"
    assert not UnmatchedAttendee.objects.filter(pk=row.pk).exists()


@pytest.mark.django_db
def test_the_retention_period_is_a_setting(settings):
    settings.INVITATION_LETTER_RETENTION_DAYS = 5
    letter = InvitationLetterFactory()
    with time_machine.travel(letter.registration.consultation.ends_at + timedelta(days=6), tick=False):
        assert erase_expired_letters() == 1


@pytest.mark.django_db
def test_the_erasure_is_on_the_beat_schedule(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "consultations.tasks.erase_expired_letters" in tasks


@pytest.mark.django_db
def test_an_erased_letter_is_still_verifiable_but_names_nobody(client):
    letter = InvitationLetterFactory()
    letters.letter_decide(letter=letter, by=make_user(Role.SECRETARIAT), approve=True, shown_revision=letter.revision)
    with time_machine.travel(letter.registration.consultation.ends_at + timedelta(days=31), tick=False):
        erase_expired_letters()
    page = client.get(f"/en/consultations/verify/letter/{letters.letter_token(letter)}/").content.decode()
    assert "This letter is genuine" in page and "erased after the meeting" in page
    assert "AMINA" not in page


@pytest.mark.django_db
def test_letter_queue_is_the_secretariats_alone(client):
    letter = InvitationLetterFactory()
    for role in (Role.FOCAL_POINT, Role.TASK_TEAM, Role.MODERATOR, Role.EXECUTIVE_COMMITTEE, Role.STAKEHOLDER):
        client.force_login(make_user(role))
        assert client.get("/en/consultations/letters/").status_code == 403
        assert client.get(f"/en/consultations/letters/{letter.pk}.pdf").status_code == 404
    client.force_login(make_user(Role.SECRETARIAT))
    page = client.get("/en/consultations/letters/").content.decode()
    assert "A12345678" in page


@pytest.mark.django_db
def test_letter_queue_decides_through_the_page(client, django_capture_on_commit_callbacks):
    letter = InvitationLetterFactory()
    client.force_login(make_user(Role.SECRETARIAT))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/en/consultations/letters/",
            {"letter": letter.pk, "revision": letter.revision, "decision": "refuse", "reason": "Not the same name."},
        )
    letter.refresh_from_db()
    assert (letter.status, letter.decision_note) == ("refused", "Not the same name.")
    assert "Not the same name." in mail.outbox[-1].body


# --- The person's data ---


@pytest.mark.django_db
def test_your_data_shows_the_passport_details_attendance_and_certificate(client):
    letter = InvitationLetterFactory()
    registration = letter.registration
    CheckInFactory(registration=RegistrationFactory(user=registration.user, status="registered"))
    client.force_login(registration.user)
    data = json.loads(client.get("/en/profile/data/download/").content)
    assert [row["passport_number"] for row in data["consultations.invitationletter"]] == ["A12345678"]
    assert len(data["consultations.checkin"]) == 1
    page = client.get("/en/profile/data/").content.decode()
    assert "visa invitation letter" in page.lower()


@pytest.mark.django_db
def test_erasing_an_account_erases_passport_details_and_certificates(client):
    approved = InvitationLetterFactory()
    person = approved.registration.user
    letters.letter_decide(letter=approved, by=make_user(Role.SECRETARIAT), approve=True, shown_revision=1)
    waiting = InvitationLetterFactory(
        registration=RegistrationFactory(
            user=person, consultation=future_place().consultation, status="registered", attendance="in_person"
        )
    )
    certificate = CertificateFactory(
        registration=CheckInFactory(registration=RegistrationFactory(user=person)).registration
    )
    past = InvitationLetterFactory(
        registration=RegistrationFactory(
            user=person, consultation=future_place().consultation, status="registered", attendance="in_person"
        ),
        status="approved",
    )
    past.registration.consultation.starts_at = timezone.now() - timedelta(days=3)
    past.registration.consultation.ends_at = timezone.now() - timedelta(days=2)
    past.registration.consultation.save()
    privacy.account_delete(user=person)
    past.refresh_from_db()
    assert (past.passport_number, past.passport_name, past.status) == ("", "", "approved")
    # Places still ahead are given back, and their letters with them.
    assert not InvitationLetter.objects.filter(pk__in=[approved.pk, waiting.pk]).exists()
    assert not Certificate.objects.filter(pk=certificate.pk).exists()
    assert CheckIn.objects.filter(registration__user=person).count() == 1


# --- The reminder ---


@pytest.mark.django_db
def test_a_letter_request_waiting_two_working_days_reminds_the_secretariat_but_not_the_requesters_organisation():
    monday = timezone.localdate() + timedelta(days=7 - timezone.localdate().weekday())
    asked = timezone.make_aware(datetime.combine(monday, time(10)))
    colleague = make_user(Role.SECRETARIAT, organisation="Caritas")
    other = make_user(Role.SECRETARIAT)
    make_user(Role.FOCAL_POINT)
    letter = InvitationLetterFactory(requested_at=asked)
    OrganisationHistoryFactory(user=letter.registration.user, name="Caritas")
    wednesday = monday + timedelta(days=2)
    found = {(d.recipient_id, d.target, d.due_on) for d in LETTER_REQUEST_WAITING.find(wednesday)}
    assert found == {(other.pk, f"invitationletter:{letter.pk}", wednesday)}
    assert colleague.pk not in {recipient for recipient, _target, _due in found}
    assert LETTER_REQUEST_WAITING.find(monday + timedelta(days=1)) is not None
    assert not list(LETTER_REQUEST_WAITING.find(monday + timedelta(days=1)))
    message = LETTER_REQUEST_WAITING.message(f"invitationletter:{letter.pk}")
    assert letter.registration.consultation.title in message.subject
    assert "A12345678" not in message.subject + message.body and "AMINA" not in message.body
    letters.letter_decide(letter=letter, by=other, approve=True, shown_revision=letter.revision)
    assert LETTER_REQUEST_WAITING.message(f"invitationletter:{letter.pk}") is None


@pytest.mark.django_db
def test_giving_up_the_place_withdraws_the_letter_and_its_link_no_longer_confirms_it(client):
    letter = InvitationLetterFactory()
    letters.letter_decide(letter=letter, by=make_user(Role.SECRETARIAT), approve=True, shown_revision=letter.revision)
    client.force_login(letter.registration.user)
    client.post(f"/en/consultations/{letter.registration.consultation_id}/cancel/")
    letter.refresh_from_db()
    assert (letter.status, letter.passport_number) == ("withdrawn", "")
    page = client.get(f"/en/consultations/verify/letter/{letters.letter_token(letter)}/").content.decode()
    assert "This letter does not stand" in page
    assert client.get(f"/en/consultations/letters/{letter.pk}.pdf").status_code == 404


@pytest.mark.django_db
def test_a_request_cannot_be_decided_once_the_meeting_is_over_and_the_erasure_closes_it():
    letter = InvitationLetterFactory()
    ends = letter.registration.consultation.ends_at
    secretariat = make_user(Role.SECRETARIAT)
    with (
        time_machine.travel(ends + timedelta(hours=1), tick=False),
        pytest.raises(AttendanceError, match="meeting is over"),
    ):
        letters.letter_decide(letter=letter, by=secretariat, approve=True, shown_revision=letter.revision)
    with time_machine.travel(ends + timedelta(days=31), tick=False):
        erase_expired_letters()
    letter.refresh_from_db()
    assert (letter.status, letter.passport_number) == ("withdrawn", "")


@pytest.mark.django_db
def test_the_verification_link_opens_in_the_certificates_language(client):
    registration = attended(display_name="أمينة يوسف", language="ar")
    client.force_login(registration.user)
    text = pdf_text(client.get(f"/en/consultations/{registration.consultation.pk}/certificate.pdf").content)
    assert "/ar/consultations/verify/certificate/" in text.replace("\n", "")


@pytest.mark.django_db
def test_the_secretariat_revokes_an_issued_letter_with_a_reason_and_its_link_says_so(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    letter = InvitationLetterFactory()
    requester = letter.registration.user
    letter = letters.letter_decide(
        letter=letter, by=make_user(Role.SECRETARIAT), approve=True, shown_revision=letter.revision
    )
    OrganisationHistoryFactory(user=requester, name="Diaspora Network")
    same_org = make_user(Role.SECRETARIAT)
    OrganisationHistoryFactory(user=same_org, name="Diaspora Network")
    for by, revision, reason, message in [
        (make_user(Role.FOCAL_POINT), letter.revision, "Forged", "does not allow"),
        (same_org, letter.revision, "Forged", "your organisation"),
        (make_user(Role.SECRETARIAT), letter.revision - 1, "Forged", "changed since you opened it"),
        (make_user(Role.SECRETARIAT), letter.revision, " ", "reason for revoking"),
    ]:
        with pytest.raises(AttendanceError, match=message):
            letters.letter_revoke(letter=letter, by=by, shown_revision=revision, reason=reason)
    client.force_login(make_user(Role.SECRETARIAT))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/en/consultations/letters/",
            {"letter": letter.pk, "revision": letter.revision, "decision": "revoke", "reason": "Passport forged."},
        )
    letter.refresh_from_db()
    assert (letter.status, letter.passport_number, letter.decision_note) == ("revoked", "", "Passport forged.")
    assert "has revoked your visa invitation letter" in mailoutbox[-1].body
    assert "Passport forged." in mailoutbox[-1].body
    verify = client.get(f"/en/consultations/verify/letter/{letters.letter_token(letter)}/").content.decode()
    assert "This letter does not stand" in verify
    client.force_login(requester)
    assert client.get(f"/en/consultations/letters/{letter.pk}.pdf").status_code == 404
    page = client.get(f"/en/consultations/{letter.registration.consultation_id}/letter/").content.decode()
    assert "Revoked by the secretariat" in page and "Passport forged." in page
