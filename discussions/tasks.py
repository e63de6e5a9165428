from discussions.enums import AppealOutcome, PostStatus
from discussions.models import Appeal, Post
from portal.mail import language_of, mail_task, send_templated_mail


@mail_task
def send_moderation_decisions(*, post_ids: list[int]) -> None:
    """Tell each author, in their language, that their post was approved or why it was not."""
    posts = Post.objects.select_related("author__profile", "question", "space").filter(pk__in=post_ids)
    for post in posts.exclude(status=PostStatus.PENDING).exclude(is_moderator_note=True):
        send_templated_mail(
            template="discussions/email/moderation_decision",
            to=[post.author.email],
            language=language_of(post.author),
            context={"post": post, "approved": post.status == PostStatus.APPROVED},
        )


@mail_task
def send_appeal_decision(*, appeal_id: int) -> None:
    """Tell the author, in their language, that their request for a second review arrived, or its outcome."""

    appeal = Appeal.objects.select_related("post__author__profile", "post__space").filter(pk=appeal_id).first()
    if appeal is None or appeal.outcome == AppealOutcome.WITHDRAWN:
        return
    received = appeal.outcome == AppealOutcome.OPEN
    send_templated_mail(
        template="discussions/email/appeal_received" if received else "discussions/email/appeal_decision",
        to=[appeal.post.author.email],
        language=language_of(appeal.post.author),
        context={"appeal": appeal, "post": appeal.post},
    )


@mail_task
def send_question_shared(*, question_id: int, by_id: int | None = None) -> None:
    """Tell the region's team, each in their language, that a draft guiding question is shared for comments."""
    from discussions.services import question_team_notify  # noqa: PLC0415 - the services queue this task

    question_team_notify(question_id=question_id, by_id=by_id)
