"""Reads of the funding pages, with their joins done, so query counts do not grow with rows."""

from array import array
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

from django.db import connection
from django.db.models import Count, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, Floor, Least

from funding import priority
from funding.enums import State
from funding.models import Application, Call, Conflict
from portal.models import OrganisationHistory


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


def ranked_ids(call: Call, **how) -> tuple[array, priority.Slate]:
    """:func:`ranked` read as ids only, in order: small enough to keep, enough to page through.

    An array of integers, which the shared cache stores and reads back at once: the same list as (id, score)
    pairs took a millisecond to unpickle on every request for its 5,000 Decimals, and no page shows the
    database's score (each row's score is explained afresh, with the same value: ``priority.scores``).
    """
    rows, slate = ranked(call, **how)
    return array("q", rows.values_list("pk", flat=True)), slate


# What a row of the review list shows, read as plain values: no model instance is needed to show them.
PAGE_ROW_FIELDS = (
    "pk",
    "state",
    "reason_against_recommendation",
    "travel_cost",
    "accommodation_cost",
    "daily_allowance",
    "recommended_amount",
    "approved_amount",
    "self_identification",
    "applicant__profile__display_name",
    "applicant__profile__organisation",
    *priority.VALUE_PATHS[:3],
)


# page_rows in one PostgreSQL query that joins the profile to the application directly: the ORM joins through
# the person's account row to reach it, and building its query costs more than running it (0.7 ms of a 9 ms page).
# The ORM's query stays the definition: other databases use it, and a test holds the two together.
PAGE_ROWS_SQL = """
SELECT application.id, application.state, application.reason_against_recommendation, application.travel_cost,
    application.accommodation_cost, application.daily_allowance, application.recommended_amount,
    application.approved_amount, application.self_identification, profile.display_name, profile.organisation,
    profile.constituency, profile.subregion, profile.gender
FROM funding_application application
LEFT JOIN portal_profile profile ON profile.user_id = application.applicant_id
WHERE application.id = ANY(%(ids)s)
"""


def page_rows(ids) -> list[dict]:
    """The applications of one page of :func:`ranked_ids`, as values (:data:`PAGE_ROW_FIELDS`), in the page's
    order, in one query of one row each.

    The page itself is read as ids only: sorting thousands of narrow rows is much cheaper than sorting them
    with every joined column. An id whose application is gone since the ranking was kept is left out.
    """
    if connection.vendor == "postgresql":
        identification = Application._meta.get_field("self_identification")
        with connection.cursor() as cursor:
            cursor.execute(PAGE_ROWS_SQL, {"ids": list(ids)})
            found = {}
            for values in cursor.fetchall():
                row = dict(zip(PAGE_ROW_FIELDS, values, strict=True))
                row["self_identification"] = identification.from_db_value(row["self_identification"], None, connection)
                found[row["pk"]] = row
    else:
        found = {row["pk"]: row for row in page_rows_queryset(ids)}
    return [found[pk] for pk in ids if pk in found]


def page_rows_queryset(ids) -> QuerySet:
    """What :func:`page_rows` reads, as the ORM writes it."""
    return Application.objects.filter(pk__in=ids).order_by().values(*PAGE_ROW_FIELDS)


def conflict_condition(member) -> Q:
    """The applications ``member`` may not review, as one condition for one query: their own, those from an
    organisation either has ever named (portal.integrity, read from the history, so editing a profile hides
    nothing), and those they declared a conflict with, by application or by organisation."""
    declared = Conflict.objects.filter(member=member)
    keys = Q(key__in=OrganisationHistory.objects.filter(user=member).values("key")) | Q(
        key__in=declared.filter(application__isnull=True).exclude(organisation_key="").values("organisation_key")
    )
    return (
        Q(applicant=member)
        | Q(pk__in=declared.filter(application__isnull=False).values("application_id"))
        | Q(applicant__in=OrganisationHistory.objects.filter(keys).values("user_id"))
    )


# conflict_condition as one PostgreSQL query that walks the indexes: the people and the applications a reviewer
# is conflicted with are few, so they are read first, as arrays, and the call's applications found from them by
# index. Written with IN (...), as the ORM writes it, the planner scans every application of the call instead
# (a millisecond at 5,000 applications, growing with them), and building that query costs as much again in Python.
# The ORM's condition stays the rule's definition: other databases use it, and a test holds the two together.
CONFLICTED_SQL = """
SELECT application.id, application.state, application.submitted_at
FROM funding_application application
WHERE application.call_id = %(call)s AND (
    application.applicant_id = ANY(ARRAY(
        SELECT CAST(%(member)s AS bigint)
        UNION ALL
        SELECT named.user_id FROM portal_organisationhistory named WHERE named.key IN (
            SELECT own.key FROM portal_organisationhistory own WHERE own.user_id = %(member)s
            UNION ALL
            SELECT declared.organisation_key FROM funding_conflict declared
            WHERE declared.member_id = %(member)s AND declared.application_id IS NULL
                AND declared.organisation_key <> ''
        )
    ))
    OR application.id = ANY(ARRAY(
        SELECT declared.application_id FROM funding_conflict declared
        WHERE declared.member_id = %(member)s AND declared.application_id IS NOT NULL
    ))
)
"""


class _Conflicted(NamedTuple):
    pk: int
    state: str
    submitted_at: datetime | None


def conflicted_ids(*, member, call: Call, reviewable_only: bool = False) -> set[int]:
    """The applications of ``call`` that ``member`` is conflicted with (:func:`conflict_condition`), in one query.

    With ``reviewable_only``, only those the committees work on (:func:`reviewable`): the review list leaves
    them out of its ranking and counts them as withheld.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(CONFLICTED_SQL, {"call": call.pk, "member": member.pk})
            rows = [_Conflicted(*row) for row in cursor.fetchall()]
    else:
        rows = Application.objects.filter(conflict_condition(member), call=call).values_list(
            "pk", "state", "submitted_at", named=True
        )
    return {row.pk for row in rows if not reviewable_only or is_reviewable(row)}


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
