"""iCalendar feeds: exact dates as confirmed events, imprecise or tentative ones as tentative, with their wording."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as ICalEvent


def add_all_day_span(item: ICalEvent, *, first: date, last: date) -> None:
    """Set ``item`` to last the whole days ``first`` to ``last``.

    DTEND is exclusive (the day after ``last``); on the last day of the calendar (31 December 9999) that day does
    not exist, so the same span is given as a DURATION from DTSTART (RFC 5545, 3.6.1): the feed never fails on
    a date at the end of the calendar.
    """
    item.add("dtstart", first)
    if last < date.max:
        item.add("dtend", last + timedelta(days=1))
    else:
        item.add("duration", last - first + timedelta(days=1))


def build_calendar(events, *, name: str, base_url: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//GCM Regional Reviews portal//calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    stamp = timezone.now()
    for event in events:
        item = ICalEvent()
        item.add("uid", f"event-{event.pk}@{settings.PORTAL_ICAL_DOMAIN}")
        item.add("dtstamp", stamp)
        summary = event.label
        timed = getattr(event, "meeting_time", None)
        if timed:
            # A meeting with real times (reviews.times): in its own zone, which calendars show in the reader's.
            zone = ZoneInfo(timed.time_zone)
            item.add("dtstart", timed.starts_at.astimezone(zone))
            item.add("dtend", (timed.ends_at or timed.starts_at + timedelta(hours=2)).astimezone(zone))
        else:
            # All-day events from the earliest to the latest possible day.
            add_all_day_span(item, first=event.start_earliest, last=event.latest)
        if timed or event.is_exact:
            item.add("status", "CONFIRMED")
        else:
            item.add("status", "TENTATIVE")
            stated = event.start.display()
            if event.end:
                stated = f"{stated} – {event.end.display()}"
            summary = _("%(event)s (%(date)s, date not final)") % {"event": summary, "date": stated}
        item.add("summary", summary)
        if event.place:
            item.add("location", event.place)
        description = [event.description] if event.description else []
        description.append(base_url + event.get_absolute_url())
        item.add("description", "\n\n".join(description))
        item.add("url", base_url + event.get_absolute_url())
        calendar.add_component(item)
    calendar.add_missing_timezones()
    return calendar.to_ical()
