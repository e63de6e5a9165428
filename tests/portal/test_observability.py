"""Seeing the portal in production (portal/observability/): the request and task log lines, Sentry, /metrics."""

import gzip
import importlib
import json
import logging
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from wsgiref.util import setup_testing_defaults

import pytest
import redis
import sentry_sdk
from celery import Celery, shared_task
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext
from django.urls import path
from prometheus_client.parser import text_string_to_metric_families

from consultations.enums import RegistrationStatus
from portal.enums import Role
from portal.observability import metrics
from portal.observability.sentry import scrub_span, sentry_init
from portal.tasks import ping
from reminders.enums import State
from tests.deployment.test_processes import free_port, start, stop
from tests.factories import RegistrationFactory, ReminderFactory, make_consultation, make_user

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
TOKEN = "a-metrics-token-for-the-tests"
OUTSIDE = "203.0.113.9"


def boom(request, token):
    raise RuntimeError("boom")


# The URLconf of the Sentry test (pytest.mark.urls): a page that fails, with a token in its path.
urlpatterns = [path("boom/<str:token>/", boom)]


@shared_task(name="tests.observability.fails")
def fails():
    raise RuntimeError("a failure")


class Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.written = []

    def emit(self, record):
        self.written.append(self.format(record))


@pytest.fixture
def request_log(settings):
    """The JSON lines the portal writes, read back as dicts, instead of the process's stderr."""
    settings.REQUEST_LOG = True
    handler = Lines()
    loggers = [logging.getLogger("portal.requests"), logging.getLogger("portal.tasks")]
    kept = [logger.handlers for logger in loggers]
    for logger in loggers:
        logger.handlers = [handler]

    def lines(event: str = "request") -> list[dict]:
        return [line for line in map(json.loads, handler.written) if line["event"] == event]

    lines.text = lambda: "\n".join(handler.written)
    yield lines
    for logger, handlers in zip(loggers, kept, strict=True):
        logger.handlers = handlers


def scrape(client, **headers) -> dict[tuple[str, tuple], float]:
    """/metrics as {(sample name, sorted labels): value}."""
    response = client.get("/metrics", **headers)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def sample(samples: dict, name: str, **labels) -> float | None:
    return samples.get((name, tuple(sorted(labels.items()))))


# --- The request log line -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_request_line_names_the_route_and_nothing_personal(client, request_log):
    person = make_user(Role.STAKEHOLDER, user__email="ana.example@example.org", display_name="Ana Example")
    client.force_login(person)
    client.cookies["tracking"] = "cookie-value-never-logged"

    response = client.get("/en/accounts/confirm-sign-in/secret-path-token/?email=ana.example@example.org&next=/x/")

    [line] = request_log()
    assert set(line) == {
        "event",
        "request_id",
        "method",
        "route",
        "status",
        "duration_ms",
        "queries",
        "sql_ms",
        "signed_in",
    }
    assert (line["method"], line["route"], line["status"], line["signed_in"]) == (
        "GET",
        "portal:confirm_sign_in",
        response.status_code,
        True,
    )
    assert response["X-Request-ID"] == line["request_id"]
    assert line["duration_ms"] > 0
    assert line["duration_ms"] >= line["sql_ms"]
    logged = request_log.text()
    for secret in (
        "secret-path-token",
        "ana.example",
        "Ana Example",
        "next=",
        "cookie-value-never-logged",
        client.cookies["sessionid"].value,
    ):
        assert secret not in logged


@pytest.mark.django_db
def test_anonymous_request_line_says_not_signed_in_and_keeps_a_proxy_request_id(client, request_log):
    client.get("/healthz", HTTP_X_REQUEST_ID="proxy-id-12345678")
    client.get("/healthz", HTTP_X_REQUEST_ID="bad id with spaces")

    kept, replaced = request_log()
    assert (kept["route"], kept["signed_in"], kept["queries"], kept["request_id"]) == (
        "healthz",
        False,
        0,
        "proxy-id-12345678",
    )
    assert len(replaced["request_id"]) == 32
    assert replaced["request_id"] != "bad id with spaces"


