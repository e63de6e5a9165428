"""Apply, save a draft, submit; screening, recommendation, the Chair's decision; the applicant sees it; axe."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from funding import services
from funding.enums import State
from funding.models import Application, Call
from portal.enums import Role
from tests.browser.conftest import assert_accessible
from tests.browser.test_consultations import new_page  # noqa: F401 - shared fixture
from tests.factories import make_consultation, make_user
from tests.funding.conftest import complete


@pytest.fixture
def call(transactional_db):
    consultation = make_consultation(capacity_in_person=5)
    call = Call.objects.create(
        cycle=consultation.event.cycle,
        title="Travel to the Africa consultation",
        eligibility="Stakeholders from Africa.",
        budget=Decimal("3000"),
        opens_at=timezone.now() - timedelta(days=1),
        closes_at=timezone.now() + timedelta(days=10),
        time_zone="Africa/Nairobi",
        published=True,
    )
    call.consultations.add(consultation)
    return call


def test_apply_recommend_decide_and_see_the_decision(new_page, call):  # noqa: F811
    applicant = make_user(Role.STAKEHOLDER, display_name="Achieng")
    page = new_page(applicant)
    page.goto(f"/en/funding/calls/{call.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="Apply").click()
    page.locator("#id_consultation").select_option(index=1)
    page.locator("#id_travelling_from").select_option("KE")
    page.locator("#id_travel_cost").fill("700")
    page.locator("#id_accommodation_cost").fill("250")
    page.get_by_label("First time taking part in a Regional Review").check()
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url(re.compile(r"/apply/$"))
    assert page.get_by_text("Draft saved.").is_visible()
    assert page.locator("#id_travel_cost").input_value() == "700.00"
    page.get_by_role("button", name="Submit").click()
    assert page.get_by_text("Say why you should take part.", exact=True).is_visible()
    assert page.get_by_role("alert").get_by_role("link", name="Why you should take part").is_visible()
    assert_accessible(page)
    page.locator("#id_justification").fill("I lead a women migrant workers' cooperative in Kisumu.")
    page.get_by_role("button", name="Submit").click()
    page.wait_for_url(re.compile(r"/applications/\d+/$"))
    assert_accessible(page)
    application = Application.objects.get()
    assert application.state == State.SUBMITTED

    secretariat = new_page(make_user(Role.SECRETARIAT))
    secretariat.goto(f"/en/funding/applications/{application.pk}/review/")
    secretariat.get_by_label("Eligible", exact=True).check()
    secretariat.get_by_role("button", name="Save the screening").click()
    secretariat.wait_for_load_state()

    member = new_page(make_user(Role.EXECUTIVE_COMMITTEE))
    member.goto(f"/en/funding/calls/{call.pk}/review/")
    assert_accessible(member)
    member.get_by_role("link", name="Achieng").click()
    member.wait_for_url(re.compile(r"/applications/\d+/"))
    assert_accessible(member)
    member.get_by_label("Recommend", exact=True).check()
    member.get_by_label("Amount you recommend (USD)").fill("900")
    member.get_by_label("Comment").fill("A voice the slate lacks.")
    member.get_by_role("button", name="Record my recommendation").click()
    member.wait_for_load_state()

    chair = new_page(make_user(Role.MPTF_CHAIR))
    chair.goto(f"/en/funding/applications/{application.pk}/review/")
    chair.get_by_label("Approve", exact=True).check()
    chair.get_by_label("Approved amount (USD)").fill("900")
    chair.get_by_role("button", name="Save the decision").click()
    chair.wait_for_load_state()
    assert chair.get_by_text("Decision saved").is_visible()
    assert_accessible(chair)

    page.goto(f"/en/funding/applications/{application.pk}/")
    assert page.get_by_text("900.00 USD approved").is_visible()
    assert page.get_by_text("A voice the slate lacks.").count() == 0


@pytest.mark.parametrize("language", ["en", "ar"])
def test_funding_pages_axe(new_page, call, language):  # noqa: F811

    applicant = make_user(Role.STAKEHOLDER, preferred_language=language)
    application = services.application_save(call=call, applicant=applicant, data=complete(call.consultations.get()))
    services.application_submit(application=application, applicant=applicant)
    page = new_page(applicant, language)
    for path in [
        "funding/",
        f"funding/calls/{call.pk}/",
        "funding/applications/",
        f"funding/applications/{application.pk}/",
    ]:
        page.goto(f"/{language}/{path}")
        assert_accessible(page)
    chair = new_page(make_user(Role.MPTF_CHAIR, preferred_language=language), language)
    secretariat = new_page(make_user(Role.SECRETARIAT, preferred_language=language), language)
    for viewer, path in [
        (chair, f"funding/calls/{call.pk}/review/"),
        (chair, f"funding/applications/{application.pk}/review/"),
        (secretariat, f"funding/calls/{call.pk}/dashboard/"),
        (secretariat, f"funding/applications/{application.pk}/review/"),
    ]:
        viewer.goto(f"/{language}/{path}")
        assert_accessible(viewer)
