"""What the discussions' pages keep rather than make again, and under which keys.

:func:`rendered`: renderings that are the same for everyone who reads them in one language, kept in the shared
cache. A rendering is kept under a digest of everything it shows: its own inputs (a post's published version,
name, tags and files; the post form's labels, choices and tags), the page's language, and the code it is made with
(the templates' sources, the translation catalogues, Django's and crispy-forms' versions). Whatever changes, the
key changes with it, so nothing is ever dropped and a rendering made from older data, or by older code, is never
served; it only ages out of the cache. Correct with a cache each process keeps for itself, too. Only what every
reader of the page sees alike goes there. What a person sees because of who they are (their own post, anything a
moderator sees, the CSRF token) is rendered for them and never kept in the shared cache.

:func:`kept`: a rendering kept by the process alone, never in the shared cache, under the same kind of digest of all
it shows: a row of the moderation queue, which only someone who was just shown those very values can find again.
Nothing written there outlives the process.

:func:`with_data`: values kept in the shared cache until any row changes, like portal.cache.by_data, for what every
reader allowed to see it reads alike and is dearer to read than to keep (the published posts of a page of a
thread, rendered, and how many there are; how many posts wait for moderation).
"""

import functools
import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path

import crispy_forms
import django
from django.conf import settings
from django.core.cache import cache
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from portal import kept as portal_kept
from portal.cache import by_data_many

# Renderings age out after this long; they are never wrong before (see the module's docstring).
SECONDS = 60 * 60
TEMPLATES = ("discussions/_thread_post.html", "discussions/_post_form.html", "discussions/_queue_post.html")


@functools.cache
def code_version() -> str:
    """A digest of the code the renderings are made with, read once per process."""
    digest = hashlib.sha256(f"{django.__version__}:{crispy_forms.__version__}".encode())
    for name in TEMPLATES:
        digest.update(get_template(name).template.source.encode())
    for folder in settings.LOCALE_PATHS:
        for catalogue in sorted(Path(folder).glob("*/LC_MESSAGES/*.mo")):
            digest.update(catalogue.read_bytes())
    return digest.hexdigest()


def key(kind: str, shown: object) -> str:
    """The cache key of a rendering of ``kind`` that shows ``shown`` (a ``repr``-able value) in the page's
    language."""
    source = repr((code_version(), get_language(), shown))
    return f"discussions:{kind}:{hashlib.sha256(source.encode()).hexdigest()}"


def kept(kind: str, shown: object, render: Callable[[], str]) -> str:
    """The rendering of ``kind`` that shows ``shown`` (a ``repr``-able value describing all it shows), kept in this
    process (portal.kept) under its :func:`key`; ``render`` makes it the first time. For what may be kept in no
    shared place."""
    return portal_kept.kept([key(kind, shown)], lambda: str(render()))


def rendered(wanted: Iterable[tuple[str, Callable[[], str]]]) -> dict[str, SafeString]:
    """The renderings of ``wanted`` (key, and how to render it when it is not kept), read in one round trip; the
    missing ones are rendered and kept in another."""
    wanted = dict(wanted)
    if not wanted:
        return {}
    found = cache.get_many(list(wanted))
    missing = {name: str(render()) for name, render in wanted.items() if name not in found}
    if missing:
        cache.set_many(missing, SECONDS)
    # Rendered by the portal's own templates, which escape what they show.
    return {name: mark_safe(found[name] if name in found else missing[name]) for name in wanted}  # noqa: S308


def with_data(wanted: dict[str, Callable[[], object]]) -> dict[str, object]:
    """The values of ``wanted`` (key, and how to compute it), kept in the shared cache until any row of the
    portal's apps changes (portal.cache.by_data_many). As with by_data, only values that are the same for everyone
    allowed to read them, and the caller still checks who may, on every request; a key holds everything else its
    value depends on (:func:`key`: the code, the language)."""
    return by_data_many(wanted)
