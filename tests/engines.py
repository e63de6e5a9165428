"""Machine translation engines for tests (a pytest plugin, loaded by the addopts of pyproject.toml): a
LibreTranslate on 127.0.0.1 that records every request it gets, and the fixtures ``apertium`` (Debian's own: no
stand-in, scripts/ensure-system-packages installs it) and ``remote_engine``.
"""

import json
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

SIX = ("en", "ar", "zh", "fr", "ru", "es")


def listing(*codes: str) -> list[dict]:
    return [{"code": code, "name": code, "targets": [other for other in codes if other != code]} for code in codes]


class RecordingLibreTranslate:
    """/languages and /translate on 127.0.0.1, recording every request. ``answer`` chooses how /translate replies:
    "translate" (each line as "<target> line"), "slow", "error" (HTTP 500), "malformed" (not JSON), "one string"."""

    def __init__(self, *, languages: list[dict] | None = None):
        self.languages = listing(*SIX) if languages is None else languages
        self.answer = "translate"
        self.requests: list[dict] = []
        self.release = threading.Event()
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def reply(self, status: int, body: bytes):
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                recorder.requests.append({"method": "GET", "path": self.path, "host": self.headers["Host"]})
                if self.path == "/languages":
                    self.reply(200, json.dumps(recorder.languages).encode())
                else:
                    self.reply(404, b'{"error": "Not Found"}')

            def do_POST(self):
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                body = json.loads(raw)
                recorder.requests.append({"method": "POST", "path": self.path, "host": self.headers["Host"], **body})
                if recorder.answer == "slow":
                    recorder.release.wait(10)
                if recorder.answer == "error":
                    self.reply(500, b'{"error": "The translation model crashed"}')
                elif recorder.answer == "malformed":
                    self.reply(200, b'{"translatedText": ["unfinished')
                elif recorder.answer == "one string":
                    self.reply(200, json.dumps({"translatedText": "one string for every line"}).encode())
                else:
                    lines = [f"<{body['target']}> {line}" for line in body["q"]]
                    self.reply(200, json.dumps({"translatedText": lines}).encode())

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def translations(self) -> list[dict]:
        return [request for request in self.requests if request["path"] == "/translate"]

    @property
    def texts(self) -> list[str]:
        """Every line of text the server was ever sent."""
        return [line for request in self.translations for line in request["q"]]

    def stop(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def apertium(settings):
    """Debian's Apertium as the only engine (English–Spanish, French–Spanish), its language lists read afresh."""
    # Imported here: this plugin loads before the test settings exist, and importing the portal then would
    # configure its Celery app too early.
    from portal import machine_translation  # noqa: PLC0415

    assert shutil.which("apertium"), "Apertium is missing: scripts/ensure-system-packages apertium (make test does)"
    settings.MACHINE_TRANSLATION_ENGINES = ["apertium"]
    settings.APERTIUM_DATADIR = "/usr/share/apertium"
    settings.MACHINE_TRANSLATION_TIMEOUT = 20
    machine_translation.forget()
    yield
    machine_translation.forget()


@pytest.fixture
def remote_engine(settings):
    """A recording LibreTranslate the portal must treat as remote: the operator did not declare it local."""
    from portal import machine_translation  # noqa: PLC0415 - see apertium()

    server = RecordingLibreTranslate()
    settings.MACHINE_TRANSLATION_ENGINES = ["libretranslate"]
    settings.LIBRETRANSLATE_URL = server.url
    settings.LIBRETRANSLATE_LOCAL = False
    settings.MACHINE_TRANSLATION_TIMEOUT = 2
    machine_translation.forget()
    yield server
    server.stop()
    machine_translation.forget()
