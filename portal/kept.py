"""Renderings kept in the process under an exact description of what they show.

A list's rows and an unbound form render the same bytes whenever they are given the same values in the same
language, and rendering them is most of a page's time. Each process keeps the renderings it made under a digest
of the template's name, the language and an exact spelling of every value the template reads; two renderings
share a key only when they would be the same bytes, so a person's row can never be served for another's (their
values differ). Kept in the process, never in the shared cache: a code or catalogue change restarts the process
and starts afresh. The least recently used are dropped first, and any after an hour.

A template rendered this way is given the values only: no request, no user, no CSRF token.
"""

import hashlib
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import date, datetime
from threading import Lock

from django import forms
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

KEPT = 4096  # renderings kept per process
# And for at most this long: a rendering can show a person's data, which an erasure removes everywhere else at once.
KEPT_SECONDS = 60 * 60
_kept: OrderedDict[str, tuple[float, str]] = OrderedDict()
_lock = Lock()


class Unreadable(Exception):
    """A value the digest cannot spell out exactly: render afresh."""


def spell(value) -> str:
    """An exact, stable spelling of a value that can reach a rendering, or Unreadable."""
    if hasattr(value, "__html__"):  # a safe string is shown as it is, a plain one escaped: never the same key
        return "safe:" + repr(str(value))
    if isinstance(value, str):  # its type, length and text: exact, and quicker than repr for a long one (a QR code)
        return f"{type(value).__qualname__}{len(value)}:{str.__str__(value)}"
    if value is None or isinstance(value, bool | int | float):
        return repr(value)
    if isinstance(value, datetime | date):  # an aware datetime's repr names its zone
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ",".join(spell(v) for v in value) + "]"
    if isinstance(value, dict):
        items = sorted(value.items(), key=lambda item: str(item[0]))
        return "{" + ",".join(f"{spell(k)}:{spell(v)}" for k, v in items) + "}"
    if isinstance(value, forms.models.ModelChoiceIteratorValue):
        return spell(value.value)
    if type(value).__name__ == "__proxy__":  # a lazy translation, read in the current language
        return repr(str(value))
    raise Unreadable(type(value).__name__)


def kept(parts: list[str], render: Callable[[], str]) -> str:
    """The rendering described by ``parts`` (exact spellings, the language added here), made by ``render`` the
    first time."""
    key = hashlib.sha256("\x1f".join([get_language() or "", *parts]).encode()).hexdigest()
    now = time.monotonic()
    with _lock:
        found = _kept.get(key)
        if found is not None and now - found[0] < KEPT_SECONDS:
            _kept.move_to_end(key)
            return found[1]
    html = render()
    with _lock:
        _kept[key] = (now, html)
        _kept.move_to_end(key)
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    return html


def render_kept(template_name: str, values: dict) -> SafeString:
    """``template_name`` rendered with ``values`` alone, kept by what they are."""
    try:
        parts = [template_name, spell(values)]
    except Unreadable:
        return mark_safe(render_to_string(template_name, values))  # noqa: S308 - our template escapes
    # Rendered by the portal's own templates, which escape what they show.
    return mark_safe(kept(parts, lambda: render_to_string(template_name, values)))  # noqa: S308
