"""Open redirects: every view that reads ``next`` (or a Referer) sends people only to pages of this site.

Each redirect is followed hop by hop, as a browser would, and every Location on the way must stay on the
site as a browser reads it (tabs and line breaks dropped, backslashes read as slashes, leading controls
and spaces ignored). A chain that goes round in circles fails too.

The views: the portal's language switch, Django's set_language (``next`` and Referer), allauth's sign-in,
sign-out, sign-up, re-authentication, password change and password reset, and the administration's
sign-in and sign-out. ALLOWED_HOSTS is the production kind, one name: with "*" Django's own checks
would still hold, but the test should not lean on that.
"""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache

from portal.enums import Role
from tests.bad_input.corpus import REDIRECT_ATTEMPTS
from tests.factories import PASSWORD, make_user, totp_code

HOST = "testserver"
MAX_HOPS = 6


@pytest.fixture(autouse=True)
def _one_host(settings):
    settings.ALLOWED_HOSTS = [HOST]


def on_site(location: str) -> bool:
    """Whether a browser following ``location`` from this site stays on it."""
    url = re.sub(r"[\t\n\r]", "", location).lstrip("".join(chr(c) for c in range(0x21))).replace("\\", "/")
    parts = urlsplit(url)
    if parts.scheme:
        return parts.scheme in ("http", "https") and parts.netloc == HOST
    return not url.startswith("//")


def follow(client, response) -> list[str]:
    """Follow the redirects of ``response``; every Location must be on the site."""
    seen = []
    while response.status_code in (301, 302, 303, 307, 308):
        location = response["Location"]
        assert on_site(location), f"off the site: {location!r} after {seen}"
        seen.append(location)
        assert len(seen) <= MAX_HOPS, f"redirects go round: {seen}"
        parts = urlsplit(location)
        response = client.get(parts.path + (f"?{parts.query}" if parts.query else ""))
    assert response.status_code in (200, 204, 403, 404), (response.status_code, seen)
    return seen


def signed_in(client, role=Role.STAKEHOLDER, **profile):
    user = make_user(role, **profile)
    client.force_login(user)
    return user


ENDPOINTS = {
    "portal language switch": lambda client, target: client.get("/i18n/switch/", {"language": "fr", "next": target}),
    "portal language switch, unknown language": lambda client, target: client.get(
        "/i18n/switch/", {"language": "xx", "next": target}
    ),
    "set_language next": lambda client, target: client.post("/i18n/setlang/", {"language": "fr", "next": target}),
    "set_language Referer": lambda client, target: client.post(
        "/i18n/setlang/", {"language": "fr"}, headers={"referer": target}
    ),
    "sign in": lambda client, target: client.post(
        "/en/accounts/login/",
        {"login": make_user(Role.STAKEHOLDER).email, "password": PASSWORD, "next": target},
    ),
    "sign in, preferred language rewrites the redirect": lambda client, target: client.post(
        "/en/accounts/login/",
        {"login": make_user(Role.STAKEHOLDER, preferred_language="ar").email, "password": PASSWORD, "next": target},
    ),
    "sign in to the administration": lambda client, target: client.post(
        "/en/accounts/login/",
        {"login": make_user(Role.SECRETARIAT).email, "password": PASSWORD, "next": f"/en/admin/login/?next={target}"},
    ),
    "sign out": lambda client, target: signed_in(client) and client.post("/en/accounts/logout/", {"next": target}),
    "sign up": lambda client, target: client.post(
        "/en/accounts/signup/",
        {
            "email": "amina@example.org",
            "password1": "a-long-passphrase-42",
            "password2": "a-long-passphrase-42",
            "display_name": "Amina",
            "constituency": "migrant_diaspora_org",
            "country": "KE",
            "preferred_language": "en",
            "claimed_affiliation": "stakeholder",
            "privacy_consent": "on",
            "next": target,
        },
    ),
    "re-authenticate": lambda client, target: (
        signed_in(client) and client.post("/en/accounts/reauthenticate/", {"password": PASSWORD, "next": target})
    ),
    "change password": lambda client, target: (
        signed_in(client)
        and client.post(
            "/en/accounts/password/change/",
            {
                "oldpassword": PASSWORD,
                "password1": "another-long-pass-77",
                "password2": "another-long-pass-77",
                "next": target,
            },
        )
    ),
    "reset password": lambda client, target: client.post(
        "/en/accounts/password/reset/", {"email": make_user(Role.STAKEHOLDER).email, "next": target}
    ),
    "administration sign-in, signed out": lambda client, target: client.get("/en/admin/login/", {"next": target}),
    "administration sign-in, signed in": lambda client, target: (
        signed_in(client, Role.SECRETARIAT) and client.get("/en/admin/login/", {"next": target})
    ),
    "administration sign-in, no access": lambda client, target: (
        signed_in(client) and client.get("/en/admin/login/", {"next": target})
    ),
    "administration sign-out": lambda client, target: (
        signed_in(client, Role.SECRETARIAT) and client.post("/en/admin/logout/", {"next": target})
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_every_next_parameter_stays_on_the_site(client, endpoint):
    for target in REDIRECT_ATTEMPTS:
        client.logout()
        cache.clear()  # sign-up and password reset are rate limited per address; every attempt counts here
        response = ENDPOINTS[endpoint](client, target)
        assert response.status_code in (200, 204, 302, 303), (target, response.status_code)
        follow(client, response)


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ["portal language switch", "set_language next", "sign in"])
def test_a_next_on_the_site_is_still_followed(client, endpoint):
    """The control: the same requests with a path of this site do go there."""
    response = ENDPOINTS[endpoint](client, "/en/calendar/?region=africa")
    assert response.status_code == 302
    assert response["Location"] in ("/en/calendar/?region=africa", "/fr/calendar/?region=africa")


@pytest.mark.django_db
def test_signing_in_through_the_administration_arrives_in_it(client):
    """Anonymous → the administration → the portal's sign-in → back in the administration, no loop."""
    secretariat = make_user(Role.SECRETARIAT)

    hops = follow(client, client.get("/en/admin/"))
    login = hops[-1]
    response = client.post(login, {"login": secretariat.email, "password": PASSWORD, **parse_qs(urlsplit(login).query)})
    code_page = follow(client, response)[-1]
    assert code_page == "/en/accounts/2fa/authenticate/", "staff give their second factor"
    response = client.post(code_page, {"code": totp_code()})

    assert follow(client, response)[-1] == "/en/admin/", "and still arrive where they were going"


@pytest.mark.django_db
def test_someone_without_access_is_told_and_not_sent_round(client):
    signed_in(client)

    response = client.get("/en/admin/", follow=True)

    assert response.redirect_chain[-1][0] == "/en/"
    assert "Your account does not give access to the administration." in response.content.decode()


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("/en/profile/", True),
        ("http://testserver/en/", True),
        ("//evil.example", False),
        ("/\\evil.example", False),
        ("\t//evil.example", False),
        ("https:evil.example", False),
        ("https://testserver@evil.example/", False),
        ("javascript:alert(1)", False),
        ("%2F%2Fevil.example", True),  # a relative path on this site, however odd
    ],
)
def test_the_check_itself(location, expected):
    assert on_site(location) is expected
