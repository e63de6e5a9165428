"""Translated content with an honest fallback: text not yet translated shows in English, marked as such."""

from django import template
from django.template.defaultfilters import linebreaks_filter
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from modeltranslation.utils import build_localized_fieldname

register = template.Library()


def _texts(obj, field: str) -> tuple[str, bool]:
    """The text in the page's language, or the English one and True when it had to fall back."""
    language = (get_language() or "en").replace("-", "_")
    localized = getattr(obj, build_localized_fieldname(field, language), None)
    if localized is None and not hasattr(obj, build_localized_fieldname(field, "en")):
        return getattr(obj, field, "") or "", False  # not a translated field
    if localized or language == "en":
        return localized or "", False
    english = getattr(obj, build_localized_fieldname(field, "en"), "") or ""
    return english, bool(english)


def _marker() -> SafeString:
    return format_html('<span class="badge text-bg-light border in-english">{}</span>', _("in English"))


@register.simple_tag
def content(obj, field: str) -> SafeString:
    """A short content field (a title, a name) in the page's language; in English with a marker when missing."""
    text, fallback = _texts(obj, field)
    if not fallback:
        return format_html("{}", text)
    return format_html('<span lang="en">{}</span> {}', text, _marker())


@register.simple_tag
def content_block(obj, field: str) -> SafeString:
    """A long content field as paragraphs; in English with a marker when missing."""
    text, fallback = _texts(obj, field)
    if not text:
        return SafeString("")
    body = linebreaks_filter(text, autoescape=True)
    if not fallback:
        return body
    return format_html('<div lang="en">{}</div><p>{}</p>', body, _marker())
