"""Translated content with an honest fallback: text not yet translated shows in English, marked as such."""

from django import template
from django.template.defaultfilters import linebreaks_filter
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from modeltranslation.utils import build_localized_fieldname

from portal import content_translation

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


def _human(context, obj, field: str):
    """A volunteer's up-to-date translation of ``field`` into the page's language, where the official text is
    missing: loaded once per page and model (portal.content_translation), None without a request."""
    request = context.get("request")
    if request is None or not content_translation.translatables_of(type(obj)):
        return None
    language = get_language() or "en"
    loaded = getattr(request, "_human_content", None)
    if loaded is None:
        loaded = request._human_content = {}
    key = (type(obj), language)
    if key not in loaded:
        loaded[key] = content_translation.current_human_of_type(type(obj), language)
    return loaded[key].get((obj.pk, field))


def _by_a_person() -> SafeString:
    return format_html('<span class="badge text-bg-info">{}</span>', _("Translated by a person"))


@register.simple_tag(takes_context=True)
def content(context, obj, field: str) -> SafeString:
    """A short content field (a title, a name) in the page's language; in English with a marker when missing,
    or a volunteer's translation marked as such (see ``content_original`` for the original)."""
    text, fallback = _texts(obj, field)
    if not fallback:
        return format_html("{}", text)
    if (human := _human(context, obj, field)) is not None:
        return format_html('<span lang="{}">{}</span> {}', human.language, human.text, _by_a_person())
    return format_html('<span lang="en">{}</span> {}', text, _marker())


@register.simple_tag(takes_context=True)
def content_original(context, obj, field: str) -> SafeString:
    """The English original of a field shown in a volunteer's translation, one click away; nothing otherwise."""
    text, fallback = _texts(obj, field)
    if not fallback or _human(context, obj, field) is None:
        return SafeString("")
    return format_html(
        '<details class="small mb-2"><summary>{}</summary><div lang="en">{}</div></details>',
        _("Show the original"),
        linebreaks_filter(text, autoescape=True),
    )


@register.simple_tag(takes_context=True)
def content_block(context, obj, field: str) -> SafeString:
    """A long content field as paragraphs; in English with a marker when missing, or a volunteer's translation
    with the original one click away."""
    text, fallback = _texts(obj, field)
    if not text:
        return SafeString("")
    body = linebreaks_filter(text, autoescape=True)
    if not fallback:
        return body
    if (human := _human(context, obj, field)) is not None:
        return format_html(
            '<p class="small mb-1">{}</p><div lang="{}">{}</div>{}',
            _by_a_person(),
            human.language,
            linebreaks_filter(human.text, autoescape=True),
            content_original(context, obj, field),
        )
    return format_html('<div lang="en">{}</div><p>{}</p>', body, _marker())


@register.simple_tag(takes_context=True)
def content_translate_link(context, obj, key: str) -> SafeString:
    """A link to translate ``obj``'s registered field (``key``) into a missing language, for its translators."""
    request = context.get("request")
    item = content_translation.translatable(key)
    if request is None or item is None or not request.user.is_authenticated:
        return SafeString("")
    if not item.missing(obj) or not item.may_translate(request.user, obj):
        return SafeString("")
    return format_html(
        '<a class="small" href="{}">{}</a>',
        reverse("portal:content_translate", kwargs={"key": key, "pk": obj.pk}),
        _("Translate into a missing language"),
    )
