"""The meetings of a review on its workspace (reviews.workspace): places, waiting list, accreditation queue,
speakers chosen and the selection criteria of each consultation, in three queries whatever their number."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from consultations.enums import HOLDS_PLACE, Attendance, InterestStatus, RegistrationStatus
from consultations.forms import dimension_labels, value_label
from consultations.models import CheckIn, Consultation, ExpressionOfInterest, Registration, SelectionCriteria
from portal.cache import by_data
from portal.permissions import can_in_region
from reviews.workspace import Tile, register


def _counts(ids: list[int]) -> tuple[dict, dict]:
    """Registrations by meeting, status and attendance, and offers to speak by meeting and status."""
    places = {
        (row["consultation_id"], row["status"], row["attendance"]): row["n"]
        for row in Registration.objects.filter(consultation_id__in=ids)
        .values("consultation_id", "status", "attendance")
        .annotate(n=Count("pk"))
        .order_by()
    }
    offers = {
        (row["consultation_id"], row["status"]): row["n"]
        for row in ExpressionOfInterest.objects.filter(consultation_id__in=ids)
        .values("consultation_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    }
    return places, offers


def build(*, region, cycle, user) -> dict:
    consultations = list(
        Consultation.objects.filter(event__region=region, event__cycle=cycle)
        .select_related("event", "criteria")
        .order_by("registration_deadline", "pk")
    )
    ids = [c.pk for c in consultations]
    places, offers = by_data(f"tiles:meetings:{region.pk}:{cycle.pk}", lambda: _counts(ids))
    labels = dimension_labels()
    manages = can_in_region(user, "consultations.manage", region.pk)
    selects = can_in_region(user, "consultations.select_speakers", region.pk)
    rows, deadlines = [], []
    for consultation in consultations:
        pk = consultation.pk
        try:
            criteria = consultation.criteria
        except SelectionCriteria.DoesNotExist:
            criteria = SelectionCriteria(consultation=consultation)
        rows.append(
            {
                "consultation": consultation,
                "places": [
                    {
                        "label": Attendance(a).label,
                        "capacity": consultation.capacity(a),
                        "taken": sum(places.get((pk, status, a), 0) for status in HOLDS_PLACE),
                        "waiting": places.get((pk, RegistrationStatus.WAITLISTED, a), 0),
                    }
                    for a in Attendance.values
                    if consultation.capacity(a) or places.get((pk, RegistrationStatus.REGISTERED, a))
                ],
                "pending": places.get((pk, RegistrationStatus.PENDING, Attendance.IN_PERSON), 0)
                + places.get((pk, RegistrationStatus.PENDING, Attendance.VIRTUAL), 0),
                "offers": offers.get((pk, InterestStatus.RECEIVED), 0),
                "chosen": offers.get((pk, InterestStatus.SELECTED), 0),
                "criteria": [(labels[dim], getattr(criteria, f"max_{dim}")) for dim in criteria.order],
                "dashboard": reverse("consultations:dashboard", args=[pk]) if manages else "",
                "accreditation": reverse("admin:consultations_pendingaccreditation_changelist")
                + "?"
                + urlencode({"consultation__id__exact": pk})
                if manages
                else "",
                "speakers": reverse("consultations:speakers", args=[pk]) if selects else "",
            }
        )
        link = consultation.get_absolute_url()
        deadlines.append(
            (consultation.registration_deadline.date(), _("Registration closes: %s") % consultation.title, link)
        )
        if consultation.interest_deadline:
            deadlines.append(
                (consultation.interest_deadline.date(), _("Offers to speak close: %s") % consultation.title, link)
            )
    return {"rows": rows, "deadlines": deadlines}


register(Tile("meetings", 20, "consultations/tiles/meetings.html", build))


def _attendance(region, cycle) -> tuple[dict, list]:
    check_ins = CheckIn.objects.filter(
        registration__consultation__event__region=region, registration__consultation__event__cycle=cycle
    )
    totals = check_ins.aggregate(
        total=Count("pk"),
        in_room=Count("pk", filter=Q(attended=Attendance.IN_PERSON)),
        online=Count("pk", filter=Q(attended=Attendance.VIRTUAL)),
    )
    counted = [
        (
            dim,
            list(
                check_ins.values_list(f"registration__user__profile__{dim}")
                .annotate(n=Count("pk"))
                .order_by("-n", f"registration__user__profile__{dim}")
            ),
        )
        for dim in ("constituency", "subregion", "gender")
    ]
    return totals, counted


def build_attendance(*, region, cycle, user) -> dict | None:
    """Who attended the review's meetings, counted by sector, sub-region and gender (never a name): one query
    per dimension and one for the totals, whatever the number of meetings or people."""
    if not can_in_region(user, "reviews.workspace", region.pk):
        return None
    totals, counted = by_data(f"tiles:attendance:{region.pk}:{cycle.pk}", lambda: _attendance(region, cycle))
    labels = dimension_labels()
    groups = [
        {"dim": dim, "title": labels[dim], "rows": [(value_label(dim, value or ""), n) for value, n in rows]}
        for dim, rows in counted
    ]
    return {"totals": totals, "groups": groups}


register(Tile("attendance", 25, "consultations/tiles/attendance.html", build_attendance))
