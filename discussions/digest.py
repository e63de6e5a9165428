"""Digests: each follower of a space or a question gets the posts approved since the last digest.

Only the approved version of a post goes out (``approved_text``): a pending
edit or a rejected post is never in a digest. Each person's subscriptions are
locked while their digest is built and sent, and moved forward in the same
transaction, so parallel runs never send the same posts twice; a failed send
rolls back and the next run tries again.
"""

import logging
from datetime import timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from discussions.enums import QuestionStatus
from discussions.models import Post, Subscription
from portal.mail import language_of, send_templated_mail
from portal.permissions import can

logger = logging.getLogger(__name__)

# An approval commits a moment after its timestamp is taken; a digest only
# reads posts approved before this margin, so none is skipped by a run that
# starts in between.
MARGIN = timedelta(minutes=5)
POSTS_PER_SECTION = 20


def send_all(now=None) -> int:
    """Send every digest that is due; returns how many e-mails went out."""
    cutoff = (now or timezone.now()) - MARGIN
    users = Subscription.objects.filter(sent_until__lt=cutoff).values_list("user", flat=True).distinct().order_by()
    sent = 0
    for user_id in list(users):
        try:
            sent += send_one(user_id, cutoff)
        except Exception:  # one person's failed mail must not stop the others; retried next run
            logger.exception("Digest for user %s failed; it will be retried.", user_id)
    return sent


def _new_posts(subscription: Subscription, cutoff) -> QuerySet[Post]:
    posts = Post.objects.filter(
        space=subscription.space_id,
        approved_at__gt=subscription.sent_until,
        approved_at__lte=cutoff,
        question__status=QuestionStatus.PUBLISHED,
    ).exclude(author=subscription.user_id)
    if subscription.question_id:
        posts = posts.filter(question=subscription.question_id)
    return posts.select_related("question__phase").order_by("approved_at", "pk")


def send_one(user_id: int, cutoff) -> bool:
    with transaction.atomic():
        subscriptions = list(
            Subscription.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(user=user_id, sent_until__lt=cutoff)
            .select_related("user__profile", "space", "question")
            .order_by("space", "question", "pk")
        )
        if not subscriptions:
            return False
        user = subscriptions[0].user
        followed_spaces = {s.space_id for s in subscriptions if s.question_id is None}
        sections = []
        if user.is_active and can(user, "discussions.read"):
            for subscription in subscriptions:
                if subscription.question_id and subscription.space_id in followed_spaces:
                    continue  # already in the whole space's section
                posts = _new_posts(subscription, cutoff)
                shown = list(posts[:POSTS_PER_SECTION])
                if shown:
                    more = posts.count() - len(shown) if len(shown) == POSTS_PER_SECTION else 0
                    sections.append({"subscription": subscription, "posts": shown, "more": more})
        if sections:
            send_templated_mail(
                template="discussions/email/digest",
                to=[user.email],
                language=language_of(user),
                context={"user": user, "sections": sections},
            )
        Subscription.objects.filter(pk__in=[s.pk for s in subscriptions]).update(sent_until=cutoff)
    return bool(sections)
