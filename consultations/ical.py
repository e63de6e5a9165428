"""Consultations in iCalendar: one meeting's file, and the consultations' part of a person's private feed (their
meetings and the deadlines they follow), registered with portal.personal_calendar when the apps load."""

from collections.abc import Iterator
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from consultations.enums import HOLDS_PLACE, ConsultationStatus, RegistrationStatus
from consultations.models import Follow, Registration
from portal import personal_calendar
from reviews.ical import add_all_day_span


def consultation_ics(consultation) -> bytes:
    """One consultation as an iCal file: its times if set, else its calendar event's dates."""
    calendar = Calendar()
    calendar.add("prodid", "-//GCM Regional Reviews portal//consultations//EN")
    calendar.add("version", "2.0")
    calendar.add_component(meeting_item(consultation))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def meeting_item(consultation, *, waiting: bool = False, with_link: bool = True) -> Event:
    """One consultation as a calendar entry; ``waiting``: the person is on its waiting list (tentative);
    ``with_link``: the link to join online is theirs (a confirmed place, as the registration e-mail gives it)."""
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
    if waiting:
        item["status"] = "TENTATIVE"
        item["summary"] = _("%(title)s (waiting list)") % {"title": consultation.title}
    if consultation.venue:
        item.add("location", consultation.venue)
    if consultation.join_link and with_link:
        item.add("url", consultation.join_link)
    return item


def personal_items(user, since) -> Iterator[Event]:
    """The consultations' part of a person's private feed (portal.personal_calendar): the meetings they have a
    place at or wait for, and the deadlines of the meetings they follow (registration, offers to speak) from
    ``since`` on."""
    registrations = (
        Registration.objects.filter(user=user, status__in=(*HOLDS_PLACE, RegistrationStatus.WAITLISTED))
        .exclude(consultation__status=ConsultationStatus.DRAFT)
        .select_related("consultation__event")
        .order_by("consultation_id")
    )
    for registration in registrations:
        yield meeting_item(
            registration.consultation,
            waiting=registration.status == RegistrationStatus.WAITLISTED,
            # Only a confirmed place gets the link to join: not a waiting list, not a pending accreditation.
            with_link=registration.status == RegistrationStatus.REGISTERED,
        )
    follows = (
        Follow.objects.filter(user=user)
        .exclude(consultation__status=ConsultationStatus.DRAFT)
        .select_related("consultation")
        .order_by("consultation_id")
    )
    for follow in follows:
        consultation = follow.consultation
        deadlines = [("registration", consultation.registration_deadline, _("Registration closes: %s"))]
        if consultation.interest_deadline:
            deadlines.append(("offers", consultation.interest_deadline, _("Offers to speak close: %s")))
        for key, moment, label in deadlines:
            if moment < since:
                continue
            item = Event()
            item.add("uid", f"consultation-{consultation.pk}-{key}@{settings.PORTAL_ICAL_DOMAIN}")
            item.add("dtstamp", timezone.now())
            item.add("summary", label % consultation.title)
            item.add("dtstart", moment.astimezone(ZoneInfo(consultation.time_zone)))
            item.add("dtend", moment.astimezone(ZoneInfo(consultation.time_zone)))
            item.add("status", "CONFIRMED")
            yield item


personal_calendar.register("consultations", personal_items)
