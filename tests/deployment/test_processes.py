"""The production processes, started as docker-compose starts them, on the test PostgreSQL and Redis."""

import email
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from email.header import decode_header, make_header
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from celery import Celery
from django.conf import settings
from django.db import connection
from django.utils import timezone

from portal.enums import Role
from reminders.enums import State
from reminders.models import Reminder
from reviews.dates import parse
from reviews.models import Event, Region, ReviewCycle
from tests.clock import clock_env
from tests.factories import make_user

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

pytestmark = [pytest.mark.deployment, pytest.mark.django_db(transaction=True)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def production_env(tmp_path):
    db = connection.settings_dict
    env = {
        "PATH": f"{BIN}:{os.environ['PATH']}",
        "HOME": str(tmp_path),
        "PORTAL_ENV": "production",
        "DJANGO_SETTINGS_MODULE": "portal.settings.base",
        "SECRET_KEY": "deployment-test-" + "x" * 40,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "EMAIL_HOST": "127.0.0.1",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": str(tmp_path / "static"),
        "PORTAL_VAR_DIR": str(tmp_path / "var"),
        "GUNICORN_WORKERS": "2",
    }
    return env


def start(command: list[str], env: dict, log: Path) -> subprocess.Popen:
    env = {**env, **clock_env()}  # on the test's clock when the suite runs with --clock
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def get(url: str, timeout: float = 60) -> tuple[int, str]:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status, response.read().decode()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def test_web_start_serves_pages_and_static_files_with_gunicorn(production_env, tmp_path):
    port = free_port()
    env = {**production_env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
    web = start([str(ROOT / "scripts" / "web-start")], env, tmp_path / "web.log")
    try:
        status, body = get(f"http://127.0.0.1:{port}/healthz")
        assert (status, body) == (200, "ok")
        status, html = get(f"http://127.0.0.1:{port}/ar/")
        assert status == 200
        assert '<html lang="ar" dir="rtl">' in html
        css = html.split('href="/static/vendor/bootstrap-5.3.9/bootstrap.rtl.min.')[1].split('"')[0]
        status, _ = get(f"http://127.0.0.1:{port}/static/vendor/bootstrap-5.3.9/bootstrap.rtl.min.{css}")
        assert status == 200
    finally:
        stop(web)
    assert b"Booting worker" in (tmp_path / "web.log").read_bytes()


def test_celery_worker_runs_a_task_through_redis(production_env, tmp_path):
    worker = start(
        [str(BIN / "celery"), "-A", "portal", "worker", "--loglevel=INFO", "--concurrency=1", "--without-heartbeat"],
        production_env,
        tmp_path / "worker.log",
    )
    client = Celery(broker=settings.REDIS_URL, backend=settings.REDIS_URL, set_as_current=False)
    try:
        result = client.send_task("portal.tasks.ping")
        # Eager tasks earlier in this process may have flagged it as a worker; this is a client.
        assert result.get(timeout=180, disable_sync_subtasks=False) == "pong"
    finally:
        stop(worker)
        client.close()


def test_celery_beat_starts_with_the_production_settings(production_env, tmp_path):
    beat = start(
        [str(BIN / "celery"), "-A", "portal", "beat", "--loglevel=INFO", f"--schedule={tmp_path / 'beat'}"],
        production_env,
        tmp_path / "beat.log",
    )
    try:
        deadline = time.monotonic() + 30
        while b"beat: Starting" not in (tmp_path / "beat.log").read_bytes():
            assert beat.poll() is None, (tmp_path / "beat.log").read_text()
            assert time.monotonic() < deadline
            time.sleep(0.2)
    finally:
        stop(beat)


def test_embedded_celery_worker_runs_on_the_filesystem_broker(tmp_path):
    """`make run` has no broker server: the worker consumes kombu's filesystem queue."""
    env = {
        "PATH": f"{BIN}:{os.environ['PATH']}",
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "portal.settings.base",
        "PORTAL_VAR_DIR": str(tmp_path / "var"),
    }
    for folder in ("queue", "processed", "results"):
        (tmp_path / "var" / "celery" / folder).mkdir(parents=True)
    worker = start(
        [str(BIN / "celery"), "-A", "portal", "worker", "--loglevel=INFO", "--concurrency=1"],
        env,
        tmp_path / "worker.log",
    )
    try:
        code = "import django; django.setup(); from portal.tasks import ping; print(ping.delay().get(timeout=60))"
        result = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env={**env, **clock_env()},
            capture_output=True,
            text=True,
            timeout=90,
        )
        assert result.stdout.strip() == "pong", result.stderr
    finally:
        stop(worker)
    shutil.rmtree(tmp_path / "var", ignore_errors=True)


def _due_today_for(language: str):
    """A review 16 weeks from today, so the pre-consultation reminder is due now, and one secretariat member."""

    region = Region.objects.create(code="africa", name="Africa", commission="ECA", commission_acronym="ECA")
    cycle = ReviewCycle.objects.create(
        code="2026-2027", name="2026-2027", start_year=2026, end_year=2027, imrf_year=2030
    )
    day = timezone.localdate() + timedelta(weeks=16)
    Event(cycle=cycle, region=region, kind="regional_review", start=parse(f"{day.day} {day:%B} {day.year}")[0]).save()
    return make_user(Role.SECRETARIAT, preferred_language=language)


def test_a_due_reminder_goes_through_redis_and_a_real_worker_to_smtp(production_env, tmp_path):

    received = []

    class Sink:
        async def handle_DATA(self, server, session, envelope):
            received.append(envelope)
            return "250 OK"

    port = free_port()
    sink = Controller(Sink(), hostname="127.0.0.1", port=port)
    sink.start()
    person = _due_today_for("es")
    env = {**production_env, "EMAIL_PORT": str(port), "EMAIL_USE_TLS": "false"}
    worker = start(
        [str(BIN / "celery"), "-A", "portal", "worker", "--loglevel=INFO", "--concurrency=2", "--without-heartbeat"],
        env,
        tmp_path / "worker.log",
    )
    client = Celery(broker=settings.REDIS_URL, backend=settings.REDIS_URL, set_as_current=False)
    try:
        result = client.send_task("reminders.tasks.scan_reminders")
        assert result.get(timeout=180, disable_sync_subtasks=False) == 1
        deadline = time.monotonic() + 120
        while not received:
            assert time.monotonic() < deadline, (tmp_path / "worker.log").read_text()[-3000:]
            time.sleep(0.3)
    finally:
        stop(worker)
        client.close()
        sink.stop()
    (envelope,) = received
    assert envelope.rcpt_tos == [person.email]

    message = email.message_from_bytes(envelope.content)
    assert str(make_header(decode_header(message["Subject"]))).startswith("Planificar")
    assert message["List-Unsubscribe"].strip().startswith("<http")
    assert Reminder.objects.get().state == State.SENT


def test_embedded_mode_delivers_a_due_reminder_to_the_console(tmp_path):
    """`make run`: no Redis, no SMTP; the same scanner runs on the filesystem broker and mail goes to the console."""

    person = _due_today_for("en")
    db = connection.settings_dict
    env = {
        "PATH": f"{BIN}:{os.environ['PATH']}",
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "portal.settings.base",
        "PORTAL_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
    }
    for folder in ("queue", "processed", "results"):
        (tmp_path / "var" / "celery" / folder).mkdir(parents=True)
    worker = start(
        [str(BIN / "celery"), "-A", "portal", "worker", "--loglevel=INFO", "--concurrency=1"],
        env,
        tmp_path / "worker.log",
    )
    try:
        code = (
            "import django; django.setup(); from reminders.tasks import scan_reminders; "
            "print(scan_reminders.delay().get(timeout=90))"
        )
        result = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env={**env, **clock_env()},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.stdout.strip() == "1", result.stderr
        deadline = time.monotonic() + 90
        while Reminder.objects.filter(state=State.SENT).count() < 1:
            assert time.monotonic() < deadline, (tmp_path / "worker.log").read_text()[-3000:]
            time.sleep(0.3)
    finally:
        stop(worker)
    log = (tmp_path / "worker.log").read_text()
    assert f"To: {person.email}" in log
    assert "Plan the stakeholder pre-consultation: Africa" in log
    shutil.rmtree(tmp_path / "var", ignore_errors=True)
