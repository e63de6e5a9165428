"""axe-core on every page of the foundation, in all six languages."""

import pytest
from django.conf import settings

from portal.enums import ClaimedAffiliation, Role, VerificationStatus
from reviews.models import Event
from tests.browser.conftest import assert_accessible
from tests.factories import PASSWORD, ProfileFactory, make_user, totp_code

PUBLIC_PAGES = [
    "",
    "calendar/",
    "calendar/?region=africa&when=past",
    "regions/africa/",
    "event/",
    "principles/",
    "privacy/",
    "contacts/",
    "accounts/signup/",
    "accounts/login/",
    "accounts/password/reset/",
    "no-such-page/",
]
SIGNED_IN_PAGES = [
    "calendar/rules/",
    "regions/latin-america-caribbean/",
    "profile/",
    "accounts/email/",
    "accounts/password/change/",
    "accounts/2fa/",
    "accounts/2fa/recovery-codes/",
]
ADMIN_PAGES = [
    "admin/reviews/event/",
    "event-admin/",
    "admin/reviews/region/",
    "admin/",
    "admin/portal/pendingverification/",
    "admin/portal/user/",
    "admin/consultations/consultation/",
    "admin/consultations/consultation/add/",
    "admin/discussions/space/",
    "admin/discussions/analysispaper/add/",
    "admin/funding/call/",
    "admin/funding/call/add/",
    "admin/funding/application/",
    "admin/reminders/reminder/",
    "user-admin/",
]


def sign_in(page, language: str, user, *, step: int = 0) -> None:
    """Through the sign-in page, with the authenticator-app code when the account has a second factor."""
    page.goto(f"/{language}/accounts/login/")
    page.locator("#id_login").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    if "/accounts/2fa/authenticate/" in page.url:
        page.locator("#id_code").fill(totp_code(step))
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state()


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_no_axe_violation_on_any_page(page, language):
    claimant = ProfileFactory(
        claimed_affiliation=ClaimedAffiliation.UN_SYSTEM, verification_status=VerificationStatus.PENDING
    ).user
    event = Event.objects.get(key="2024-africa-review")
    paths = {
        "event/": f"calendar/events/{event.pk}/",
        "event-admin/": f"admin/reviews/event/{event.pk}/change/",
        "user-admin/": f"admin/portal/user/{claimant.pk}/change/",
    }
    for path in PUBLIC_PAGES:
        page.goto(f"/{language}/{paths.get(path, path)}")
        assert_accessible(page)

    sign_in(page, language, make_user(Role.SECRETARIAT, preferred_language=language))
    for path in SIGNED_IN_PAGES + ADMIN_PAGES:
        page.goto(f"/{language}/{paths.get(path, path)}")
        assert page.locator("html").get_attribute("lang") == language
        # Arabic pages, the administration's included, read right to left.
        assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr"), path
        assert_accessible(page)
