"""The digest: one e-mail per person and period with what is new in everything they follow, in their language.

Each person chooses in their profile how often (``Profile.digest``): never, daily or weekly. Beat runs
:func:`send_all` every morning (``portal.tasks.send_digests``): daily people are due once per calendar day,
weekly people once per week from ``DIGEST_WEEKDAY`` on (a run missed that day is caught up at the next one).
A person with nothing new gets no e-mail.

The engine knows no domain app. Each app adds its section in its own ``digest`` module (found when the portal
app loads, as the admin finds ``admin`` modules) with :func:`register`: a :class:`Part` whose ``build`` returns
the app's :class:`Section` of one person's digest for a :class:`Period`, or None when it has nothing for them,
and whose ``done``, when given, moves the app's own marks forward once the digest is handled. ``followers`` says
who follows anything of the app, so the run looks only at them.

What a digest covers: what happened since the end of the person's last digest (``Profile.digest_sent_until``,
or each app's own marks before the first one) up to a few minutes before the run (``MARGIN``: a change commits
a moment after its timestamp is taken, so a run only reads what is older than that and misses nothing); and
the deadlines before the next digest (a day or a week ahead), so each deadline is listed once, in the last
digest before it. The reminders a person receives a few days before a deadline (the reminders app) stay as they
are: the digest lists deadlines in a line each, it does not repeat the reminder.

Safe to run twice and at once: each person's profile row is locked (SKIP LOCKED) while their digest is built,
sent and marked, and whether they are due is read again under the lock, so one e-mail goes per person and period.
A failed send rolls back (nothing is marked) and the next run tries again; one person's failure does not stop
the others. Choosing "none" stops the digest; choosing daily or weekly again starts it from that moment (see
``portal.services.profile_update``), so what happened meanwhile does not pile up into one long e-mail.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation

from portal.enums import DigestFrequency
from portal.mail import language_of, send_templated_mail
from portal.models import Profile, User
from portal.timezones import reader_zone, zoned_span

logger = logging.getLogger(__name__)

# A run reads what happened up to this long before it starts (see the module's docstring).
MARGIN = timedelta(minutes=5)
# A digest stays short: at most this many lines under each followed thing, and this many things in a section,
# each with "and N more" and a link to where the rest is.
LINES_PER_GROUP = 5
GROUPS_PER_SECTION = 10
PERIODS = {DigestFrequency.DAILY: timedelta(days=1), DigestFrequency.WEEKLY: timedelta(days=7)}


@dataclass(frozen=True)
class Period:
    """What one person's digest covers: ``since`` (the end of their last digest, None before their first) to
    ``until``; deadlines from ``now`` to ``ahead`` (the next digest)."""

    frequency: str
    since: datetime | None
    until: datetime
    now: datetime
    ahead: datetime

    def start(self, *marks: datetime | None) -> datetime | None:
        """The latest of ``since`` and an app's own ``marks`` (a subscription's, a follow's date): where new starts."""
        known = [mark for mark in (self.since, *marks) if mark is not None]
        return max(known) if known else None


@dataclass
class Line:
    """One thing in a group: a post (``lead`` its author, ``text`` its words, ``language`` theirs) or a note."""

    text: str
    url: str = ""
    lead: str = ""
    language: str = ""


@dataclass
class Group:
    """Everything new about one followed thing: ``notes`` (deadlines, changes), then ``lines`` (at most
    ``LINES_PER_GROUP`` of ``total``), and a link to the rest."""

    title: str
    url: str
    notes: list[str] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    total: int = 0

    @property
    def more(self) -> int:
        return max(self.total - len(self.lines), 0)


@dataclass
class Section:
    """One app's share of a digest: its groups (at most ``GROUPS_PER_SECTION`` are shown) and where the rest is."""

    title: str
    url: str
    groups: list[Group]
    more: int = 0


@dataclass(frozen=True)
class Part:
    """One app's part of the digest.

    ``key`` names it (unique); ``order`` places its section (lower first). ``followers()`` returns the ids of the
    people who follow anything of the app (a queryset of user ids, used as a subquery). ``build(user, period)``
    returns the person's section or None; it runs in the person's language, inside the transaction that holds the
    lock on their profile. ``done(user, period)``, when given, runs in that transaction after the e-mail is sent
    (or when nothing was to be sent): the app moves its own marks to ``period.until``.
    """

    key: str
    followers: Callable[[], QuerySet]
    build: Callable[[User, Period], Section | None]
    done: Callable[[User, Period], None] | None = None
    order: int = 50


_parts: dict[str, Part] = {}


def register(part: Part) -> Part:
    """Add ``part`` to the digest; returns it. A key is one part: registering it again replaces nothing."""
    known = _parts.get(part.key)
    if known is not None and known != part:
        raise ValueError(f"Two digest parts are called {part.key!r}.")
    _parts[part.key] = part
    return part


