"""Reads of the funding pages, with their joins done, so query counts do not grow with rows."""

from collections import Counter
from decimal import Decimal

from django.db.models import Count, Q, Sum

from funding import priority
from funding.enums import State
from funding.models import Application, Call


def published_calls():
    return Call.objects.filter(published=True).select_related("cycle")


def reviewable(call: Call):
    """Applications the committees work on: everything but drafts."""
    return Application.objects.filter(call=call).exclude(state=State.DRAFT)


def ranked_ids(call: Call, *, states=(), min_score=None, order="priority") -> tuple[list[int], dict, priority.Slate]:
    """Ids of the call's applications by priority (highest first) or submission, with each one's score value.

    One query for the rows and one for the slate; only the numbers are computed
    here, the explanation of a score is written for the rows of the page shown.
    """
    slate = priority.Slate.of(call)
    rows = reviewable(call)
    if states:
        rows = rows.filter(state__in=states)
    values = {}
    submitted = {}
    for pk, submitted_at, *profile in rows.values_list("pk", "submitted_at", *priority.VALUE_PATHS):
        values[pk] = priority.value(priority.profile_values(*profile), slate)
        submitted[pk] = submitted_at
    ids = [pk for pk in values if min_score is None or values[pk] >= min_score]

    def arrival(pk):  # withdrawn drafts were never submitted: they go last
        return (submitted[pk] is None, submitted[pk] or 0, pk)

    if order == "priority":
        ids.sort(key=lambda pk: (-values[pk], *arrival(pk)))
    else:
        ids.sort(key=arrival)
    return ids, values, slate


def applications_by_ids(ids: list[int]) -> list[Application]:
    found = Application.objects.filter(pk__in=ids).select_related("applicant__profile", "consultation", "call")
    by_id = {a.pk: a for a in found}
    return [by_id[pk] for pk in ids if pk in by_id]


def dashboard(call: Call) -> dict:
    rows = Application.objects.filter(call=call)
    by_state = dict(rows.values_list("state").annotate(n=Count("pk")).order_by())
    sums = rows.aggregate(
        approved=Sum("approved_amount", filter=Q(state=State.APPROVED)),
        recommended=Sum("recommended_amount", filter=Q(state__in=[State.RECOMMENDED, State.APPROVED])),
    )
    requested = Decimal("0")
    for costs in rows.exclude(state__in=[State.DRAFT, State.WITHDRAWN]).values_list(
        "travel_cost", "accommodation_cost", "daily_allowance"
    ):
        requested += sum((c or Decimal("0") for c in costs), Decimal("0"))
    approved = sums["approved"] or Decimal("0")
    _ids, values, _slate = ranked_ids(
        call, states=[State.SUBMITTED, State.ELIGIBLE, State.RECOMMENDED, State.NOT_RECOMMENDED]
    )
    buckets = Counter(min(int(value // 20), 4) for value in values.values())
    return {
        "by_state": [(label, by_state.get(value, 0)) for value, label in State.choices],
        "requested": requested,
        "recommended": sums["recommended"] or Decimal("0"),
        "approved": approved,
        "remaining": call.budget - approved,
        "priority": [(f"{i * 20}–{i * 20 + 20 if i < 4 else 100}", buckets.get(i, 0)) for i in range(5)],
    }
