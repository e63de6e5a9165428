"""Every page a role uses, in all six languages: axe-core clean (the administration in English and Arabic), lang
and dir right, and outside the administration (which has Django's own layout) headings in order and a title.

The one accessibility sweep: its page list is tests/demo.py's, shared with the untranslated-string check. Two
languages per file (this one, test_every_page_more.py, test_every_page_rest.py): each language takes about a
minute, and a file runs whole on one test worker, so three files let the sweep spread over the workers.
"""

from functools import partial
from urllib.parse import urlparse

import pytest
from django.conf import settings as django_settings
from django.test import Client

from tests.browser.conftest import assert_accessible
from tests.demo import make_demo

LANGUAGES = [code for code, _name in django_settings.LANGUAGES]
# The languages each file sweeps (see the docstring); tests/browser/test_every_page_*.py take the others.
PARTS = (LANGUAGES[0:2], LANGUAGES[2:4], LANGUAGES[4:6])

HEADINGS_IN_ORDER = """() => {
  const levels = [...document.querySelectorAll('main h1, main h2, main h3, main h4, main h5, main h6')]
    .filter(h => h.offsetParent !== null).map(h => Number(h.tagName[1]));
  const skips = levels.filter((level, i) => i > 0 && level > levels[i - 1] + 1);
  return {h1: levels.filter(l => l === 1).length, first: levels[0] || 0, skips: skips.length};
}"""


@pytest.fixture
def demo(live_server, transactional_db, settings):
    return make_demo(settings)


def signed_in_context(browser, live_server, user):
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(15_000)
    if user is not None:
        client = Client()
        client.force_login(user)
        host = urlparse(live_server.url).hostname
        context.add_cookies(
            [
                {
                    "name": django_settings.SESSION_COOKIE_NAME,
                    "value": client.cookies["sessionid"].value,
                    "domain": host,
                    "path": "/",
                }
            ]
        )
    return context


def _note_blocked(blocked: list[str], message) -> None:
    if "Content Security Policy" in message.text:
        blocked.append(message.text)


# The administration is Django's own layout, the same in every language but for its direction: axe-core checks
# it in English and in Arabic (its most expensive pages to check); its lang and dir are checked in every language.
ADMIN_AXE_LANGUAGES = ("en", "ar")


def check_page(page, language: str, *, admin: bool = False) -> None:
    assert page.locator("html").get_attribute("lang") == language, page.url
    # Arabic pages, the administration's included, read right to left.
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr"), page.url
    if admin:
        if language in ADMIN_AXE_LANGUAGES:
            assert_accessible(page)
        return
    title = page.title()
    assert (title and "|" in title) or "—" in title or len(title) > 3, f"{page.url}: no page title"
    headings = page.evaluate(HEADINGS_IN_ORDER)
    assert headings == {"h1": 1, "first": 1, "skips": 0}, f"{page.url}: headings {headings}"
    assert_accessible(page)


@pytest.mark.parametrize("language", PARTS[0])
def test_every_page_in_every_language(browser, live_server, demo, language):
    sweep(browser, live_server, demo, language)


def test_the_three_parts_sweep_every_language_once():
    assert sorted(code for part in PARTS for code in part) == sorted(LANGUAGES)


def sweep(browser, live_server, demo, language: str) -> None:
    for who, paths in demo["pages"].items():
        context = signed_in_context(browser, live_server, demo["users"][who] if who else None)
        page = context.new_page()
        # Chromium reports every script, style or image the Content-Security-Policy blocked on the console.
        blocked: list[str] = []
        page.on("console", partial(_note_blocked, blocked))
        try:
            for path in paths:
                page.goto(f"/{language}/{path}")
                assert blocked == [], f"{path}: {blocked}"
                check_page(page, language, admin=path.startswith("admin/"))
                # axe-core itself sets inline styles while it measures a page, which the policy rightly blocks:
                # those are the test's, not the page's.
                blocked.clear()
        finally:
            context.close()
