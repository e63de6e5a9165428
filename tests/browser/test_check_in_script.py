"""The door check-in script on its own: no Django server, every request answered by Playwright's ``route``.

The page is the server's contract (form, camera block, result region, the two deferred scripts) served under the
production's strict CSP; the static files come from disk; the POST endpoint answers what each test records. A fake
camera (tests/browser/camera.py) shows Chromium a QR code of ``GCM-ABCD-2345`` for the whole module.
"""

from __future__ import annotations

import html
import io
import json
import shutil
import time
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path

import pytest
import qrcode
from playwright.sync_api import Page, Route, expect, sync_playwright

from tests.browser.camera import camera_args, y4m_from_png
from tests.browser.conftest import CHROMIUM_ARGS

ORIGIN = "http://localhost:8765"
DOOR = f"{ORIGIN}/door"
STATIC = Path(__file__).resolve().parents[2] / "consultations" / "static"
JSQR = "/static/consultations/vendor/jsQR.js"
SCRIPT = "/static/consultations/js/check-in.js"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
QR_TEXT = "GCM-ABCD-2345"
# Not English, so a message that shows up can only have come from the data attributes.
ERROR_NETWORK = "Pas de réseau : réessayez."
ERROR_DENIED = "Caméra refusée."
ERROR_UNAVAILABLE = "Caméra indisponible."


def door_page(*, jsqr_tag: bool = True, jsqr_src: str = "") -> str:
    lazy = f' data-jsqr-src="{html.escape(jsqr_src)}"' if jsqr_src else ""
    jsqr = f'<script src="{JSQR}" defer></script>' if jsqr_tag else ""
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Door check-in</title>
<link rel="icon" href="data:,">
</head>
<body>
<main>
<form id="check-in-form" method="post" action="/door" data-error-network="{html.escape(ERROR_NETWORK)}">
  <input type="hidden" name="csrfmiddlewaretoken" value="token-123">
  <label for="id_code">Code or name</label>
  <input id="id_code" name="code" autocomplete="off" autofocus>
  <button type="submit">Check in</button>
</form>
<div id="check-in-camera" hidden data-error-denied="{html.escape(ERROR_DENIED)}"
     data-error-unavailable="{html.escape(ERROR_UNAVAILABLE)}"{lazy}>
  <button type="button" id="check-in-camera-start">Scan with camera</button>
  <button type="button" id="check-in-camera-stop" hidden>Stop camera</button>
  <video id="check-in-video" muted playsinline hidden></video>
  <p id="check-in-camera-error" class="text-danger" hidden></p>
