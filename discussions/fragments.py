"""Renderings that are the same for everyone who reads them in one language, kept in the shared cache.

A rendering is kept under a digest of everything it shows: its own inputs (a post's published version, name,
tags and files; the post form's labels, choices and tags), the page's language, and the code it is made with
(the templates' sources, the translation catalogues, Django's and crispy-forms' versions). Whatever changes, the
key changes with it, so nothing is ever dropped and a rendering made from older data, or by older code, is never
served; it only ages out of the cache. Correct with a cache each process keeps for itself, too.

Only what every reader of the page sees alike goes here. What a person sees because of who they are (their own
post, anything a moderator sees, the CSRF token) is rendered for them and never kept.
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

# Renderings age out after this long; they are never wrong before (see the module's docstring).
SECONDS = 60 * 60
TEMPLATES = ("discussions/_thread_post.html", "discussions/_post_form.html")


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
