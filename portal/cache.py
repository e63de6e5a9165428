"""Whole-page cache for anonymous visitors, dropped on every change to what they can see.

Only views marked with ``public_page`` are cached, only for GET requests that
carry no session or messages cookie (so nobody signed in is ever served a
cached page, and nobody signed in ever fills one), and only responses that are
the same for every such visitor: 200, not streamed, setting no cookie and
using no CSRF token.

Invalidation: every cached page's key holds a content version kept in the
shared cache. Saving or deleting any model of the portal's content apps, and
bulk changes that bypass signals (moderation decisions), replace the version
once the transaction commits, so the next request renders afresh. The version
is read before the page is rendered, so a page rendered from data older than a
change is always stored under an already-replaced version. A short lifetime
(``PUBLIC_PAGE_CACHE_SECONDS``) bounds what depends on the clock alone, such as
"registration closes in 3 days".
"""

import functools
import hashlib
import uuid

from constance.signals import config_updated
from constance.utils import get_values_for_keys
from django.apps import apps
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse

VERSION_KEY = "public-pages:version"
DATA_VERSION_KEY = "data:version"  # replaced on any change at all (by_data)
CONTENT_APPS = {"reviews", "consultations", "discussions", "funding", "portal"}
# Bookkeeping rows that no public page shows.
IGNORED_MODELS = {
    # Every sign-in saves the user (last login); roles are never on a public page.
    "portal.user",
    "portal.user_groups",
    "consultations.exportlog",
    "consultations.follow",
    "discussions.subscription",
    # Comments on draft guiding questions and feedback answers are on no public page.
    "discussions.questioncomment",
    "consultations.feedbackgiven",
    "consultations.feedbackresponse",
    # Funding applications and their review are never on a public page.
    "funding.application",
    "funding.transition",
    "funding.recommendation",
    "funding.conflict",
    "funding.exportlog",
}


def public_page(view):
    """Mark a view whose anonymous GET responses may be cached whole."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        return view(*args, **kwargs)

    wrapped.public_page = True
    return wrapped


def _current(key: str) -> str:
    """The version under ``key``, made once by whoever asks first."""
    current = cache.get(key)
    if current is None:
        current = uuid.uuid4().hex
        if not cache.add(key, current, None):
            current = cache.get(key) or current
    return current


def _once_on_commit(replace) -> None:
    """Run ``replace`` when the current transaction commits: once, however many rows changed."""
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(entry[1] is replace for entry in connection.run_on_commit):
        return
    transaction.on_commit(replace)


def version() -> str:
    return _current(VERSION_KEY)


def _new_version() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def public_pages_changed() -> None:
    """Drop every cached public page (and every value kept by :func:`by_data`) once the transaction commits."""
    data_changed()
    _once_on_commit(_new_version)


def data_version() -> str:
    return _current(DATA_VERSION_KEY)


def _new_data_version() -> None:
    cache.set(DATA_VERSION_KEY, uuid.uuid4().hex, None)


def data_changed() -> None:
    """Drop every value kept by :func:`by_data` once the current transaction commits (once per transaction)."""
    _once_on_commit(_new_data_version)


def by_data(key: str, compute):
    """``compute()``, kept in the shared cache until any row of the portal's apps changes.

    The key holds a data version that every save, delete or many-to-many change in those apps replaces once its
    transaction commits (and every bulk change that calls :func:`public_pages_changed`), with no exception list:
    it is read before computing, so a value is never kept under a version newer than its data. For values that
    are the same for everyone allowed to read them (counts, rankings), never a page or a person's own data: the
    caller still checks who may see them, on every request. Kept at most ``PUBLIC_PAGE_CACHE_SECONDS``, and
    computed each time when the cache is not shared (the setting is 0).
    """
    if not settings.PUBLIC_PAGE_CACHE_SECONDS:
        return compute()
    full = f"data:{data_version()}:{key}"
    value = cache.get(full)
    if value is None:
        value = compute()
        cache.set(full, value, settings.PUBLIC_PAGE_CACHE_SECONDS)
    return value


def by_data_many(wanted: dict) -> dict:
    """:func:`by_data` for several values at once (key, and how to compute it), read in one round trip after the
    data version."""
    if not settings.PUBLIC_PAGE_CACHE_SECONDS:
        return {name: compute() for name, compute in wanted.items()}
    prefix = f"data:{data_version()}:"
    found = cache.get_many([prefix + name for name in wanted])
    values, missing = {}, {}
    for name, compute in wanted.items():
        if prefix + name in found:
            values[name] = found[prefix + name]
        else:
            values[name] = missing[prefix + name] = compute()
    if missing:
        cache.set_many(missing, settings.PUBLIC_PAGE_CACHE_SECONDS)
    return values


def _anonymous(request) -> bool:
    return settings.SESSION_COOKIE_NAME not in request.COOKIES and CookieStorage.cookie_name not in request.COOKIES


class PublicPageCacheMiddleware:
    """Looks the page up before anything else runs: a page is only ever stored for a public view, so a
    stored page for this address is safe to return without resolving the URL or running the view.
    It was stored with the headers the inner middleware added (language, Vary, frame options)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = None
        if settings.PUBLIC_PAGE_CACHE_SECONDS and request.method in ("GET", "HEAD") and _anonymous(request):
            address = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
            key = f"public-pages:{version()}:{address}"
            stored = cache.get(key)
            if stored is not None:
                status, headers, content = stored
                response = HttpResponse(content, status=status)
                for name, value in headers.items():
                    response[name] = value
                return response
        response = self.get_response(request)
        if (
            key
            and request.method == "GET"
            and getattr(request, "_public_page", False)
            and self._storable(request, response)
        ):
            headers = {k: v for k, v in response.items() if k.lower() not in ("date", "expires")}
            cache.set(key, (response.status_code, headers, response.content), settings.PUBLIC_PAGE_CACHE_SECONDS)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        request._public_page = getattr(view_func, "public_page", False)

    @staticmethod
    def _storable(request, response) -> bool:
        return (
            response.status_code == 200
            and not response.streaming
            # A page that used a CSRF token sets the CSRF cookie (or the session's, with CSRF_USE_SESSIONS)
            # by the time it reaches this middleware, outside CsrfViewMiddleware; the flag guards the same
            # case should the middleware ever sit inside it.
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and not {"private", "no-store"} & {p.strip() for p in response.get("Cache-Control", "").split(",")}
        )


def _changed(sender, **kwargs) -> None:
    if sender._meta.app_label not in CONTENT_APPS:
        return
    if sender._meta.label_lower in IGNORED_MODELS:
        data_changed()
    else:
        public_pages_changed()


def connect_signals() -> None:
    for model in apps.get_models():
        if model._meta.app_label in CONTENT_APPS:
            post_save.connect(_changed, sender=model, dispatch_uid=f"public-pages-save-{model._meta.label_lower}")
            post_delete.connect(_changed, sender=model, dispatch_uid=f"public-pages-delete-{model._meta.label_lower}")
    m2m_changed.connect(_changed, dispatch_uid="public-pages-m2m")
    config_updated.connect(_live_setting_changed, dispatch_uid="data-live-settings")


def _live_setting_changed(**_kwargs) -> None:
    data_changed()


def live_settings(*keys: str) -> dict:
    """The live settings ``keys`` (django-constance), kept like :func:`by_data`: changing one replaces the data
    version, as a row would."""
    return by_data("live:" + ",".join(keys), lambda: get_values_for_keys(list(keys)))
