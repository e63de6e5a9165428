"""Error reports to Sentry, only when ``SENTRY_DSN`` is set: otherwise sentry_sdk is not even imported.

Called by the settings, so the web processes, the Celery worker and beat, and management commands all report.
What the portal holds is people's personal data, so reports carry as little of it as Sentry allows and less:
nobody's identity or address, no cookies, no request bodies, no query strings, no local variables of the stack
frames, no SQL parameters, no task arguments, and, of the headers, only a few harmless ones. The URL keeps its
route ("/{language}/consultations/{pk}/"), never the path, which may hold a token (sign-in links, unsubscribe,
private calendar feeds). The exception's message is kept: it is the report's point.

sentry-sdk 3 replaced ``send_default_pii=False`` with the finer ``data_collection`` option: what follows is its
equivalent, each category off or cut to an allowlist, and ``scrub`` removes the rest before anything is sent.
"""

from collections.abc import Mapping
from urllib.parse import urlsplit, urlunsplit

from django.core.exceptions import ImproperlyConfigured

# Headers a report may keep; any other is replaced by "[Filtered]".
HEADERS_KEPT = ["accept", "accept-language", "content-length", "content-type", "host", "user-agent"]
DATA_COLLECTION = {
    "user_info": False,
    "cookies": {"mode": "off"},
    "http_headers": {"request": {"mode": "allowlist", "terms": HEADERS_KEPT}},
    "http_bodies": [],
    "url_query_params": {"mode": "off"},
    "database_query_data": False,
    "queues": False,
    "stack_frame_variables": False,
}
REQUEST_KEPT = {"method", "headers", "url"}
# Attributes of a traced span (SENTRY_TRACES_SAMPLE_RATE) that hold the raw path, the query or the client.
SPAN_ATTRIBUTES_DROPPED = ("url.", "http.query", "http.target", "client.", "user.")


def scrub(event: dict, hint=None) -> dict:
    """``before_send``: the request cut to its method, kept headers and route; no person."""
    event.pop("user", None)
    request = event.get("request")
    if isinstance(request, dict):
        for key in set(request) - REQUEST_KEPT:
            del request[key]
        url = request.get("url")
        if isinstance(url, str):
            parts = urlsplit(url)
            route = event.get("transaction") or ""
            request["url"] = urlunsplit((parts.scheme, parts.netloc, route if route.startswith("/") else "", "", ""))
    return event


def scrub_span(span: dict, hint=None) -> dict:
    """``before_send_span``: a traced request keeps its route (the span's name) and loses its path."""
    attributes = span.get("attributes")
    if isinstance(attributes, dict):
        for key in [key for key in attributes if key.startswith(SPAN_ATTRIBUTES_DROPPED)]:
            del attributes[key]
    return span


def sentry_init(environ: Mapping[str, str]) -> bool:
    """Initialise Sentry when ``environ`` has ``SENTRY_DSN``; whether it did. ``SENTRY_TRACES_SAMPLE_RATE`` (0 to 1,
    default 0) is the share of requests and tasks traced for performance; ``SENTRY_ENVIRONMENT`` defaults to
    ``PORTAL_ENV``."""
    dsn = environ.get("SENTRY_DSN", "").strip()
    if not dsn:
        return False
    try:
        rate = float(environ.get("SENTRY_TRACES_SAMPLE_RATE") or "0")
    except ValueError:
        rate = -1.0
    if not 0 <= rate <= 1:
        raise ImproperlyConfigured("SENTRY_TRACES_SAMPLE_RATE is a share of requests: a number from 0 to 1.")

    import sentry_sdk  # noqa: PLC0415 - loaded only when reporting is on
    from sentry_sdk.integrations.celery import CeleryIntegration  # noqa: PLC0415 - the same
    from sentry_sdk.integrations.django import DjangoIntegration  # noqa: PLC0415 - the same

    sentry_sdk.init(
        dsn=dsn,
        environment=environ.get("SENTRY_ENVIRONMENT") or environ.get("PORTAL_ENV") or "embedded",
        release=environ.get("SENTRY_RELEASE") or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        data_collection=DATA_COLLECTION,
        max_request_body_size="never",
        # None rather than 0: no trace is started at all, so a request pays nothing for tracing it will not send.
        traces_sample_rate=rate or None,
        before_send=scrub,
        before_send_span=scrub_span,
    )
    return True