@pytest.mark.django_db
def test_request_line_counts_exactly_the_queries_of_the_view(client, request_log):
    client.force_login(make_user(Role.SECRETARIAT))
    consultation = make_consultation()

    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/en/consultations/{consultation.pk}/dashboard/")

    assert response.status_code == 200
    [line] = request_log()
    assert line["route"] == "consultations:dashboard"
    assert line["queries"] == len(captured.captured_queries) > 5


@pytest.mark.django_db
def test_a_streamed_body_nobody_read_leaves_no_counter_behind_the_next_request(client, request_log):
    client.force_login(make_user(Role.SECRETARIAT))
    consultation = make_consultation()
    client.get(f"/en/consultations/{consultation.pk}/registrations.csv")  # never read, never closed
    assert len(connection.execute_wrappers) == 1

    client.get(f"/en/consultations/{consultation.pk}/dashboard/")
    assert connection.execute_wrappers == []


@pytest.mark.django_db
def test_a_streamed_export_is_logged_once_sent_with_the_queries_of_its_body(client, request_log):
    client.force_login(make_user(Role.SECRETARIAT))
    consultation = make_consultation()
    RegistrationFactory.create_batch(3, consultation=consultation, status=RegistrationStatus.REGISTERED)

    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/en/consultations/{consultation.pk}/registrations.csv")
        assert request_log() == []  # the body is not sent yet
        body = b"".join(response.streaming_content)

    assert body.count(b"\n") == 4
    [line] = request_log()
    assert (line["route"], line["status"]) == ("consultations:export_csv", 200)
    assert line["queries"] == len(captured.captured_queries)
    assert connection.execute_wrappers == []


@pytest.mark.django_db
def test_request_log_off_writes_nothing(client, request_log, settings):
    settings.REQUEST_LOG = False

    response = client.get("/healthz")

    assert request_log() == []
    assert "X-Request-ID" not in response


def load_settings(env: dict, code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", f"import django, sys; django.setup(); from django.conf import settings; {code}"],
        env={"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "portal.settings.base", **env},
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


PRODUCTION = {
    "PORTAL_ENV": "production",
    "SECRET_KEY": "k" * 50,
    "DATABASE_URL": "postgres://u@127.0.0.1/db",
    "EMAIL_HOST": "smtp.example.org",
}
SHOW = "print(settings.REQUEST_LOG, settings.MIDDLEWARE[0], settings.SENTRY_ENABLED, 'sentry_sdk' in sys.modules)"
MIDDLEWARE = "portal.observability.middleware.RequestObservabilityMiddleware"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        (PRODUCTION, f"True {MIDDLEWARE} False False"),
        ({**PRODUCTION, "REQUEST_LOG": "off"}, f"False {MIDDLEWARE} False False"),
        ({}, f"False {MIDDLEWARE} False False"),
        ({"REQUEST_LOG": "on"}, f"True {MIDDLEWARE} False False"),
        # A DSN nobody listens on: nothing is sent unless something is reported.
        ({"SENTRY_DSN": "http://public@127.0.0.1:9/1"}, f"False {MIDDLEWARE} True True"),
    ],
)
def test_the_log_is_on_in_production_and_sentry_only_with_a_dsn(env, expected):
    assert load_settings(env, SHOW) == expected


# --- Sentry ---------------------------------------------------------------------------------------------------


class Envelopes(BaseHTTPRequestHandler):
    """A stand-in for Sentry on loopback: keeps every envelope it is sent."""

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":
            body = importlib.import_module("brotli").decompress(body)
        self.server.received.append(body.decode())
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def sentry_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Envelopes)
    server.received = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    sentry_sdk.get_client().close(timeout=2)
    sentry_sdk.get_global_scope().set_client(None)
    server.shutdown()


