"""Posting, pre-moderation and appeals. Views, the admin and the moderation page all go through here.

002: every comment is approved by a moderator before anyone else sees it. A
moderator decides on exactly the version they were shown (text, tags and files
of one revision); nobody decides on their own post or their organisation's; a
refused author may ask once for a second review by someone else.
"""

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from modeltranslation.utils import build_localized_fieldname

from discussions import markup, search
from discussions.enums import AppealOutcome, AuthorLabel, FileStatus, PostStatus, QuestionStatus
from discussions.models import (
    AnalysisPaper,
    Appeal,
    Attachment,
    GuidingQuestion,
    ModerationDecision,
    Phase,
    Post,
    QuestionComment,
    Space,
    Subscription,
)
from discussions.permissions import (
    drafts_questions,
    in_drafting_team,
    may_decide_appeals,
    may_post,
    may_read_question,
    moderated_spaces,
    moderates,
    posting_refusal,
)
from discussions.selectors import drafting_team
from discussions.tasks import send_appeal_decision, send_moderation_decisions, send_question_shared
from portal import content_translation, integrity
from portal.cache import public_pages_changed
from portal.enums import AuditAction
from portal.mail import language_of, send_templated_mail
from portal.models import AuditEntry, User
from portal.permissions import acting_role, can, forget_roles
from portal.services import audit_record
from portal.tasks import enqueue
from portal.uploads import stored_file_name
from portal.validators import neutralise_text

APPEAL_MAX_CHARS = 1000
QUESTION_MAX_CHARS = 2000
COMMENT_MAX_CHARS = 1000


class DiscussionError(Exception):
    """A rule stopped the action; the message is for the person."""


class PostChanged(DiscussionError):
    """The post was edited after the moderator opened it: the decision is refused, the new version must be read."""

    def __init__(self, message: str, post_ids: list[int]):
        super().__init__(message)
        self.post_ids = post_ids


def _shown_name(user, label: str) -> str:
    """The name shown with a post, without hidden characters a name saved before the checks may hold."""
    profile = getattr(user, "profile", None)
    if label == AuthorLabel.ORGANISATION and profile and profile.organisation:
        return neutralise_text(profile.organisation)
    return neutralise_text(profile.display_name) if profile else _("Participant")


@transaction.atomic
def post_create(
    *,
    question: GuidingQuestion,
    author,
    text: str,
    language: str,
    author_label: str = AuthorLabel.DISPLAY_NAME,
    tags=(),
    parent: Post | None = None,
    files=(),
    moderator_note: bool = False,
) -> Post:
    """Send a post for moderation. It is visible to its author and the space's moderators only, until approved.

    Only a published guiding question takes posts: a draft, or one shared with the team for comments, is refused.
    """
    question = GuidingQuestion.objects.select_related("phase__space").get(pk=question.pk)
    phase = question.phase
    space = phase.space
    if question.status != QuestionStatus.PUBLISHED:
        raise DiscussionError(_("This guiding question is not published: it takes no posts."))
    if moderator_note:
        if not moderates(author, space):
            raise DiscussionError(_("Only the moderators of this space can write moderator notes."))
    elif not may_post(author):
        raise DiscussionError(posting_refusal())
    if not phase.is_open():
        raise DiscussionError(_("This phase of the discussion is closed: posts are no longer taken."))
    if parent is not None and parent.question_id != question.pk:
        raise DiscussionError(_("A reply must stay under the same question."))
    now = timezone.now()
    html = markup.render(text)
    post = Post.objects.create(
        space=space,
        phase=phase,
        question=question,
        parent=parent,
        author=author,
        author_label=author_label,
        shown_name=_shown_name(author, author_label),
        language=language,
        text=text,
        html=html,
        status=PostStatus.APPROVED if moderator_note else PostStatus.PENDING,
        approved_html=html if moderator_note else "",
        approved_text=text if moderator_note else "",
        approved_at=now if moderator_note else None,
        submitted_at=now,
        is_moderator_note=moderator_note,
    )
    post.submitted_tags.set(tags)
    if moderator_note:
        post.tags.set(tags)
        search.index_posts(Post.objects.filter(pk=post.pk))
    _attach(post, files, status=FileStatus.APPROVED if moderator_note else FileStatus.PENDING)
    return post


