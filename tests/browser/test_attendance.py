"""Attendance in real Chromium: the door scanning a QR code from the camera (and typing a code, in Arabic), a
certificate downloaded from "My registrations", a visa invitation letter asked for and approved; axe on each page.

The module's browser has a fake camera showing the QR code of CODE (tests/browser/camera.py); a registration is
given that code, as if its confirmation e-mail had been printed and held up to the camera.
"""

import datetime
import re
import shutil

import pytest
from django.utils import timezone
from playwright.sync_api import expect, sync_playwright
from pypdf import PdfReader

from consultations.documents import qr_png
from consultations.enums import RegistrationStatus
from consultations.models import CheckIn, InvitationLetter, Registration
from portal.enums import Role
from tests.browser.camera import camera_args, y4m_from_png
from tests.browser.conftest import CHROMIUM_ARGS, assert_accessible
from tests.browser.test_consultations import new_page  # noqa: F401 - the signed-in page fixture
from tests.factories import CheckInFactory, RegistrationFactory, africa, make_consultation, make_user

CODE = "7KQ2-M9XD"


def pdf_text(path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """Chromium whose camera shows the QR code of CODE (this module's own: the others have no camera)."""
    clip = y4m_from_png(qr_png(CODE), tmp_path_factory.mktemp("camera") / "door.y4m")
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=[*CHROMIUM_ARGS, *camera_args(clip)])
        yield browser
        browser.close()


def meeting(**fields):
    now = timezone.now()
    fields.setdefault("starts_at", now + datetime.timedelta(days=40))
    fields.setdefault("ends_at", fields["starts_at"] + datetime.timedelta(hours=6))
    return make_consultation(**fields)


def place(consultation, code=None, **profile):
    registration = RegistrationFactory(
        consultation=consultation,
        user=make_user(Role.STAKEHOLDER, **profile),
        attendance="in_person",
        status=RegistrationStatus.REGISTERED,
    )
    if code:
        Registration.objects.filter(pk=registration.pk).update(code=code)
    return registration


def test_the_door_scans_a_qr_code_with_the_camera(new_page):  # noqa: F811
    consultation = meeting(title="Consultation in Addis Ababa", starts_at=timezone.now() + datetime.timedelta(hours=1))
    registration = place(consultation, CODE, display_name="Amina Yusuf")
    staff = new_page(make_user(Role.FOCAL_POINT, regions=[africa()]))
    staff.goto(f"/en/consultations/{consultation.pk}/check-in/")
    expect(staff.get_by_role("button", name="Scan with the camera")).to_be_visible()
    expect(staff.locator("#check-in-video")).to_be_hidden()  # no black box before the camera is started
    assert_accessible(staff)
    staff.get_by_role("button", name="Scan with the camera").click()
    expect(staff.locator("#check-in-video")).to_be_visible()
    result = staff.locator("#check-in-result")
    expect(result).to_contain_text("Amina Yusuf", timeout=10_000)
    expect(result).to_contain_text("Checked in: welcome.")
    assert CheckIn.objects.get().registration == registration
    staff.get_by_role("button", name="Stop the camera").click()
    expect(staff.get_by_role("button", name="Scan with the camera")).to_be_focused()
    staff.wait_for_timeout(300)  # Bootstrap's colour transition on the button that took the focus
    assert_accessible(staff)


def test_the_door_in_arabic_with_the_keyboard_warns_of_a_pending_accreditation(new_page):  # noqa: F811
    consultation = meeting(starts_at=timezone.now() - datetime.timedelta(hours=1))
    confirmed = place(consultation, display_name="أمينة يوسف")
    pending = RegistrationFactory(consultation=consultation, status=RegistrationStatus.PENDING, attendance="in_person")
    staff = new_page(make_user(Role.SECRETARIAT, preferred_language="ar"), "ar")
    staff.goto(f"/ar/consultations/{consultation.pk}/check-in/")
    assert staff.locator("html").get_attribute("dir") == "rtl"
    code = staff.locator("#id_code")
    code.fill(confirmed.code.lower().replace("-", " "))
    code.press("Enter")
    result = staff.locator("#check-in-result")
    expect(result).to_contain_text("أمينة يوسف")
    expect(code).to_have_value("")
    expect(code).to_be_focused()
    code.fill(pending.code)
    code.press("Enter")
    expect(result.locator(".alert-danger")).to_be_visible()
    assert list(CheckIn.objects.values_list("registration", flat=True)) == [confirmed.pk]
    assert_accessible(staff)


@pytest.mark.parametrize(("language", "name"), [("en", "Amina Yusuf"), ("ar", "أمينة يوسف")])
def test_an_attendee_downloads_the_certificate_from_my_registrations(new_page, language, name):  # noqa: F811
    now = timezone.now()
    held = meeting(
        title="Pre-consultation for Eastern Africa",
        starts_at=now - datetime.timedelta(days=2),
        ends_at=now - datetime.timedelta(days=2) + datetime.timedelta(hours=4),
    )
    registration = place(held, display_name=name, preferred_language=language)
    CheckInFactory(registration=registration)
    page = new_page(registration.user, language)
    page.locator(f"nav a[href='/{language}/consultations/mine/']").click()
    if language == "en":
        expect(page.get_by_text("Attendance: Present")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.locator(f"a[href='/{language}/consultations/{held.pk}/certificate.pdf']").click()
    text = pdf_text(download.value.path())
    assert (name in text or name[::-1] in text) and "Pre-consultation for Eastern Africa" in text
    assert ("Certificate of attendance" if language == "en" else "شهادة حضور") in text


def test_a_letter_is_asked_for_in_arabic_and_approved_by_the_secretariat(new_page):  # noqa: F811
    consultation = meeting(title="Consultation in Cairo", host_country="EG")
    registration = place(consultation, preferred_language="ar")
    page = new_page(registration.user, "ar")
    page.goto("/ar/consultations/mine/")
    assert page.locator("img[src^='data:image/svg+xml']").count() == 1
    page.locator(f"a[href='/ar/consultations/{consultation.pk}/letter/']").click()
    assert_accessible(page)
    page.locator("#id_passport_name").fill("AMINA YUSUF")
    page.locator("#id_nationality").select_option("NG")
    page.locator("#id_passport_number").fill("a1234 5678")
    page.locator("#id_passport_expiry").fill((timezone.localdate() + datetime.timedelta(days=900)).isoformat())
    page.locator("#id_language").select_option("ar")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/ar/consultations/{consultation.pk}/letter/$"))
    letter = InvitationLetter.objects.get()
    assert (letter.passport_number, letter.status, letter.language) == ("A12345678", "requested", "ar")
    assert_accessible(page)

    secretariat = new_page(make_user(Role.SECRETARIAT))
    secretariat.goto("/en/consultations/letters/")
    expect(secretariat.get_by_text("A12345678")).to_be_visible()
    assert_accessible(secretariat)
    secretariat.get_by_label("Approve: issue the letter").check()
    secretariat.get_by_role("button", name="Record the decision").click()
    expect(secretariat.get_by_text("Your decision is recorded; the requester is told.")).to_be_visible()

    page.reload()
    with page.expect_download() as download:
        page.locator(f"a[href='/ar/consultations/letters/{letter.pk}.pdf']").click()
    text = pdf_text(download.value.path())
    assert "AMINA YUSUF" in text and "A12345678" in text
