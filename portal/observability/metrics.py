"""The web processes' Prometheus figures, what is read when they are scraped, and ``/metrics``.

gunicorn runs several worker processes, each with its own figures. In production they write them to files in
``PROMETHEUS_MULTIPROC_DIR`` (prometheus_client's multiprocess mode, set up by portal/gunicorn.conf.py before any
worker starts), so a scrape, whichever worker answers it, adds up every worker's, those of workers gone since
included. Without that folder (``make run``, the tests) the figures are this process's own.

What no request records is read at scrape time, one cheap command or query each: the length of the Celery queues
and the reminders waiting to be sent or failed. The Celery worker serves its task figures itself
(portal/observability/task_runs.py).

``/metrics`` is for the deployment's own monitoring: it answers only a client on a network of
``METRICS_ALLOWED_NETWORKS`` (loopback and private ranges) whose request came through no proxy, or a request with
the bearer token ``METRICS_TOKEN``. Anybody else gets the portal's ordinary "not found".
"""

import hmac
import ipaddress
import logging
import os
from functools import lru_cache

import redis
from django.apps import apps
from django.conf import settings
from django.db import DatabaseError
from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from prometheus_client import (
    CONTENT_TYPE_PLAIN_0_0_4,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
    multiprocess,
    values,
)
from prometheus_client.core import GaugeMetricFamily

from portal.celery import app as celery_app

logger = logging.getLogger(__name__)
# The "_created" series, one per label set, which multiprocess mode leaves out anyway: the same output either way.
disable_created_metrics()

# What prometheus_client chose when first imported: files shared by the processes, or this process's memory.
MULTIPROCESS = getattr(values.ValueClass, "_multiprocess", False)

REQUESTS = Counter(
    "portal_http_requests", "Requests answered, by route, method and status class.", ["route", "method", "status"]
)
REQUEST_SECONDS = Histogram(
    "portal_http_request_duration_seconds",
    "Time from the request reaching the portal to its response (a streamed body until it is sent).",
    ["route", "method", "status"],
)
REQUEST_QUERIES = Histogram(
    "portal_http_request_queries",
    "SQL queries per request.",
    ["route", "method"],
    buckets=(0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233),
)

_series: dict[tuple, tuple] = {}


def request_series(route: str, method: str, status_class: int) -> tuple:
    """The three series a request adds to, kept by their labels: prometheus_client's own lookup takes a lock and
    converts every label on each call, a few microseconds a request."""
    key = (route, method, status_class)
    series = _series.get(key)
    if series is None:
        status = f"{status_class}xx"
        series = _series[key] = (
            REQUESTS.labels(route, method, status),
            REQUEST_SECONDS.labels(route, method, status),
            REQUEST_QUERIES.labels(route, method),
        )
    return series


# reminders.enums.State, by value: portal imports no domain app (pyproject.toml's contracts), and reads the
# reminder engine's table by its label only, as the permission table names its permissions.
REMINDER_MODEL = "reminders.Reminder"
REMINDER_STATES = ("pending", "failed")
# kombu's Redis transport keeps a queue's messages of priority p > 0 in the list "<queue>\x06\x16<p>".
REDIS_PRIORITY_SEPARATOR = "\x06\x16"
REDIS_PRIORITY_STEPS = (0, 3, 6, 9)
# Headers a reverse proxy adds: a request carrying one came from outside, whatever the address it arrives from.
# Any of these says the request was relayed (a reverse proxy, a TLS terminator, a CDN): from outside, whatever
# address the relay connects from. The production proxy must send X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER).
PROXY_HEADERS = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_FORWARDED",
    "HTTP_X_REAL_IP",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_VIA",
    "HTTP_TRUE_CLIENT_IP",
    "HTTP_CF_CONNECTING_IP",
    "HTTP_X_CLIENT_IP",
)


@lru_cache(maxsize=4)
def _redis(url: str) -> redis.Redis:
    # Short timeouts: a scrape of a hung Redis reports it unreachable rather than hanging the worker.
    return redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)


def queue_names() -> list[str]:
    names = {celery_app.conf.task_default_queue}
    names.update(queue.name for queue in celery_app.conf.task_queues or ())
    return sorted(names)


