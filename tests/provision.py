"""Throwaway PostgreSQL and Redis servers for the test suite.

Loaded as a pytest plugin (``-p tests.provision`` in pyproject.toml). When
``DATABASE_URL`` or ``REDIS_URL`` is not set, it starts a private server from
Debian's binaries on a free loopback port before Django is configured, exports
the URL and stops the server when pytest exits. Under pytest-xdist the workers share those servers,
each with its own database in both. PostgreSQL refuses to run as
root, so as root the cluster belongs to the ``postgres`` user (``runuser``).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

INSTALL_HINT = (
    "sudo apt-get install -y postgresql redis-server chromium gettext  "
    "(or run `make test` as root, which installs them)"
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _pg_bindir() -> Path:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if not candidates:
        raise pytest.UsageError(f"PostgreSQL is not installed and DATABASE_URL is not set. Install it: {INSTALL_HINT}")
    return Path(candidates[-1]).parent


def _as_postgres(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


def start_postgres() -> tuple[str, callable]:
    bindir = _pg_bindir()
    root = Path(tempfile.mkdtemp(prefix="portal-test-pg-"))
    data, sockets, log = root / "data", root / "sockets", root / "server.log"
    sockets.mkdir()
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        for path in (root, sockets):
            os.chown(path, owner.pw_uid, owner.pw_gid)
    subprocess.run(
        _as_postgres(
            [str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale"]
        ),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    port = _free_port()
    options = (
        f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
        "-c full_page_writes=off -c max_connections=300"
    )
    subprocess.run(
        _as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(log), "-w", "start"]),
        check=True,
        stdout=subprocess.DEVNULL,
    )

    def stop() -> None:
        subprocess.run(
            _as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        shutil.rmtree(root, ignore_errors=True)

    return f"postgres://postgres@127.0.0.1:{port}/portal", stop


def start_redis() -> tuple[str, callable]:
    server = shutil.which("redis-server")
    if server is None:
        raise pytest.UsageError(f"redis-server is not installed and REDIS_URL is not set. Install it: {INSTALL_HINT}")
    port = _free_port()
    workdir = tempfile.mkdtemp(prefix="portal-test-redis-")
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", workdir],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                if sock.recv(16).startswith(b"+PONG"):
                    break
        except OSError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            raise pytest.UsageError("redis-server did not start.")
        time.sleep(0.05)

    def stop() -> None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(workdir, ignore_errors=True)

    return f"redis://127.0.0.1:{port}/0", stop


@pytest.hookimpl(wrapper=True)
def pytest_load_initial_conftests(early_config, parser, args):
    # Runs around pytest-django's own hook, so the URLs exist before Django reads its settings.
    if not os.environ.get("DATABASE_URL"):
        url, stop = start_postgres()
        os.environ["DATABASE_URL"] = url
        early_config.add_cleanup(stop)
    if not os.environ.get("REDIS_URL"):
        url, stop = start_redis()
        os.environ["REDIS_URL"] = url
        early_config.add_cleanup(stop)
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        # pytest-xdist workers inherit the servers started above (each gets its own test database from
        # pytest-django); each also gets its own Redis database, so one worker's cache.clear() or broker
        # traffic never reaches another's.
        os.environ["REDIS_URL"] = redis_database(os.environ["REDIS_URL"], 1 + int(worker.removeprefix("gw")))
    return (yield)


def redis_database(url: str, number: int) -> str:
    """``url`` pointing at Redis database ``number`` (a server has 16: workers beyond 15 share the last)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{min(number, 15)}"))
