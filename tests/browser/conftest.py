"""Real-Chromium tests: Playwright for Python driving Debian's chromium against a live server."""

import os
import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

from reviews.seed_calendar import load_seed_calendar

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls
# made by the test itself are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
_axe = Axe()


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


# One browser per test module, not per session: Playwright's sync API keeps an event loop running in the thread
# while it is open, and a test of another module run after it on the same worker would find one (django-constance
# then answers settings asynchronously, and overriding one fails).
@pytest.fixture(scope="module")
def browser():
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, transactional_db):
    load_seed_calendar()
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def assert_accessible(page) -> None:
    """Fail on any WCAG 2.0/2.1/2.2 A and AA violation axe-core finds on the page.

    A click that navigates returns before the next document has loaded; axe
    run in between finds no document (or its context destroyed), so the check
    waits for the page to settle and tries once more.
    """
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    page.wait_for_load_state()
    try:
        results = _axe.run(page, options=options)
    except PlaywrightError:
        page.wait_for_load_state("load")
        results = _axe.run(page, options=options)
    violations = results.response["violations"]
    assert violations == [], f"{page.url}\n" + results.generate_report()
