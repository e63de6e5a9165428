"""The review calendar's reminders to the secretariat, counted back from each Regional Review (001).

Also the helper other apps use for their own reminders counted back from a Regional Review
(:func:`review_rule`, used by discussions/reminders.py). Found and registered when the apps load
(reminders.registry).
"""

from collections.abc import Callable, Iterator
from datetime import date, timedelta

from constance.utils import get_values_for_keys
from django.contrib.auth import get_user_model
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from portal.enums import Role
from portal.permissions import roles_of
from reminders.registry import Due, Message, Rule, active_ids, register, split_target, window
from reviews import planning
from reviews.enums import EventKind
from reviews.models import Event

User = get_user_model()

SECRETARIAT = gettext_lazy("Secretariat")
# Two weeks before the pre-consultation's deadline, the secretariat is told it is near.
CLOSING_NOTICE = timedelta(weeks=2)


def window_opens_weeks() -> int:
    """When the secretariat is first reminded to plan the pre-consultation, in weeks before the Regional Review.

    The portal's own choice, not a rule of the documents: a live setting (PRE_CONSULTATION_REMINDER_WEEKS).
    """
    return get_values_for_keys(["PRE_CONSULTATION_REMINDER_WEEKS"])["PRE_CONSULTATION_REMINDER_WEEKS"]


def secretariat_ids() -> list[int]:
    return active_ids(User.objects.filter(groups__name=Role.SECRETARIAT))


def is_secretariat(user) -> bool:
    """Whether ``user`` is among :func:`secretariat_ids`: the ``for_user`` of the secretariat's reminders."""
    return Role.SECRETARIAT in roles_of(user)


def deadline_text(review: Event, before: timedelta) -> str:
    """The day ``before`` the review's earliest possible day, as the e-mail shows it."""
    return date_format(review.start_earliest - before, "DATE_FORMAT")


def _reviews(today: date):
    return Event.objects.filter(kind=EventKind.REGIONAL_REVIEW, start_latest__gte=today).select_related(
        "region", "cycle"
    )


def _region_of_event(target: str) -> str | None:
    return Event.objects.filter(pk=split_target(target)[1]).values_list("region__code", flat=True).first()


def review_rule(
    *,
    kind: str,
    label: str | Promise | Callable[[], str],
    before: Callable[[], timedelta],
    still_needed: Callable[[Event], bool],
    text: Callable[[Event], tuple[str, str]],
) -> Rule:
    """A reminder to the secretariat on the day ``before()`` the earliest possible day of each Regional Review.

    ``before`` is read once per scan (it may be a live setting); ``still_needed(review)`` is asked when the
    reminder is found and again when it is sent; ``text(review)`` gives the subject and the body.
    """

    def find(today: date) -> Iterator[Due]:
        reviews = list(_reviews(today))
        if not reviews:
            return
        start, end = window(today)
        lead = before()
        due = [(r, r.start_earliest - lead) for r in reviews]
        due = [(r, day) for r, day in due if start <= day <= end and still_needed(r)]
        if due:
            people = secretariat_ids()
            for review, day in due:
                for person in people:
                    yield Due(person, f"event:{review.pk}", day)

    def message(target: str) -> Message | None:
        review = Event.objects.select_related("region", "cycle").filter(pk=split_target(target)[1]).first()
        if review is None or not still_needed(review):
            return None
        subject, body = text(review)
        return Message(subject, body, review.region.get_absolute_url(), review.start.display(), not review.is_exact)

    return Rule(
        kind=kind,
        label=label,
        audience=SECRETARIAT,
        find=find,
        message=message,
        region_of=_region_of_event,
        for_user=is_secretariat,
    )


# --- The pre-consultation (001: at least 12 weeks before the Regional Review) ------------------------------


def _pre_consultation_planned(review: Event) -> bool:
    return Event.objects.filter(
        region=review.region_id,
        cycle=review.cycle_id,
        kind=EventKind.PRE_CONSULTATION,
        start_latest__lte=review.start_earliest - planning.PRE_CONSULTATION_BEFORE_REVIEW,
    ).exists()


def _pre_consultation_body(review: Event) -> str:
    return _("The pre-consultation must take place at least 12 weeks before the Regional Review, by %(date)s.") % {
        "date": deadline_text(review, planning.PRE_CONSULTATION_BEFORE_REVIEW)
    }


def _window_opens_label() -> str:
    weeks = window_opens_weeks()
    return ngettext(
        "Pre-consultation window opens (%(weeks)d week before the review)",
        "Pre-consultation window opens (%(weeks)d weeks before the review)",
        weeks,
    ) % {"weeks": weeks}


PRE_CONSULTATION_OPENS = register(
    review_rule(
        kind="pre_consultation_opens",
        label=_window_opens_label,
        before=lambda: timedelta(weeks=window_opens_weeks()),
        still_needed=lambda review: not _pre_consultation_planned(review),
        text=lambda review: (
            _("Plan the stakeholder pre-consultation: %(region)s") % {"region": review.region.name},
            _pre_consultation_body(review),
        ),
    )
)

PRE_CONSULTATION_CLOSING = register(
    review_rule(
        kind="pre_consultation_closing",
        label=gettext_lazy("Pre-consultation window closes in two weeks"),
        before=lambda: planning.PRE_CONSULTATION_BEFORE_REVIEW + CLOSING_NOTICE,
        still_needed=lambda review: not _pre_consultation_planned(review),
        text=lambda review: (
            _("Two weeks left for the pre-consultation: %(region)s") % {"region": review.region.name},
            _pre_consultation_body(review),
        ),
    )
)
