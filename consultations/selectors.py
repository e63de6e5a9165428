from django.db.models import Count, Q, QuerySet

from consultations.enums import HOLDS_PLACE, ConsultationStatus, RegistrationStatus
from consultations.models import Consultation, Registration, SelectionCriteria


def named_in_public() -> QuerySet[Consultation]:
    """The consultations that may be listed, chosen or named outside the staff's pages: none in draft."""
    return Consultation.objects.exclude(status=ConsultationStatus.DRAFT)


def public_consultations() -> QuerySet[Consultation]:
    return (
        Consultation.objects.exclude(status=ConsultationStatus.DRAFT)
        .select_related("event__region", "event__cycle")
        .annotate(
            taken_in_person=Count(
                "registrations", filter=Q(registrations__status__in=HOLDS_PLACE, registrations__attendance="in_person")
            ),
            taken_virtual=Count(
                "registrations", filter=Q(registrations__status__in=HOLDS_PLACE, registrations__attendance="virtual")
            ),
        )
        .order_by("registration_deadline", "pk")
    )


def criteria_of(consultation: Consultation) -> SelectionCriteria:
    """The consultation's selection criteria, or the defaults (unsaved, version 0) while none were set."""
    try:
        return consultation.criteria
    except SelectionCriteria.DoesNotExist:
        return SelectionCriteria(consultation=consultation)


def registration_of(consultation: Consultation, user) -> Registration | None:
    if not user.is_authenticated:
        return None
    return Registration.objects.filter(consultation=consultation, user=user).first()


def waitlist_position(registration: Registration) -> int | None:
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    return (
        Registration.objects.filter(
            consultation_id=registration.consultation_id,
            attendance=registration.attendance,
            status=RegistrationStatus.WAITLISTED,
            arrival__lt=registration.arrival,
        ).count()
        + 1
    )


def dashboard_counts(consultation: Consultation) -> dict:
    rows = (
        Registration.objects.filter(consultation=consultation)
        .values("status", "attendance")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict = {}
    for row in rows:
        counts[(row["status"], row["attendance"])] = row["n"]
    return counts
