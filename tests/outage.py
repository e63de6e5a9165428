"""Outages for the failure tests: a Redis that is down until the test starts it, and Celery publishing to it.

"Down" is what a crashed Redis looks like from the portal: an address where
nothing listens. ``start()`` brings a real redis-server up at that address, as
when it is restarted.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator

from celery import Celery
from celery.contrib.testing.app import setup_default_app

from tests.provision import _free_port


class RedisServer:
    def __init__(self) -> None:
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None
        self.workdir = tempfile.mkdtemp(prefix="portal-test-outage-")

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server"),
                *("--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", self.workdir),
            ],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            assert time.monotonic() < deadline and self.process.poll() is None, "redis-server did not start"
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None
        shutil.rmtree(self.workdir, ignore_errors=True)


@contextlib.contextmanager
def celery_publishing_to(url: str) -> Iterator[Celery]:
    """The portal's Celery settings, but tasks really published to ``url`` (the test settings run them eagerly)."""
    app = Celery("portal", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(
        broker_url=url,
        result_backend=url,
        task_always_eager=False,
        # An embedded worker would otherwise take over the root logger and with it pytest's log capture.
        worker_hijack_root_logger=False,
    )
    # Every tasks module imported first: setup_default_app forgets, on the way out, the tasks announced inside.
    app.autodiscover_tasks(force=True)
    with setup_default_app(app):
        app.set_current()
        app.set_default()
        yield app
