"""The log line and the Prometheus figures of every Celery task run, and the worker's metrics server.

Celery sends ``task_prerun``, ``task_failure`` and ``task_postrun`` in the process that runs the task: one of the
worker's pool processes, or the process that queued it when tasks run eagerly (the tests). The line, one JSON
object: ``{"event": "task", "task", "task_id", "outcome", "duration_ms", "queries", "sql_ms"}``, with ``error``,
the exception's class, when it failed; never its arguments or message, which may name a person.

A worker started with ``CELERY_METRICS_PORT`` serves its figures there (no server when unset). Its pool processes
record them, so they go through prometheus_client's multiprocess files (``PROMETHEUS_MULTIPROC_DIR``, which
portal/celery.py sets before prometheus_client is first imported), and the server, in the worker's main process,
adds up every pool process's, those replaced since included. The port is for the deployment's own network:
docker-compose does not publish it.
"""

import logging
import os
import shutil
from pathlib import Path
from time import perf_counter_ns

from celery import signals
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, multiprocess, start_http_server, values

from portal.observability.timing import QueryCounter, log_json, milliseconds

lines = logging.getLogger("portal.tasks")
logger = logging.getLogger(__name__)

TASK_RUNS = Counter(
    "portal_celery_task_runs", "Task runs, by task and outcome (success, failure, retry).", ["task", "outcome"]
)
TASK_SECONDS = Histogram(
    "portal_celery_task_duration_seconds",
    "Time a task run took, by task.",
    ["task"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600),
)
# The folder portal/celery.py names for a worker that was given none: removed when that worker stops.
OWN_FOLDER = "portal-worker-metrics-{pid}"

# Runs under way in this process, by task id: a list, as an eager retry runs again inside the first run.
_running: dict[str, list[tuple[int, QueryCounter]]] = {}
_errors: dict[str, str] = {}


def task_started(task_id=None, task=None, **kwargs) -> None:
    counter = QueryCounter()
    # connection.execute_wrapper() cannot span two signals: the same wrapper, appended and removed by hand.
    connections[DEFAULT_DB_ALIAS].execute_wrappers.append(counter)
    _running.setdefault(task_id, []).append((perf_counter_ns(), counter))


def task_failed(task_id=None, exception=None, **kwargs) -> None:
    _errors[task_id] = type(exception).__name__


def task_finished(task_id=None, task=None, state=None, **kwargs) -> None:
    runs = _running.get(task_id)
    if not runs:
        return
    started, counter = runs.pop()
    if not runs:
        del _running[task_id]
    duration_ns = perf_counter_ns() - started
    wrappers = connections[DEFAULT_DB_ALIAS].execute_wrappers
    if counter in wrappers:
        wrappers.remove(counter)
    error = _errors.pop(task_id, None)
    try:
        name = getattr(task, "name", None) or "unknown"
        outcome = (state or "unknown").lower()
        TASK_RUNS.labels(name, outcome).inc()
        TASK_SECONDS.labels(name).observe(duration_ns / 1e9)
        if settings.REQUEST_LOG:
            fields = {
                "event": "task",
                "task": name,
                "task_id": task_id,
                "outcome": outcome,
                "duration_ms": milliseconds(duration_ns),
                "queries": counter.count,
                "sql_ms": milliseconds(counter.ns),
            }
            if error:
                fields["error"] = error
            log_json(lines, fields)
    except Exception:
        logger.warning("task observability failed", exc_info=True)


def serve_worker_metrics(**kwargs) -> None:
    """``worker_init``: in the worker's main process, before its pool starts. Empties the folder (figures of an
    earlier run would be added again) and starts the server."""
    port = os.environ.get("CELERY_METRICS_PORT")
    if not port:
        return
    registry = REGISTRY
    if getattr(values.ValueClass, "_multiprocess", False):
        folder = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("*.db"):
            stale.unlink()
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        logger.warning(
            "CELERY_METRICS_PORT: prometheus_client was loaded before portal.celery, so only the worker's "
            "main process is counted"
        )
    start_http_server(int(port), addr=os.environ.get("CELERY_METRICS_ADDRESS", "0.0.0.0"), registry=registry)  # noqa: S104 - the deployment's network
    logger.info("task metrics on port %s", port)


def pool_process_gone(**kwargs) -> None:
    """``worker_process_shutdown``: prometheus_client's bookkeeping for a pool process that stops."""
    if getattr(values.ValueClass, "_multiprocess", False):
        multiprocess.mark_process_dead(os.getpid())


def worker_stopped(**kwargs) -> None:
    """``worker_shutdown``: the folder portal/celery.py made for this worker goes with it."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
    if os.environ.get("CELERY_METRICS_PORT") and Path(folder).name == OWN_FOLDER.format(pid=os.getpid()):
        shutil.rmtree(folder, ignore_errors=True)


def connect() -> None:
    signals.task_prerun.connect(task_started, weak=False, dispatch_uid="portal-observability-prerun")
    signals.task_failure.connect(task_failed, weak=False, dispatch_uid="portal-observability-failure")
    signals.task_postrun.connect(task_finished, weak=False, dispatch_uid="portal-observability-postrun")
    signals.worker_init.connect(serve_worker_metrics, weak=False, dispatch_uid="portal-observability-serve")
    signals.worker_process_shutdown.connect(pool_process_gone, weak=False, dispatch_uid="portal-observability-gone")
    signals.worker_shutdown.connect(worker_stopped, weak=False, dispatch_uid="portal-observability-stopped")
