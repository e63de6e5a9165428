"""The discussion search on the scale data: each query's matches, time and plan, in one process.

Run by ``bench.run`` after the pages are loaded (the search pages themselves are measured with wrk like every
page). A query is read as the posts page reads it: the approved posts of one space under its published
questions, newest first; its time is the count and the first page of 20 (the page's two queries on the
posts), the mean of ``REPEAT`` runs after a first one. The plans of the count and of the page say whether
the GIN index on the stored vectors served them (newest first, the planner may rather walk the posts by date
when the word is common and the page fills at once). Loading jieba's dictionary, once per process, is timed on its own.

    python -m bench.search <space id>  →  one JSON line
"""

import json
import sys
import time

REPEAT = 5
INDEX = "discussions_post_search_vector"
QUERIES = [
    ("en", "migrants"),
    ("en", "climate displacement"),
    ("fr", '"travailleuses migrantes"'),
    ("es", "trabajadores"),
    ("ru", "мигрантов"),
    ("ar", "مهاجرة"),
    ("zh-hans", "移民"),
    ("zh-hans", "移民局"),
    ("all", "migrants or мигрантов or مهاجرة or 移民"),
    ("none", "xylophone"),
]


def measure(space_id: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from discussions.models import Post
    from discussions.search import chinese_words, search
    from discussions.selectors import under_published_questions

    started = time.perf_counter()
    chinese_words("移民")
    published = under_published_questions(Post.objects.filter(space_id=space_id, approved_at__isnull=False))
    results = {
        "jieba_load_seconds": round(time.perf_counter() - started, 2),
        "posts": published.count(),
        "queries": {},
    }
    for language, query in QUERIES:
        found = search(published, query).order_by("-approved_at", "-pk")

        def read(found=found):
            return found.count(), list(found[:20])

        read()
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            for _ in range(REPEAT):
                matches, _page = read()
        results["queries"][query] = {
            "language": language,
            "matches": matches,
            "queries": len(queries) // REPEAT,
            "ms": round((time.perf_counter() - started) * 1000 / REPEAT, 2),
            "gin_count": INDEX in found.order_by().explain(),
            "gin_page": INDEX in found[:20].explain(),
        }
    return results


def main() -> None:
    import logging

    import django

    django.setup()
    logging.disable(logging.WARNING)
    print(json.dumps(measure(int(sys.argv[1]))))


if __name__ == "__main__":
    main()