def _attach(post: Post, files, *, status: str = FileStatus.PENDING) -> None:
    """Store the uploaded files as part of the post's current revision."""
    for upload, content_type in files:
        Attachment.objects.create(
            post=post,
            file=upload,
            original_name=stored_file_name(upload.name, content_type),
            content_type=content_type,
            size=upload.size,
            revision=post.revision,
            status=status,
        )


@transaction.atomic
def post_edit(*, post: Post, author, text: str, tags=None, files=()) -> Post:
    """Send an edit for moderation as a new revision; the approved version stays public until the edit is approved.

    New tags wait with the edit (readers keep seeing the approved ones), new
    files belong to this revision, and an open appeal is withdrawn: the edit goes
    to a moderator anyway.
    """
    post = Post.objects.select_for_update().get(pk=post.pk)
    if post.author_id != author.pk:
        raise DiscussionError(_("You can only edit your own posts."))
    if not (post.is_moderator_note and moderates(author, post.space)) and not may_post(author):
        raise DiscussionError(posting_refusal())
    if not post.phase.is_open():
        raise DiscussionError(_("This phase of the discussion is closed: posts are no longer taken."))
    post.text, post.html = text, markup.render(text)
    post.status, post.rejection_reason, post.submitted_at = PostStatus.PENDING, "", timezone.now()
    post.revision += 1
    post.save(update_fields=["text", "html", "status", "rejection_reason", "submitted_at", "revision"])
    content_translation.original_changed(post, "text", text)
    if tags is not None:
        post.submitted_tags.set(tags)
    _attach(post, files)
    Appeal.objects.filter(post=post, outcome=AppealOutcome.OPEN).update(
        outcome=AppealOutcome.WITHDRAWN, decided_at=timezone.now()
    )
    return post


def post_moderate(*, post: Post, by, approve: bool, shown_revision: int, reason: str = "") -> bool:
    """Approve or reject the version of one post the moderator was shown; False if someone else decided first."""
    if not moderates(by, post.space):
        raise DiscussionError(_("You do not moderate this space."))
    decided = posts_moderate(versions={post.pk: shown_revision}, by=by, approve=approve, reason=reason)
    return decided == 1


def _changed(count: int) -> str:
    return ngettext(
        "This post changed since you opened it: read the new version before you decide.",
        "%(count)d posts changed since you opened them: read the new versions before you decide.",
        count,
    ) % {"count": count}


def post_decision_refusal(*, by, post: Post) -> str | None:
    """Why ``moderator`` may not decide ``post`` (their own, their organisation's); None if they may."""
    return integrity.refusal(decider=by, subject=post.author)


def _refusal_for(moderator, author_id: int) -> str | None:
    author = User.objects.select_related("profile").get(pk=author_id)
    return integrity.refusal(decider=moderator, subject=author)


