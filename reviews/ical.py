"""iCalendar feeds: exact dates as confirmed events, imprecise or tentative ones as tentative, with their wording."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as ICalEvent


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
        # All-day events from the earliest to the latest possible day (DTEND is exclusive).
        item.add("dtstart", event.start_earliest)
        item.add("dtend", event.latest + timedelta(days=1))
        summary = event.label
        if event.is_exact:
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
    return calendar.to_ical()
