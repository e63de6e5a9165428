"""Full-text search over the approved version of posts, in the language each text is written in.

A text is indexed once, when it is written, into a ``tsvector`` column served by a GIN index
(``Post.search_vector``, migration 0007), so a search is an index lookup, never a function of every row:

- English, French, Spanish and Russian are stemmed by PostgreSQL's own configurations of those names
  ("migrants" finds "migrant", "trabajadores" finds "trabajador");
- Arabic is normalised, then indexed with ``simple``: the forms of alef with hamza or madda and alef wasla
  read as a bare alef, alef maksura as ya, ta marbuta as ha, and the harakat, the dagger alef and the tatweel
  are dropped, so a vocalised word finds the unvocalised one and back;
- Chinese is cut into words by jieba (its dictionary only, no guessed words), then indexed with ``simple``:
  a word finds the texts holding that word, never a longer word that contains it (移民 does not find 移民局).

A query is read in every language's way at once: a text in language L matches when its vector matches the
query as L reads it (stemmed with L's configuration, normalised, or cut into words), with the websearch syntax
kept: quoted phrases, ``or``, ``-word``. The same indexing and matching serve any row holding a text and its
language (``index_document``, ``reindex``, ``matches``).

Every text is first folded the same way: Unicode compatibility forms (NFKC), lower case, and punctuation or
symbols outside ASCII as spaces. PostgreSQL would do part of this itself, but not in a database created
without a locale (the test suite's), where it neither lowercases Cyrillic nor separates « » or ، from a word.

SQLite (embedded mode) has no full-text search: the vectors stay empty and every word of the query must
appear in the text, case-insensitively.
"""

import logging
import re
import threading
import unicodedata
from functools import cache, reduce

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Q, QuerySet, Value

from discussions.models import Post
from portal.content_translation import of_model
from portal.enums import TranslationKind
from portal.models import Translation

MAX_QUERY_LENGTH = 200
WEB = "websearch"  # quoted phrases, `or`, `-word`

# PostgreSQL's built-in configurations, by a language's primary subtag; every other language reads "simple".
STEMMED = {"en": "english", "fr": "french", "es": "spanish", "ru": "russian"}

ARABIC = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ة": "ه",
        "\u0640": None,  # tatweel
        "\u0670": None,  # dagger alef
        **{chr(code): None for code in range(0x064B, 0x0653)},  # harakat: tanwin, fatha … sukun
    }
)
# Chinese characters (CJK unified ideographs, their extensions and compatibility forms).
HAN = re.compile("([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+)")
# Quotation marks typed in a query mark a phrase, as the ASCII one does.
QUOTES = str.maketrans(dict.fromkeys("«»“”„‟「」『』", '"'))

_jieba_lock = threading.Lock()


def _primary(language: str) -> str:
    return language.split("-")[0].lower()


def config_of(language: str) -> str:
    """The PostgreSQL text search configuration that reads texts in ``language``."""
    return STEMMED.get(_primary(language), "simple")


def _fold(text: str) -> str:
    """NFKC, lower case, punctuation and symbols outside ASCII as spaces, invisible format characters dropped.

    ASCII punctuation is left to PostgreSQL's parser, which reads hyphenated words, addresses and the
    websearch syntax from it.
    """
    folded = []
    for char in unicodedata.normalize("NFKC", text).lower():
        if char.isascii():
            folded.append(char)
            continue
        kind = unicodedata.category(char)
        if kind[0] in "PSZ":
            folded.append(" ")
        elif kind != "Cf":  # a soft hyphen or a zero-width joiner inside a word
            folded.append(char)
    return "".join(folded)


@cache
def _load_tokenizer():
    import jieba  # noqa: PLC0415 - importing it takes 0.3 s and pkg_resources: only Chinese needs it

    jieba.setLogLevel(logging.WARNING)  # it announces every dictionary load on stderr otherwise
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def _tokenizer():
    """jieba's tokenizer, its dictionary loaded once per process, on the first Chinese text (1–2 seconds)."""
    with _jieba_lock:  # two threads meeting Chinese at once load it once
        return _load_tokenizer()


def chinese_words(text: str) -> list[str]:
    """The words of ``text``: its runs of Chinese characters as jieba's dictionary cuts them, the rest as
    written between spaces (jieba would cut a word in another script into letters), without punctuation.

    Without jieba's hidden Markov model: the model guesses words missing from the dictionary, and guesses
    differently in a short query and in a long text; a word it does not know is then cut into characters, the
    same way in both.
    """
    words = []
    for number, run in enumerate(HAN.split(text)):
        words += _tokenizer().cut(run, HMM=False) if number % 2 else run.split()
    return [word for word in words if any(char.isalnum() for char in word)]


def document_text(text: str, language: str) -> str:
    """``text`` as the configuration of ``language`` is given it to index (folded, then normalised or cut)."""
    text = _fold(text)
    primary = _primary(language)
    if primary == "ar":
        return text.translate(ARABIC)
    if primary == "zh":
        return " ".join(chinese_words(text))
    return text


