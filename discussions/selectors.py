"""Reads of the discussions that several pages share, with their joins applied: guiding questions by status, the
team a draft is shared with, and the closing summary of a space.

Everything public reads guiding questions through :func:`published_questions`: a draft, or a question shared
with the region's team for comments, is never on the space page, in the post form, in the search filters, in
the analysis paper or on the closing summary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, TextField, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import get_language

from consultations.enums import ConsultationStatus, InputStatus, ReportStatus
from consultations.models import Consultation, RapporteurReport, WrittenInput
from discussions.enums import QuestionStatus, TagKind
from discussions.models import (
    AnalysisPaper,
    Attachment,
    GuidingQuestion,
    Phase,
    Post,
    QuestionComment,
    Space,
    SpaceLink,
    Subscription,
    Tag,
    byline,
)
from portal.enums import Role
from portal.models import RegionalRole, User

# The closing summary lists at most this many written inputs (newest first) and consultations; it links to
# the full lists. It stays one page whatever the region's activity.
CLOSING_MAX_INPUTS = 50
CLOSING_MAX_CONSULTATIONS = 20


def in_every_language(path: str) -> list[str]:
    """``path`` (a translated field, ``"phase__space__title"`` say) in each language, for ``only()``: reading the
    field picks the language of the request, with its fallback, among them."""
    head, sep, name = path.rpartition("__")
    return [f"{head}{sep}{name}_{code.replace('-', '_')}" for code, _name in settings.LANGUAGES]


def in_page_language(path: str) -> Coalesce:
    """The translated field ``path`` (``"question__text"`` say) in the page's language, with modeltranslation's
    fallback to English where it is empty: for ``values()``, which reads no model and so no fallback."""
    language = (get_language() or settings.LANGUAGE_CODE).replace("-", "_")
    return Coalesce(NullIf(F(f"{path}_{language}"), Value("")), F(f"{path}_en"), output_field=TextField())


def published_questions() -> QuerySet[GuidingQuestion]:
    """Every published guiding question: the only ones anybody outside the region's team ever reads."""
    return GuidingQuestion.objects.filter(status=QuestionStatus.PUBLISHED)


def thread_question(user, *, space_id: int, question_id: int) -> GuidingQuestion | None:
    """The published question ``question_id`` of space ``space_id`` with its phase and space, and what its thread
    asks about the reader: whether they follow it (``following``), are on the space's list of translators
    (``on_translators_list``), and have posts under it not approved yet (``waiting``: they see them after the
    published ones). One query; None when there is no such question."""
    found = (
        published_questions()
        .select_related("phase__space")
        # What the thread shows of them: the question's text and the space's title in every language (the page's
        # is read, with its fallback), and when the phase is open.
        .only(
            "status",
            *in_every_language("text"),
            "phase__number",
            "phase__opens_at",
            "phase__closes_at",
            "phase__space_id",
            *in_every_language("phase__space__title"),
        )
        .annotate(
            following=Exists(Subscription.objects.filter(user=user.pk, space_id=space_id, question=OuterRef("pk"))),
            on_translators_list=Exists(Space.translators.through.objects.filter(user=user.pk, space_id=space_id)),
            waiting=Exists(
                Post.objects.filter(
                    question=OuterRef("pk"), space_id=space_id, author=user.pk, approved_at__isnull=True
                )
            ),
        )
        .filter(pk=question_id, phase__space_id=space_id)
    )
    try:
        return found.get()
    except GuidingQuestion.DoesNotExist:
        return None


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


class ShownTag(NamedTuple):
    """A tag as a post shows it: its kind and number."""

    pk: int
    kind: str
    number: int

    @property
    def kind_label(self) -> str:
        return TagKind(self.kind).label


def tag_rows() -> list[tuple]:
    """Every tag as ``(pk, kind, number, name in each language…)``, in their order: one query, no model rows. The
    post form lists them (``discussions.views``: its rendering is kept under a digest of them)."""
    names = [f"name_{code.replace('-', '_')}" for code, _name in settings.LANGUAGES]
    return list(Tag.objects.values_list("pk", "kind", "number", *names))


def shown_tags(post_ids, *, submitted: bool, tags: list[tuple] | None = None) -> dict[int, list[ShownTag]]:
    """The tags of each post of ``post_ids``, in their order: the approved ones, or those of the version last
    submitted (``submitted``). One query, none without posts; ``tags`` (:func:`tag_rows`), when the page read
    them already, spares it the join."""
    found: dict[int, list] = {pk: [] for pk in post_ids}
    if not found:
        return found
    pairs = (Post.submitted_tags.through if submitted else Post.tags.through).objects.filter(post_id__in=list(found))
    if tags is None:
        rows = pairs.order_by("tag__kind", "tag__number").values_list("post_id", "tag_id", "tag__kind", "tag__number")
        for post_id, *tag in rows:
            found[post_id].append(ShownTag(*tag))
        return found
    order = {row[0]: (index, ShownTag(*row[:3])) for index, row in enumerate(tags)}
    for post_id, tag_id in pairs.values_list("post_id", "tag_id"):
        # A tag made since the list was read waits for the next page.
        if tag_id in order:
            found[post_id].append(order[tag_id])
    return {pk: [tag for _index, tag in sorted(shown)] for pk, shown in found.items()}


def post_files(posts) -> dict[int, list[Attachment]]:
    """The files of each post, oldest first, in every state: one query, none without posts."""
    found: dict[int, list[Attachment]] = {post.pk: [] for post in posts}
    if found:
        for item in Attachment.objects.filter(post_id__in=list(found)).order_by("pk"):
            found[item.post_id].append(item)
    return found


def attach_tags_and_files(posts: list[Post], *, current: set[int], tags: list[tuple] | None = None) -> None:
    """Give each post of a page ``shown_tags`` and ``visible_attachments``: those of the version last submitted for
    the posts in ``current`` (their author's and the space's moderators' view), the approved version's for the
    others (files waiting or refused are not shown to them). ``tags``: :func:`tag_rows`, when the page read
    them. At most three queries, each only when needed."""
    approved = shown_tags([post.pk for post in posts if post.pk not in current], submitted=False, tags=tags)
    submitted = shown_tags([post.pk for post in posts if post.pk in current], submitted=True, tags=tags)
    files = post_files(posts)
    for post in posts:
        sees_current = post.pk in current
        post.shown_tags = submitted[post.pk] if sees_current else approved[post.pk]
        post.visible_attachments = [item for item in files[post.pk] if sees_current or item.approved]


def reply_names(parent_ids) -> dict[int, str]:
    """The names shown for the posts replied to among ``parent_ids``, for "in reply to": published ones only (a reply
    never names a post its reader may not see). One query, none without replies."""
    if not parent_ids:
        return {}
    rows = Post.objects.filter(pk__in=set(parent_ids), approved_at__isnull=False).values_list("pk", "shown_name")
    # The post's own rule for the name, a neutral one once its author deleted their account.
    return {pk: byline(name) for pk, name in rows}
