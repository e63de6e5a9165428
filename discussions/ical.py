"""The discussions' part of a person's private calendar feed (portal.personal_calendar): when the phases of the
spaces they follow close.

A followed space gives the closing of each of its phases; a followed question the closing of its phase, while the
question is published (a question taken back to draft gives nothing). A phase open until further notice has no
closing to show. A closing is a moment the moderators set, exact to the minute: a confirmed entry, in UTC, which
calendar programs show in the reader's zone.
"""

from collections.abc import Iterator

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Event

from discussions.enums import QuestionStatus
from discussions.models import Phase, Subscription
from portal import personal_calendar
from portal.permissions import can


def personal_items(user, since) -> Iterator[Event]:
    if not can(user, "discussions.read"):
        return
    followed = Subscription.objects.filter(user=user)
    spaces = followed.filter(question__isnull=True).values("space_id")
    questions = followed.filter(question__status=QuestionStatus.PUBLISHED).values("question__phase_id")
    phases = (
        Phase.objects.filter(Q(space__in=spaces) | Q(pk__in=questions))
        .filter(closes_at__isnull=False, closes_at__gte=since)
        .select_related("space")
        .order_by("closes_at", "pk")
    )
    stamp = timezone.now()
    for phase in phases:
        item = Event()
        item.add("uid", f"discussion-phase-{phase.pk}-closes@{settings.PORTAL_ICAL_DOMAIN}")
        item.add("dtstamp", stamp)
        item.add(
            "summary",
            _("Discussion closes: %(space)s (%(phase)s)")
            % {"space": phase.space.title, "phase": phase.get_number_display()},
        )
        item.add("dtstart", phase.closes_at)
        item.add("dtend", phase.closes_at)
        item.add("status", "CONFIRMED")
        item.add("url", settings.PORTAL_BASE_URL + phase.space.get_absolute_url())
        yield item


personal_calendar.register("discussions", personal_items)
