"""The discussions' part in a person's data: posts and their files, appeals, subscriptions, moderation, and
comments on guiding questions being drafted.

Registered in :mod:`portal.privacy_registry`; the privacy notice says what erasure keeps and why.
"""

from __future__ import annotations

from django.db import models, transaction

from discussions import post_translations
from discussions.enums import FileStatus, PostStatus
from discussions.models import Appeal, Attachment, Post, QuestionComment, Space, Subscription
from portal import content_translation
from portal.models import User
from portal.privacy_registry import PersonalData, register, rows


@register
class Discussions(PersonalData):
    # Attachments, appeals and moderation decisions are about a post: its author's, not the moderators' who
    # decided them. Moderating a space is a role: listed in the moderator's copy, nobody's own.
    owner = {
        "discussions.attachment": "post__author",
        "discussions.appeal": "post__author",
        "discussions.moderationdecision": "post__author",
        "discussions.space": None,
    }
    listed = {"discussions.space": "moderators"}
    copied = (
        "discussions.post",
        "discussions.attachment",
        "discussions.appeal",
        "discussions.subscription",
        "discussions.moderationdecision",
        "discussions.space",
        "discussions.questioncomment",
    )
    erasure = {
        "discussions.post": "Never approved: deleted, with their files. Approved: back to their approved version, "
        "shown under the neutral name “Former participant”, because others replied and summaries draw on them.",
        "discussions.attachment": "Files not approved are deleted, from the disk too once the erasure is committed.",
        "discussions.appeal": "The reason the person gave is erased. Appeals of others they decided as a moderator "
        "stay whole, linked to the emptied account.",
        "discussions.subscription": "Deleted.",
        "discussions.moderationdecision": "Kept: the moderation's record of the person's posts. Decisions they took "
        "as a moderator on others' posts stay whole, linked to the emptied account.",
        "discussions.space": "The person no longer moderates or translates any space.",
        "discussions.questioncomment": "Deleted: a team member's comments on draft guiding questions are the "
        "team's working notes; the published question does not depend on them.",
    }

    def copy(self, user: User) -> dict:
        data = {}
        for label, queryset in {**self.owned(user), **self.listed_rows(user)}.items():
            # The HTML and the search vector of a post are derived from its text: the copy holds the text.
            found = rows(queryset, leave_out=("html", "approved_html", "search_vector"))
            if found:
                data[label] = found
        # Translating a space's posts is a role too, listed beside the spaces the person moderates.
        translated = rows(Space.objects.filter(translators=user).order_by("pk"))
        if translated:
            data["discussions.space (translator)"] = translated
        return data

    def erase(self, user: User) -> None:
        # What was never approved goes, with its files; an approved post keeps its approved version.
        unpublished = Post.objects.filter(author=user, approved_at__isnull=True)
        files = list(Attachment.objects.filter(post__in=unpublished).values_list("file", flat=True))
        unapproved_files = Attachment.objects.filter(post__author=user).exclude(status=FileStatus.APPROVED)
        files += list(unapproved_files.values_list("file", flat=True))
        unapproved_files.delete()
        Appeal.objects.filter(post__author=user).update(reason="")
        # Translations of texts that go, go with them: every translation of a post never approved, and the
        # engine's translations of submitted versions that are put back to the approved one.
        content_translation.forget(Post, unpublished.values_list("pk", flat=True))
        content_translation.forget(
            Post, Post.objects.filter(author=user).values_list("pk", flat=True), field=post_translations.SUBMITTED_FIELD
        )
        unpublished.delete()
        Post.objects.filter(author=user, status__in=(PostStatus.PENDING, PostStatus.REJECTED)).update(
            status=PostStatus.APPROVED,
            text=models.F("approved_text"),
            html=models.F("approved_html"),
            rejection_reason="",
        )
        Post.objects.filter(author=user).update(shown_name="")
        Subscription.objects.filter(user=user).delete()
        QuestionComment.objects.filter(author=user).delete()
        user.moderated_spaces.clear()
        user.translated_spaces.clear()

        def delete_files() -> None:
            storage = Attachment._meta.get_field("file").storage
            for name in files:
                storage.delete(name)

        transaction.on_commit(delete_files)