def posts_moderate(*, versions: dict[int, int], by, approve: bool, reason: str = "") -> int:
    """Decide on pending posts, each at the revision the moderator was shown; returns how many were decided.

    In a fixed number of queries, whatever the number of posts. The pending rows
    of the spaces the moderator is assigned to are locked and re-read (SELECT …
    FOR UPDATE), so two moderators deciding at the same moment produce one
    decision, one audit entry and one e-mail per post; a post someone else
    decided first is skipped. The whole decision is refused, and nothing changes,
    when one of the posts is the moderator's own or their organisation's, or was
    edited since it was shown (``PostChanged`` names those posts). Approval
    publishes the revision shown: its text, its tags and the files still waiting;
    rejection refuses those files, and a refused file stays refused.
    """

    reason = reason.strip()
    forget_roles(by)  # the roles as they are now, read the same way on every call
    if not can(by, "discussions.moderate"):
        raise DiscussionError(_("You do not moderate this space."))
    if not approve and not reason:
        raise DiscussionError(_("Please give the reason for not approving."))
    with transaction.atomic():
        pending = Post.objects.select_for_update(of=("self",)).filter(pk__in=list(versions), status=PostStatus.PENDING)
        if not by.is_superuser:
            pending = pending.filter(space__in=moderated_spaces(by))
        rows = list(pending.values_list("pk", "revision", "author_id"))
        if not rows:
            return 0
        conflicted = integrity.conflicted(by, {author_id for _pk, _revision, author_id in rows})
        if conflicted:
            raise DiscussionError(_refusal_for(by, min(conflicted)))
        changed = sorted(pk for pk, revision, _author in rows if versions[pk] != revision)
        if changed:
            raise PostChanged(_changed(len(changed)), changed)
        ids = [pk for pk, *_rest in rows]
        _record(ids, moderator=by, approve=approve, reason=reason, action=AuditAction.MODERATION)
        transaction.on_commit(lambda: enqueue(send_moderation_decisions.s(post_ids=ids)))
    return len(ids)


def _record(ids: list[int], *, moderator, approve: bool, reason: str, action: str, from_status=PostStatus.PENDING):
    """Write the decisions, their audit entries and the new state of the posts ``ids`` (locked by the caller);
    an approved text becomes searchable in the same transaction."""
    now = timezone.now()
    new_status = PostStatus.APPROVED if approve else PostStatus.REJECTED
    ModerationDecision.objects.bulk_create(
        [
            ModerationDecision(
                post_id=pk,
                moderator=moderator,
                from_status=from_status,
                to_status=new_status,
                reason=reason,
                created_at=now,
            )
            for pk in ids
        ]
    )
    regions = dict(Post.objects.filter(pk__in=ids).values_list("pk", "space__region_id"))
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                actor=moderator,
                action=action,
                target_type=Post._meta.label_lower,
                target_id=str(pk),
                detail=new_status,
                at=now,
                role=acting_role(moderator, "discussions.moderate", regions[pk])
                or acting_role(moderator, "discussions.analyse", regions[pk]),
                region_id=regions[pk],
            )
            for pk in ids
        ]
    )
    decided = Post.objects.filter(pk__in=ids)
    if approve:
        decided.update(
            status=new_status,
            rejection_reason="",
            approved_html=F("html"),
            approved_text=F("text"),
            approved_at=Coalesce(F("approved_at"), now),
        )
        search.index_posts(decided)
        _publish_tags(ids)
        Attachment.objects.filter(post__in=ids, status=FileStatus.PENDING).update(status=FileStatus.APPROVED)
        # Translations follow the published version: those of an earlier one stop being shown.
        content_translation.originals_changed(Post, "approved_text", dict(decided.values_list("pk", "approved_text")))
    else:
        decided.update(status=new_status, rejection_reason=reason)
        Attachment.objects.filter(post__in=ids, status=FileStatus.PENDING).update(status=FileStatus.REFUSED)
    public_pages_changed()  # the bulk update sends no signals; public counts change


def _publish_tags(ids: list[int]) -> None:
    """The tags of the approved revisions become the public ones: two statements, whatever the number of posts."""
    public, submitted = Post.tags.through, Post.submitted_tags.through
    public.objects.filter(post_id__in=ids).delete()
    placeholders = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {public._meta.db_table} (post_id, tag_id) "  # noqa: S608 - table names from the models
            f"SELECT post_id, tag_id FROM {submitted._meta.db_table} WHERE post_id IN ({placeholders})",
            ids,
        )


