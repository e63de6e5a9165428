"""Nothing is left in English: every page, rendered in French for each role, shows no untranslated UI string.

The French catalogue says which English strings are UI text. A page fails when a
text node on it is exactly one of those English strings, or one of their fixed
parts, or one of the strings with placeholders filled in with any values (each
placeholder is a wildcard: "in at most %(limit)d words" finds "in at most 150
words", which a string formatted once at import, in English, would show). Content
not yet translated is allowed only when it is marked with lang="en" (see
portal/templatetags/content.py); posts are people's own words, in their own
language, and are not checked.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.demo import make_demo
from tests.portal.test_locale import entries

FRENCH = Path(__file__).resolve().parents[2] / "locale" / "fr" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\{.*?\}\}")


def _normal(text: str) -> str:
    return " ".join(text.split()).strip(" .:,;—–-()")


def _catalogue():
    for _flags, msgid, msgstrs in entries(FRENCH):
        msgid = msgid.replace('\\"', '"').replace("\\n", " ")
        if msgstrs and msgstrs[0] == msgid:
            continue  # the same in French (a name, an acronym): nothing to detect
        yield msgid


def ui_strings() -> set[str]:
    found = set()
    for msgid in _catalogue():
        for part in PLACEHOLDER.split(msgid):
            part = _normal(part)
            if len(part) >= 8 and " " in part:
                found.add(part)
    return found


def formatted_strings() -> re.Pattern:
    """One pattern matching any English string with placeholders, as formatted with any values."""
    alternatives = []
    for msgid in _catalogue():
        parts = PLACEHOLDER.split(" ".join(msgid.split()))
        if len(parts) < 2:
            continue
        fixed = "".join(parts)
        if len(_normal(fixed)) < 8 or " " not in _normal(fixed):
            continue  # too little English of its own to tell it from any text
        pattern = ".+?".join(re.escape(part) for part in parts)
        alternatives.append(f"(?:{pattern})")
    return re.compile("|".join(alternatives))


class TextNodes(HTMLParser):
    """Visible text nodes, skipping scripts, styles, lang="en" content and posts."""

    SKIP_TAGS = {"script", "style", "svg"}
    VOID = {"br", "img", "input", "meta", "link", "hr", "source", "area", "base", "col", "embed", "param", "wbr"}

    def __init__(self):
        super().__init__()
        self.stack: list[bool] = []
        self.texts: list[str] = []
        self.raw_texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        attrs = dict(attrs)
        skip = (
            tag in self.SKIP_TAGS
            or attrs.get("lang") == "en"
            or "post-body" in (attrs.get("class") or "")
            or "in-english" in (attrs.get("class") or "")
        )
        self.stack.append(skip or (bool(self.stack) and self.stack[-1]))

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if self.stack and self.stack[-1]:
            return
        raw = " ".join(data.split())
        text = raw.strip(" .:,;—–-()")
        if text:
            self.texts.append(text)
            self.raw_texts.append(raw)


def english_left(html: str, strings: set[str], formatted: re.Pattern | None = None) -> list[str]:
    parser = TextNodes()
    parser.feed(html)
    left = {text for text in parser.texts if text in strings}
    if formatted is not None:
        left |= {text for text in parser.raw_texts if formatted.fullmatch(text)}
    return sorted(left)


@pytest.fixture
def demo(db, settings):
    return make_demo(settings)


@pytest.mark.django_db
def test_no_english_ui_string_on_any_page_in_french(client, demo):
    strings, formatted = ui_strings(), formatted_strings()
    assert len(strings) > 300, "the catalogue was read"
    problems = {}
    for who, paths in demo["pages"].items():
        client.logout()
        if who:
            client.force_login(demo["users"][who])
        for path in paths:
            response = client.get(f"/fr/{path}")
            assert response.status_code in (200, 404), (who, path, response.status_code)
            left = english_left(response.content.decode(), strings, formatted)
            if left:
                problems[f"{who or 'anonymous'} /fr/{path}"] = left
    assert problems == {}


def test_the_check_finds_an_untranslated_string():
    strings = {"Send for moderation", "Your contribution"}
    html = '<main><h2>Your contribution</h2><p lang="en">Send for moderation</p><button>Envoyer</button></main>'
    assert english_left(html, strings) == ["Your contribution"]


def test_the_check_finds_a_string_formatted_with_values_in_english():
    html = "<main><div>What you would say and the experience you bring, in at most 150 words.</div></main>"
    translated = "<main><div>Ce que vous diriez et l’expérience que vous apportez, en 150 mots au plus.</div></main>"

    assert english_left(html, ui_strings(), formatted_strings()) != []
    assert english_left(translated, ui_strings(), formatted_strings()) == []
