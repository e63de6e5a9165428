"""Posting and pre-moderation. Views, the admin and the moderation page all go through here."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from discussions import markup
from discussions.enums import AuthorLabel, PostStatus
from discussions.models import Attachment, GuidingQuestion, ModerationDecision, Post
from discussions.permissions import may_post, moderates
from portal.cache import public_pages_changed
from portal.enums import AuditAction
from portal.models import AuditEntry
from portal.uploads import stored_file_name
from portal.validators import neutralise_text


class DiscussionError(Exception):
    """A rule stopped the action; the message is for the person."""


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
    """Send a post for moderation. It is visible to its author and the space's moderators only, until approved."""
    phase = question.phase
    space = phase.space
    if moderator_note:
        if not moderates(author, space):
            raise DiscussionError(_("Only the moderators of this space can write moderator notes."))
    elif not may_post(author):
        raise DiscussionError(
            _("Only verified stakeholders and UN system members can post. Member States can read the discussion.")
        )
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
    post.tags.set(tags)
    for upload, content_type in files:
        Attachment.objects.create(
            post=post,
            file=upload,
            original_name=stored_file_name(upload.name, content_type),
            content_type=content_type,
            size=upload.size,
            approved=moderator_note,
        )
    return post


@transaction.atomic
def post_edit(*, post: Post, author, text: str, tags=None, files=()) -> Post:
    """Send an edit for moderation; an approved version stays public until the edit is approved."""
    post = Post.objects.select_for_update().get(pk=post.pk)
    if post.author_id != author.pk:
        raise DiscussionError(_("You can only edit your own posts."))
    if not (post.is_moderator_note and moderates(author, post.space)) and not may_post(author):
        raise DiscussionError(
            _("Only verified stakeholders and UN system members can post. Member States can read the discussion.")
        )
    if not post.phase.is_open():
        raise DiscussionError(_("This phase of the discussion is closed: posts are no longer taken."))
    post.text, post.html = text, markup.render(text)
    post.status, post.rejection_reason, post.submitted_at = PostStatus.PENDING, "", timezone.now()
    post.save(update_fields=["text", "html", "status", "rejection_reason", "submitted_at"])
    if tags is not None:
        post.tags.set(tags)
    for upload, content_type in files:
        Attachment.objects.create(
            post=post,
            file=upload,
            original_name=stored_file_name(upload.name, content_type),
            content_type=content_type,
            size=upload.size,
        )
    return post


def post_moderate(*, post: Post, moderator, approve: bool, reason: str = "") -> bool:
    """Approve or reject the pending version of one post; returns False if someone else decided first."""
    if not moderates(moderator, post.space):
        raise DiscussionError(_("You do not moderate this space."))
    return posts_moderate(post_ids=[post.pk], moderator=moderator, approve=approve, reason=reason) == 1


def posts_moderate(*, post_ids, moderator, approve: bool, reason: str = "") -> int:
    """Decide on many pending posts at once, in a fixed number of queries; returns how many were decided.

    The pending rows of the spaces the moderator is assigned to are locked and
    re-read (SELECT … FOR UPDATE), so two moderators deciding at the same moment
    produce one decision, one audit entry and one e-mail per post. Approval
    publishes the submitted version (an edit of an approved post replaces the
    public version only now) and its attachments.
    """
    from django.db.models import F
    from django.db.models.functions import Coalesce

    from discussions.tasks import send_moderation_decisions
    from portal.tasks import enqueue

    reason = reason.strip()
    if not approve and not reason:
        raise DiscussionError(_("Please give the reason for not approving."))
    new_status = PostStatus.APPROVED if approve else PostStatus.REJECTED
    with transaction.atomic():
        pending = Post.objects.select_for_update(of=("self",)).filter(pk__in=list(post_ids), status=PostStatus.PENDING)
        if not moderator.is_superuser:
            pending = pending.filter(space__moderators=moderator)
        ids = list(pending.values_list("pk", flat=True))
        if not ids:
            return 0
        now = timezone.now()
        ModerationDecision.objects.bulk_create(
            [
                ModerationDecision(
                    post_id=pk,
                    moderator=moderator,
                    from_status=PostStatus.PENDING,
                    to_status=new_status,
                    reason=reason,
                    created_at=now,
                )
                for pk in ids
            ]
        )
        AuditEntry.objects.bulk_create(
            [
                AuditEntry(
                    actor=moderator,
                    action=AuditAction.MODERATION,
                    target_type=Post._meta.label_lower,
                    target_id=str(pk),
                    detail=new_status,
                    at=now,
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
            Attachment.objects.filter(post__in=ids, approved=False).update(approved=True)
        else:
            decided.update(status=new_status, rejection_reason=reason)
        public_pages_changed()  # the bulk update sends no signals; public counts change
        transaction.on_commit(lambda: enqueue(send_moderation_decisions.s(post_ids=ids)))
    return len(ids)
