"""Registration, waiting list, promotion, accreditation, speakers and export, in real Chromium, with axe."""

import re
from pathlib import Path

import pytest

from consultations import services
from consultations.enums import RegistrationStatus
from consultations.models import ExpressionOfInterest, Registration
from portal.enums import Role
from tests.browser.conftest import assert_accessible
from tests.factories import (
    PASSWORD,
    ExpressionOfInterestFactory,
    InputCallFactory,
    SessionFactory,
    make_consultation,
    make_user,
    totp_code,
)


@pytest.fixture
def new_page(browser, live_server, transactional_db):
    contexts = []

    def open_as(user, language="en"):
        context = browser.new_context(base_url=live_server.url)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.goto(f"/{language}/accounts/login/")
        page.locator("#id_login").fill(user.email)
        page.locator("#id_password").fill(PASSWORD)
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state()
        if "/accounts/2fa/authenticate/" in page.url:  # staff: the authenticator-app code
            page.locator("#id_code").fill(totp_code())
            page.locator("main form button[type=submit]").first.click()
        page.wait_for_url(re.compile(rf"/{language}/$"))
        return page

    yield open_as
    for context in contexts:
        context.close()


def test_waitlisted_person_is_promoted_when_another_cancels(new_page, mailoutbox):
    consultation = make_consultation(capacity_in_person=1, capacity_virtual=0)
    first, second = make_user(Role.STAKEHOLDER), make_user(Role.STAKEHOLDER)
    url = f"/en/consultations/{consultation.pk}/"

    page_a = new_page(first)
    page_a.goto(url)
    assert_accessible(page_a)
    page_a.locator("#register-heading ~ form button[type=submit], form[action$='/register/'] button").first.click()
    page_a.wait_for_url(re.compile(rf"{url}$"))
    assert_accessible(page_a)

    page_b = new_page(second)
    page_b.goto(url)
    page_b.locator("form[action$='/register/'] button").click()
    page_b.wait_for_url(re.compile(rf"{url}$"))
    assert page_b.get_by_text("number 1 on the waiting list").is_visible()
    assert_accessible(page_b)

    page_a.locator("form[action$='/cancel/'] button").click()
    page_a.wait_for_url(re.compile(rf"{url}$"))

    page_b.reload()
    assert page_b.locator("#register-heading + p strong").inner_text() == "Registered"
    assert Registration.objects.get(user=second).status == RegistrationStatus.REGISTERED
    assert any("A place has become free" in m.body and m.to == [second.email] for m in mailoutbox)


def test_secretariat_accredits_picks_speakers_and_exports(new_page):
    consultation = make_consultation(accreditation_required=True)

    people = [
        make_user(Role.STAKEHOLDER, country=c, gender=g) for c, g in (("KE", "woman"), ("NG", "man"), ("MX", "woman"))
    ]
    for user in people:
        services.registration_create(consultation=consultation, user=user, attendance="virtual")
        ExpressionOfInterest.objects.create(
            consultation=consultation, user=user, role="panel", topic="Decent work", statement="s"
        )
    page = new_page(make_user(Role.SECRETARIAT))

    page.goto(f"/en/admin/consultations/pendingaccreditation/?consultation__id__exact={consultation.pk}")
    assert_accessible(page)
    page.locator("#action-toggle").check()
    page.locator("select[name=action]").select_option("approve")
    page.locator("button[name=index]").click()
    page.wait_for_load_state()
    assert set(Registration.objects.values_list("status", flat=True)) == {"pending"}, "first they are shown"
    assert_accessible(page)
    page.locator("main form input[type=submit]").click()
    page.wait_for_load_state()
    assert set(Registration.objects.values_list("status", flat=True)) == {"registered"}

    page.goto(f"/en/consultations/{consultation.pk}/speakers/")
    assert_accessible(page)
    page.get_by_role("button", name="Accept the suggestion and tell people").click()
    page.wait_for_url(re.compile(r"/speakers/$"))
    assert set(ExpressionOfInterest.objects.values_list("status", flat=True)) == {"selected"}
    assert_accessible(page)

    page.goto(f"/en/consultations/{consultation.pk}/dashboard/")
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    content = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert content.splitlines()[0] == "Display name,E-mail address,Organisation,Country,Attendance,Status"
    assert len(content.splitlines()) == 4


@pytest.mark.parametrize("language", ["en", "ar"])
def test_consultation_pages_have_no_axe_violation(new_page, language):
    consultation = make_consultation()
    page = new_page(make_user(Role.SECRETARIAT, preferred_language=language), language)
    for path in [
        "consultations/",
        f"consultations/{consultation.pk}/",
        f"consultations/{consultation.pk}/dashboard/",
        f"consultations/{consultation.pk}/speakers/",
        "admin/consultations/consultation/",
        f"admin/consultations/consultation/{consultation.pk}/change/",
    ]:
        page.goto(f"/{language}/{path}")
        assert_accessible(page)
    stakeholder_page = new_page(make_user(Role.STAKEHOLDER, preferred_language=language), language)
    stakeholder_page.goto(f"/{language}/consultations/{consultation.pk}/")
    assert_accessible(stakeholder_page)


