"""Who may see and do what in a discussion space (002), on top of portal.permissions."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from discussions.enums import QuestionStatus
from discussions.models import GuidingQuestion, Post, Space
from portal.cache import live_settings
from portal.enums import Role
from portal.permissions import can, can_in_region, regions_held, roles_of


def moderated_spaces(user) -> QuerySet[Space]:
    """The spaces ``user`` moderates: those a moderator is assigned to, and every space of a focal point's regions.

    Being on a space's list of moderators without the moderator role gives nothing (the secretariat manages
    the lists; the role is granted apart).
    """
    if not can(user, "discussions.moderate"):
        return Space.objects.none()
    if user.is_superuser:
        return Space.objects.all()
    roles = roles_of(user)
    if Role.MODERATOR in roles and Role.FOCAL_POINT not in roles:
        # A person is on a space's list once: the join names each of their spaces once.
        return Space.objects.filter(moderators=user)
    where = Q(pk__in=[])
    if Role.MODERATOR in roles:
        where |= Q(pk__in=Space.moderators.through.objects.filter(user=user).values("space_id"))
    if Role.FOCAL_POINT in roles:
        where |= Q(region_id__in=regions_held(user, Role.FOCAL_POINT))
    return Space.objects.filter(where)


def moderated_spaces_titled(user) -> dict[int, Space]:
    """The spaces ``user`` moderates (:func:`moderated_spaces`), by id, with their titles only; :func:`moderates`
    answers from them for the rest of the request."""
    spaces = {space.pk: space for space in moderated_spaces(user).only("title").order_by()}
    if can(user, "discussions.moderate") and not user.is_superuser:
        user._moderated_space_ids = set(spaces)
    return spaces


def moderates(user, space: Space) -> bool:
    """A moderator sees and decides only in the spaces they are assigned to; a focal point in their regions'."""
    if not can(user, "discussions.moderate"):
        return False
    if user.is_superuser:
        return True
    cache = getattr(user, "_moderated_space_ids", None)
    if cache is None:
        cache = set(moderated_spaces(user).values_list("pk", flat=True))
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


# Two documents disagree on whether Member States post in the discussion spaces. The concept note of the spaces
# (seed 002) says "only stakeholders and UN system members will be able to post"; the practical guide for migrants
# (seed 003) calls the spaces "platforms for all stakeholders, including Member States, to share input". Neither
# is dated (002 plans the January 2024 launch; 003 cites a November 2023 paper and also speaks of the launch to
# come), so neither is shown later; 002 is the more specific, written for the spaces themselves by those who run
# them, and is followed unless the live setting MEMBER_STATES_MAY_POST says otherwise. The titles are the
# documents' own, in English.
CONCEPT_NOTE = "GCM Regional Review for UNECE Stakeholder Online Discussion Space"
PRACTICAL_GUIDE = (
    "Migration Justice: A Practical Guide for Migrants and Other Stakeholders Using the Upcoming Regional Reviews "
    "to Safeguard Human Rights"
)


@dataclass(frozen=True)
class PostingRule:
    """Who may post, and which document that follows where the other differs: read once per page."""

    member_states: bool
    followed: str
    differing: str


def member_states_may_post() -> bool:
    return bool(live_settings("MEMBER_STATES_MAY_POST")["MEMBER_STATES_MAY_POST"])


def posting_rule() -> PostingRule:
    member_states = member_states_may_post()
    if member_states:
        return PostingRule(member_states=True, followed=PRACTICAL_GUIDE, differing=CONCEPT_NOTE)
    return PostingRule(member_states=False, followed=CONCEPT_NOTE, differing=PRACTICAL_GUIDE)


def may_post(user, *, member_states: bool | None = None) -> bool:
    """Stakeholders and UN system members post (002); Member States too when MEMBER_STATES_MAY_POST is on (003).

    ``member_states`` is the setting, for a caller that read it already (:func:`posting_rule`); otherwise it is
    read here, and only for a Member State.
    """
    if can(user, "discussions.post"):
        return True
    if Role.MEMBER_STATE not in roles_of(user):
        return False
    return member_states_may_post() if member_states is None else member_states


def posting_refusal() -> str:
    """What someone who may not post is told, as the setting stands."""
    if member_states_may_post():
        return _("Only verified stakeholders, UN system members and Member States can post.")
    return _("Only verified stakeholders and UN system members can post. Member States can read the discussion.")


def may_decide_appeals(user, space: Space) -> bool:
    """Second reviews of refused posts: the space's moderators and the secretariat (who of them may, see services)."""
    return can(user, "discussions.analyse") or moderates(user, space)


# --- Drafting guiding questions (002: "shared with regional Network colleagues for feedback and comments") -----


def drafts_questions(user, space: Space) -> bool:
    """Who drafts, edits, shares and publishes the guiding questions of ``space``: the secretariat, the region's
    focal points and the space's moderators (a focal point moderates every space of their regions)."""
    return can(user, "discussions.analyse") or moderates(user, space)


def in_drafting_team(user, space: Space) -> bool:
    """The region's team, who read a shared draft and comment on it: those who draft (above), and the task team
    of the space's region, who work with its focal points and the secretariat on the review's workspace."""
    return drafts_questions(user, space) or can_in_region(user, "reviews.workspace", space.region_id)


def may_read_question(user, question: GuidingQuestion, space: Space) -> bool:
    """A published question is the space's; a shared draft is the team's; a draft not yet shared, its drafters'."""
    if question.status == QuestionStatus.PUBLISHED:
        return True
    if question.status == QuestionStatus.SHARED:
        return in_drafting_team(user, space)
    return drafts_questions(user, space)


def may_see_closing(user, space: Space) -> bool:
    """The closing summary is public once the space's summary is published; before, the region's team's."""
    return space.summary_is_published or in_drafting_team(user, space)
