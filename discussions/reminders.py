"""The discussion spaces' reminders (002): the space and the analysis paper in time for the Regional Review, the
phases opening and closing, posts waiting for moderation. Found and registered when the apps load
(reminders.registry).
"""

from collections.abc import Iterator
from datetime import date, timedelta

from constance.utils import get_values_for_keys
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from discussions.enums import PostStatus
from discussions.models import AnalysisPaper, Phase, Post, Space
from portal.enums import Role
from portal.models import Profile
from portal.permissions import has_any_role
from reminders.registry import Due, Message, Rule, register, split_target, window
from reviews import planning
from reviews.reminders import deadline_text, is_secretariat, review_rule, secretariat_ids

# The secretariat is reminded a week before each deadline of 002 it has to meet.
DEADLINE_NOTICE = timedelta(weeks=1)
# Those running a space are told three days before a phase closes.
PHASE_CLOSING_NOTICE = timedelta(days=3)


def backlog_hours() -> int:
    """How long a post may wait for moderation before the moderators are reminded, in hours.

    The portal's own choice, not a rule of the documents: a live setting (MODERATION_BACKLOG_HOURS).
    """
    return get_values_for_keys(["MODERATION_BACKLOG_HOURS"])["MODERATION_BACKLOG_HOURS"]


def _region_of_phase(target: str) -> str | None:
    return Phase.objects.filter(pk=split_target(target)[1]).values_list("space__region__code", flat=True).first()


def _region_of_space(target: str) -> str | None:
    return Space.objects.filter(pk=split_target(target)[1]).values_list("region__code", flat=True).first()


# --- Deadlines of the Regional Review (secretariat) ----------------------------------------------------------


def _space_opens_in_time(review) -> bool:
    deadline = review.start_earliest - planning.DISCUSSION_SPACE_BEFORE_REVIEW
    return Phase.objects.filter(
        space__region=review.region_id, space__cycle=review.cycle_id, number=1, opens_at__date__lte=deadline
    ).exists()


def _paper_needed(review) -> bool:
    return (
        Space.objects.filter(region=review.region_id, cycle=review.cycle_id).exists()
        and not AnalysisPaper.objects.filter(
            space__region=review.region_id, space__cycle=review.cycle_id, published_at__isnull=False
        ).exists()
    )


DISCUSSION_SPACE_DUE = register(
    review_rule(
        kind="discussion_space_due",
        label=gettext_lazy("Discussion space must open 8 weeks before the review"),
        before=lambda: planning.DISCUSSION_SPACE_BEFORE_REVIEW + DEADLINE_NOTICE,
        still_needed=lambda review: not _space_opens_in_time(review),
        text=lambda review: (
            _("Open the discussion space: %(region)s") % {"region": review.region.name},
            _("The online discussion space must open at least 8 weeks before the Regional Review, by %(date)s.")
            % {"date": deadline_text(review, planning.DISCUSSION_SPACE_BEFORE_REVIEW)},
        ),
    )
)

ANALYSIS_PAPER_DUE = register(
    review_rule(
        kind="analysis_paper_due",
        label=gettext_lazy("Analysis paper due 2 weeks before the review"),
        before=lambda: planning.SUMMARY_BEFORE_REVIEW + DEADLINE_NOTICE,
        still_needed=_paper_needed,
        text=lambda review: (
            _("The analysis paper is due in a week: %(region)s") % {"region": review.region.name},
            _(
                "Share the analysis paper of the discussion space at least 2 weeks before the Regional Review, "
                "by %(date)s."
            )
            % {"date": deadline_text(review, planning.SUMMARY_BEFORE_REVIEW)},
        ),
    )
)


# --- Phases ------------------------------------------------------------------------------------------------


def _phase_message(target: str, opening: bool) -> Message | None:
    phase = Phase.objects.select_related("space").filter(pk=split_target(target)[1]).first()
    if phase is None:
        return None
    if opening:
        if not phase.is_open():
            return None
        return Message(
            _("The discussion space “%(space)s” is open for posts") % {"space": phase.space.title},
            _("%(phase)s is open: share your reports, recommendations, data and research.")
            % {"phase": phase.get_number_display()},
            phase.space.get_absolute_url(),
            date_format(timezone.localtime(phase.opens_at), "DATE_FORMAT"),
        )
    if phase.closes_at is None or phase.closes_at <= timezone.now():
        return None
    return Message(
        _("%(phase)s of “%(space)s” closes soon") % {"phase": phase.get_number_display(), "space": phase.space.title},
        _("Posts are taken until the phase closes; moderate what is waiting and prepare the analysis."),
        phase.space.get_absolute_url(),
        date_format(timezone.localtime(phase.closes_at), "DATETIME_FORMAT"),
    )