def queue_lengths() -> dict[str, int]:
    """Messages waiting in each Celery queue: ``LLEN`` of its lists in Redis, or, on the embedded filesystem
    broker, its message files. Raises ``redis.RedisError`` or ``OSError`` when the broker cannot be read."""
    url = settings.CELERY_BROKER_URL
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    names = queue_names()
    if url.startswith(("redis://", "rediss://", "unix://")):
        prefix = options.get("global_keyprefix", "")
        steps = options.get("priority_steps", REDIS_PRIORITY_STEPS)
        keys = {
            name: [f"{prefix}{name}{REDIS_PRIORITY_SEPARATOR}{step}" if step else f"{prefix}{name}" for step in steps]
            for name in names
        }
        pipeline = _redis(url).pipeline(transaction=False)
        for name in names:
            for key in keys[name]:
                pipeline.llen(key)
        lengths = iter(pipeline.execute())
        return {name: sum(next(lengths) for _ in keys[name]) for name in names}
    folder = options.get("data_folder_in")
    if not folder:
        return {}
    # kombu's filesystem transport names a message "<time>_<id>.<queue>.msg" (one being written ends in ".part").
    wanted = {f"{name}.msg": name for name in names}
    counts = dict.fromkeys(names, 0)
    with os.scandir(folder) as entries:
        for entry in entries:
            name = wanted.get(entry.name.partition(".")[2])
            if name is not None:
                counts[name] += 1
    return counts


def reminder_counts() -> dict[str, int]:
    """Reminders waiting to be sent and failed: one count each, on the (state, queued_at) index."""
    if not apps.is_installed("reminders"):
        return {}
    reminders = apps.get_model(REMINDER_MODEL)
    return {state: reminders.objects.filter(state=state).count() for state in REMINDER_STATES}


class ScrapeTimeCollector:
    """The figures no request records, read when scraped. A source that cannot be read is left out and its
    ``portal_metrics_source_up`` is 0, so the request figures are still scraped when Redis or the database is down."""

    # (source, how to read it, what it fails with, metric name, help, label)
    SOURCES = (
        (
            "broker",
            lambda: queue_lengths(),
            (redis.RedisError, OSError),
            "portal_celery_queue_length",
            "Messages waiting in a Celery queue, read at scrape time.",
            "queue",
        ),
        (
            "database",
            lambda: reminder_counts(),
            DatabaseError,
            "portal_reminders",
            "Reminders by state (pending: waiting to be sent), read at scrape time.",
            "state",
        ),
    )

    def collect(self):
        up = GaugeMetricFamily(
            "portal_metrics_source_up", "Whether a source of the figures could be read.", labels=["source"]
        )
        for source, read, failure, name, help_text, label in self.SOURCES:
            try:
                values = read()
            except failure:
                logger.warning("metrics: the %s could not be read", source, exc_info=True)
                up.add_metric([source], 0)
                continue
            up.add_metric([source], 1)
            family = GaugeMetricFamily(name, help_text, labels=[label])
            for value, count in values.items():
                family.add_metric([value], count)
            yield family
        yield up


def exposition() -> bytes:
    """Every figure, in Prometheus's text format."""
    scraped = CollectorRegistry()
    scraped.register(ScrapeTimeCollector())
    if MULTIPROCESS:
        recorded = CollectorRegistry()
        multiprocess.MultiProcessCollector(recorded)
    else:
        recorded = REGISTRY
    return generate_latest(recorded) + generate_latest(scraped)


@lru_cache(maxsize=8)
def _networks(allowed: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(network, strict=False) for network in allowed)


def inside(address: str) -> bool:
    """Whether ``address`` is on one of ``METRICS_ALLOWED_NETWORKS``."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if ip.version == 6 and ip.ipv4_mapped:  # "::ffff:10.0.0.5" from a dual-stack socket
        ip = ip.ipv4_mapped
    return any(ip in network for network in _networks(tuple(settings.METRICS_ALLOWED_NETWORKS)))


def allowed(request) -> bool:
    """The bearer token, compared in constant time, when the request gives a credential; otherwise an address
    inside the deployment and no proxy header. A wrong or unusable credential is refused from anywhere."""
    authorization = request.META.get("HTTP_AUTHORIZATION")
    if authorization is not None:
        scheme, _, given = authorization.partition(" ")
        token = settings.METRICS_TOKEN
        return (
            bool(token) and scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())
        )
    if any(header in request.META for header in PROXY_HEADERS):
        return False
    return inside(request.META.get("REMOTE_ADDR", ""))


@never_cache
def metrics_view(request):
    """Prometheus's scrape. Not marked ``public_page``, so the page cache never stores it, and sends no cookie;
    it asks nobody to sign in."""
    if not allowed(request):
        raise Http404
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD"})
    # Prometheus's text format 0.0.4, which every Prometheus reads (the names here need no newer escaping).
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_PLAIN_0_0_4)
