"""The MPTF's report of a call: every approved traveller, the amount approved, and whether they came.

Attendance is what the door, the platform's report or staff recorded (consultations.attendance): present in the
room, online instead of travelling, or absent once the meeting is over. A funded traveller absent after the meeting
is flagged for follow-up. One query for the rows (the check-in read through a subquery), streamed for exports.
"""

from collections.abc import Iterator
from decimal import Decimal

from django.db.models import F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from consultations.enums import Attendance, RegistrationStatus
from consultations.exports import neutralise
from consultations.models import Registration
from funding.enums import State
from funding.exports import stream_csv, xlsx_of
from funding.models import Call

PRESENT, ONLINE_INSTEAD, ABSENT, NOT_YET, NO_MEETING = "present", "online_instead", "absent", "not_yet", "no_meeting"
GAVE_UP = "gave_up"
LABELS = {
    PRESENT: gettext_lazy("Present"),
    ONLINE_INSTEAD: gettext_lazy("Online instead"),
    ABSENT: gettext_lazy("Absent"),
    NOT_YET: gettext_lazy("Not yet held"),
    NO_MEETING: gettext_lazy("No meeting named"),
    GAVE_UP: gettext_lazy("Place given up"),
}


def travellers(call: Call) -> QuerySet:
    """The call's approved applications with the traveller's check-in at the meeting funded, in one query."""
    registration = Registration.objects.filter(consultation=OuterRef("consultation"), user=OuterRef("applicant"))
    return (
        call.applications.filter(state=State.APPROVED)
        .select_related("applicant__profile", "consultation")
        .annotate(
            attended=Subquery(registration.values("check_in__attended")[:1]),
            place=Subquery(registration.values("status")[:1]),
            meeting_over=Coalesce(F("consultation__ends_at"), F("consultation__starts_at")),
        )
        .order_by("applicant__profile__display_name", "pk")
    )


def status_of(application, now=None) -> str:
    if application.consultation_id is None:
        return NO_MEETING
    if application.attended == Attendance.IN_PERSON:
        return PRESENT
    if application.attended == Attendance.VIRTUAL:
        return ONLINE_INSTEAD
    if application.place != RegistrationStatus.REGISTERED:
        return GAVE_UP
    if application.meeting_over and application.meeting_over <= (now or timezone.now()):
        return ABSENT
    return NOT_YET


def summary(call: Call, *, flagged_limit: int = 50) -> dict:
    """Totals by attendance (people and amounts) and the travellers to follow up, for the call's dashboard."""
    now = timezone.now()
    totals = {key: {"label": label, "people": 0, "amount": Decimal("0")} for key, label in LABELS.items()}
    flagged = []
    people, amount = 0, Decimal("0")
    for application in travellers(call).iterator(chunk_size=500):
        status = status_of(application, now)
        totals[status]["people"] += 1
        totals[status]["amount"] += application.approved_amount or Decimal("0")
        people += 1
        amount += application.approved_amount or Decimal("0")
        if status in (ABSENT, GAVE_UP) and len(flagged) < flagged_limit:
            flagged.append(application)
    return {
        "travel_totals": [row for row in totals.values() if row["people"]],
        "travel_people": people,
        "travel_amount": amount,
        "flagged": flagged,
        "flagged_count": totals[ABSENT]["people"] + totals[GAVE_UP]["people"],
    }


def _headings() -> list[str]:
    return [
        _("Application"),
        _("Traveller"),
        _("Organisation"),
        _("Travelling from"),
        _("Meeting"),
        _("Approved (USD)"),
        pgettext("presence", "Attendance"),
        _("Follow-up"),
    ]


def _rows(call: Call) -> Iterator[list]:
    now = timezone.now()
    people, amount = 0, Decimal("0")
    by_status: dict[str, Decimal] = {}
    for application in travellers(call).iterator(chunk_size=1000):
        status = status_of(application, now)
        profile = getattr(application.applicant, "profile", None)
        approved = application.approved_amount or Decimal("0")
        people += 1
        amount += approved
        by_status[status] = by_status.get(status, Decimal("0")) + approved
        yield [
            application.pk,
            neutralise(profile.public_name if profile else ""),
            neutralise(profile.organisation if profile else ""),
            neutralise(application.travelling_from.name if application.travelling_from else ""),
            neutralise(application.consultation or ""),
            approved,
            str(LABELS[status]),
            _("Did not check in: follow up") if status in (ABSENT, GAVE_UP) else "",
        ]
    yield []
    yield ["", _("Total: %(count)s travellers") % {"count": people}, "", "", "", amount, "", ""]
    for status, label in LABELS.items():
        if status in by_status:
            yield ["", str(label), "", "", "", by_status[status], "", ""]


def csv_rows(call: Call) -> Iterator[str]:
    return stream_csv(_headings(), _rows(call))


def xlsx_file(call: Call):
    return xlsx_of(_("Travel and attendance"), _headings(), _rows(call))
