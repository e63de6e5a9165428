"""The discussions' section of the digest (portal.digest): what was published in the spaces and questions a person
follows since their last digest, and the phases of those spaces that close before the next one.

Only the approved version of a post goes out (``approved_text``), of a published question, never the person's
own posts: a pending edit, a rejected post or a draft question is never in a digest. Each subscription keeps its
own mark (``sent_until``: posts approved up to then were sent, or came before the subscription), moved forward
once the digest is handled; the digest also starts no earlier than the end of the person's last one, so a
person back from "no digest" gets what is new from then on, not everything since they stopped.
"""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from discussions.enums import QuestionStatus
from discussions.models import Phase, Post, Subscription
from portal.digest import LINES_PER_GROUP, Group, Line, Part, Period, Section, absolute, register, when
from portal.models import User
from portal.permissions import can


def _new_posts(subscription: Subscription, user: User, period: Period):
    posts = Post.objects.filter(
        space=subscription.space_id,
        approved_at__gt=period.start(subscription.sent_until),
        approved_at__lte=period.until,
        question__status=QuestionStatus.PUBLISHED,
    ).exclude(author=user)
    if subscription.question_id:
        posts = posts.filter(question=subscription.question_id)
    return posts.select_related("question__phase").order_by("approved_at", "pk")


def _closing(subscriptions: list[Subscription], period: Period) -> list[Phase]:
    """The phases of the followed spaces (or of the followed questions) that close before the next digest."""
    spaces = [s.space_id for s in subscriptions if s.question_id is None]
    phases = [s.question.phase_id for s in subscriptions if s.question_id is not None]
    if not spaces and not phases:
        return []
    return list(
        Phase.objects.filter(Q(space__in=spaces) | Q(pk__in=phases))
        .filter(closes_at__gt=period.now, closes_at__lte=period.ahead)
        .order_by("closes_at", "pk")
    )


def build(user: User, period: Period) -> Section | None:
    if not can(user, "discussions.read"):
        return None
    subscriptions = list(
        Subscription.objects.filter(user=user)
        .filter(Q(question__isnull=True) | Q(question__status=QuestionStatus.PUBLISHED))
        .select_related("space", "question")
        .order_by("space", "question", "pk")
    )
    followed_spaces = {s.space_id for s in subscriptions if s.question_id is None}
    # Following a whole space and one of its questions: the question is in the space's group.
    subscriptions = [s for s in subscriptions if s.question_id is None or s.space_id not in followed_spaces]
    closing = _closing(subscriptions, period)
    groups = []
    for subscription in subscriptions:
        question = subscription.question
        notes = [
            _("%(phase)s — closes on %(when)s")
            % {"phase": phase.get_number_display(), "when": when(phase.closes_at, user)}
            for phase in closing
            if (phase.pk == question.phase_id if question else phase.space_id == subscription.space_id)
        ]
        posts = _new_posts(subscription, user, period)
        shown = list(posts[:LINES_PER_GROUP])
        total = posts.count() if len(shown) == LINES_PER_GROUP else len(shown)
        if not notes and not shown:
            continue
        groups.append(
            Group(
                title=question.text if question else subscription.space.title,
                url=absolute((question or subscription.space).get_absolute_url()),
                notes=notes,
                lines=[
                    Line(
                        lead=post.byline,
                        text=post.approved_text,
                        url=absolute(f"{post.question.get_absolute_url()}#post-{post.pk}"),
                        language=post.language,
                    )
                    for post in shown
                ],
                total=total,
            )
        )
    if not groups:
        return None
    return Section(title=_("Discussions you follow"), url=absolute(reverse("discussions:list")), groups=groups)


def done(user: User, period: Period) -> None:
    """The posts approved up to the end of this digest were sent, or were not for this person: move on."""
    Subscription.objects.filter(user=user, sent_until__lt=period.until).update(sent_until=period.until)


DISCUSSIONS = register(
    Part(
        key="discussions",
        order=10,
        followers=lambda: Subscription.objects.values("user_id"),
        build=build,
        done=done,
    )
)
