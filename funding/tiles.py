"""Travel funding on a review's workspace (reviews.workspace): each call of the cycle that covers the region,
its applications by state and the budget left, in two queries whatever their number, kept by the workspace."""

from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Sum
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from funding.enums import State
from funding.models import Application, Call
from portal.permissions import can
from reviews.workspace import Tile, register


def keep(*, region, cycle, today=None) -> tuple[list[dict], list[tuple]]:
    """The calls with their counts and links, and their deadlines: the same for everyone who opens the
    dashboard, in the active language (who may follow which link is decided on every request, by ``build``)."""
    # A call covers the region when it is for one of its consultations or someone applied for one of them.
    covers = Exists(
        Call.consultations.through.objects.filter(call_id=OuterRef("pk"), consultation__event__region=region)
    ) | Exists(Application.objects.filter(call_id=OuterRef("pk"), consultation__event__region=region))
    calls = list(
        Call.objects.filter(covers, cycle=cycle)
        .only("title", "budget", "closes_at", "published")
        .order_by("-closes_at", "pk")
    )
    approved: dict = {}
    counts: dict = {}
    # Drafts are the applicant's alone: counted nowhere (funding.selectors.reviewable).
    for row in (
        Application.objects.filter(call__in=calls)
        .exclude(state=State.DRAFT)
        .values("call_id", "state")
        .annotate(n=Count("pk"), total=Sum("approved_amount"))
        .order_by()
    ):
        counts[(row["call_id"], row["state"])] = row["n"]
        if row["state"] == State.APPROVED:
            approved[row["call_id"]] = row["total"]
    rows = []
    for call in calls:
        spent = approved.get(call.pk) or Decimal("0")
        review = reverse("funding:review", args=[call.pk])
        rows.append(
            {
                "call": call,
                "states": [
                    (str(label), counts.get((call.pk, value), 0), f"{review}?{urlencode({'state': value})}")
                    for value, label in State.choices
                    if value != State.DRAFT
                ],
                "budget": call.budget,
                "left": call.budget - spent,
                "dashboard": reverse("funding:dashboard", args=[call.pk]),
            }
        )
    deadlines = [
        (call.closes_at.date(), _("Funding call closes: %s") % call.title, call.get_absolute_url())
        for call in calls
        if call.published
    ]
    return rows, deadlines


def build(*, region, cycle, user, kept=None) -> dict:
    rows, deadlines = kept if kept is not None else keep(region=region, cycle=cycle)
    reviewer = any(can(user, capability) for capability in ("funding.screen", "funding.recommend", "funding.decide"))
    screens = can(user, "funding.screen")
    return {
        "rows": [
            {
                **row,
                "states": [(label, n, link if reviewer else "") for label, n, link in row["states"]],
                "dashboard": row["dashboard"] if screens else "",
            }
            for row in rows
        ],
        "deadlines": list(deadlines),
    }


register(Tile("funding", 40, "funding/tiles/funding.html", build, keep=keep))
