"""Travel funding on a review's workspace (reviews.workspace): each call of the cycle that covers the region,
its applications by state and the budget left, in three queries whatever their number."""

from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from funding.enums import State
from funding.models import Application, Call
from portal.permissions import can
from reviews.workspace import Tile, register


def build(*, region, cycle, user) -> dict:
    calls = list(
        Call.objects.filter(cycle=cycle)
        .filter(Q(consultations__event__region=region) | Q(applications__consultation__event__region=region))
        .distinct()
        .order_by("-closes_at", "pk")
    )
    ids = [call.pk for call in calls]
    approved = dict(
        Application.objects.filter(call_id__in=ids, state=State.APPROVED)
        .values("call_id")
        .annotate(total=Sum("approved_amount"))
        .order_by()
        .values_list("call_id", "total")
    )
    counts: dict = {}
    # Drafts are the applicant's alone: counted nowhere (funding.selectors.reviewable).
    for row in (
        Application.objects.filter(call_id__in=ids)
        .exclude(state=State.DRAFT)
        .values("call_id", "state")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[(row["call_id"], row["state"])] = row["n"]
    reviewer = any(can(user, capability) for capability in ("funding.screen", "funding.recommend", "funding.decide"))
    rows, deadlines = [], []
    for call in calls:
        spent = approved.get(call.pk) or Decimal("0")
        review = reverse("funding:review", args=[call.pk]) if reviewer else ""
        rows.append(
            {
                "call": call,
                "states": [
                    (
                        label,
                        counts.get((call.pk, value), 0),
                        f"{review}?{urlencode({'state': value})}" if review else "",
                    )
                    for value, label in State.choices
                    if value != State.DRAFT
                ],
                "budget": call.budget,
                "left": call.budget - spent,
                "dashboard": reverse("funding:dashboard", args=[call.pk]) if can(user, "funding.screen") else "",
            }
        )
        if call.published:
            deadlines.append(
                (call.closes_at.date(), _("Funding call closes: %s") % call.title, call.get_absolute_url())
            )
    return {"rows": rows, "deadlines": deadlines}


register(Tile("funding", 40, "funding/tiles/funding.html", build))