def test_sentry_is_initialised_only_with_a_dsn(sentry_server):
    dsn = f"http://public@127.0.0.1:{sentry_server.server_port}/1"

    assert sentry_init({}) is False
    assert sentry_init({"SENTRY_DSN": "  "}) is False
    assert not sentry_sdk.get_client().is_active()

    assert sentry_init({"SENTRY_DSN": dsn, "PORTAL_ENV": "production"}) is True
    client = sentry_sdk.get_client()
    assert client.is_active()
    assert (client.options["environment"], client.options["traces_sample_rate"]) == ("production", None)
    assert client.options["data_collection"]["user_info"] is False


@pytest.mark.urls(__name__)
def test_sentry_reports_an_error_without_personal_data(sentry_server, settings, request_log):
    settings.SENTRY_ENABLED = True  # as the settings say when they initialised it: the request id is tagged
    dsn = f"http://public@127.0.0.1:{sentry_server.server_port}/1"
    assert sentry_init({"SENTRY_DSN": dsn, "SENTRY_TRACES_SAMPLE_RATE": "1"})
    environ = {}
    setup_testing_defaults(environ)
    environ.update(
        PATH_INFO="/boom/secret-path-token/",
        QUERY_STRING="email=ana.example%40example.org&key=query-secret",
        REMOTE_ADDR="198.51.100.77",
        HTTP_COOKIE="portal_language=fr; tracking=cookie-secret",
        HTTP_AUTHORIZATION="Bearer header-secret",
        HTTP_REFERER="https://example.org/referer-secret/",
        HTTP_USER_AGENT="Test browser",
    )
    statuses = []

    # As Django's test client does: this test touches no database, and may not close the suite's connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        b"".join(WSGIHandler()(environ, lambda status, headers, exc_info=None: statuses.append(status)))
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    sentry_sdk.flush(timeout=5)

    assert statuses == ["500 Internal Server Error"]
    sent = "\n".join(sentry_server.received)
    [line] = request_log()
    assert (line["route"], line["status"]) == ("tests.portal.test_observability.boom", 500)
    assert f'"request_id":"{line["request_id"]}"' in sent.replace(" ", "")
    assert '"type":"RuntimeError"' in sent.replace(" ", "")
    assert "/boom/{token}/" in sent
    assert "Test browser" in sent
    for secret in ("secret-path-token", "ana.example", "query-secret", "cookie-secret", "header-secret"):
        assert secret not in sent
    for secret in ("referer-secret", "198.51.100.77"):
        assert secret not in sent


def test_a_traced_span_loses_its_path():
    span = {"name": "/{language}/feed/{token}/", "attributes": {"url.full": "https://x/en/feed/t0k3n/", "a": 1}}

    assert scrub_span(span) == {"name": "/{language}/feed/{token}/", "attributes": {"a": 1}}


# --- /metrics -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_metrics_count_requests_by_route_with_latency_and_queries(client):
    before = scrape(client)
    for _ in range(3):
        client.get("/healthz")

    after = scrape(client)

    labels = {"route": "healthz", "method": "GET", "status": "2xx"}
    assert (
        sample(after, "portal_http_requests_total", **labels)
        == (sample(before, "portal_http_requests_total", **labels) or 0) + 3
    )
    assert sample(after, "portal_http_request_duration_seconds_count", **labels) == sample(
        after, "portal_http_requests_total", **labels
    )
    assert sample(after, "portal_http_request_duration_seconds_bucket", le="+Inf", **labels) >= 3
    assert sample(after, "portal_http_request_queries_bucket", le="0.0", route="healthz", method="GET") >= 3


