from django.db.models import Case, Count, Q, QuerySet, When

from consultations.enums import HOLDS_PLACE, BriefingStatus, ConsultationStatus, ProposalStatus, RegistrationStatus
from consultations.models import BriefingRequest, Consultation, Proposal, Registration, SelectionCriteria


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


def public_talks() -> QuerySet[Proposal]:
    """Approved GCM Talks and side events, for the public list and pages."""
    return Proposal.objects.filter(status=ProposalStatus.APPROVED).select_related("region", "event")


def talk_consultation(proposal) -> Consultation | None:
    """The consultation people register through for an approved talk (on its calendar event), if opened."""
    if proposal.event_id is None:
        return None
    return Consultation.objects.filter(event_id=proposal.event_id).order_by("pk").first()


def briefing_requests_for(regions) -> QuerySet:
    """The requests for a briefing or consultation of ``regions`` (None: every region), waiting ones first."""
    queryset = BriefingRequest.objects.select_related("region", "cycle", "requester__profile", "consultation__event")
    if regions is not None:
        queryset = queryset.filter(region_id__in=regions)
    return queryset.order_by(Case(When(status=BriefingStatus.PENDING, then=0), default=1), "created_at", "pk")
