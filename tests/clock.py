"""Run the suite on another day: ``pytest --clock=2030-12-31``.

Loaded as a plugin (``-p tests.clock``). With ``--clock`` the whole process
starts at noon UTC on that day and the clock keeps ticking from there
(time-machine moves ``time.time``, ``datetime.now`` and ``date.today`` alike);
tests that freeze the clock themselves still do. ``make test`` uses it to show
that nothing in the suite depends on the day it runs.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

import pytest
import time_machine

HOOK = Path(__file__).resolve().parent / "clockhook"
_subprocess_env: dict[str, str] = {}


def clock_env() -> dict[str, str]:
    """What a test adds to a subprocess's environment so the subprocess runs on the same moved clock."""
    return dict(_subprocess_env)


def pytest_addoption(parser):
    parser.addoption(
        "--clock",
        metavar="YYYY-MM-DD",
        default="",
        help="run the tests as if today were this day (noon UTC), the clock ticking on from there",
    )


def pytest_configure(config):
    day = config.getoption("--clock")
    if not day:
        return

    try:
        start = dt.datetime.combine(dt.date.fromisoformat(day), dt.time(12), tzinfo=dt.UTC)
    except ValueError as exc:
        raise pytest.UsageError(f"--clock wants a day such as 2030-12-31, not {day!r}") from exc
    offset = start.timestamp() - time.time()
    traveller = time_machine.travel(start, tick=True)
    traveller.start()
    config.add_cleanup(traveller.stop)
    # Python subprocesses (gunicorn, Celery, manage.py) load clockhook/sitecustomize.py and move by as much.
    _subprocess_env["PORTAL_TEST_CLOCK_OFFSET"] = repr(offset)
    _subprocess_env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HOOK), os.environ.get("PYTHONPATH", "")]))
    os.environ.update(_subprocess_env)


def pytest_report_header(config):
    day = config.getoption("--clock")
    return f"clock moved to {day} (noon UTC)" if day else None