def _phase_closing_find(today: date) -> Iterator[Due]:
    start, end = window(today)
    phases = list(
        Phase.objects.filter(
            closes_at__date__gte=start + PHASE_CLOSING_NOTICE, closes_at__date__lte=end + PHASE_CLOSING_NOTICE
        ).prefetch_related("space__moderators")
    )
    if not phases:
        return
    secretariat = secretariat_ids()
    for phase in phases:
        people = set(secretariat) | {m.pk for m in phase.space.moderators.all() if m.is_active}
        for person in sorted(people):
            yield Due(person, f"phase:{phase.pk}", phase.closes_at.date() - PHASE_CLOSING_NOTICE)


def _phase_opening_find(today: date) -> Iterator[Due]:
    start, end = window(today)
    for phase in Phase.objects.filter(opens_at__date__gte=start, opens_at__date__lte=end).select_related(
        "space__region"
    ):
        countries = [country.code for country in phase.space.region.countries]
        people = Profile.objects.filter(
            country__in=countries,
            user__is_active=True,
            user__groups__name__in=[Role.STAKEHOLDER, Role.UN_SYSTEM],
        ).values_list("user_id", flat=True)
        for person in people.distinct().order_by("user_id"):
            yield Due(person, f"phase:{phase.pk}", phase.opens_at.date())


def _moderates_a_space(user) -> bool:
    return Space.objects.filter(moderators=user).exists()


PHASE_CLOSING = register(
    Rule(
        kind="phase_closing",
        label=gettext_lazy("A discussion phase is about to close"),
        audience=gettext_lazy("Secretariat and the space's moderators"),
        for_user=lambda user: is_secretariat(user) or _moderates_a_space(user),
        find=_phase_closing_find,
        message=lambda target: _phase_message(target, opening=False),
        region_of=_region_of_phase,
    )
)

PHASE_OPENING = register(
    Rule(
        kind="phase_opening",
        label=gettext_lazy("A discussion phase opens in your region"),
        audience=gettext_lazy("Stakeholders and UN system in the space's region"),
        for_user=lambda user: has_any_role(user, (Role.STAKEHOLDER, Role.UN_SYSTEM)),
        find=_phase_opening_find,
        message=lambda target: _phase_message(target, opening=True),
        region_of=_region_of_phase,
    )
)


# --- Moderation ----------------------------------------------------------------------------------------------


def _waiting_since(hours: int):
    return Post.objects.filter(status=PostStatus.PENDING, submitted_at__lt=timezone.now() - timedelta(hours=hours))


def _backlog_find(today: date) -> Iterator[Due]:
    waiting = _waiting_since(backlog_hours()).filter(space=OuterRef("pk"))
    for space in Space.objects.filter(Exists(waiting)).prefetch_related("moderators"):
        for moderator in space.moderators.all():
            if moderator.is_active:
                yield Due(moderator.pk, f"space:{space.pk}", today)


def _backlog_message(target: str) -> Message | None:
    space = Space.objects.filter(pk=split_target(target)[1]).first()
    if space is None:
        return None
    hours = backlog_hours()
    waiting = _waiting_since(hours).filter(space=space).count()
    if not waiting:
        return None
    return Message(
        _("Posts are waiting for moderation in “%(space)s”") % {"space": space.title},
        ngettext(
            "%(count)s post has waited more than %(period)s for a moderator.",
            "%(count)s posts have waited more than %(period)s for a moderator.",
            waiting,
        )
        % {"count": waiting, "period": ngettext("%(hours)d hour", "%(hours)d hours", hours) % {"hours": hours}},
        reverse("discussions:moderation"),
    )


def _backlog_label() -> str:
    hours = backlog_hours()
    return ngettext(
        "Posts waiting for moderation for more than %(hours)d hour",
        "Posts waiting for moderation for more than %(hours)d hours",
        hours,
    ) % {"hours": hours}


MODERATION_BACKLOG = register(
    Rule(
        kind="moderation_backlog",
        label=_backlog_label,
        audience=gettext_lazy("The space's moderators"),
        for_user=lambda user: _moderates_a_space(user),
        find=_backlog_find,
        message=_backlog_message,
        region_of=_region_of_space,
    )
)
