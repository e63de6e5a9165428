"""Time zones: the names people may choose, and a meeting's times in its own zone and in the reader's.

004 states meeting times with their zone ("10:00 – 15:00 CET"); the portal shows them that way and, next to
them, in the zone of whoever reads: the one chosen in the profile, or (on pages, for anyone) the browser's.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import cache, lru_cache
from zoneinfo import ZoneInfo, available_timezones

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _


def validate_time_zone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(_("“%(value)s” is not a time zone name such as Europe/Zurich."), params={"value": value})


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    """Area/City names (the ones people recognise), then UTC; not the legacy aliases (US/Eastern, Etc/GMT+3)."""
    names = sorted(
        name
        for name in available_timezones()
        if "/" in name
        and name.split("/", 1)[0]
        in {"Africa", "America", "Antarctica", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific"}
    )
    return [*((name, name.replace("_", " ")) for name in names), ("UTC", "UTC")]


@dataclass(frozen=True)
class ZonedSpan:
    """A meeting's start (and end) read in one zone: the day, the hours and the zone's abbreviation."""

    day: str
    hours: str
    abbreviation: str
    zone: str

    def __str__(self) -> str:
        return gettext("%(day)s, %(hours)s %(abbreviation)s (%(zone)s)") % {
            "day": self.day,
            "hours": self.hours,
            "abbreviation": self.abbreviation,
            "zone": self.zone,
        }


def zoned_span(start: datetime, end: datetime | None, zone: str) -> ZonedSpan:
    """``start``–``end`` in ``zone``: "11 March 2024", "10:00 – 15:00", "CET". An end on another day keeps its
    date."""
    return _zoned_span(start, end, zone, get_language())


@lru_cache(maxsize=4096)
def _zoned_span(start: datetime, end: datetime | None, zone: str, language: str | None) -> ZonedSpan:
    """Kept per process: the same times read in the same zone and language always give the same text, and a
    list of meetings formats many (the language is part of the key, as the active one formats the dates)."""
    tz = ZoneInfo(zone)
    local_start = timezone.localtime(start, tz)
    hours = time_format(local_start, "TIME_FORMAT")
    if end:
        local_end = timezone.localtime(end, tz)
        if local_end.date() == local_start.date():
            hours = f"{hours} – {time_format(local_end, 'TIME_FORMAT')}"
        else:
            hours = f"{hours} – {date_format(local_end, 'DATETIME_FORMAT')}"
    abbreviation = local_start.tzname() or ""
    if abbreviation.startswith(("+", "-")):
        abbreviation = f"UTC{abbreviation}"
    return ZonedSpan(date_format(local_start, "DATE_FORMAT"), hours, abbreviation, zone)


def reader_zone(user) -> str:
    """The zone the person chose in their profile, or ""."""
    profile = getattr(user, "profile", None) if getattr(user, "is_authenticated", False) else None
    return getattr(profile, "time_zone", "") or ""