def test_a_task_team_member_chooses_a_balanced_panel_per_roundtable(new_page):
    """001 Annex 2 and 004: the region's task team ticks panelists per roundtable; the balance panel follows
    each tick without a reload, in labels; the list saved is the one ticked, and each person is told."""
    consultation = make_consultation()
    first = SessionFactory(consultation=consultation, title="Roundtable on labour", panel_size=2)
    second = SessionFactory(consultation=consultation, title="Roundtable on climate", panel_size=2)
    offers = {
        name: ExpressionOfInterestFactory(
            consultation=consultation,
            session=session,
            expertise=expertise,
            user=make_user(Role.STAKEHOLDER, country=country, gender=gender, display_name=name),
        )
        for name, session, country, gender, expertise in (
            ("Wanjiru", first, "KE", "woman", "labour"),
            ("Kofi", first, "GH", "man", "labour"),
            ("Amaru", second, "BO", "man", "climate"),
            ("Salote", second, "TO", "woman", "climate"),
        )
    }
    team = make_user(Role.TASK_TEAM, regions=[consultation.event.region])
    page = new_page(team)

    page.goto(f"/en/consultations/{consultation.pk}/speakers/")
    assert_accessible(page)
    women = page.locator('td[data-dim="gender"][data-value="woman"]')
    assert women.inner_text() == "0 (0 %)"
    page.get_by_label("Put Wanjiru on the list").check()
    page.get_by_label("Put Salote on the list").check()
    assert women.inner_text() == "2 (100 %)", "the panel follows the ticks without a reload"
    page.get_by_label("Put Kofi on the list").check()
    page.get_by_label("Put Amaru on the list").check()
    assert women.inner_text() == "2 (50 %)"
    assert page.locator('td[data-dim="expertise"][data-value="labour"]').inner_text() == "2 (50 %)"
    assert page.get_by_role("rowheader", name="Labour migration and decent work").count() == 1
    assert page.locator("[data-roundtable]").first.locator("[data-ticked-count]").inner_text() == "2"
    page.get_by_label("Put Kofi on the list").uncheck()
    assert page.locator("[data-roundtable]").first.locator("[data-ticked-count]").inner_text() == "1"
    assert_accessible(page)

    page.get_by_role("button", name="Save “Roundtable on labour” and tell people").click()
    page.wait_for_url(re.compile(r"/speakers/$"))
    assert set(ExpressionOfInterest.objects.filter(session=second).values_list("status", flat=True)) == {"received"}, (
        "saving one roundtable leaves the others as they are"
    )
    page.get_by_label("Put Amaru on the list").check()
    page.get_by_label("Put Salote on the list").check()
    page.get_by_role("button", name="Save “Roundtable on climate” and tell people").click()
    page.wait_for_url(re.compile(r"/speakers/$"))

    chosen = dict(ExpressionOfInterest.objects.values_list("pk", "status"))
    assert chosen == {
        offers["Wanjiru"].pk: "selected",
        offers["Kofi"].pk: "not_selected",
        offers["Amaru"].pk: "selected",
        offers["Salote"].pk: "selected",
    }
    assert list(first.speakers.all()) == [offers["Wanjiru"]]
    assert sorted(s.pk for s in second.speakers.all()) == sorted([offers["Amaru"].pk, offers["Salote"].pk])


def test_a_written_input_is_sent_screened_by_the_focal_point_and_listed(new_page, tmp_path):
    """004: a stakeholder sends a document with a short summary; the region's focal point publishes it after
    reading it as shown; it is then listed on the call's page, filterable by language."""
    call = InputCallFactory(title="Inputs to the review")
    document = tmp_path / "our-input.pdf"
    document.write_bytes(b"%PDF-1.7 our input")
    page = new_page(make_user(Role.STAKEHOLDER, organisation="Coastal migrants' network"))

    page.goto(call.get_absolute_url())
    assert_accessible(page)
    page.get_by_label("Title").fill("Recruitment fees in practice")
    page.get_by_label("Short summary").fill("Three recommendations from migrant workers.")
    page.locator("#id_document").set_input_files(str(document))
    page.get_by_role("button", name="Send my input").click()
    page.wait_for_url(re.compile(rf"/inputs/{call.pk}/$"))
    assert page.get_by_text("Waiting for screening").is_visible()
    assert_accessible(page)

    focal = new_page(make_user(Role.FOCAL_POINT, regions=[call.region]))
    focal.goto("/en/admin/consultations/pendinginput/")
    focal.locator("#action-toggle").check()
    focal.locator("select[name=action]").select_option("publish")
    focal.locator("button[name=index]").click()
    focal.wait_for_load_state()
    assert focal.get_by_text("Three recommendations from migrant workers.").is_visible(), "read before deciding"
    assert_accessible(focal)
    focal.locator("main form input[type=submit]").click()
    focal.wait_for_load_state()

    page.goto(f"{call.get_absolute_url()}?language=en")
    listed = page.get_by_role("article")
    assert listed.get_by_role("link", name="Recruitment fees in practice").is_visible()
    assert listed.get_by_text("Coastal migrants' network").is_visible()
    assert page.get_by_text("Published").is_visible(), "the sender's own input, now published"
