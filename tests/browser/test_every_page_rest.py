"""The six-language sweep of tests/browser/test_every_page.py, the last two languages: a file of its own so the sweep
spreads over the test workers."""

import pytest

from tests.browser.test_every_page import PARTS, demo, sweep  # noqa: F401 - demo: the fixture, used by name


@pytest.mark.parametrize("language", PARTS[2])
def test_every_page_in_every_language(browser, live_server, demo, language):  # noqa: F811
    sweep(browser, live_server, demo, language)