@pytest.mark.django_db
def test_metrics_query_histogram_adds_the_queries_of_the_view(client, request_log):
    client.force_login(make_user(Role.SECRETARIAT))
    consultation = make_consultation()
    labels = {"route": "consultations:dashboard", "method": "GET"}
    before = sample(scrape(client), "portal_http_request_queries_sum", **labels) or 0

    client.get(f"/en/consultations/{consultation.pk}/dashboard/")

    [*_, line] = [line for line in request_log() if line["route"] == "consultations:dashboard"]
    assert sample(scrape(client), "portal_http_request_queries_sum", **labels) == before + line["queries"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "headers",
    [
        {"REMOTE_ADDR": OUTSIDE},
        {"REMOTE_ADDR": "100.64.0.1"},  # carrier-grade NAT: not the deployment's
        {"REMOTE_ADDR": ""},
        # Through the public reverse proxy: from loopback or the compose network, but a proxy's header.
        {"HTTP_X_FORWARDED_FOR": "127.0.0.1"},
        {"REMOTE_ADDR": "172.18.0.1", "HTTP_X_FORWARDED_FOR": "10.0.0.2"},
        {"HTTP_FORWARDED": "for=127.0.0.1"},
        {"HTTP_X_REAL_IP": "127.0.0.1"},
        # A relay that says only that it relayed (a TLS terminator, a CDN), from the compose network.
        *(
            {"REMOTE_ADDR": "172.18.0.1", header: value}
            for header, value in (
                ("HTTP_X_FORWARDED_PROTO", "https"),
                ("HTTP_X_FORWARDED_HOST", "portal.example.org"),
                ("HTTP_X_FORWARDED_PORT", "443"),
                ("HTTP_VIA", "1.1 proxy"),
                ("HTTP_TRUE_CLIENT_IP", "203.0.113.9"),
                ("HTTP_CF_CONNECTING_IP", "203.0.113.9"),
                ("HTTP_X_CLIENT_IP", "203.0.113.9"),
            )
        ),
        # A credential must be right, wherever it comes from.
        {"HTTP_AUTHORIZATION": "Bearer wrong-token-wrong-token"},
        {"HTTP_AUTHORIZATION": f"Basic {TOKEN}"},
        {"REMOTE_ADDR": OUTSIDE, "HTTP_AUTHORIZATION": f"Bearer {TOKEN}x"},
        {"REMOTE_ADDR": OUTSIDE, "HTTP_AUTHORIZATION": "Bearer "},
    ],
)
def test_metrics_are_not_found_from_outside(client, settings, headers):
    settings.METRICS_TOKEN = TOKEN

    response = client.get("/metrics", **headers)

    assert response.status_code == 404
    assert b"portal_http_requests" not in response.content


@pytest.mark.django_db
@pytest.mark.parametrize(
    "headers",
    [
        {},  # the test client's 127.0.0.1
        {"REMOTE_ADDR": "::1"},
        {"REMOTE_ADDR": "172.18.0.5"},  # a docker-compose network
        {"REMOTE_ADDR": "10.1.2.3"},
        {"REMOTE_ADDR": "::ffff:192.168.1.9"},
        {"REMOTE_ADDR": OUTSIDE, "HTTP_AUTHORIZATION": f"Bearer {TOKEN}"},
        {"REMOTE_ADDR": OUTSIDE, "HTTP_X_FORWARDED_FOR": OUTSIDE, "HTTP_AUTHORIZATION": f"bearer {TOKEN}"},
    ],
)
def test_metrics_are_read_from_inside_or_with_the_token(client, settings, headers):
    settings.METRICS_TOKEN = TOKEN

    response = client.get("/metrics", **headers)

    assert response.status_code == 200
    assert b"# TYPE portal_http_request_duration_seconds histogram" in response.content


@pytest.mark.django_db
def test_no_token_configured_accepts_no_bearer(client, settings):
    settings.METRICS_TOKEN = ""

    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404
    assert client.get("/metrics", REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION="Bearer ").status_code == 404


@pytest.mark.django_db
def test_the_allowed_networks_are_configurable(client, settings):
    settings.METRICS_ALLOWED_NETWORKS = ["192.0.2.0/24"]

    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.10").status_code == 200


