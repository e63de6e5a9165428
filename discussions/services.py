"""Posting and pre-moderation. Views, the admin and the moderation page all go through here."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from discussions import markup
from discussions.enums import AuthorLabel, PostStatus
from discussions.models import Attachment, GuidingQuestion, ModerationDecision, Post
from discussions.permissions import may_post, moderates


class DiscussionError(Exception):
    """A rule stopped the action; the message is for the person."""


def _shown_name(user, label: str) -> str:
    profile = getattr(user, "profile", None)
    if label == AuthorLabel.ORGANISATION and profile and profile.organisation:
        return profile.organisation
    return profile.display_name if profile else _("Participant")


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
            original_name=upload.name[:200],
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
    if not post.phase.is_open():
        raise DiscussionError(_("This phase of the discussion is closed: posts are no longer taken."))
    post.text, post.html = text, markup.render(text)
    post.status, post.rejection_reason, post.submitted_at = PostStatus.PENDING, "", timezone.now()
    post.save(update_fields=["text", "html", "status", "rejection_reason", "submitted_at"])
    if tags is not None:
        post.tags.set(tags)
    for upload, content_type in files:
        Attachment.objects.create(
            post=post, file=upload, original_name=upload.name[:200], content_type=content_type, size=upload.size
        )
    return post


def post_moderate(*, post: Post, moderator, approve: bool, reason: str = "") -> bool:
    """Approve or reject the pending version of a post; returns False if someone else decided first.

    The post row is locked and its status re-read, so two moderators deciding at
    the same moment produce one decision, one audit entry and one e-mail.
    """
    from discussions.tasks import send_moderation_decision

    with transaction.atomic():
        post = Post.objects.select_for_update().select_related("space").get(pk=post.pk)
        if not moderates(moderator, post.space):
            raise DiscussionError(_("You do not moderate this space."))
        if post.status != PostStatus.PENDING:
            return False
        if not approve and not reason.strip():
            raise DiscussionError(_("Please give the reason for not approving."))
        new_status = PostStatus.APPROVED if approve else PostStatus.REJECTED
        ModerationDecision.objects.create(
            post=post, moderator=moderator, from_status=post.status, to_status=new_status, reason=reason.strip()
        )
        post.status = new_status
        post.rejection_reason = "" if approve else reason.strip()
        fields = ["status", "rejection_reason"]
        if approve:
            post.approved_html, post.approved_text = post.html, post.text
            post.approved_at = post.approved_at or timezone.now()
            fields += ["approved_html", "approved_text", "approved_at"]
            post.attachments.filter(approved=False).update(approved=True)
        post.save(update_fields=fields)
        transaction.on_commit(lambda: send_moderation_decision.delay(post_id=post.pk))
    return True