@transaction.atomic
def appeal_create(*, post: Post, author, reason: str) -> Appeal:
    """The author of a post that was not approved asks, once, for a second review, with a short reason.

    The author gets a receipt by e-mail, and the outcome later.
    """
    post = Post.objects.select_for_update().get(pk=post.pk)
    reason = reason.strip()
    if post.author_id != author.pk:
        raise DiscussionError(_("Only the author of a post can ask for a second review."))
    if post.status != PostStatus.REJECTED:
        raise DiscussionError(_("A second review can be asked only for a post that was not approved."))
    if Appeal.objects.filter(post=post).exists():
        raise DiscussionError(_("A second review of this post was already asked for: it can be asked once."))
    if not reason:
        raise DiscussionError(_("Please say briefly why the post should be reviewed again."))
    if len(reason) > APPEAL_MAX_CHARS:
        raise DiscussionError(_("Please shorten your reason to %(limit)d characters.") % {"limit": APPEAL_MAX_CHARS})

    first = post.decisions.filter(to_status=PostStatus.REJECTED).order_by("-created_at", "-pk").first()
    appeal = Appeal.objects.create(
        post=post, revision=post.revision, reason=reason, first_moderator=first.moderator if first else None
    )
    transaction.on_commit(lambda: enqueue(send_appeal_decision.s(appeal_id=appeal.pk)))
    return appeal


def appeal_refusal(*, appeal: Appeal, user, conflicted: set[int] | None = None) -> str | None:
    """Why ``user`` may not decide ``appeal``; None if they may (``conflicted``: authors already known conflicted)."""
    if not may_decide_appeals(user, appeal.post.space):
        return _("Only the moderators of this space and the secretariat decide appeals.")
    if appeal.first_moderator_id is not None and appeal.first_moderator_id == user.pk:
        return _("You took the first decision on this post: another moderator or the secretariat decides the appeal.")
    if conflicted is not None and appeal.post.author_id not in conflicted:
        return None
    return integrity.refusal(decider=user, subject=appeal.post.author)


def appeal_decide(*, appeal: Appeal, by, overturn: bool, shown_revision: int, note: str = "") -> bool:
    """The second review: approve the refused version (overturn) or confirm the refusal; False if already decided.

    Decided by a moderator of the space other than the one who refused the post,
    or by the secretariat; never by the author or their organisation. Both
    decisions stay in the moderation history and the audit log, and the author is
    told in their language.
    """

    note = note.strip()
    if not overturn and not note:
        raise DiscussionError(_("Please say why the post stays unapproved."))
    with transaction.atomic():
        appeal = (
            Appeal.objects.select_for_update(of=("self",))
            .select_related("post__author__profile", "post__space")
            .get(pk=appeal.pk)
        )
        post = Post.objects.select_for_update().get(pk=appeal.post_id)
        refusal = appeal_refusal(appeal=appeal, user=by)
        if refusal:
            raise DiscussionError(refusal)
        if appeal.outcome != AppealOutcome.OPEN:
            return False
        if post.revision != shown_revision or post.revision != appeal.revision or post.status != PostStatus.REJECTED:
            raise PostChanged(_changed(1), [post.pk])
        reason = _("Second review: %(note)s") % {"note": note} if note else _("Second review")
        _record(
            [post.pk],
            moderator=by,
            approve=overturn,
            reason=reason,
            action=AuditAction.APPEAL,
            from_status=PostStatus.REJECTED,
        )
        appeal.outcome = AppealOutcome.OVERTURNED if overturn else AppealOutcome.UPHELD
        appeal.decided_by, appeal.decided_at, appeal.note = by, timezone.now(), note
        appeal.save(update_fields=["outcome", "decided_by", "decided_at", "note"])
        transaction.on_commit(lambda: enqueue(send_appeal_decision.s(appeal_id=appeal.pk)))
    return True


