"""The meetings of a review on its workspace (reviews.workspace): places, waiting list, accreditation queue,
speakers chosen and the selection criteria of each consultation, a page at a time, in a fixed number of queries
whatever their number."""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from consultations.enums import HOLDS_PLACE, Attendance, InterestStatus, RegistrationStatus
from consultations.forms import dimension_labels, value_label
from consultations.models import CheckIn, Consultation, ExpressionOfInterest, Registration, SelectionCriteria
from consultations.slate import DIMENSIONS
from portal.permissions import can_in_region
from reviews.workspace import DEADLINE_WINDOW, Tile, page_number, register

# The meetings one page of the tile lists: the rest are a page away, so the tile's work does not grow with them.
PAGE_SIZE = 10


@dataclass(frozen=True)
class Meeting:
    """What the tile shows of a consultation (its name, link and status), kept in the language it was read in."""

    pk: int
    title: str
    url: str
    status: str

    def get_absolute_url(self) -> str:
        return self.url

    def get_status_display(self) -> str:
        return self.status


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


def _row(consultation: Consultation, places: dict, offers: dict, labels: dict) -> dict:
    """One meeting's row. Its figures are written out in the language asked for (``localize``, as the template
    would write them) once, when they are kept, not at every rendering: that was half the cost of the tile."""
    pk = consultation.pk
    try:
        criteria = consultation.criteria
    except SelectionCriteria.DoesNotExist:
        criteria = SelectionCriteria(consultation=consultation)
    return {
        "consultation": Meeting(
            pk, consultation.title, consultation.get_absolute_url(), consultation.get_status_display()
        ),
        "places": [
            {
                "label": str(Attendance(a).label),
                "capacity": localize(consultation.capacity(a)),
                "taken": localize(sum(places.get((pk, status, a), 0) for status in HOLDS_PLACE)),
                "waiting": localize(places.get((pk, RegistrationStatus.WAITLISTED, a), 0)),
            }
            for a in Attendance.values
            if consultation.capacity(a) or places.get((pk, RegistrationStatus.REGISTERED, a))
        ],
        "pending": localize(
            places.get((pk, RegistrationStatus.PENDING, Attendance.IN_PERSON), 0)
            + places.get((pk, RegistrationStatus.PENDING, Attendance.VIRTUAL), 0)
        ),
        # Numbers still: they choose the plural of their sentence.
        "offers": offers.get((pk, InterestStatus.RECEIVED), 0),
        "chosen": offers.get((pk, InterestStatus.SELECTED), 0),
        "criteria": [(str(labels[dim]), localize(getattr(criteria, f"max_{dim}"))) for dim in criteria.order],
        # Who may follow them is decided on every request (build).
        "dashboard": reverse("consultations:dashboard", args=[pk]),
        "accreditation": reverse("admin:consultations_pendingaccreditation_changelist")
        + "?"
        + urlencode({"consultation__id__exact": pk}),
        "speakers": reverse("consultations:speakers", args=[pk]),
    }


def _deadlines(consultations, today) -> list[tuple]:
    """The registration and speaking deadlines of the meetings falling around the next four weeks (the
    workspace engine keeps those from today to four weeks ahead), whatever page they are on."""
    # Deadlines are compared by their day in UTC, as the engine reads them; a day's margin either side.
    since = datetime.combine(today - timedelta(days=1), time.min, tzinfo=UTC)
    until = datetime.combine(today + DEADLINE_WINDOW + timedelta(days=2), time.min, tzinfo=UTC)
    due = consultations.filter(
        Q(registration_deadline__range=(since, until)) | Q(interest_deadline__range=(since, until))
    ).only("title", "registration_deadline", "interest_deadline")
    deadlines = []
    for consultation in due:
        link = consultation.get_absolute_url()
        deadlines.append(
            (consultation.registration_deadline.date(), _("Registration closes: %s") % consultation.title, link)
        )
        if consultation.interest_deadline:
            deadlines.append(
                (consultation.interest_deadline.date(), _("Offers to speak close: %s") % consultation.title, link)
            )
    return deadlines


# What the tile reads of a meeting's selection criteria.
CRITERIA_FIELDS = (*(f"criteria__max_{dim}" for dim in DIMENSIONS), "criteria__preference")


def keep(*, region, cycle, today, page: int = 1) -> dict:
    """One page of the review's meetings with their counts, and the deadlines of all of them, in five queries
    whatever their number: the same for everyone who opens the dashboard, in the active language, on ``today``
    (who may follow which link is decided on every request, by ``build``)."""
    consultations = Consultation.objects.filter(event__region=region, event__cycle=cycle).order_by(
        "registration_deadline", "pk"
    )
    # Past the last page, the last page.
    asked = Paginator(
        consultations.select_related("criteria").only(
            "title", "status", "capacity_in_person", "capacity_virtual", *CRITERIA_FIELDS
        ),
        PAGE_SIZE,
    ).get_page(page)
    shown = list(asked.object_list)
    places, offers = _counts([c.pk for c in shown])
    labels = dimension_labels()
    return {
        "number": asked.number,
        "count": asked.paginator.count,
        "rows": [_row(consultation, places, offers, labels) for consultation in shown],
        "deadlines": _deadlines(consultations, today),
    }


def build(*, region, cycle, user, kept=None, page=None) -> dict:
    if kept is None:
        kept = keep(region=region, cycle=cycle, today=timezone.localdate(), page=page_number(page))
    manages = can_in_region(user, "consultations.manage", region.pk)
    selects = can_in_region(user, "consultations.select_speakers", region.pk)
    rows = [
        {
            **row,
            "dashboard": row["dashboard"] if manages else "",
            "accreditation": row["accreditation"] if manages else "",
            "speakers": row["speakers"] if selects else "",
        }
        for row in kept["rows"]
    ]
    return {
        "rows": rows,
        "page": Paginator(range(kept["count"]), PAGE_SIZE).page(kept["number"]),
        "deadlines": list(kept["deadlines"]),
    }


register(Tile("meetings", 20, "consultations/tiles/meetings.html", build, keep=keep, paginated=True))


def keep_attendance(*, region, cycle, today=None) -> tuple[dict, list]:
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


def build_attendance(*, region, cycle, user, kept=None) -> dict | None:
    """Who attended the review's meetings, counted by sector, sub-region and gender (never a name): one query
    per dimension and one for the totals, whatever the number of meetings or people."""
    if not can_in_region(user, "reviews.workspace", region.pk):
        return None
    totals, counted = kept if kept is not None else keep_attendance(region=region, cycle=cycle)
    labels = dimension_labels()
    groups = [
        {"dim": dim, "title": labels[dim], "rows": [(value_label(dim, value or ""), n) for value, n in rows]}
        for dim, rows in counted
    ]
    return {"totals": totals, "groups": groups}


register(Tile("attendance", 25, "consultations/tiles/attendance.html", build_attendance, keep=keep_attendance))
