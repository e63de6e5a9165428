"""Reads of the funding pages, with their joins done, so query counts do not grow with rows."""

from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, Floor, Least

from funding import priority
from funding.enums import State
from funding.models import Application, Call


def published_calls():
    return Call.objects.filter(published=True).select_related("cycle")


# A draft, or a draft its applicant withdrew without ever submitting it, is the applicant's alone: the
# committees consider submitted applications only (001), and "a draft is not considered".
NEVER_SUBMITTED = Q(state=State.DRAFT) | Q(state=State.WITHDRAWN, submitted_at__isnull=True)


def reviewable(call: Call):
    """Applications the committees work on: every one that was submitted, whatever became of it since."""
    return Application.objects.filter(call=call).exclude(NEVER_SUBMITTED)


def is_reviewable(application: Application) -> bool:
    """The same rule as :data:`NEVER_SUBMITTED`, for one application already read."""
    never_submitted = application.state == State.DRAFT or (
        application.state == State.WITHDRAWN and application.submitted_at is None
    )
    return not never_submitted


def ranked(call: Call, *, states=(), min_score=None, order="priority") -> tuple[QuerySet, priority.Slate]:
    """The call's applications by priority (highest first) or submission, each with its score as ``priority``.

    The score is computed, filtered and sorted by the database (one query for
    the slate, then the page's own count and rows); only the explanation of a
    score is written in Python, for the rows of the page shown.
    """
    slate = priority.Slate.of(call)
    rows = reviewable(call).annotate(priority=priority.expression(slate))
    if states:
        rows = rows.filter(state__in=states)
    if min_score is not None:
        rows = rows.filter(priority__gte=min_score)
    # Every reviewable application has a submission time; one made without it (by hand) goes last.
    arrival = (F("submitted_at").asc(nulls_last=True), "pk")
    rows = rows.order_by("-priority", *arrival) if order == "priority" else rows.order_by(*arrival)
    return rows, slate


def ranked_ids(call: Call, **how) -> tuple[list[tuple[int, Decimal]], priority.Slate]:
    """:func:`ranked` read as (id, score) pairs, in order: small enough to keep, enough to page through."""
    rows, slate = ranked(call, **how)
    return list(rows.values_list("pk", "priority")), slate


def page_rows(page_of_ranked) -> list[Application]:
    """The applications of one page of ``ranked``, with their joins, in the page's order.

    The page itself is read as ids and scores only: sorting thousands of narrow
    rows is much cheaper than sorting them with every joined column.
    """
    ranked_ids = {pk: score for pk, score in page_of_ranked}
    found = Application.objects.filter(pk__in=ranked_ids).select_related("applicant__profile", "consultation", "call")
    by_id = {a.pk: a for a in found}
    for pk, score in ranked_ids.items():
        by_id[pk].priority = score
    return [by_id[pk] for pk in ranked_ids]


def dashboard(call: Call) -> dict:
    rows = Application.objects.filter(call=call)
    by_state = dict(rows.values_list("state").annotate(n=Count("pk")).order_by())
    zero = Value(Decimal("0"))
    costs = sum(
        (Coalesce(field, zero) for field in ("accommodation_cost", "daily_allowance")), Coalesce("travel_cost", zero)
    )
    sums = rows.aggregate(
        approved=Sum("approved_amount", filter=Q(state=State.APPROVED)),
        recommended=Sum("recommended_amount", filter=Q(state__in=[State.RECOMMENDED, State.APPROVED])),
        requested=Sum(costs, filter=~Q(state__in=[State.DRAFT, State.WITHDRAWN])),
    )
    requested = sums["requested"] or Decimal("0")
    approved = sums["approved"] or Decimal("0")
    undecided, _slate = ranked(call, states=[State.SUBMITTED, State.ELIGIBLE, State.RECOMMENDED, State.NOT_RECOMMENDED])
    buckets = dict(
        undecided.annotate(bucket=Least(Floor(F("priority") / Value(Decimal(20))), Value(Decimal(4))))
        .values_list("bucket")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {
        "by_state": [(label, by_state.get(value, 0)) for value, label in State.choices],
        "requested": requested,
        "recommended": sums["recommended"] or Decimal("0"),
        "approved": approved,
        "remaining": call.budget - approved,
        "priority": [(f"{i * 20}–{i * 20 + 20 if i < 4 else 100}", buckets.get(i, 0)) for i in range(5)],
    }
