"""Reads of the discussions that several pages share, with their joins applied: guiding questions by status, the
team a draft is shared with, and the closing summary of a space.

Everything public reads guiding questions through :func:`published_questions`: a draft, or a question shared
with the region's team for comments, is never on the space page, in the post form, in the search filters, in
the analysis paper or on the closing summary.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet

from consultations.enums import ConsultationStatus, InputStatus, ReportStatus
from consultations.models import Consultation, RapporteurReport, WrittenInput
from discussions.enums import QuestionStatus
from discussions.models import AnalysisPaper, GuidingQuestion, Phase, Post, QuestionComment, Space, SpaceLink
from portal.enums import Role
from portal.models import RegionalRole, User

# The closing summary lists at most this many written inputs (newest first) and consultations; it links to
# the full lists. It stays one page whatever the region's activity.
CLOSING_MAX_INPUTS = 50
CLOSING_MAX_CONSULTATIONS = 20


def published_questions() -> QuerySet[GuidingQuestion]:
    """Every published guiding question: the only ones anybody outside the region's team ever reads."""
    return GuidingQuestion.objects.filter(status=QuestionStatus.PUBLISHED)


def published_questions_of(space: Space) -> QuerySet[GuidingQuestion]:
    return published_questions().filter(phase__space=space).select_related("phase")


def phases_with_published_questions(space: Space) -> list[Phase]:
    """The phases of ``space`` with their published questions (``phase.questions.all()``): two queries."""
    return list(
        space.phases.prefetch_related(
            Prefetch("questions", queryset=published_questions().order_by("position", "pk"))
        ).order_by("number")
    )


def drafting_questions(space: Space, *, with_drafts: bool) -> list[GuidingQuestion]:
    """The questions of ``space`` for the team's drafting page, with their number of comments; drafts not yet
    shared only for those who draft (``with_drafts``)."""
    questions = GuidingQuestion.objects.filter(phase__space=space)
    if not with_drafts:
        questions = questions.exclude(status=QuestionStatus.DRAFT)
    return list(
        questions.select_related("phase")
        .annotate(comment_count=Count("comments"))
        .order_by("phase__number", "position", "pk")
    )


def question_comments(question: GuidingQuestion) -> list[QuestionComment]:
    """The comments on ``question`` in the order they were written, with their authors' names."""
    return list(question.comments.select_related("author__profile").order_by("created_at", "pk"))


def drafting_team(space: Space) -> QuerySet[User]:
    """The people a shared draft goes to: the secretariat, the space's moderators, and the task team members and
    focal points of its region; active accounts, each once. Mirrors :func:`discussions.permissions.in_drafting_team`
    (a regional role counts where both its group and its region's row are held)."""
    regional = Q()
    for role in (Role.TASK_TEAM, Role.FOCAL_POINT):
        regional |= Q(
            pk__in=RegionalRole.objects.filter(role=role, region_id=space.region_id).values("user_id"),
            groups__name=role,
        )
    moderators = Q(pk__in=space.moderators.through.objects.filter(space=space).values("user_id"))
    return (
        User.objects.filter(is_active=True)
        .filter(Q(groups__name=Role.SECRETARIAT) | (moderators & Q(groups__name=Role.MODERATOR)) | regional)
        .select_related("profile")
        .distinct()
        .order_by("pk")
    )


def rapporteur_reports(space: Space) -> list:
    """The published rapporteurs' reports of the consultations of the space's region and cycle (004): one query,
    at most twenty."""
    return list(
        RapporteurReport.objects.filter(
            status=ReportStatus.PUBLISHED,
            consultation__event__region_id=space.region_id,
            consultation__event__cycle_id=space.cycle_id,
        )
        .exclude(consultation__status=ConsultationStatus.DRAFT)
        .select_related("consultation")
        .order_by("published_at", "pk")[:20]
    )


@dataclass
class ClosingSummary:
    """Everything the closing summary of a space shows, read in a fixed number of queries."""

    space: Space
    paper: AnalysisPaper | None
    phases: list[Phase]
    links: list[SpaceLink]
    inputs: list[WrittenInput]
    inputs_total: int
    input_calls: list
    consultations: list[Consultation]
    rapporteur_reports: list = field(default_factory=list)

    @property
    def more_inputs(self) -> int:
        return max(self.inputs_total - len(self.inputs), 0)


def closing_summary(space: Space) -> ClosingSummary:
    """The closing summary of ``space`` (002: "a short summary … to consolidate in one place all outputs and
    links"): the analysis paper when published; each phase with its published questions and the number of
    approved posts under each (moderator notes are not counted, as in the analysis paper); the space's outputs
    and links; the published written inputs to the region's published calls of the same cycle; and the published
    summaries of the region's consultations of the cycle. Bounded, and the same number of queries for 1 row or
    many."""
    paper = AnalysisPaper.objects.filter(space=space, published_at__isnull=False).first()
    approved = Q(posts__approved_at__isnull=False, posts__is_moderator_note=False)
    phases = list(
        space.phases.prefetch_related(
            Prefetch(
                "questions",
                queryset=published_questions()
                .annotate(approved_count=Count("posts", filter=approved))
                .order_by("position", "pk"),
            )
        ).order_by("number")
    )
    inputs = (
        WrittenInput.objects.filter(
            call__region_id=space.region_id,
            call__cycle_id=space.cycle_id,
            call__published=True,
            status=InputStatus.PUBLISHED,
        )
        .select_related("call")
        .order_by("-submitted_at", "-pk")
    )
    shown_inputs = list(inputs[:CLOSING_MAX_INPUTS])
    total = len(shown_inputs) if len(shown_inputs) < CLOSING_MAX_INPUTS else inputs.count()
    calls = list({written.call_id: written.call for written in shown_inputs}.values())
    consultations = list(
        Consultation.objects.filter(
            event__region_id=space.region_id,
            event__cycle_id=space.cycle_id,
            summary_published_at__isnull=False,
        )
        .exclude(status=ConsultationStatus.DRAFT)
        .select_related("event")
        .order_by("summary_published_at", "pk")[:CLOSING_MAX_CONSULTATIONS]
    )
    return ClosingSummary(
        space=space,
        paper=paper,
        phases=phases,
        links=list(space.links.order_by("position", "pk")),
        inputs=shown_inputs,
        inputs_total=total,
        input_calls=calls,
        consultations=consultations,
        rapporteur_reports=rapporteur_reports(space),
    )


def under_published_questions(posts: QuerySet[Post]) -> QuerySet[Post]:
    """Posts under published questions only: a defence for reads that never should meet another kind."""
    return posts.filter(question__status=QuestionStatus.PUBLISHED)
