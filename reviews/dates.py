"""Dates as planners state them: a day, one of several days, a week, a month,
part of a year, or a year, possibly still to be confirmed.

A :class:`StatedDate` keeps the structured value, so it can be displayed in
any language, and derives the earliest and latest possible day, which drive
sorting, filtering, calendar feeds and the rule checker. It is stored as a
short canonical text (``day:2024-03-11``, ``days:2024-03-08,2024-03-11``,
``week:2024-11-03``, ``month:2024-03``, ``part:2024-late``, ``year:2025``).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from reviews.enums import Precision

# Parts of a year, as planners use them: early = January-April, mid = May-August, late = September-December.
PARTS = {"early": (1, 4), "mid": (5, 8), "late": (9, 12)}

MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})


class DateParseError(ValueError):
    """The wording could not be read as a date; the message says what is expected."""


@dataclass(frozen=True)
class StatedDate:
    precision: str
    days: tuple[date, ...] = ()
    year: int | None = None
    month: int | None = None
    part: str | None = None

    # --- bounds -----------------------------------------------------------------
    @property
    def earliest(self) -> date:
        if self.precision in (Precision.DAY, Precision.DAYS, Precision.WEEK):
            return self.days[0]
        if self.precision == Precision.MONTH:
            return date(self.year, self.month, 1)
        if self.precision == Precision.PART:
            return date(self.year, PARTS[self.part][0], 1)
        return date(self.year, 1, 1)

    @property
    def latest(self) -> date:
        if self.precision in (Precision.DAY, Precision.DAYS):
            return self.days[-1]
        if self.precision == Precision.WEEK:
            return self.days[0] + timedelta(days=6)
        if self.precision == Precision.MONTH:
            return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])
        if self.precision == Precision.PART:
            last_month = PARTS[self.part][1]
            return date(self.year, last_month, calendar.monthrange(self.year, last_month)[1])
        return date(self.year, 12, 31)

    @property
    def is_exact(self) -> bool:
        return self.precision == Precision.DAY

    # --- storage ----------------------------------------------------------------
    def canonical(self) -> str:
        if self.precision in (Precision.DAY, Precision.DAYS, Precision.WEEK):
            return f"{self.precision}:" + ",".join(d.isoformat() for d in self.days)
        if self.precision == Precision.MONTH:
            return f"month:{self.year:04d}-{self.month:02d}"
        if self.precision == Precision.PART:
            return f"part:{self.year:04d}-{self.part}"
        return f"year:{self.year:04d}"

    @classmethod
    def from_canonical(cls, text: str) -> StatedDate:
        precision, _sep, value = text.partition(":")
        try:
            if precision in (Precision.DAY, Precision.DAYS, Precision.WEEK):
                days = tuple(sorted(date.fromisoformat(v) for v in value.split(",")))
                if (precision != Precision.DAYS and len(days) != 1) or not days:
                    raise ValueError
                return cls(precision=precision, days=days)
            if precision == Precision.MONTH:
                year, month = value.split("-")
                return cls.month_of(int(year), int(month))
            if precision == Precision.PART:
                year, part = value.split("-")
                if part not in PARTS:
                    raise ValueError
                return cls(precision=Precision.PART, year=int(year), part=part)
            if precision == Precision.YEAR:
                return cls(precision=Precision.YEAR, year=int(value))
        except ValueError:
            pass
        raise DateParseError(f"Not a stored date: {text!r}")

    @classmethod
    def month_of(cls, year: int, month: int) -> StatedDate:
        if not 1 <= month <= 12:
            raise ValueError
        return cls(precision=Precision.MONTH, year=year, month=month)

    # --- display ----------------------------------------------------------------
    def display(self) -> str:
        """The date in the active language, built from the structured value."""
        if self.precision == Precision.DAY:
            return date_format(self.days[0], "DATE_FORMAT")
        if self.precision == Precision.DAYS:
            formatted = [date_format(d, "DATE_FORMAT") for d in self.days]
            return _("%(earlier)s or %(later)s") % {"earlier": ", ".join(formatted[:-1]), "later": formatted[-1]}
        if self.precision == Precision.WEEK:
            return _("week of %(date)s") % {"date": date_format(self.days[0], "DATE_FORMAT")}
        if self.precision == Precision.MONTH:
            return date_format(self.earliest, "YEAR_MONTH_FORMAT")
        if self.precision == Precision.PART:
            labels = {"early": _("early %(year)s"), "mid": _("mid-%(year)s"), "late": _("late %(year)s")}
            return labels[self.part] % {"year": self.year}
        return str(self.year)

    def __str__(self) -> str:
        return self.display()

    def overlaps(self, other: StatedDate) -> bool:
        return self.earliest <= other.latest and other.earliest <= self.latest


_TBD = re.compile(r"\(\s*(tbd|tbc|to be (?:determined|confirmed))\s*\)|\btbd\b", re.IGNORECASE)
_PLACE = re.compile(r"\(([^)]*)\)")


# The years a date of the calendar may fall in: from the United Nations' first year to well past any planning
# horizon. Beyond them a date is a typing slip, and near the end of Python's calendar a week or a month could
# not even be counted to its last day.
FIRST_YEAR, LAST_YEAR = 1945, 2199


def parse(wording: str, *, default_year: int | None = None) -> tuple[StatedDate, bool]:
    """:func:`read`, refusing a date outside ``FIRST_YEAR``..``LAST_YEAR`` with a message that says so."""
    stated, tentative = read(wording, default_year=default_year)
    if not FIRST_YEAR <= stated.earliest.year <= LAST_YEAR:
        raise DateParseError(
            _("“%(wording)s” is outside the calendar: write a year from %(first)d to %(last)d.")
            % {"wording": wording, "first": FIRST_YEAR, "last": LAST_YEAR}
        )
    return stated, tentative


def read(wording: str, *, default_year: int | None = None) -> tuple[StatedDate, bool]:
    """Read an English wording into a :class:`StatedDate` and a tentative flag.

    Accepts what the planning documents write: "11 March 2024", "8 or 11 March
    (TBD)", "Week of 3 November 2024", "March 2024", "Late 2024", "2025",
    "18 January 2024" or ISO "2024-01-18". A wording without a year takes
    ``default_year``; other parenthesised remarks (a place) are ignored.
    """
    text = wording.strip()
    tentative = bool(_TBD.search(text))
    text = _TBD.sub(" ", text)
    text = _PLACE.sub(" ", text)
    text = " ".join(text.replace(",", " ").replace("*", " ").split()).lower()
    if not text:
        raise DateParseError(_("Enter a date, for example “11 March 2024”, “week of 3 November 2024” or “late 2024”."))

    def year_or_default(value: str | None) -> int:
        if value:
            return int(value)
        if default_year is None:
            raise DateParseError(_("Add the year to “%(wording)s”.") % {"wording": wording})
        return default_year

    def make_day(day: str, month: str, year: int) -> date:
        try:
            return date(year, MONTHS[month], int(day))
        except (KeyError, ValueError) as exc:
            raise DateParseError(_("“%(wording)s” is not a valid date.") % {"wording": wording}) from exc

    month_names = "|".join(sorted(MONTHS, key=len, reverse=True))
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text):
        try:
            return StatedDate(precision=Precision.DAY, days=(date.fromisoformat(text),)), tentative
        except ValueError as exc:
            raise DateParseError(_("“%(wording)s” is not a valid date.") % {"wording": wording}) from exc
    if m := re.fullmatch(rf"week of (\d{{1,2}}) ({month_names})(?: (\d{{4}}))?", text):
        day = make_day(m[1], m[2], year_or_default(m[3]))
        return StatedDate(precision=Precision.WEEK, days=(day,)), tentative
    if m := re.fullmatch(rf"((?:\d{{1,2}} (?:or )?)+)({month_names})(?: (\d{{4}}))?", text):
        numbers = re.findall(r"\d{1,2}", m[1])
        year = year_or_default(m[3])
        days = tuple(sorted({make_day(n, m[2], year) for n in numbers}))
        if " or " in m[1] and len(days) > 1:
            return StatedDate(precision=Precision.DAYS, days=days), tentative
        if len(days) == 1:
            return StatedDate(precision=Precision.DAY, days=days), tentative
    if m := re.fullmatch(rf"({month_names})(?: (\d{{4}}))?", text):
        return StatedDate.month_of(year_or_default(m[2]), MONTHS[m[1]]), tentative
    if m := re.fullmatch(r"(early|mid|middle of|mid-|late|end of) ?(\d{4})", text):
        part = {"middle of": "mid", "mid-": "mid", "end of": "late"}.get(m[1], m[1])
        return StatedDate(precision=Precision.PART, year=int(m[2]), part=part), tentative
    if m := re.fullmatch(r"(\d{4})", text):
        return StatedDate(precision=Precision.YEAR, year=int(m[1])), tentative
    raise DateParseError(
        _(
            "“%(wording)s” is not a date we can read. Write for example “11 March 2024”, “8 or 11 March 2024”, "
            "“week of 3 November 2024”, “March 2024”, “late 2024” or “2025”."
        )
        % {"wording": wording}
    )
