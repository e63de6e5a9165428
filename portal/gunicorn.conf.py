"""gunicorn settings, read from the environment so compose and the tests share them."""

import multiprocessing
import os
import shutil
import tempfile
from pathlib import Path

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", str(multiprocessing.cpu_count() * 2 + 1)))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# The portal logs one JSON line per request (portal/observability/middleware.py, REQUEST_LOG: on in production),
# naming the route, never the path. gunicorn's access log writes the path with its query string, and some links
# carry a token (sign-in, unsubscribe, private calendar feeds): it is kept only where that line is off.
_request_log = os.environ.get("REQUEST_LOG", "").strip().lower()
if _request_log:
    _request_log_on = _request_log in {"1", "true", "yes", "on"}
else:
    _request_log_on = os.environ.get("PORTAL_ENV") == "production"
accesslog = None if _request_log_on else "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Prometheus figures of every worker in one scrape (portal/observability/metrics.py): each worker writes its own
# to files in this folder, which prometheus_client must know of before a worker first imports it. A folder of
# this gunicorn's own, removed when it stops, unless one is given.
OWN_METRICS_FOLDER = "portal-metrics-"
if "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix=OWN_METRICS_FOLDER)


def on_starting(server):
    """Figures of an earlier run in the folder would be counted again."""
    folder = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink()


def child_exit(server, worker):
    """A worker gone: its counters and histograms stay in the sums; its live gauges go."""
    from prometheus_client import multiprocess  # noqa: PLC0415 - only once PROMETHEUS_MULTIPROC_DIR is set

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    folder = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    if folder.parent == Path(tempfile.gettempdir()) and folder.name.startswith(OWN_METRICS_FOLDER):
        shutil.rmtree(folder, ignore_errors=True)
