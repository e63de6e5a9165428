"""Sign-in protection: how django-axes names the person trying to sign in, and what a locked-out person sees.

The portal has one sign-in page (allauth's); the administration sends people there too, so one lock
covers both. A lock holds one e-mail address from one network address, so a stranger cannot lock a
person out from everywhere by guessing at their address.
"""

from math import ceil

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse


def client_ip(request: HttpRequest) -> str:
    """The address of the person, not of the proxies in front of the portal (``TRUSTED_PROXY_COUNT`` of them).

    Each trusted proxy appends the address it received the request from to X-Forwarded-For, so the person's
    is the one ``TRUSTED_PROXY_COUNT`` places from the end; what the client wrote before it is not trusted.
    With no trusted proxy, or a header shorter than that, it is the address of the connection itself.
    """
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if count and len(forwarded) >= count:
        return forwarded[-count]
    return request.META.get("REMOTE_ADDR", "")


def sign_in_identifier(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The e-mail address tried, lower-cased so "Ana@x.org" and "ana@x.org" count as one."""
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("username")
    if not value and request is not None and request.method == "POST":
        value = request.POST.get("login") or request.POST.get("username")
    return value.strip().lower() if value else None


def locked_out(request: HttpRequest, original_response=None, credentials: dict | None = None) -> HttpResponse:
    """A plain page saying why, for how long, and how to get back in; 429 so tools see it as a limit."""
    minutes = ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    return TemplateResponse(request, "portal/locked_out.html", {"minutes": minutes}, status=429).render()