def subscription_create(*, user, space: Space, question: GuidingQuestion | None = None) -> Subscription:
    """Follow a space (``question`` empty) or one of its questions, for the digest of new posts; twice is once.

    Only posts approved from now on are sent: what is already there was not news to the follower.
    """
    if not can(user, "discussions.read"):
        raise DiscussionError(_("Your role does not allow this step."))
    if question is not None and question.phase.space_id != space.pk:
        raise ValueError("the question belongs to another space")  # the caller's mistake, never the person's
    if question is not None and question.status != QuestionStatus.PUBLISHED:
        raise DiscussionError(_("This guiding question is not published: it cannot be followed yet."))
    subscription, _created = Subscription.objects.get_or_create(
        user=user, space=space, question=question, defaults={"sent_until": timezone.now()}
    )
    return subscription


def subscription_delete(*, user, space: Space, question: GuidingQuestion | None = None) -> None:
    """Stop following a space or one of its questions."""
    Subscription.objects.filter(user=user, space=space, question=question).delete()


def _paper_locked(space: Space) -> AnalysisPaper:
    AnalysisPaper.objects.get_or_create(space=space)
    return AnalysisPaper.objects.select_for_update().get(space=space)


def _check_analyst(by) -> None:
    if not can(by, "discussions.analyse"):
        raise DiscussionError(_("Your role does not allow this decision."))


def _has_synthesis(paper: AnalysisPaper) -> bool:
    """True when the paper has its synthesis in the language every other one falls back to (English)."""
    fallback = build_localized_fieldname("synthesis", settings.MODELTRANSLATION_DEFAULT_LANGUAGE)
    return bool((getattr(paper, fallback, "") or "").strip())


@transaction.atomic
def analysis_paper_publish(*, space: Space, by) -> bool:
    """Publish the analysis paper of ``space``: everyone may read it from now on. The publisher is in the audit log.

    002: the paper is shared at least two weeks before the Regional Review; publishing later is allowed, and
    the page says it was late (``discussions.analysis.timing``). The publication date is that of the first
    publication: publishing again changes nothing and is not audited again (it would make an on-time paper
    late). A paper without its synthesis (in English, the text every language falls back to) is refused.
    Returns True when this call published the paper, False when it already was.
    """
    _check_analyst(by)
    paper = _paper_locked(space)
    if paper.published_at is not None:
        return False
    if not _has_synthesis(paper):
        raise DiscussionError(
            _(
                "The analysis paper cannot be published without its synthesis. Write the synthesis (in English "
                "at least: it is shown where a language has none), then publish."
            )
        )
    paper.published_at = timezone.now()
    paper.save(update_fields=["published_at", "updated_at"])
    audit_record(actor=by, action=AuditAction.ANALYSIS_PUBLICATION, target=paper, detail="published")
    return True


@transaction.atomic
def analysis_paper_unpublish(*, space: Space, by) -> bool:
    """Take the analysis paper of ``space`` back to draft: only the secretariat and its moderators see it. Audited.

    Returns True when this call took it back to draft, False when it was not published (nothing changes, nothing
    is audited).
    """
    _check_analyst(by)
    paper = _paper_locked(space)
    if paper.published_at is None:
        return False
    paper.published_at = None
    paper.save(update_fields=["published_at", "updated_at"])
    audit_record(actor=by, action=AuditAction.ANALYSIS_PUBLICATION, target=paper, detail="back to draft")
    return True


# --- Drafting guiding questions ---------------------------------------------------------------------------------


class QuestionChanged(DiscussionError):
    """The question changed after the page was shown: the action is refused, the new version must be read."""


def _question_changed() -> QuestionChanged:
    return QuestionChanged(
        _("This guiding question changed since you opened it: read the new version, then decide again.")
    )


