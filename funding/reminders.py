"""The funding calls' reminder: a call closes soon and the person's application is still a draft. Found and
registered when the apps load (reminders.registry).
"""

from collections.abc import Iterator
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from funding.enums import State
from funding.models import Application, Call
from portal.permissions import can
from reminders.registry import Due, Message, Rule, register, split_target, window

# Applicants are told three days before the call closes.
CLOSING_NOTICE = timedelta(days=3)


def _find(today: date) -> Iterator[Due]:
    start, end = window(today)
    drafts = Application.objects.filter(
        state=State.DRAFT,
        call__published=True,
        call__closes_at__date__gte=start + CLOSING_NOTICE,
        call__closes_at__date__lte=end + CLOSING_NOTICE,
        applicant__is_active=True,
    ).values_list("applicant_id", "call_id", "call__closes_at")
    for person, call_id, closes_at in drafts.order_by("pk"):
        yield Due(person, f"call:{call_id}", closes_at.date() - CLOSING_NOTICE)


def _message(target: str) -> Message | None:
    call = Call.objects.filter(pk=split_target(target)[1]).first()
    if call is None or call.closes_at <= timezone.now():
        return None
    zone = ZoneInfo(call.time_zone)
    return Message(
        _("Your funding application is still a draft: %(call)s") % {"call": call.title},
        _("Submit it before the call closes; a draft is not considered."),
        call.get_absolute_url(),
        f"{date_format(timezone.localtime(call.closes_at, zone), 'DATETIME_FORMAT')} ({call.time_zone})",
    )


def _still_a_draft(recipient_id: int, target: str) -> bool:
    return Application.objects.filter(applicant=recipient_id, call=split_target(target)[1], state=State.DRAFT).exists()


def _may_have_a_draft(user) -> bool:
    """Who may hold a draft application: those whose role lets them apply, and anyone who still has one."""
    return can(user, "funding.apply") or Application.objects.filter(applicant=user, state=State.DRAFT).exists()


# A call belongs to a cycle, not a region: no region_of, so it shows in every region's schedule.
FUNDING_DRAFT = register(
    Rule(
        kind="funding_draft",
        label=gettext_lazy("A funding call closes and your draft is not submitted"),
        audience=gettext_lazy("Stakeholders with a draft funding application"),
        find=_find,
        message=_message,
        still_needed_by=_still_a_draft,
        for_user=_may_have_a_draft,
    )
)