def parts() -> list[Part]:
    """The registered parts, in the order their sections appear."""
    return sorted(_parts.values(), key=lambda part: part.order)


# --- When each person is due -----------------------------------------------------------------------------------


def _day_start(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def period_start(frequency: str, now: datetime) -> datetime:
    """The start of the period ``now`` is in: today, or the last ``DIGEST_WEEKDAY`` (today included)."""
    today = timezone.localdate(now)
    if frequency == DigestFrequency.WEEKLY:
        today -= timedelta(days=(today.weekday() - settings.DIGEST_WEEKDAY) % 7)
    return _day_start(today)


def due(now: datetime) -> Q:
    """The profiles whose digest is due at ``now``: active, daily or weekly, and not yet handled this period.

    A digest handled at a run marks ``now - MARGIN``: the comparison allows for it, so a run just after midnight
    and the morning's run of the same day send one digest. A weekly person's first digest waits for the weekday.
    """
    daily_start = period_start(DigestFrequency.DAILY, now) - MARGIN
    weekly_start = period_start(DigestFrequency.WEEKLY, now) - MARGIN
    daily = Q(digest=DigestFrequency.DAILY) & (Q(digest_sent_until__isnull=True) | Q(digest_sent_until__lt=daily_start))
    weekly = Q(digest=DigestFrequency.WEEKLY, digest_sent_until__lt=weekly_start)
    if timezone.localdate(now).weekday() == settings.DIGEST_WEEKDAY:
        weekly |= Q(digest=DigestFrequency.WEEKLY, digest_sent_until__isnull=True)
    return Q(user__is_active=True) & (daily | weekly)


def _followers() -> Q:
    following = Q(pk__in=[])
    for part in parts():
        following |= Q(user__in=part.followers())
    return following


# --- Sending -----------------------------------------------------------------------------------------------------


def send_all(*, now: datetime | None = None) -> int:
    """Send every digest due at ``now`` (default: now); returns how many e-mails went out."""
    now = now or timezone.now()
    people = Profile.objects.filter(due(now) & _followers()).order_by("pk").values_list("pk", flat=True)
    sent = 0
    for profile_id in list(people):
        try:
            sent += digest_send(profile_id=profile_id, now=now)
        except Exception:  # one person's failed mail must not stop the others; retried at the next run
            logger.exception("The digest of profile %s failed; it will be tried again at the next run.", profile_id)
    return sent


def digest_send(*, profile_id: int, now: datetime) -> bool:
    """Build and send one person's digest if it is due, and mark it handled; True when an e-mail went.

    The profile is locked while the digest is built and sent (a parallel run skips the person) and whether it is
    due is read again under the lock, so a second run, at once or later in the period, sends nothing. Nothing to
    say: no e-mail, and the period is handled all the same.
    """
    with transaction.atomic():
        profiles = Profile.objects.filter(due(now), pk=profile_id).select_related("user")
        if settings.DIGEST_LOCK_PEOPLE:
            profiles = profiles.select_for_update(skip_locked=True, of=("self",))
        profile = profiles.first()
        if profile is None:
            return False
        user = profile.user
        period = Period(
            frequency=profile.digest,
            since=profile.digest_sent_until,
            until=now - MARGIN,
            now=now,
            ahead=now + PERIODS[profile.digest],
        )
        language = language_of(user)
        with translation.override(language):
            sections = [section for part in parts() if (section := part.build(user, period)) and section.groups]
            for section in sections:
                section.more = max(len(section.groups) - GROUPS_PER_SECTION, 0)
                section.groups = section.groups[:GROUPS_PER_SECTION]
            profile_url = settings.PORTAL_BASE_URL + reverse("portal:profile")
        if sections:
            send_templated_mail(
                template="portal/email/digest",
                to=[user.email],
                language=language,
                context={
                    "user": user,
                    "sections": sections,
                    "weekly": profile.digest == DigestFrequency.WEEKLY,
                    "today": timezone.localdate(now),
                    "profile_url": profile_url,
                },
            )
        for part in parts():
            if part.done is not None:
                part.done(user, period)
        Profile.objects.filter(pk=profile.pk).update(digest_sent_until=period.until)
    return bool(sections)


# --- Helpers for the parts ---------------------------------------------------------------------------------------


def when(moment: datetime, user, zone: str = "UTC") -> str:
    """``moment`` as a digest states it: in the zone the person chose in their profile, else ``zone`` (a
    meeting's own), in the active language: "11 March 2027, 17:00 EAT (Africa/Nairobi)"."""
    return str(zoned_span(moment, None, reader_zone(user) or zone))


def absolute(path: str) -> str:
    return settings.PORTAL_BASE_URL + path
