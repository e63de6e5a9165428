"""Names and one-line texts people type, shown to others as they were typed: nothing hidden that turns
the text around, hides it or spills over the lines next to it.

One rule for every name-like field (display name, organisation, organisers, titles, topics) and,
without the refusals, for the names of uploaded files. Right-to-left scripts need none of the
characters refused here: the page sets the direction, and Arabic or Hebrew text shows right on its own.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Embeddings, overrides and isolates reorder the text that follows them: a name holding one can show as
# something else ("exe.pdf" for "fdp.exe") and flip the rest of the line it sits in.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Characters that show nothing and mean nothing in a name: soft hyphen, combining grapheme joiner,
# Hangul and Khmer fillers, zero-width space, word joiner and invisible operators, deprecated format
# characters, byte-order mark, interlinear annotation marks, braille blank.
INVISIBLE = re.compile(
    "[\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180e\u200b\u2060-\u2064\u206a-\u206f\u2800\u3164\ufeff\uffa0\ufff9-\ufffb]"
)
CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")
# Zero-width non-joiner and joiner shape Persian, Urdu and Indic words and emoji sequences: kept between
# two characters that show, removed where they only hide (at an end, next to a space or another joiner).
JOINERS = "\u200c\u200d"
# Vietnamese, Arabic with its vowel marks, Hebrew points or Tibetan stacks put a few marks on a letter;
# dozens are a "combining flood" that spills over the lines above and below.
MAX_MARKS = 8


def _visible(char: str) -> bool:
    return unicodedata.category(char)[0] in "LNPS"


def _drop_loose_joiners(text: str) -> str:
    kept = []
    for index, char in enumerate(text):
        if char in JOINERS:
            before = text[index - 1] if index else ""
            after = text[index + 1] if index + 1 < len(text) else ""
            if not (before and after and not before.isspace() and not after.isspace()):
                continue
            if before in JOINERS or after in JOINERS:
                continue
        kept.append(char)
    return "".join(kept)


def strip_hidden(text: str) -> str:
    """``text`` in NFC on one line, without controls, invisible characters or loose joiners.

    Direction controls are left in: callers refuse them (names) or remove them (file names).
    """
    text = unicodedata.normalize("NFC", text or "")
    text = " ".join(text.split())  # tabs, line breaks and the many Unicode spaces become one space
    text = CONTROLS.sub("", text)
    text = INVISIBLE.sub("", text)
    return " ".join(_drop_loose_joiners(text).split())


def _marks_run(text: str) -> int:
    longest = run = 0
    for char in text:
        run = run + 1 if unicodedata.category(char) in ("Mn", "Me") else 0
        longest = max(longest, run)
    return longest


def clean_name(value: str) -> str:
    """The name as it will be shown, or a ValidationError a person can act on.

    Controls and invisible characters are removed (nothing visible is lost); direction overrides,
    floods of combining marks and names with nothing visible left are refused. An empty value
    stays empty: whether the field is required is the form's business.
    """
    text = strip_hidden(value)
    if BIDI_CONTROLS.search(text):
        raise ValidationError(
            _("This contains hidden characters that change the direction of the text. Please type it without them."),
            code="bidi",
        )
    if _marks_run(text) > MAX_MARKS:
        raise ValidationError(_("Too many accents or marks are stacked on one character."), code="marks")
    if (value or "").strip() and not any(_visible(char) for char in text):
        raise ValidationError(_("This has no visible letters or characters."), code="invisible")
    return text


def neutralise_text(name: str) -> str:
    """Text made safe to show inline (a file name, a name saved before these checks): the same rule, nothing refused."""
    return BIDI_CONTROLS.sub("", strip_hidden(name))


# The largest number a primary key or a count of the portal can be (PostgreSQL's bigint).
MAX_ID = 2**63 - 1


def whole_number(value, *, maximum: int = MAX_ID) -> int | None:
    """``value`` as a whole number if it is one written in plain digits and within ``maximum``, else None.

    ``str.isdigit`` also accepts "²" or "٣", which ``int`` then refuses or reads, and numbers too large for
    the database: a filter or an id from a query string goes through here, never straight to ``int``.
    """
    text = str(value or "")
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if number <= maximum else None