@pytest.mark.django_db
def test_the_page_cache_never_keeps_metrics(client, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60

    inside = client.get("/metrics")
    outside = client.get("/metrics", REMOTE_ADDR=OUTSIDE)

    assert inside.status_code == 200
    assert "no-store" in inside["Cache-Control"]
    assert not inside.cookies
    assert outside.status_code == 404


@pytest.mark.django_db
def test_metrics_ask_nobody_to_sign_in(client):
    client.force_login(make_user(Role.STAKEHOLDER))

    assert client.get("/metrics").status_code == 200


# --- Read at scrape time --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_queue_length_is_read_from_redis(client, settings):
    sender = Celery(broker=settings.REDIS_URL, set_as_current=False)
    broker = redis.Redis.from_url(settings.REDIS_URL)
    try:
        assert sample(scrape(client), "portal_celery_queue_length", queue="celery") == 0
        for _ in range(3):
            sender.send_task("portal.tasks.ping")
        sender.send_task("portal.tasks.ping", priority=6)

        samples = scrape(client)
    finally:
        broker.delete("celery", "celery\x06\x166")
        sender.close()

    assert sample(samples, "portal_celery_queue_length", queue="celery") == 4
    assert sample(samples, "portal_metrics_source_up", source="broker") == 1


@pytest.mark.django_db
def test_queue_length_on_the_filesystem_broker_counts_its_message_files(client, settings, tmp_path):
    settings.CELERY_BROKER_URL = "portalfs://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(tmp_path)}
    for name in ("1_a.celery.msg", "2_b.celery.msg", "3_c.celery.msg.part", "4_d.other.msg", "notes.txt"):
        (tmp_path / name).write_text("{}")

    assert sample(scrape(client), "portal_celery_queue_length", queue="celery") == 2


@pytest.mark.django_db
def test_an_unreachable_broker_leaves_the_queue_out_and_the_rest_scraped(client, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"

    samples = scrape(client)

    assert sample(samples, "portal_metrics_source_up", source="broker") == 0
    assert not any(name == "portal_celery_queue_length" for name, _ in samples)
    assert sample(samples, "portal_reminders", state="pending") == 0


@pytest.mark.django_db
def test_reminders_pending_and_failed_follow_the_rows(client):
    assert metrics.REMINDER_STATES == (State.PENDING, State.FAILED)

    def counts() -> tuple:
        samples = scrape(client)
        return tuple(sample(samples, "portal_reminders", state=state) for state in ("pending", "failed"))

    assert counts() == (0, 0)

    ReminderFactory.create_batch(2, state=State.PENDING)
    ReminderFactory(state=State.FAILED)
    ReminderFactory(state=State.SENT)

    assert counts() == (2, 1)


# --- Task runs ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_each_task_run_is_logged_and_counted(client, request_log):
    runs = ("portal_celery_task_runs_total", {"task": "portal.tasks.ping", "outcome": "success"})
    failures = ("portal_celery_task_runs_total", {"task": "tests.observability.fails", "outcome": "failure"})
    before = scrape(client)

    ping.delay()
    fails.apply(throw=False)

    ok, failed = request_log("task")
    assert {key: ok[key] for key in ("task", "outcome", "queries")} == {
        "task": "portal.tasks.ping",
        "outcome": "success",
        "queries": 0,
    }
    assert {key: failed[key] for key in ("task", "outcome", "error")} == {
        "task": "tests.observability.fails",
        "outcome": "failure",
        "error": "RuntimeError",
    }
    assert "a failure" not in request_log.text()
    after = scrape(client)
    for name, labels in (runs, failures):
        assert sample(after, name, **labels) == (sample(before, name, **labels) or 0) + 1
    assert connection.execute_wrappers == []


# --- The production processes ---------------------------------------------------------------------------------


@pytest.fixture
def production_env(tmp_path):
    db = connection.settings_dict
    return {
        "PATH": f"{BIN}:{os.environ['PATH']}",
        "HOME": str(tmp_path),
        "PORTAL_ENV": "production",
        "DJANGO_SETTINGS_MODULE": "portal.settings.base",
        "SECRET_KEY": "deployment-test-" + "x" * 40,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": os.environ["REDIS_URL"],
        "EMAIL_HOST": "127.0.0.1",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "PORTAL_VAR_DIR": str(tmp_path / "var"),
    }


def fetch(url: str, timeout: float = 60) -> bytes:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read()
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def parse(text: bytes) -> dict:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text.decode())
        for sample in family.samples
    }


