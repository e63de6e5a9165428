"""The discussion space of a review on its workspace (reviews.workspace): its phases, the moderation backlog,
open appeals and the analysis paper's due date (002), in a fixed number of queries."""

from datetime import timedelta

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from discussions.enums import AppealOutcome, PostStatus, QuestionStatus
from discussions.models import AnalysisPaper, Appeal, GuidingQuestion, Post, Space
from discussions.permissions import drafts_questions, in_drafting_team, moderates
from portal.cache import by_data, live_settings
from portal.permissions import can
from reviews.enums import EventKind
from reviews.models import Event
from reviews.workspace import Tile, register


def _not_in_preparation_for(user, space) -> list[str]:
    """Published questions are not in preparation; drafts not yet shared are only their drafters' to count."""
    if drafts_questions(user, space):
        return [QuestionStatus.PUBLISHED]
    return [QuestionStatus.PUBLISHED, QuestionStatus.DRAFT]


def _counts(space, now, hours: int) -> tuple[dict, int]:
    late = now - timedelta(hours=hours)
    backlog = Post.objects.filter(space=space, status=PostStatus.PENDING).aggregate(
        waiting=Count("pk"), late=Count("pk", filter=Q(submitted_at__lt=late)), oldest=Min("submitted_at")
    )
    return backlog, Appeal.objects.filter(post__space=space, outcome=AppealOutcome.OPEN).count()


def build(*, region, cycle, user) -> dict:
    space = Space.objects.filter(region=region, cycle=cycle).prefetch_related("phases").first()
    due = (
        Event.objects.filter(region=region, cycle=cycle, kind=EventKind.SUMMARY_DUE).order_by("start_earliest").first()
    )
    if space is None:
        return {"space": None, "due": due, "deadlines": []}
    hours = live_settings("MODERATION_BACKLOG_HOURS")["MODERATION_BACKLOG_HOURS"]  # reminders.backlog_hours, kept
    # The same for everyone who opens the workspace, and read over every post waiting: kept until any row changes,
    # and for the minute at most (which posts are late moves with the clock alone).
    minute = timezone.now().strftime("%Y%m%d%H%M")
    backlog, appeals = by_data(
        f"tiles:discussion:{space.pk}:{hours}:{minute}", lambda: _counts(space, timezone.now(), hours)
    )
    paper = AnalysisPaper.objects.filter(space=space).only("published_at", "space_id").first()
    phases = list(space.phases.all())
    deadlines = [
        (
            phase.closes_at.date(),
            _("Phase %(number)d of the discussion space closes") % {"number": phase.number},
            space.get_absolute_url(),
        )
        for phase in phases
        if phase.closes_at
    ]
    if due is not None:
        deadlines.append((due.start_earliest, _("Summary of the discussion space due"), due.get_absolute_url()))
    return {
        "space": space,
        "phases": phases,
        "backlog": backlog,
        "hours": hours,
        "appeals": appeals,
        "paper": paper,
        "due": due,
        "queue": reverse("discussions:moderation") if moderates(user, space) else "",
        "analysis": reverse("discussions:analysis", args=[space.pk])
        if moderates(user, space) or can(user, "discussions.analyse") or (paper and paper.published_at)
        else "",
        "deadlines": deadlines,
        # 002: guiding questions are shared with the region's team for comments before they are posted.
        "in_preparation": GuidingQuestion.objects.filter(phase__space=space)
        .exclude(status__in=_not_in_preparation_for(user, space))
        .count(),
        "drafting": reverse("discussions:drafting", args=[space.pk]) if in_drafting_team(user, space) else "",
    }


register(Tile("discussion", 30, "discussions/tiles/discussion.html", build))
