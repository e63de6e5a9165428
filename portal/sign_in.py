"""Sign-in protection that slows guessing without ever letting one person lock another out.

Three layers, each keyed so that a stranger's failures cannot stop the right password of the owner:

- **One e-mail from one network address** (django-axes): after ``AXES_FAILURE_LIMIT`` failures that pair is
  paused for ``AXES_COOLOFF_TIME``. The owner signing in from any other address is not affected.
- **One network address** (allauth's rate limits, in Redis): failed sign-ins per address (against one
  address spraying many accounts) and sign-ins per address, sized so that a consultation venue where
  everybody shares one address can sign everybody in.
- **One e-mail from many addresses**: when failures for one e-mail come from at least
  ``SIGN_IN_SPREAD_ADDRESSES`` addresses and add up to ``SIGN_IN_SPREAD_FAILURES`` within the axes
  cool-off, a password sign-in to that account from a browser that never signed in to it needs one more
  step: every such attempt gets the same answer, and only if the password was right does the owner's
  mailbox receive a link that finishes signing in (:func:`send_confirmation`). Guessing therefore learns
  nothing, whatever it tries, while the owner is never stopped: the link, a browser they signed in with
  before (a signed "known device" cookie) or a password reset all get them in.

The known-device cookie holds a keyed hash of the e-mail, never the address itself.
"""

from __future__ import annotations

import hashlib
import hmac

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.core.cache import cache
from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone

from portal.models import User
from portal.tasks import enqueue, send_sign_in_confirmation

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

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    attempts = AccessAttempt.objects.filter(username=identifier(email), attempt_time__gte=since)
    spread = attempts.aggregate(addresses=Count("ip_address", distinct=True), failures=Sum("failures_since_start"))
    return (spread["addresses"] or 0) >= settings.SIGN_IN_SPREAD_ADDRESSES and (
        spread["failures"] or 0
    ) >= settings.SIGN_IN_SPREAD_FAILURES


def paused_for(request, email: str | None) -> bool:
    """Whether a password sign-in to ``email`` from this browser needs the e-mailed confirmation."""
    if not email:
        return False
    return guessed_from_many_addresses(email) and not is_known_device(request, email)


CONFIRM_SALT = "portal.sign_in.confirm"
CONFIRM_MAX_AGE = 30 * 60


def _confirmation_token(user) -> str:
    """A link valid for 30 minutes, for this password and until the next sign-in (so once)."""
    last = user.last_login.isoformat() if user.last_login else ""
    return signing.dumps({"u": user.pk, "p": user.password[-16:], "l": last}, salt=CONFIRM_SALT, compress=False)


def user_from_confirmation(token: str):
    """The account a confirmation link signs in to, or None if it is forged, old, used or for an old password."""

    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:
        return None
    user = User.objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None or not user.has_usable_password():
        return None
    last = user.last_login.isoformat() if user.last_login else ""
    if not (hmac.compare_digest(user.password[-16:], str(data.get("p"))) and last == data.get("l")):
        return None
    return user


def send_confirmation(request, email: str, password: str) -> None:
    """If ``password`` is right for ``email``, e-mail its owner the link that finishes signing in.

    The same work either way (one password hash checked or computed, one task queued), so nothing in the
    answer or its timing tells whether the password was right. At most one link per account every few
    minutes: a right password guessed again and again does not flood the owner's mailbox, and each link tells
    them their password is known.
    """

    user = User.objects.filter(email__iexact=identifier(email), is_active=True).first()
    if user is None:
        make_password(password)  # the work a real check would do
        right = False
    else:
        right = user.check_password(password)
    link = ""
    if right and cache.add(f"portal:sign-in-confirmation:{user.pk}", True, timeout=5 * 60):
        link = settings.PORTAL_BASE_URL + reverse("portal:confirm_sign_in", kwargs={"token": _confirmation_token(user)})
    enqueue(send_sign_in_confirmation.s(user_id=user.pk if link else None, link=link))
