"""Plain text with light formatting, turned into safe HTML.

People write text; blank lines make paragraphs, single newlines line breaks,
``**bold**`` and ``*italic*`` emphasis, and web addresses become links. The
text is escaped first, so any HTML typed is shown as text, and nh3 cleans the
result against a short allow-list as a second guard.
"""

import re

import nh3
from django.utils.html import escape

ALLOWED_TAGS = {"p", "br", "strong", "em", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
_URL = re.compile(r"(https?://[^\s<>\"']+[^\s<>\"'.,;:!?)])")


def render(text: str) -> str:
    paragraphs = [p for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip()) if p.strip()]
    html = []
    for paragraph in paragraphs:
        escaped = escape(paragraph)
        escaped = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", escaped)
        escaped = re.sub(r"(?<!\*)\*(?!\*)(.+?)(?<!\*)\*(?!\*)", r"<em>\1</em>", escaped)
        escaped = _URL.sub(r'<a href="\1">\1</a>', escaped)
        html.append("<p>" + escaped.replace("\n", "<br>") + "</p>")
    return nh3.clean(
        "".join(html),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https"},
        link_rel="nofollow noopener noreferrer ugc",
    )
