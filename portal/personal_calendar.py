"""The private calendar feed of one person: the meetings they registered for and the deadlines they follow.

The feed is an engine with a small registry, as the digest is (portal.digest). It knows no domain app: each app
adds the entries it knows of from its own ``ical`` module (found when the portal app loads, as the admin finds
``admin`` modules) with :func:`register`, a function ``items(user, since)`` that yields iCalendar events for
``user``: only what that person may read, only published things, from ``since`` on (the feed keeps the last
``PAST`` days, so a deadline just gone stays a little). An entry whose date is not final is TENTATIVE, as on
the public calendar; a deadline with an exact time is a moment in its own zone.

The feed is reached through a secret link the person can replace (consultations.PersonalFeed and its views).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from django.utils import timezone
from icalendar import Calendar, Event

from portal.models import User

# Deadlines and meetings of the last 30 days stay in the feed.
PAST = timedelta(days=30)

_parts: dict[str, Callable[[User, datetime], Iterable[Event]]] = {}


def register(key: str, items: Callable[[User, datetime], Iterable[Event]]) -> None:
    """Add an app's entries to every person's feed under ``key`` (one function per key)."""
    known = _parts.get(key)
    if known is not None and known is not items:
        raise ValueError(f"Two parts of the personal calendar are called {key!r}.")
    _parts[key] = items


def registered() -> list[str]:
    return list(_parts)


def personal_ics(*, user: User, name: str) -> bytes:
    """The feed of ``user`` as an iCalendar file named ``name``: every registered app's entries, in their order."""
    calendar = Calendar()
    calendar.add("prodid", "-//GCM Regional Reviews portal//personal//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    since = timezone.now() - PAST
    for items in _parts.values():
        for item in items(user, since):
            calendar.add_component(item)
    calendar.add_missing_timezones()
    return calendar.to_ical()
