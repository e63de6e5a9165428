"""The log line and the Prometheus figures of every request (README "Seeing it in production").

First in ``MIDDLEWARE``, so the time covers everything the portal does for a request: pages answered from the
page cache, redirects to HTTPS and static files included. The SQL queries are counted by an execute wrapper on
the request thread's default connection. A streamed body (the CSV exports, read from a server-side cursor) runs
its queries while the server sends it, after this middleware has returned: its line is written, and its time
taken, once the body is sent.

The line, one JSON object: ``{"event": "request", "request_id", "method", "route", "status", "duration_ms",
"queries", "sql_ms", "signed_in"}``. ``route`` is the URL's name ("consultations:detail"), never the path, which
may hold a token; no query string, cookie, address or person is ever written. ``signed_in`` is null when the
request never looked at who sent it (static files, pages from the page cache) and carried a session cookie.
"""

import logging
import os
import re
from time import perf_counter_ns

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import FileResponse
from django.urls import Resolver404, resolve
from django.utils import translation

from portal.observability import metrics
from portal.observability.timing import QueryCounter, log_json, milliseconds

lines = logging.getLogger("portal.requests")
logger = logging.getLogger(__name__)

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# An id the proxy in front gives (nginx's $request_id) is kept, so the two logs meet; anything else is replaced.
GIVEN_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


def _resolve(request):
    """The URL pattern of a request answered before Django resolved it (page cache, redirect to HTTPS), in the
    language of its path: a cached page skipped the middleware that activates it."""
    path = request.path_info
    try:
        with translation.override(translation.get_language_from_path(path) or settings.LANGUAGE_CODE):
            return resolve(path, getattr(request, "urlconf", None))
    except Resolver404:
        return None


def route_of(request, status: int) -> str:
    """The URL's name (or, unnamed, its view), "static", or "unmatched" when no URL pattern matches (unknown
    addresses, the language redirect of "/"): a label of few values, whatever the path."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        if request.path_info.startswith(settings.STATIC_URL):
            return "static"
        match = None if status == 404 else _resolve(request)
        if match is None:
            return "unmatched"
    return match.view_name


def signed_in(request) -> bool | None:
    # The person is read only if something asked (AuthenticationMiddleware keeps it in _cached_user): loading
    # the session and the person here would cost a request that did not need them two queries.
    user = getattr(request, "_cached_user", None)
    if user is not None:
        return user.is_authenticated
    return None if settings.SESSION_COOKIE_NAME in request.COOKIES else False


class _Streaming:
    """The request's counter again, while its streamed body is being sent (told apart from any other wrapper)."""

    __slots__ = ("counter",)

    def __init__(self, counter: QueryCounter) -> None:
        self.counter = counter

    def __call__(self, execute, sql, params, many, context):
        return self.counter(execute, sql, params, many, context)


class _Finishing:
    """A streamed body that calls ``finish`` once: when it is exhausted or fails, or when the server closes it."""

    def __init__(self, chunks, finish) -> None:
        self._chunks = iter(chunks)
        self._finish = finish
        self._done = False

    def __iter__(self):
        return self

    def __next__(self):
        try:
            return next(self._chunks)
        except BaseException:  # StopIteration included: the body is sent
            self.close()
            raise

    def close(self) -> None:
        if not self._done:
            self._done = True
            self._finish()


class RequestObservabilityMiddleware:
    """Times each request, counts its queries, and logs and records them (``REQUEST_LOG``, ``REQUEST_METRICS``,
    read at each request, so a test may switch them)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.sentry_tag = None
        if settings.SENTRY_ENABLED:
            from sentry_sdk import set_tag  # noqa: PLC0415 - Sentry is loaded only when SENTRY_DSN is set

            self.sentry_tag = set_tag

    def __call__(self, request):
        log, count = settings.REQUEST_LOG, settings.REQUEST_METRICS
        if not (log or count):
            return self.get_response(request)
        request_id = None
        if log:
            given = request.META.get("HTTP_X_REQUEST_ID", "")
            request_id = given if GIVEN_REQUEST_ID.fullmatch(given) else os.urandom(16).hex()
            if self.sentry_tag is not None:
                self.sentry_tag("request_id", request_id)
        started = perf_counter_ns()
        connection = connections[DEFAULT_DB_ALIAS]
        # A streamed body nobody read to the end nor closed (a client gone, a test that never read it) left its
        # counter on this thread's connection: a new request means it is over, so it goes now, not never.
        connection.execute_wrappers[:] = [w for w in connection.execute_wrappers if not isinstance(w, _Streaming)]
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        if log:
            response["X-Request-ID"] = request_id

        def finish() -> None:
            self.record(request, response, request_id, perf_counter_ns() - started, counter, log=log, count=count)

        if response.streaming and not response.is_async and not isinstance(response, FileResponse):
            # The same wrapper again, until the server has sent the body: the with-block above cannot outlive
            # this call. A file is sent by the server alone and queries nothing.
            streaming = _Streaming(counter)
            connection.execute_wrappers.append(streaming)

            def finish_streamed() -> None:
                if streaming in connection.execute_wrappers:
                    connection.execute_wrappers.remove(streaming)
                finish()

            response.streaming_content = _Finishing(response.streaming_content, finish_streamed)
        else:
            finish()
        return response

    @staticmethod
    def record(request, response, request_id, duration_ns: int, counter: QueryCounter, *, log: bool, count: bool):
        # Seeing the portal never breaks a page: a failure here is logged, and the response goes out.
        try:
            status = response.status_code
            route = route_of(request, status)
            method = request.method if request.method in METHODS else "other"
            if count:
                requests, seconds, queries = metrics.request_series(route, method, status // 100)
                requests.inc()
                seconds.observe(duration_ns / 1e9)
                queries.observe(counter.count)
            if log:
                log_json(
                    lines,
                    {
                        "event": "request",
                        "request_id": request_id,
                        "method": method,
                        "route": route,
                        "status": status,
                        "duration_ms": milliseconds(duration_ns),
                        "queries": counter.count,
                        "sql_ms": milliseconds(counter.ns),
                        "signed_in": signed_in(request),
                    },
                )
        except Exception:
            logger.warning("request observability failed", exc_info=True)