@pytest.mark.deployment
@pytest.mark.django_db
def test_one_scrape_adds_up_every_gunicorn_worker(production_env, tmp_path):
    folder = tmp_path / "metrics"
    folder.mkdir()
    # Figures left by an earlier run: emptied when gunicorn starts.
    subprocess.run(
        [
            sys.executable,
            "-c",
            "from prometheus_client import Counter; Counter('portal_http_requests', '', ['route', 'method', 'status'])"
            ".labels('healthz', 'GET', '2xx').inc(1000)",
        ],
        env={**production_env, "PROMETHEUS_MULTIPROC_DIR": str(folder)},
        check=True,
    )
    port = free_port()
    env = {
        **production_env,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
        "GUNICORN_THREADS": "1",
        "PROMETHEUS_MULTIPROC_DIR": str(folder),
    }
    log = tmp_path / "web.log"
    web = start([str(BIN / "gunicorn"), "portal.wsgi:application", "--config", "portal/gunicorn.conf.py"], env, log)
    base = f"http://127.0.0.1:{port}"
    try:
        assert fetch(f"{base}/healthz?email=ana.example@example.org") == b"ok"
        sent = 1
        # Until both workers have answered some (each writes its own file), many at a time.
        with ThreadPoolExecutor(8) as pool:
            while len(list(folder.glob("counter_*.db"))) < 2 and sent < 400:
                list(pool.map(lambda _: fetch(f"{base}/healthz"), range(20)))
                sent += 20
        assert len(list(folder.glob("counter_*.db"))) == 2, "one worker answered every request"

        scrapes = [parse(fetch(f"{base}/metrics")) for _ in range(6)]
    finally:
        stop(web)

    labels = (("method", "GET"), ("route", "healthz"), ("status", "2xx"))
    assert {scraped[("portal_http_requests_total", labels)] for scraped in scrapes} == {sent}
    output = log.read_text()
    lines = [json.loads(line) for line in output.splitlines() if line.startswith('{"event":"request"')]
    assert len([line for line in lines if line["route"] == "healthz"]) == sent
    assert "ana.example" not in output
    assert "GET /healthz" not in output  # gunicorn's access log is off where the portal logs requests


SUCCESSFUL_PINGS = (("outcome", "success"), ("task", "portal.tasks.ping"))


@pytest.mark.deployment
# transactional: a real Celery worker runs the tasks in its own processes and connections
@pytest.mark.django_db(transaction=True)
def test_the_worker_serves_its_task_figures_on_its_own_port(production_env, tmp_path):
    port = free_port()
    env = {**production_env, "CELERY_METRICS_PORT": str(port), "CELERY_METRICS_ADDRESS": "127.0.0.1"}
    command = [str(BIN / "celery"), "-A", "portal", "worker", "--loglevel=INFO", "--concurrency=2"]
    log = tmp_path / "worker.log"
    worker = start([*command, "--without-heartbeat"], env, log)
    client = Celery(broker=os.environ["REDIS_URL"], backend=os.environ["REDIS_URL"], set_as_current=False)
    try:
        results = [client.send_task("portal.tasks.ping") for _ in range(4)]
        assert [result.get(timeout=180, disable_sync_subtasks=False) for result in results] == ["pong"] * 4
        # The pool processes write their figures just after the result: read until all four are there.
        deadline = time.monotonic() + 30
        while True:
            scraped = parse(fetch(f"http://127.0.0.1:{port}/metrics"))
            runs = scraped.get(("portal_celery_task_runs_total", SUCCESSFUL_PINGS))
            timed = scraped.get(("portal_celery_task_duration_seconds_count", (("task", "portal.tasks.ping"),)))
            # The count and the duration are two writes: a scrape between them sees one ahead of the other.
            if (runs, timed) == (4, 4) or time.monotonic() > deadline:
                break
            time.sleep(0.2)
    finally:
        stop(worker)
        client.close()

    assert runs == 4
    assert scraped[("portal_celery_task_duration_seconds_count", (("task", "portal.tasks.ping"),))] == 4
    task_lines = [json.loads(line) for line in log.read_text().splitlines() if '{"event":"task"' in line]
    assert len(task_lines) == 4
    assert not (Path(tempfile.gettempdir()) / f"portal-worker-metrics-{worker.pid}").exists()
