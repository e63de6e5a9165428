"""Translations of posts: by the space's volunteer translators and moderators, and by an engine on request.

Who translates (a role per space): the people on the space's list of translators, managed by the
secretariat, and the space's moderators (002 asks moderators to translate "if required"). Only the approved
version of a post is translated by a person, so nothing they write exposes a text the public has not seen.

Machine translation: a reader asks for the approved text (public, so any engine may take it); a moderator of
the space may ask for the submitted text of a post awaiting a decision, which is private and only ever goes to
an engine on the portal's own machines (portal.machine_translation refuses otherwise).
"""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from discussions import markup
from discussions.enums import PostStatus
from discussions.models import Post, Space
from discussions.permissions import moderates
from discussions.search import index_document
from portal import content_translation
from portal.content_translation import TranslationError, language_name, of_model
from portal.enums import TranslationKind
from portal.models import Translation
from portal.permissions import can

PUBLIC_FIELD = "approved_text"
SUBMITTED_FIELD = "text"


def translates(user, space: Space, *, listed: bool | None = None) -> bool:
    """Whether ``user`` may translate the posts of ``space``: on its list of translators, or its moderator.

    ``listed``: whether ``user`` is on the space's list, for a page that read it with its own query; it is kept
    on the user object with the lists read here, so the rest of the request asks the database nothing more.
    """
    if not user.is_authenticated or not user.is_active or not can(user, "discussions.read"):
        return False
    if moderates(user, space):
        return True
    known = getattr(user, "_translator_of", None)
    if known is None:
        known = user._translator_of = {}
    if listed is not None:
        known[space.pk] = listed
    if space.pk not in known:
        cache = getattr(user, "_translated_space_ids", None)
        if cache is None:
            cache = set(Space.translators.through.objects.filter(user=user).values_list("space_id", flat=True))
            user._translated_space_ids = cache
        known[space.pk] = space.pk in cache
    return known[space.pk]


def translated_posts(posts: QuerySet[Post] | list[Post], language: str, *, translators: bool = True) -> None:
    """Give each post of a page ``human_translation``: the current translation by a person of its approved
    version into ``language`` (None when there is none, or the post is already in that language). One query, none
    when every published post of the page is in ``language``. ``translators``: read who translated each
    (``translation.translator.profile``), for the pages that name them (to the space's moderators)."""
    posts = list(posts)
    others = [p.pk for p in posts if p.approved_at is not None and p.language != language]
    rows = {}
    if others:
        found = Translation.objects.filter(
            of_model(Post),
            object_id__in=others,
            field=PUBLIC_FIELD,
            language=language,
            kind=TranslationKind.HUMAN,
            is_current=True,
        )
        if translators:
            found = found.select_related("translator__profile")
        rows = {row.object_id: row for row in found}
    for post in posts:
        post.human_translation = rows.get(post.pk) if post.language != language else None
        if post.human_translation is not None:
            # Written like a post (paragraphs, emphasis, links) and rendered the same safe way.
            post.human_translation.html = markup.render(post.human_translation.text)
            post.language_name = language_name(post.language)


def post_translation_save(*, translator, post: Post, language: str, text: str, shown_digest: str):
    """Save ``translator``'s translation of the approved version of ``post``; an empty text withdraws it.

    Refused when the post is not public (a translation must not reveal a text under moderation) or the
    translator does not translate its space; bound to the version the translator was shown.
    """
    if not translates(translator, post.space):
        raise TranslationError(_("You do not translate the posts of this space."))
    if post.approved_at is None:
        raise TranslationError(_("Only published posts are translated."))
    row = content_translation.human_save(
        translator=translator,
        original=post,
        field=PUBLIC_FIELD,
        source_language=post.language,
        language=language,
        text=text,
        shown_digest=shown_digest,
    )
    if row is not None:
        index_translation(row)
    return row


def index_translation(row: Translation) -> None:
    """Write the search document of a translation of a post, so search finds the post through it."""
    Translation.objects.filter(pk=row.pk).update(search_vector=index_document(row.text, row.language))


def machine_field(user, post: Post) -> tuple[str, bool] | None:
    """Which text of ``post`` ``user`` may have machine-translated, and whether it is private; None if none.

    Readers: the approved version (public). The space's moderators: the submitted version while it awaits a
    decision (private). Authors read their own text and need no translation.
    """
    if moderates(user, post.space) and post.status != PostStatus.APPROVED:
        return SUBMITTED_FIELD, True
    if post.approved_at is not None and can(user, "discussions.read"):
        return PUBLIC_FIELD, False
    return None
