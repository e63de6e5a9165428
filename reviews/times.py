"""Real times of calendar events, given by the apps whose meetings have them.

A calendar event carries its date as the documents state it ("March 2024", "11 March 2024"); a meeting that
takes registrations (consultations) may have real times with their zone (004: "10:00 – 15:00 CET"). The
calendar shows those times, in the meeting's zone and the reader's, and its iCal feeds give them as timed
events. Apps contribute a provider from ``AppConfig.ready()``; this module imports none of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class MeetingTime:
    starts_at: datetime
    ends_at: datetime | None
    time_zone: str


# provider(event ids) -> {event id: MeetingTime}, in a fixed number of queries.
_PROVIDERS: list[Callable[[list[int]], dict[int, MeetingTime]]] = []


def register(provider: Callable[[list[int]], dict[int, MeetingTime]]) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def attach(events: Iterable) -> list:
    """Set ``meeting_time`` (a MeetingTime or None) on each of ``events``; returns them as a list."""
    events = list(events)
    found: dict[int, MeetingTime] = {}
    ids = [event.pk for event in events]
    if ids:
        for provider in _PROVIDERS:
            for pk, time in provider(ids).items():
                found.setdefault(pk, time)
    for event in events:
        event.meeting_time = found.get(event.pk)
    return events
