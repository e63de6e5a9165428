"""The header fits the screen: nothing pushed off sideways at common desktop widths, in any language."""

import pytest
from django.conf import settings

WIDTHS = [992, 1200, 1400]


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_is_wider_than_the_screen(page, width):
    page.set_viewport_size({"width": width, "height": 900})
    too_wide = {}
    for language, _name in settings.LANGUAGES:
        page.goto(f"/{language}/")
        scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
        if scroll_width > width:
            too_wide[language] = scroll_width
        switcher = page.locator("#language-select").bounding_box()
        assert switcher is not None and switcher["x"] >= 0 and switcher["x"] + switcher["width"] <= width, language
    assert too_wide == {}
