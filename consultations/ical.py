from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from reviews.ical import add_all_day_span


def consultation_ics(consultation) -> bytes:
    """One consultation as an iCal file: its times if set, else its calendar event's dates."""
    calendar = Calendar()
    calendar.add("prodid", "-//GCM Regional Reviews portal//consultations//EN")
    calendar.add("version", "2.0")
    item = Event()
    item.add("uid", f"consultation-{consultation.pk}@{settings.PORTAL_ICAL_DOMAIN}")
    item.add("dtstamp", timezone.now())
    # A later file for the same meeting (after a change of time or place) must replace the earlier one in
    # calendar programs: a higher SEQUENCE, here the minutes since 1970, which only grow.
    item.add("sequence", int(timezone.now().timestamp()) // 60)
    item.add("summary", consultation.title)
    if consultation.starts_at:
        # In the meeting's own zone (TZID, with its VTIMEZONE): calendars show it in the reader's zone too.
        zone = ZoneInfo(consultation.time_zone)
        ends_at = consultation.ends_at or consultation.starts_at + timedelta(hours=2)
        item.add("dtstart", consultation.starts_at.astimezone(zone))
        item.add("dtend", ends_at.astimezone(zone))
        item.add("status", "CONFIRMED")
    else:
        event = consultation.event
        add_all_day_span(item, first=event.start_earliest, last=event.latest)
        item.add("status", "CONFIRMED" if event.is_exact else "TENTATIVE")
    if consultation.venue:
        item.add("location", consultation.venue)
    if consultation.join_link:
        item.add("url", consultation.join_link)
    calendar.add_component(item)
    calendar.add_missing_timezones()
    return calendar.to_ical()
