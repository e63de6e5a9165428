"""The real times of the meetings that take registrations, for the calendar (reviews.times)."""

from consultations.enums import ConsultationStatus
from consultations.models import Consultation
from reviews.times import MeetingTime


def meeting_times(event_ids: list[int]) -> dict[int, MeetingTime]:
    """The earliest published meeting with times on each event: one query."""
    rows = (
        Consultation.objects.filter(event_id__in=event_ids, starts_at__isnull=False)
        .exclude(status=ConsultationStatus.DRAFT)
        .order_by("event_id", "starts_at", "pk")
        .values_list("event_id", "starts_at", "ends_at", "time_zone")
    )
    found: dict[int, MeetingTime] = {}
    for event_id, starts_at, ends_at, zone in rows:
        found.setdefault(event_id, MeetingTime(starts_at, ends_at, zone))
    return found