</div>
<div id="check-in-result" role="status" aria-live="polite"></div>
</main>
{jsqr}
<script src="{SCRIPT}" defer></script>
</body>
</html>
"""


def fragment(code: str) -> str:
    return f'<div class="alert alert-success" data-fragment>Checked in: {html.escape(code)}</div>'


class Door:
    """One page on the fake door: what it posted, and how the endpoint answers the next POST."""

    def __init__(self, page: Page, *, page_html: str):
        self.page = page
        self.page_html = page_html
        self.posts: list[dict] = []
        self.answer = "json"  # "json", "refuse", "abort" or "hold"
        self.held: list[Route] = []
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.static_requests: list[str] = []
        page.on("console", lambda message: message.type == "error" and self.console_errors.append(message.text))
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.route(f"{ORIGIN}/**", self._handle)

    def _handle(self, route: Route) -> None:
        request = route.request
        path = request.url.removeprefix(ORIGIN).split("?")[0]
        if path == "/door" and request.method == "GET":
            route.fulfill(
                status=200,
                content_type="text/html; charset=utf-8",
                headers={"Content-Security-Policy": CSP},
                body=self.page_html,
            )
        elif path == "/door" and request.method == "POST":
            fields = multipart_fields(request.headers.get("content-type", ""), request.post_data_buffer or b"")
            self.posts.append({"at": time.monotonic(), "headers": request.all_headers(), "fields": fields})
            code = fields.get("code", "")
            if self.answer == "abort":
                route.abort()
            elif self.answer == "hold":
                self.held.append(route)
            elif self.answer == "refuse":
                body = {"outcome": "unknown", "html": f'<div class="alert alert-danger">No one with {code}</div>'}
                route.fulfill(status=404, content_type="application/json", body=json.dumps(body))
            else:
                body = {"outcome": "checked_in", "html": fragment(code)}
                route.fulfill(status=200, content_type="application/json", body=json.dumps(body))
        elif path.startswith("/static/") and (STATIC / path.removeprefix("/static/")).is_file():
            self.static_requests.append(path)
            route.fulfill(
                status=200,
                content_type="text/javascript; charset=utf-8",
                body=(STATIC / path.removeprefix("/static/")).read_bytes(),
            )
        else:
            route.fulfill(status=404, content_type="text/plain", body="not found")

    def open(self) -> Door:
        self.page.goto(DOOR)
        self.page.wait_for_load_state("load")
        return self

    def wait_for_posts(self, count: int, timeout: float = 8.0) -> None:
        deadline = time.monotonic() + timeout
        while len(self.posts) < count and time.monotonic() < deadline:
            self.page.wait_for_timeout(50)
        assert len(self.posts) >= count, f"expected {count} POST(s) within {timeout} s, got {len(self.posts)}"

    def codes(self) -> list[str]:
        return [post["fields"].get("code") for post in self.posts]


def multipart_fields(content_type: str, body: bytes) -> dict[str, str]:
    """The fields of a multipart/form-data body (what ``new FormData(form)`` sends)."""
    message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
    return {
        part.get_param("name", header="content-disposition"): part.get_content()
        for part in message.iter_parts()
        if part.get_param("name", header="content-disposition")
    }


@pytest.fixture(scope="module")
def camera_browser(tmp_path_factory):
    image = qrcode.make(QR_TEXT, box_size=10, border=4)
    png = io.BytesIO()
    image.save(png, format="PNG")
    y4m = y4m_from_png(png.getvalue(), tmp_path_factory.mktemp("camera") / "qr.y4m")
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=[*CHROMIUM_ARGS, *camera_args(y4m)])
        yield browser
        browser.close()


@pytest.fixture
def door_context(camera_browser):
    context = camera_browser.new_context(locale="en-GB")
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def make_door(door_context):
    def make(page_html: str | None = None, init_script: str = "") -> Door:
        page = door_context.new_page()
        if init_script:
            page.add_init_script(init_script)
        return Door(page, page_html=page_html or door_page())

    return make


def test_the_camera_scan_posts_the_code_once_and_shows_the_answer(make_door):
    door = make_door().open()
    page = door.page
    expect(page.locator("#check-in-camera")).to_be_visible()
    page.click("#check-in-camera-start")
    expect(page.locator("#check-in-video")).to_be_visible()
    expect(page.locator("#check-in-camera-stop")).to_be_focused()
    started = time.monotonic()
    door.wait_for_posts(1, timeout=6)
    assert door.posts[0]["at"] - started < 6
    assert door.codes() == [QR_TEXT]
    assert door.posts[0]["fields"]["csrfmiddlewaretoken"] == "token-123"
    expect(page.locator("#check-in-result [data-fragment]")).to_have_text(f"Checked in: {QR_TEXT}")
    expect(page.locator("#check-in-result")).to_have_attribute("data-outcome", "checked_in")
    expect(page.locator("#id_code")).to_have_value("")
    # The code stays in front of the camera: still one POST.
    page.wait_for_timeout(1000)
    assert door.codes() == [QR_TEXT]
    page.click("#check-in-camera-stop")
    expect(page.locator("#check-in-video")).to_be_hidden()
    expect(page.locator("#check-in-camera-start")).to_be_focused()
    assert page.evaluate("document.getElementById('check-in-video').srcObject") is None


def test_typing_a_code_and_enter_posts_with_fetch_and_shows_the_fragment(make_door):
    door = make_door().open()
    page = door.page
    page.evaluate("window.sameDocument = true")
    door.answer = "hold"
    page.fill("#id_code", "AB12")
    page.press("#id_code", "Enter")
    door.wait_for_posts(1)
    expect(page.locator("#check-in-form button[type=submit]")).to_be_disabled()
    expect(page.locator("#check-in-form")).to_have_attribute("aria-busy", "true")
    # Enter again while the first is in flight sends nothing more.
    page.press("#id_code", "Enter")
    page.wait_for_timeout(300)
    assert len(door.posts) == 1
    door.held.pop().fulfill(
        status=200,
        content_type="application/json",
        body=json.dumps({"outcome": "checked_in", "html": fragment("AB12")}),
    )
    expect(page.locator("#check-in-result [data-fragment]")).to_have_text("Checked in: AB12")
    expect(page.locator("#id_code")).to_have_value("")
    expect(page.locator("#id_code")).to_be_focused()
    expect(page.locator("#check-in-form button[type=submit]")).to_be_enabled()
    assert page.evaluate("window.sameDocument") is True, "the form was posted without the script"
    headers = door.posts[0]["headers"]
    assert headers["accept"] == "application/json"
    assert headers["x-requested-with"] == "fetch"
    assert headers["content-type"].startswith("multipart/form-data")
    assert door.posts[0]["fields"] == {"csrfmiddlewaretoken": "token-123", "code": "AB12"}


def test_a_refusal_shows_the_servers_fragment(make_door):
    door = make_door().open()
    page = door.page
    door.answer = "refuse"
    page.fill("#id_code", "ZZ99")
    page.press("#id_code", "Enter")
    expect(page.locator("#check-in-result .alert-danger")).to_have_text("No one with ZZ99")
    expect(page.locator("#check-in-result")).to_have_attribute("data-outcome", "unknown")
    expect(page.locator("#id_code")).to_have_value("")
    expect(page.locator("#id_code")).to_be_focused()


def test_the_same_code_scanned_again_within_three_seconds_posts_once(make_door):
    door = make_door().open()
    page = door.page
    page.click("#check-in-camera-start")
    door.wait_for_posts(1, timeout=6)
    # The scanner reads the code again about every 150 ms while it stays in view.
    page.wait_for_timeout(2500)
    assert door.codes() == [QR_TEXT]
    # Out of sight for longer than the interval, then back: it counts again.
    page.click("#check-in-camera-stop")
    page.wait_for_timeout(3300)
    page.click("#check-in-camera-start")
    door.wait_for_posts(2, timeout=6)
    page.wait_for_timeout(500)
    assert door.codes() == [QR_TEXT, QR_TEXT]


@pytest.mark.parametrize("failure", ["abort", "timeout"])
def test_a_network_failure_shows_the_message_and_keeps_the_code(make_door, failure):
    door = make_door()
    page = door.page
    if failure == "timeout":
        page.clock.install()
    door.open()
    door.answer = "abort" if failure == "abort" else "hold"
    page.fill("#id_code", "CD34")
    page.press("#id_code", "Enter")
    door.wait_for_posts(1)
    if failure == "timeout":
        page.wait_for_timeout(200)
        expect(page.locator("#check-in-result")).to_be_empty()
        page.clock.run_for(8_100)
    expect(page.locator("#check-in-result")).to_have_text(ERROR_NETWORK)
    expect(page.locator("#id_code")).to_have_value("CD34")
    expect(page.locator("#id_code")).to_be_focused()
    expect(page.locator("#check-in-form button[type=submit]")).to_be_enabled()
    # Staff retry once the network is back.
    door.answer = "json"
    page.press("#id_code", "Enter")
    expect(page.locator("#check-in-result [data-fragment]")).to_have_text("Checked in: CD34")
    assert door.codes() == ["CD34", "CD34"]


def test_an_answer_that_is_not_json_counts_as_a_failure(make_door):
    door = make_door().open()
    page = door.page
    page.route(
        f"{DOOR}",
        lambda route: (
            route.fulfill(status=403, content_type="text/html", body="<h1>CSRF verification failed</h1>")
            if route.request.method == "POST"
            else route.fallback()
        ),
    )
    page.fill("#id_code", "EF56")
    page.press("#id_code", "Enter")
    expect(page.locator("#check-in-result")).to_have_text(ERROR_NETWORK)
    expect(page.locator("#id_code")).to_have_value("EF56")


CSP_WATCH = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def test_no_console_errors_and_the_strict_csp_holds(make_door):
    door = make_door(init_script=CSP_WATCH).open()
    page = door.page
    page.click("#check-in-camera-start")
    door.wait_for_posts(1, timeout=6)
    expect(page.locator("#check-in-result [data-fragment]")).to_have_text(f"Checked in: {QR_TEXT}")
    page.click("#check-in-camera-stop")
    page.fill("#id_code", "GH78")
    page.press("#id_code", "Enter")
    expect(page.locator("#check-in-result [data-fragment]")).to_have_text("Checked in: GH78")
    page.wait_for_timeout(300)
    assert door.page_errors == []
    assert door.console_errors == []
    assert page.evaluate("window.cspViolations") == []
    assert sorted(door.static_requests) == sorted([JSQR, SCRIPT])
    # The policy was in force: an inline script is refused.
    page.evaluate("""() => {
        const script = document.createElement("script");
        script.textContent = "window.inlineRan = true";
        document.body.appendChild(script);
    }""")
    page.wait_for_function("window.cspViolations.length > 0")
    assert page.evaluate("window.inlineRan") is None


def test_barcode_detector_is_used_when_it_reads_qr_codes(make_door):
    stub = """
    window.detectCalls = 0;
    window.BarcodeDetector = class {
      static async getSupportedFormats() { return ["qr_code", "ean_13"]; }
      constructor(options) { window.detectorFormats = options.formats; }
      async detect(source) {
        window.detectCalls += 1;
        return source.width > 0 ? [{rawValue: "GCM-DETE-CTOR", format: "qr_code"}] : [];
      }
    };
    """
    door = make_door(init_script=stub).open()
    page = door.page
    page.click("#check-in-camera-start")
    door.wait_for_posts(1, timeout=6)
    assert door.codes() == ["GCM-DETE-CTOR"]
    assert page.evaluate("window.detectorFormats") == ["qr_code"]
    expect(page.locator("#check-in-result [data-fragment]")).to_have_text("Checked in: GCM-DETE-CTOR")


def test_jsqr_can_be_fetched_only_when_the_camera_starts(make_door):
    door = make_door(door_page(jsqr_tag=False, jsqr_src=JSQR)).open()
    page = door.page
    assert door.static_requests == [SCRIPT]
    page.click("#check-in-camera-start")
    door.wait_for_posts(1, timeout=8)
    assert door.codes() == [QR_TEXT]
    assert door.static_requests == [SCRIPT, JSQR]
    assert door.console_errors == []


def test_a_refused_camera_shows_the_denied_message(make_door):
    refuse = """
    navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException("no", "NotAllowedError"));
    """
    door = make_door(init_script=refuse).open()
    page = door.page
    page.click("#check-in-camera-start")
    expect(page.locator("#check-in-camera-error")).to_have_text(ERROR_DENIED)
    expect(page.locator("#check-in-video")).to_be_hidden()
    expect(page.locator("#check-in-camera-start")).to_be_visible()
    assert door.posts == []


def test_a_missing_camera_shows_the_unavailable_message(make_door):
    missing = """
    navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException("none", "NotFoundError"));
    """
    door = make_door(init_script=missing).open()
    page = door.page
    page.click("#check-in-camera-start")
    expect(page.locator("#check-in-camera-error")).to_have_text(ERROR_UNAVAILABLE)


def test_without_get_user_media_the_camera_block_stays_hidden(make_door):
    door = make_door(init_script="Object.defineProperty(navigator, 'mediaDevices', {value: undefined});").open()
    page = door.page
    expect(page.locator("#check-in-camera")).to_be_hidden()
    page.fill("#id_code", "IJ90")
    page.press("#id_code", "Enter")
    expect(page.locator("#check-in-result [data-fragment]")).to_have_text("Checked in: IJ90")
