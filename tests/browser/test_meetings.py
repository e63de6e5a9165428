"""Meeting times in the reader's zone, the review meeting's registration with accreditation, the rapporteur's
report and the feedback form, in real Chromium, with axe (000, 003, 004)."""

import datetime
import re
from datetime import UTC

import pytest
from django.utils import timezone

from consultations import feedback
from consultations.enums import InterestStatus, RegistrationStatus, ReportStatus, SpeakingRole
from consultations.models import FeedbackResponse, RapporteurReport, Registration
from portal.enums import Role
from reviews.enums import EventKind
from tests.browser.conftest import assert_accessible
from tests.browser.test_consultations import new_page  # noqa: F401 - the signed-in page fixture
from tests.factories import (
    EventFactory,
    ExpressionOfInterestFactory,
    RegistrationFactory,
    africa,
    make_consultation,
    make_user,
    shared_cycle,
)

STARTS = datetime.datetime(2027, 3, 8, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(("language", "label"), [("en", "Your time:"), ("ar", "بتوقيتك:")])
def test_the_browser_adds_the_reader_s_time_to_the_meeting_s(browser, live_server, transactional_db, language, label):
    consultation = make_consultation(
        time_zone="Europe/Zurich", starts_at=STARTS, ends_at=STARTS + datetime.timedelta(hours=5)
    )
    url = f"{live_server.url}/{language}/consultations/{consultation.pk}/"

    manila = browser.new_context(timezone_id="Asia/Manila", locale="en-GB")
    page = manila.new_page()
    page.goto(url)
    local = page.locator("dd [data-local-time]").first  # the meeting's time, the first of the page's
    local.wait_for(state="visible")
    text = local.inner_text()
    assert text.startswith(label) and "(Asia/Manila)" in text, text
    if language == "en":
        assert "17:00" in text and "22:00" in text, text
    assert_accessible(page)
    manila.close()

    zurich = browser.new_context(timezone_id="Europe/Zurich")
    page = zurich.new_page()
    page.goto(url)
    page.wait_for_load_state("load")
    assert page.locator("[data-local-time]:not([hidden])").count() == 0, (
        "the reader is in the meeting's zone: nothing to add"
    )
    zurich.close()


def test_a_stakeholder_registers_for_the_review_meeting_pending_accreditation(new_page):  # noqa: F811
    review = make_consultation(
        event=EventFactory(region=africa(), cycle=shared_cycle(), kind=EventKind.REGIONAL_REVIEW),
        title="Regional Review meeting for Africa",
        accreditation_required=True,
    )
    person = make_user(Role.STAKEHOLDER)
    page = new_page(person)
    page.goto(f"/en/consultations/{review.pk}/")
    assert page.get_by_text("Regional Review meeting", exact=True).is_visible()
    assert page.get_by_text("Required: the secretariat confirms each registration.").is_visible()
    page.locator("input[name=attendance][value=in_person]").check()
    page.locator("form[action$='/register/'] button").click()
    page.wait_for_url(re.compile(rf"/consultations/{review.pk}/$"))
    assert page.locator("#register-heading + p strong").inner_text() == "Waiting for accreditation"
    assert Registration.objects.get(user=person).status == RegistrationStatus.PENDING
    assert_accessible(page)


def test_the_rapporteur_writes_in_two_languages_and_publishes(new_page, browser, live_server):  # noqa: F811
    consultation = make_consultation(starts_at=timezone.now() - datetime.timedelta(days=1), title="Held in Africa")
    rapporteur = make_user(Role.STAKEHOLDER, display_name="Amina")
    ExpressionOfInterestFactory(
        consultation=consultation, user=rapporteur, role=SpeakingRole.RAPPORTEUR, status=InterestStatus.SELECTED
    )
    page = new_page(rapporteur)
    page.goto(f"/en/consultations/{consultation.pk}/report/")
    page.get_by_role("link", name="Write the report").click()
    assert_accessible(page)
    page.get_by_role("link", name="Español").click()
    page.get_by_label("Title").fill("Resultados")
    page.get_by_label("Report").fill("Trabajo decente y vías regulares.")
    page.get_by_role("button", name="Save the text in Español").click()
    assert page.get_by_text("The report is saved.").is_visible()
    page.get_by_role("link", name="English").click()
    page.get_by_label("Report").fill("Decent work and regular pathways.")
    page.get_by_role("button", name="Save and publish").click()
    page.wait_for_url(re.compile(rf"/consultations/{consultation.pk}/report/$"))
    assert page.get_by_text("The report is published.").is_visible()
    assert_accessible(page)
    report = RapporteurReport.objects.get()
    assert (report.status, report.original_language, report.text_en) == (
        ReportStatus.PUBLISHED,
        "es",
        "Decent work and regular pathways.",
    )

    reader = browser.new_context(base_url=live_server.url)
    french = reader.new_page()
    french.goto(f"/fr/consultations/{consultation.pk}/report/")
    assert french.locator("article[lang=es]").inner_text().strip().endswith("Trabajo decente y vías regulares.")
    assert_accessible(french)
    reader.close()


def test_a_participant_answers_the_feedback_form_and_the_organisers_read_it(new_page):  # noqa: F811
    now = timezone.now()
    meeting = make_consultation(starts_at=now - datetime.timedelta(hours=5), ends_at=now - datetime.timedelta(hours=1))
    person = make_user(Role.STAKEHOLDER, preferred_language="ar")
    RegistrationFactory(consultation=meeting, user=person, status=RegistrationStatus.REGISTERED)
    for _ in range(2):
        other = RegistrationFactory(consultation=meeting, status=RegistrationStatus.REGISTERED).user
        feedback.feedback_submit(consultation=meeting, user=other, answers={"overall": 3})

    page = new_page(person, "ar")
    page.goto(f"/ar/consultations/{meeting.pk}/")
    page.locator(f"a[href='/ar/consultations/{meeting.pk}/feedback/']").click()
    assert_accessible(page)
    page.locator("input[name=overall][value='5']").check()
    page.locator("textarea[name=comment]").fill("مزيد من الوقت للأسئلة")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/ar/consultations/{meeting.pk}/$"))
    assert FeedbackResponse.objects.filter(overall=5, comment="مزيد من الوقت للأسئلة").count() == 1

    organiser = new_page(make_user(Role.FOCAL_POINT, regions=[africa()]))
    organiser.goto(f"/en/consultations/{meeting.pk}/feedback/results/")
    assert organiser.get_by_text("Average 3.7 out of 5, from 3 answers.").is_visible()
    assert organiser.get_by_text("مزيد من الوقت للأسئلة").is_visible()
    assert_accessible(organiser)