def _chinese_query(query: str) -> str:
    """The query cut into words, its syntax kept; a run of characters typed without spaces stays a phrase."""
    parts = []
    for number, part in enumerate(query.split('"')):
        if number % 2:  # between quotes (an unclosed quote runs to the end, as PostgreSQL reads it)
            words = chinese_words(part)
            if words:
                parts.append('"' + " ".join(words) + '"')
            continue
        for token in part.split():
            sign = "-" if token.startswith("-") else ""
            words = chinese_words(token.lstrip("-"))
            if len(words) == 1:
                parts.append(sign + words[0])
            elif words:
                parts.append(sign + '"' + " ".join(words) + '"')
    return " ".join(parts)


def query_text(query: str, language: str) -> str:
    """``query`` as texts in ``language`` are matched against it: websearch syntax, folded, normalised or cut."""
    query = _fold(query.translate(QUOTES))
    primary = _primary(language)
    if primary == "ar":
        return query.translate(ARABIC)
    if primary == "zh":
        return _chinese_query(query)
    return query


def index_document(text: str, language: str) -> SearchVector | None:
    """What a search vector field stores for ``text`` written in ``language``: an expression to save or update
    with (PostgreSQL computes the vector); None where there is no full-text search (SQLite)."""
    if connection.vendor != "postgresql":
        return None
    return SearchVector(Value(document_text(text, language)), config=config_of(language))


def reindex(rows: QuerySet, *, text_field: str, language_field: str, vector_field: str = "search_vector") -> int:
    """Store the vector of each row of ``rows`` from its text and language: two queries, whatever the number.

    The caller chooses the rows, and so which text is searchable: keep batches to a few thousand texts.
    Returns the number of rows written (none on SQLite).
    """
    if connection.vendor != "postgresql":
        return 0
    model = rows.model
    written = [
        model(pk=pk, **{vector_field: index_document(text or "", language)})
        for pk, text, language in rows.values_list("pk", text_field, language_field)
    ]
    return model._default_manager.bulk_update(written, [vector_field]) if written else 0


def index_posts(posts: QuerySet) -> int:
    """Index the approved version of ``posts``: the one function that writes ``Post.search_vector``.

    Called wherever ``approved_text`` is written (approval, a moderator's note, migration 0007). Only
    ``approved_text`` of a post with ``approved_at`` is indexed: a pending or rejected text, or an edit
    waiting for moderation, is never searchable.
    """
    return reindex(posts.filter(approved_at__isnull=False), text_field="approved_text", language_field="language")


def _words_contained(query: str, text_field: str) -> Q:
    words = [word.strip("\"'") for word in query.split() if word.strip("\"'-")]
    return reduce(lambda condition, word: condition & Q(**{f"{text_field}__icontains": word}), words, Q())


def matches(query: str, *, vector_field: str, language_field: str, text_field: str) -> Q:
    """The rows whose text matches ``query`` read in the way of the row's language.

    ``vector_field``/``language_field``/``text_field`` name the row's vector, language and text, across
    relations too (``translations__search_vector``). One arm per way of reading the query (languages that
    read it alike share one), each an index lookup. On SQLite, every word must appear in ``text_field``.
    """
    if connection.vendor != "postgresql":
        return _words_contained(query, text_field)
    ways: dict[tuple[str, str], list[str]] = {}
    for language, _name in settings.LANGUAGES:
        text = query_text(query, language)
        if any(char.isalnum() for char in text):
            ways.setdefault((config_of(language), text), []).append(language)
    arms = [
        Q(**{f"{language_field}__in": languages, vector_field: SearchQuery(text, config=config, search_type=WEB)})
        for (config, text), languages in ways.items()
    ]
    return reduce(lambda either, arm: either | arm, arms) if arms else Q(pk__in=[])


def search(posts: QuerySet, query: str) -> QuerySet:
    """Approved posts of ``posts`` whose public version matches ``query``; never a pending or rejected text."""
    query = " ".join(query.split())[:MAX_QUERY_LENGTH]
    posts = posts.filter(approved_at__isnull=False)
    if not query:
        return posts
    own = matches(query, vector_field="search_vector", language_field="language", text_field="approved_text")
    # A person's translation of the approved version, still current, read in its own language (it exists only
    # for published posts: portal.content_translation, discussions.post_translations).
    translated = Translation.objects.filter(
        of_model(Post), field="approved_text", kind=TranslationKind.HUMAN, is_current=True
    ).filter(matches(query, vector_field="search_vector", language_field="language", text_field="text"))
    # A union of two index lookups, not an OR across tables, which PostgreSQL could only answer row by row.
    found = posts.filter(own).order_by().values("pk").union(translated.order_by().values("object_id"))
    return posts.filter(pk__in=found)
