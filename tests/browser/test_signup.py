"""A newcomer signs up, verifies the address from the e-mail, completes the profile and switches language."""

import re

from django.core import mail

from portal.models import User
from tests.browser.conftest import assert_accessible

PASSWORD = "a-long-passphrase-42"


def verification_path(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S*/accounts/confirm-email/\S+/)", message.body).group(1)


def sign_up(page, *, language: str, email: str, labels: dict) -> None:
    page.goto(f"/{language}/")
    assert_accessible(page)
    page.get_by_role("link", name=labels["register"], exact=True).first.click()
    assert_accessible(page)
    page.locator("#id_email").fill(email)
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.locator("#id_display_name").fill(labels["name"])
    page.locator("#id_constituency").select_option("migrant")
    page.locator("#id_country").select_option(labels["country"])
    page.locator("#id_preferred_language").select_option(language)
    page.locator("#id_privacy_consent").check()
    page.locator("form.signup, form[action$='/accounts/signup/']").locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/accounts/confirm-email/$"))
    assert_accessible(page)


def verify_and_sign_in(page, *, email: str) -> None:
    message = next(m for m in mail.outbox if m.to == [email])
    page.goto(verification_path(message))
    assert_accessible(page)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    assert_accessible(page)
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()


def test_sign_up_in_english_verify_complete_profile_and_switch_language(page, mailoutbox):
    sign_up(
        page,
        language="en",
        email="amina@example.org",
        labels={"register": "Register", "email": "Email", "name": "Amina", "country": "KE"},
    )
    verify_and_sign_in(page, email="amina@example.org")
    page.wait_for_url(re.compile(r"/en/$"))
    assert_accessible(page)

    page.get_by_role("link", name="My profile").click()
    assert_accessible(page)
    assert page.get_by_text("Eastern Africa").is_visible()
    page.locator("#id_organisation").fill("Diaspora Link")
    page.locator("#id_gender").select_option("undisclosed")
    page.get_by_role("button", name="Save profile").click()
    page.wait_for_url(re.compile(r"/en/profile/$"))
    assert page.get_by_text("Your profile has been saved.").is_visible()
    assert_accessible(page)

    page.locator("#language-select").select_option("fr")
    page.get_by_role("button", name="Change").click()
    page.wait_for_url(re.compile(r"/fr/profile/$"))
    assert page.locator("html").get_attribute("lang") == "fr"
    assert_accessible(page)
    assert User.objects.get(email="amina@example.org").profile.organisation == "Diaspora Link"


def test_sign_up_in_arabic_right_to_left(page, mailoutbox):
    sign_up(
        page,
        language="ar",
        email="karim@example.org",
        labels={"register": "التسجيل", "email": "البريد الإلكتروني", "name": "كريم", "country": "JO"},
    )
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert message_language_is_arabic(mailoutbox)
    verify_and_sign_in(page, email="karim@example.org")
    page.wait_for_url(re.compile(r"/ar/$"))
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert_accessible(page)

    page.locator("a[href='/ar/profile/']").first.click()
    assert_accessible(page)
    page.locator("#id_organisation").fill("منظمة المهاجرين")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/ar/profile/$"))
    assert_accessible(page)
    # In right-to-left layout the brand sits at the right edge of the header.
    brand = page.locator(".navbar-brand").bounding_box()
    assert brand["x"] > page.viewport_size["width"] / 2

    page.locator("#language-select").select_option("en")
    page.locator(".language-switcher button").click()
    page.wait_for_url(re.compile(r"/en/profile/$"))
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert_accessible(page)


def message_language_is_arabic(outbox) -> bool:
    return any(re.search(r"[\u0600-\u06FF]", m.subject) for m in outbox)
