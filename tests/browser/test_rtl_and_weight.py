"""Arabic pages mirror; the pages people open first stay light for low bandwidth."""

import gzip

import pytest

from tests.browser.test_every_page import signed_in_context
from tests.demo import make_demo

# What a first visit may transfer: the document, styles and scripts (compressed, as whitenoise serves them in
# production), images; no web fonts.
BUDGET_BYTES = 200_000
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml")


@pytest.fixture
def demo(live_server, transactional_db, settings):
    return make_demo(settings)


def key_pages(demo) -> dict[str, tuple[str | None, str]]:
    pages = demo["pages"]
    thread = next(p for p in pages["stakeholder"] if "/questions/" in p)
    consultation = next(p for p in pages[None] if p.startswith("consultations/") and p.count("/") == 2)
    call = next(p for p in pages[None] if p.startswith("funding/calls/"))
    return {
        "home": (None, ""),
        "calendar": (None, "calendar/"),
        "consultation": (None, consultation),
        "funding-call": (None, call),
        "thread": ("stakeholder", thread),
        "funding-review": ("secretariat", next(p for p in pages["secretariat"] if p.endswith("/review/"))),
    }


MIRRORED = """() => {
  const box = el => el && el.getBoundingClientRect();
  const width = document.documentElement.clientWidth;
  const brand = box(document.querySelector('.navbar-brand'));
  const h1 = document.querySelector('main h1');
  const range = document.createRange(); range.selectNodeContents(h1);
  const heading = range.getBoundingClientRect();
  const headers = [...document.querySelectorAll('main table thead th')].map(box);
  return {
    direction: getComputedStyle(document.body).direction,
    brandOnTheRight: brand.left > width / 2,
    headingStartsRight: heading.right > width / 2,
    firstColumnOnTheRight: headers.length < 2 || headers[0].left > headers[headers.length - 1].left,
  };
}"""


def test_arabic_pages_mirror(browser, live_server, demo, tmp_path):
    for name, (who, path) in key_pages(demo).items():
        context = signed_in_context(browser, live_server, demo["users"][who] if who else None)
        page = context.new_page()
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(f"/ar/{path}")
        page.screenshot(path=tmp_path / f"ar-{name}.png", full_page=True)
        assert page.evaluate(MIRRORED) == {
            "direction": "rtl",
            "brandOnTheRight": True,
            "headingStartsRight": True,
            "firstColumnOnTheRight": True,
        }, name
        page.goto(f"/en/{path}")
        assert page.evaluate(MIRRORED)["brandOnTheRight"] is False, f"{name}: the English page is not mirrored"
        context.close()


def transferred(page, path: str) -> tuple[int, list[str]]:
    sizes: dict[str, int] = {}
    fonts: list[str] = []

    def count(response):
        if response.request.resource_type == "font":
            fonts.append(response.url)
        try:
            body = response.body()
        except Exception:  # redirects have no body
            return
        kind = response.headers.get("content-type", "")
        sizes[response.url] = len(gzip.compress(body)) if kind.startswith(COMPRESSIBLE) else len(body)

    page.on("response", count)
    page.goto(path, wait_until="networkidle")
    page.remove_listener("response", count)
    return sum(sizes.values()), fonts


def test_first_visit_weight_budget(browser, live_server, demo):
    weights = {}
    for name, (who, path) in key_pages(demo).items():
        if name not in ("home", "calendar", "thread"):
            continue
        for language in ("en", "ar"):
            context = signed_in_context(browser, live_server, demo["users"][who] if who else None)
            page = context.new_page()
            weight, fonts = transferred(page, f"/{language}/{path}")
            context.close()
            weights[f"{language} {name}"] = weight
            assert fonts == [], f"{name}: web fonts {fonts}"
    print("weights (bytes):", weights)
    assert {k: v for k, v in weights.items() if v > BUDGET_BYTES} == {}