def _texts(texts: dict[str, str]) -> dict[str, str]:
    """The question in each language as model fields (``text_fr``…), stripped; English, the text every other
    language falls back to, is required. An unknown language is the caller's mistake."""
    languages = [code for code, _name in settings.LANGUAGES]
    unknown = set(texts) - set(languages)
    if unknown:
        raise ValueError(f"unknown languages {sorted(unknown)}")
    cleaned = {code: (texts.get(code) or "").strip() for code in languages}
    if not cleaned[settings.MODELTRANSLATION_DEFAULT_LANGUAGE]:
        raise DiscussionError(_("Write the question in English at least: it is shown where a language has none."))
    if any(len(text) > QUESTION_MAX_CHARS for text in cleaned.values()):
        raise DiscussionError(
            _("Please shorten the question to %(limit)d characters in each language.") % {"limit": QUESTION_MAX_CHARS}
        )
    fields = {build_localized_fieldname("text", code): text for code, text in cleaned.items()}
    fields["text"] = cleaned[settings.MODELTRANSLATION_DEFAULT_LANGUAGE]
    return fields


def _check_drafter(by, space: Space) -> None:
    forget_roles(by)  # the roles as they are now
    if not drafts_questions(by, space):
        raise DiscussionError(
            _("Only the secretariat, the region's focal points and the space's moderators draft guiding questions.")
        )


def _question_locked(question: GuidingQuestion) -> GuidingQuestion:
    return GuidingQuestion.objects.select_for_update(of=("self",)).select_related("phase__space").get(pk=question.pk)


def _audit_question(question: GuidingQuestion, *, by, detail: str) -> None:
    space = question.phase.space
    capability = "discussions.analyse" if can(by, "discussions.analyse") else "discussions.moderate"
    audit_record(
        actor=by,
        action=AuditAction.QUESTION_PUBLICATION,
        target=question,
        detail=f"{detail} (version {question.revision})",
        capability=capability,
        region_id=space.region_id,
    )


@transaction.atomic
def question_create(*, phase: Phase, by, texts: dict[str, str], position: int | None = None) -> GuidingQuestion:
    """Draft a new guiding question of ``phase``: only its drafters see it until they share it with the team.

    ``texts``: the question by language code; English is required. Without ``position`` it goes last.
    """
    space = phase.space
    _check_drafter(by, space)
    fields = _texts(texts)
    if position is None:
        last = GuidingQuestion.objects.filter(phase=phase).order_by("-position").values_list("position", flat=True)
        position = (last.first() or 0) + 1
    return GuidingQuestion.objects.create(
        phase=phase, position=position, status=QuestionStatus.DRAFT, revision=1, **fields
    )


@transaction.atomic
def question_edit(
    *, question: GuidingQuestion, by, texts: dict[str, str], shown_revision: int, position: int | None = None
) -> GuidingQuestion:
    """Change the text of a question not yet published, as a new version; comments stay with the version they
    were written on. Refused when the question changed since the editor opened it (two editors at once) and once
    it is published: people may have answered it."""
    question = _question_locked(question)
    _check_drafter(by, question.phase.space)
    if question.status == QuestionStatus.PUBLISHED:
        raise DiscussionError(_("This guiding question is published: its text can no longer be changed here."))
    if question.revision != shown_revision:
        raise _question_changed()
    fields = _texts(texts)
    if position is not None:
        fields["position"] = position
    changed = [name for name, value in fields.items() if getattr(question, name) != value]
    if not changed:
        return question
    for name in changed:
        setattr(question, name, fields[name])
    question.revision += 1
    question.save(update_fields=[*changed, "revision"])
    return question


@transaction.atomic
def question_share(*, question: GuidingQuestion, by, shown_revision: int) -> bool:
    """Share a draft with the region's team for comments (002); the team is e-mailed once, each in their language.

    Returns False when it was already shared (nothing changes, nobody is mailed again). Refused on a published
    question, and when the draft changed since the page was shown. Audited.
    """
    question = _question_locked(question)
    _check_drafter(by, question.phase.space)
    if question.status == QuestionStatus.PUBLISHED:
        raise DiscussionError(_("This guiding question is already published."))
    if question.status == QuestionStatus.SHARED:
        return False
    if question.revision != shown_revision:
        raise _question_changed()
    question.status, question.shared_at = QuestionStatus.SHARED, timezone.now()
    question.save(update_fields=["status", "shared_at"])
    _audit_question(question, by=by, detail="shared with the team")
    question_id, by_id = question.pk, by.pk
    transaction.on_commit(lambda: enqueue(send_question_shared.s(question_id=question_id, by_id=by_id)))
    return True


