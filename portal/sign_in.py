"""Sign-in protection that slows guessing without ever letting one person lock another out.

Three layers, each keyed so that a stranger's failures cannot stop the right password of the owner:

- **One e-mail from one network address** (django-axes): after ``AXES_FAILURE_LIMIT`` failures that pair is
  paused for ``AXES_COOLOFF_TIME``. The owner signing in from any other address is not affected.
- **One network address** (allauth's rate limits, in Redis): failed sign-ins per address (against one
  address spraying many accounts) and sign-ins per address, sized so that a consultation venue where
  everybody shares one address can sign everybody in.
- **One e-mail from many addresses**: when failures for one e-mail come from at least
  ``SIGN_IN_SPREAD_ADDRESSES`` addresses and add up to ``SIGN_IN_SPREAD_FAILURES`` within the axes
  cool-off, password sign-ins to that account are paused for browsers that never signed in to it: they
  are refused before the password is checked, so guessing learns nothing. A browser that signed in to
  the account before carries a signed "known device" cookie and still gets in; a password reset (the
  link goes to the owner's mailbox) clears the failures and lifts the pause. One address alone never
  reaches the threshold: its own lock comes first.

The known-device cookie holds a keyed hash of the e-mail, never the address itself.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.core import signing
from django.db.models import Count, Sum
from django.utils import timezone

DEVICE_COOKIE = "portal_device"
DEVICE_SALT = "portal.sign_in.known_device"
DEVICE_MAX_AGE = 60 * 60 * 24 * 365


def identifier(email: str | None) -> str:
    """The e-mail as axes records it (portal.security.sign_in_identifier): trimmed and lower-cased."""
    return (email or "").strip().lower()


def _account_hash(email: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"known-device:{identifier(email)}".encode(), hashlib.sha256).hexdigest()[:32]


def remember_device(response, email: str) -> None:
    """Mark this browser as one the owner of ``email`` signed in with (called after a successful sign-in)."""
    value = signing.dumps(_account_hash(email), salt=DEVICE_SALT, compress=False)
    response.set_cookie(
        DEVICE_COOKIE,
        value,
        max_age=DEVICE_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def is_known_device(request, email: str) -> bool:
    raw = request.COOKIES.get(DEVICE_COOKIE, "") if request is not None else ""
    if not raw:
        return False
    try:
        value = signing.loads(raw, salt=DEVICE_SALT, max_age=DEVICE_MAX_AGE)
    except signing.BadSignature:
        return False
    return hmac.compare_digest(str(value), _account_hash(email))


def guessed_from_many_addresses(email: str) -> bool:
    """True while failures for ``email`` come from enough addresses, and are enough, to pause unknown browsers."""
    from axes.models import AccessAttempt

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    attempts = AccessAttempt.objects.filter(username=identifier(email), attempt_time__gte=since)
    spread = attempts.aggregate(addresses=Count("ip_address", distinct=True), failures=Sum("failures_since_start"))
    return (spread["addresses"] or 0) >= settings.SIGN_IN_SPREAD_ADDRESSES and (
        spread["failures"] or 0
    ) >= settings.SIGN_IN_SPREAD_FAILURES


def paused_for(request, email: str | None) -> bool:
    """Whether a password sign-in to ``email`` from this browser is refused before the password is checked."""
    if not email:
        return False
    return guessed_from_many_addresses(email) and not is_known_device(request, email)
