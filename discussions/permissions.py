"""Who may see and do what in a discussion space (002), on top of portal.permissions."""

from django.db.models import Q, QuerySet

from discussions.models import Post, Space
from portal.permissions import can


def moderates(user, space: Space) -> bool:
    """A moderator sees and decides only in the spaces they are assigned to."""
    if not can(user, "discussions.moderate"):
        return False
    if user.is_superuser:
        return True
    cache = getattr(user, "_moderated_space_ids", None)
    if cache is None:
        cache = set(user.moderated_spaces.values_list("pk", flat=True))
        user._moderated_space_ids = cache
    return space.pk in cache


def visible_posts(user, space: Space) -> QuerySet[Post]:
    """The posts of ``space`` that ``user`` may see: approved ones, plus their own; everything for its moderators."""
    posts = Post.objects.filter(space=space)
    if moderates(user, space):
        return posts
    if not can(user, "discussions.read"):
        return posts.none()
    return posts.filter(Q(approved_at__isnull=False) | Q(author=user))


def may_post(user) -> bool:
    return can(user, "discussions.post")


def may_decide_appeals(user, space: Space) -> bool:
    """Second reviews of refused posts: the space's moderators and the secretariat (who of them may, see services)."""
    return can(user, "discussions.analyse") or moderates(user, space)
