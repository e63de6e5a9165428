"""Staff set up an authenticator app on their first sign-in and sign in with its code, in English and Arabic."""

import re

import pytest
from allauth.mfa.models import Authenticator

from portal.enums import Role
from tests.browser.conftest import assert_accessible
from tests.factories import PASSWORD, make_user, totp_code


def submit(page) -> None:
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_moderator_sets_up_a_second_factor_then_signs_in_with_its_code(page, language):
    moderator = make_user(Role.MODERATOR, preferred_language=language, second_factor=False)

    page.goto(f"/{language}/accounts/login/")
    page.locator("#id_login").fill(moderator.email)
    page.locator("#id_password").fill(PASSWORD)
    submit(page)
    page.goto(f"/{language}/discussions/moderation/")
    assert page.url.endswith(f"/{language}/accounts/2fa/"), "everything else waits for the second factor"
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    assert_accessible(page)

    page.locator(f'main a[href="/{language}/accounts/2fa/totp/activate/"]').first.click()
    page.wait_for_load_state()
    if "/accounts/reauthenticate/" in page.url:  # the password again, before a factor is set up
        page.locator("#id_password").fill(PASSWORD)
        submit(page)
    assert_accessible(page)
    secret = page.locator("#authenticator_secret").input_value()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    page.locator("#id_code").fill(totp_code(secret=secret))
    submit(page)
    assert Authenticator.objects.filter(user=moderator, type=Authenticator.Type.TOTP).exists()
    page.goto(f"/{language}/accounts/2fa/recovery-codes/")
    assert_accessible(page)

    page.context.clear_cookies()
    page.goto(f"/{language}/accounts/login/")
    page.locator("#id_login").fill(moderator.email)
    page.locator("#id_password").fill(PASSWORD)
    submit(page)
    assert "/accounts/2fa/authenticate/" in page.url
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    assert_accessible(page)
    page.locator("#id_code").fill(totp_code(step=1, secret=secret))  # the next code: each is used once
    submit(page)
    page.goto(f"/{language}/discussions/moderation/")

    assert page.url.endswith(f"/{language}/discussions/moderation/")
    assert page.locator("main h1").count() == 1
