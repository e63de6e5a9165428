"""Full-text search over the approved version of posts.

PostgreSQL: ``to_tsvector('simple', approved_text)`` matched with a websearch
query (quoted phrases, ``or``, ``-word``), served by the GIN index created in
migration 0002. The ``simple`` configuration does not stem, so it treats the six
languages alike. Chinese has no spaces between words, so a query holding CJK
characters also matches by substring. SQLite (embedded mode) has no full-text
search: every word of the query must appear, case-insensitively.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Q, QuerySet

CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
MAX_QUERY_LENGTH = 200


def search(posts: QuerySet, query: str) -> QuerySet:
    """Approved posts of ``posts`` whose public version matches ``query``; never a pending or rejected text."""
    query = " ".join(query.split())[:MAX_QUERY_LENGTH]
    posts = posts.filter(approved_at__isnull=False)
    if not query:
        return posts
    words = [w.strip("\"'") for w in query.split() if w.strip("\"'-")]
    if connection.vendor == "postgresql":
        condition = Q(search_document=SearchQuery(query, config="simple", search_type="websearch"))
        posts = posts.annotate(search_document=SearchVector("approved_text", config="simple"))
        if CJK.search(query):
            condition |= Q(approved_text__icontains=query)
        return posts.filter(condition)
    for word in words:
        posts = posts.filter(approved_text__icontains=word)
    return posts
