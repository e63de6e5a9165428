"""Where the time of a page goes: each page rendered in-process under cProfile, own time grouped by layer.

Run by ``bench.run`` on the scale data with the production settings, for every
signed-in page and any page that misses its target, so RESULTS.md can say why. A page is read once
to warm the caches, then ``REPEAT`` times under the profiler.

    python -m bench.profile '{"page": ["path", "who"]}' '{"who": "session key"}'  →  one JSON line
"""

import cProfile
import json
import pstats
import sys
import time

REPEAT = 5
PAGE_CACHE_SECONDS = 0  # the production setting, read at start
OURS = ("/portal/", "/reviews/", "/consultations/", "/discussions/", "/funding/", "/reminders/")


def profile(path: str, cookie: str | None) -> dict:
    """Wall time, time in SQL and time rendering templates, measured plainly (the rendering time
    includes the querysets a template evaluates, less their SQL); then the heaviest functions of the
    portal's own code, read from a second, profiled run."""
    from django.conf import settings
    from django.db import connection
    from django.template.backends.django import Template
    from django.test import Client

    # Anonymous pages are profiled as rendered, not as served from the whole-page cache; signed-in pages with
    # the shared cache as in production (values kept until the content changes, portal.cache.by_data).
    settings.PUBLIC_PAGE_CACHE_SECONDS = PAGE_CACHE_SECONDS if cookie else 0
    client = Client()
    if cookie:
        client.cookies["sessionid"] = cookie
    client.get(path)
    spent = {"sql": 0.0, "sql_in_render": 0.0, "render": 0.0, "queries": 0, "rendering": False}

    def timed_sql(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            took = time.perf_counter() - started
            spent["sql"] += took
            spent["queries"] += 1
            if spent["rendering"]:
                spent["sql_in_render"] += took

    original_render = Template.render

    def timed_render(self, *args, **kwargs):
        if spent["rendering"]:
            return original_render(self, *args, **kwargs)
        spent["rendering"], started = True, time.perf_counter()
        try:
            return original_render(self, *args, **kwargs)
        finally:
            spent["rendering"] = False
            spent["render"] += time.perf_counter() - started

    Template.render = timed_render
    try:
        started = time.perf_counter()
        with connection.execute_wrapper(timed_sql):
            for _ in range(REPEAT):
                client.get(path)
        wall = time.perf_counter() - started
    finally:
        Template.render = original_render

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(REPEAT):
        client.get(path)
    profiler.disable()
    stats = pstats.Stats(profiler).stats
    total = max(cumulative for (_c, _p, _own, cumulative, _callers) in stats.values())
    own_code = sorted(
        (
            (cumulative, f"{filename.rsplit('/', 2)[-2]}/{filename.rsplit('/', 1)[-1]}:{name}")
            for (filename, _line, name), (_c, _p, _own, cumulative, _callers) in stats.items()
            if any(mark in filename for mark in OURS)
            and not any(skip in filename for skip in ("/.venv/", "/templatetags/", "/middleware.py", "/cache.py"))
        ),
        reverse=True,
    )

    def per_request(seconds):
        return round(seconds * 1000 / REPEAT, 1)

    render = spent["render"] - spent["sql_in_render"]
    return {
        "ms": per_request(wall),
        "queries": spent["queries"] // REPEAT,
        "sql_ms": per_request(spent["sql"]),
        "template_ms": per_request(render),
        "other_ms": per_request(max(wall - spent["sql"] - render, 0)),
        "heaviest": [f"{name} {100 * cumulative / total:.0f}%" for cumulative, name in own_code[:4]],
    }


def main() -> None:
    import logging

    import django

    django.setup()
    logging.disable(logging.WARNING)
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    global PAGE_CACHE_SECONDS
    PAGE_CACHE_SECONDS = settings.PUBLIC_PAGE_CACHE_SECONDS
    pages, sessions = json.loads(sys.argv[1]), json.loads(sys.argv[2])
    print(json.dumps({name: profile("/" + path, sessions.get(who)) for name, (path, who) in pages.items()}))


if __name__ == "__main__":
    main()