@transaction.atomic
def question_publish(*, question: GuidingQuestion, by, shown_revision: int) -> bool:
    """Publish a question exactly in the version the publisher was shown: from now on it is on the space page and
    takes posts. Returns False when it already was published. Refused when the text changed since it was shown
    (the new version must be read first). Audited with the version published."""
    question = _question_locked(question)
    _check_drafter(by, question.phase.space)
    if question.status == QuestionStatus.PUBLISHED:
        return False
    if question.revision != shown_revision:
        raise _question_changed()
    question.status, question.published_at = QuestionStatus.PUBLISHED, timezone.now()
    question.save(update_fields=["status", "published_at"])
    _audit_question(question, by=by, detail="published")
    return True


@transaction.atomic
def question_return_to_draft(*, question: GuidingQuestion, by) -> bool:
    """Take a shared question back to draft (to rework it before sharing again); False when it is a draft already.

    A published question stays published: people may have answered it. Audited.
    """
    question = _question_locked(question)
    _check_drafter(by, question.phase.space)
    if question.status == QuestionStatus.PUBLISHED:
        raise DiscussionError(_("A published guiding question stays published: people may have answered it."))
    if question.status == QuestionStatus.DRAFT:
        return False
    question.status = QuestionStatus.DRAFT
    question.save(update_fields=["status"])
    _audit_question(question, by=by, detail="back to draft")
    return True


def question_comment_create(*, question: GuidingQuestion, author, text: str) -> QuestionComment:
    """A team member's comment on a question being drafted: short, on the version they read. Nobody is e-mailed;
    the team reads the comments on the question's drafting page."""
    question = GuidingQuestion.objects.select_related("phase__space").get(pk=question.pk)
    space = question.phase.space
    forget_roles(author)
    if not (in_drafting_team(author, space) and may_read_question(author, question, space)):
        raise DiscussionError(_("Only the region's team comments on guiding questions being drafted."))
    if question.status == QuestionStatus.PUBLISHED:
        raise DiscussionError(_("This guiding question is published: comments on it are closed."))
    text = text.strip()
    if not text:
        raise DiscussionError(_("Please write your comment."))
    if len(text) > COMMENT_MAX_CHARS:
        raise DiscussionError(_("Please shorten your comment to %(limit)d characters.") % {"limit": COMMENT_MAX_CHARS})
    return QuestionComment.objects.create(question=question, author=author, text=text, revision=question.revision)


def question_team_notify(*, question_id: int, by_id: int | None) -> int:
    """E-mail the region's team, each person in their language, that a draft is shared for comments: once per
    share (a second run finds the share already announced and sends nothing). Returns how many were mailed."""
    with transaction.atomic():
        question = (
            GuidingQuestion.objects.select_for_update(of=("self",))
            .select_related("phase__space__region")
            .filter(pk=question_id)
            .first()
        )
        if question is None or question.status != QuestionStatus.SHARED or question.shared_at is None:
            return 0
        if question.team_notified_at is not None and question.team_notified_at >= question.shared_at:
            return 0
        recipients = [user for user in drafting_team(question.phase.space) if user.pk != by_id and user.email]
        for user in recipients:
            send_templated_mail(
                template="discussions/email/question_shared",
                to=[user.email],
                language=language_of(user),
                context={"user": user, "question": question, "space": question.phase.space},
            )
        question.team_notified_at = timezone.now()
        question.save(update_fields=["team_notified_at"])
    return len(recipients)
