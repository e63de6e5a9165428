"""`make bench`: the portal against bare Django, in one run, on the same gunicorn, with ratios.

Steps: throwaway PostgreSQL and Redis (unless DATABASE_URL/REDIS_URL are set) → migrate → scale data
(bench/data.py) → gunicorn with the production settings plus a reference view (bench/urls.py) → wrk on each
page → exports against a raw psycopg baseline (bench/exports.py) → the discussion search's queries
(bench/search.py) → bulk work (bench/bulk.py) → bench/results.json and bench/RESULTS.md.
Every speed figure is a ratio against the reference measured in the same run: the machines are shared.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TARGETS = {"anonymous": 0.50, "signed-in": 0.10}
# Yardsticks, not pages: the bare view every ratio is against, and the least a signed-in Django page does.
YARDSTICKS = ("reference", "signed-in reference")
GROWTH = (2, 4)  # the signed-in pages and the reminder scan again on this many times the data (--growth)


def run(command, env, **kwargs) -> str:
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, **kwargs)
    if result.returncode:
        raise SystemExit(f"{' '.join(map(str, command))} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result.stdout


def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310 - our own loopback server
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def warm(url: str, cookie: str | None, workers: int) -> None:
    """A first request on every worker before wrk: as many at once as there are workers, twice, each awaited.

    A worker's first Chinese search loads jieba's dictionary (a second or two); under wrk's load those first
    requests would queue behind one another past a short run, which would then count none.
    """
    headers = {"Cookie": f"sessionid={cookie}"} if cookie else {}

    def get(_n):
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=120):  # noqa: S310
                pass
        except urllib.error.HTTPError:
            pass  # wrk counts the errors

    with ThreadPoolExecutor(workers) as pool:
        for _ in range(2):
            list(pool.map(get, range(workers)))


def drain(url: str, cookie: str | None) -> None:
    """Wait until the server has answered one more request: what wrk left queued is served first, so it cannot
    weigh on the next reading."""
    headers = {"Cookie": f"sessionid={cookie}"} if cookie else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=300):  # noqa: S310
            pass
    except urllib.error.HTTPError:
        pass


def load(url: str, cookie: str | None, seconds: int, connections: int) -> dict:
    command = [
        "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(ROOT / "bench" / "report.lua"),
        url,
    ]
    if cookie:
        command[1:1] = ["-H", f"Cookie: sessionid={cookie}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    figures = json.loads(re.search(r"^BENCH (.*)$", output, re.M).group(1))
    figures["rps"] = round(figures["requests"] / figures["seconds"], 1)
    return figures


BEFORE = ROOT / "bench" / "profiles-before.json"  # the signed-in pages profiled before issue 24's work


def markdown(results: dict) -> str:
    lines = [
        f"# Benchmark — {results['date']}, {results['cores']} cores, scale {results['scale']}",
        "",
        "Data: " + ", ".join(f"{n:,} {k}" for k, n in results["data"].items()) + ".",
        "",
        "| page | who | req/s | ratio to reference | target | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, page in results["pages"].items():
        target = page.get("target")
        wanted = f"{target:.2f}×" if target else "—"
        lines.append(
            f"| {name} | {page['who']} | {page['rps']} | {page['ratio']:.2f}× | {wanted} | "
            f"{page['p50']} | {page['p95']} | {page['p99']} | {page['errors']} |"
        )
    exports = results["exports"]
    lines += [
        "",
        "| export | rows | seconds | ratio to raw psycopg + csv.writer | peak memory growth |",
        "|---|---:|---:|---:|---:|",
    ]
    for kind in ("baseline", "csv", "xlsx"):
        figures = exports[kind]
        ratio = figures["seconds"] / max(exports["baseline"]["seconds"], 0.001)
        lines.append(
            f"| {kind} | {figures['rows']:,} | {figures['seconds']} | {ratio:.2f}× | {figures['peak_growth_mb']} MB |"
        )
    lines += [
        "",
        "Queries per page with 1 and with 50 rows in its main list (anonymous pages as rendered; "
        "served from the page cache they make none):",
        "",
        "| page | queries at 1 row | queries at 50 rows |",
        "|---|---:|---:|",
    ]
    lines += [f"| {name} | {n['1']} | {n['50']} |" for name, n in results["queries"].items()]
    bulk = results["bulk"]
    lines += [
        "",
        "| bulk work | rows | queries | seconds |",
        "|---|---:|---:|---:|",
    ]
    for size, figures in bulk["moderation"].items():
        lines.append(
            f"| approve {int(size):,} pending posts | {figures['rows']:,} | {figures['queries']} | "
            f"{figures['seconds']} |"
        )
    for figures in bulk["reminder_scan"].values():
        lines.append(
            f"| reminder scan, {figures['recipients']:,} recipients | {figures['rows']:,} reminders | "
            f"{figures['queries']} | {figures['seconds']} |"
        )
    search = results["search"]
    lines += [
        "",
        f"Discussion search on one space's {search['posts']:,} approved posts, as its page reads it (count and "
        f"first page of 20; loading jieba's dictionary, once per process: {search['jieba_load_seconds']} s):",
        "",
        "| query | language | matches | queries | ms | GIN index: count, page |",
        "|---|---|---:|---:|---:|---|",
    ]
    for query, figures in search["queries"].items():
        index = ", ".join("yes" if figures[plan] else "no" for plan in ("gin_count", "gin_page"))
        lines.append(
            f"| {query} | {figures['language']} | {figures['matches']:,} | {figures['queries']} | "
            f"{figures['ms']} | {index} |"
        )
    lines += rush_lines(results.get("rush") or {}) + growth_lines(results)
    if results["profiles"]:
        # The earlier profiles were taken at full scale: set beside a small run they would mislead.
        before = json.loads(BEFORE.read_text())["pages"] if results["scale"] == "full" and BEFORE.exists() else {}
        lines += [
            "",
            "## Where the time goes",
            "",
            "Every signed-in page (and any page below its target), rendered in one process on the same data "
            "(mean of 5 requests, no page cache): SQL is the time in the database; templates is rendering, less "
            "the SQL of querysets a template evaluates; the rest is Python in views, the ORM building objects, "
            "middleware, sessions. The heaviest functions of the portal's own code are shares of the profiled "
            "time, nested (a view includes what it calls). Before: the same page on the same kind of data before "
            "the work on signed-in pages (bench/profiles-before.json).",
            "",
            "| page | before ms (queries) | ms | queries | SQL ms | templates ms | rest ms | heaviest portal code |",
            "|---|---:|---:|---:|---:|---:|---:|---|",
        ]
        for name, figures in results["profiles"].items():
            earlier = before.get(name)
            was = f"{earlier['ms']} ({earlier['queries']})" if earlier else "—"
            lines.append(
                f"| {name} | {was} | {figures['ms']} | {figures['queries']} | {figures['sql_ms']} | "
                f"{figures['template_ms']} | {figures['other_ms']} | {'; '.join(figures['heaviest'])} |"
            )
    return "\n".join(lines) + "\n"


def measure_pages(base: str, wanted: dict, sessions: dict, seconds: int, workers: int) -> dict:
    """wrk on each page, the reference first and again at the end (the better reading is the stricter
    yardstick: a shared machine can be slowed at any moment); ratios against it."""
    pages = {}
    for name, (path, who) in wanted.items():
        url = base + path
        cookie = sessions.get(who) if who else None
        warm(url, cookie, workers)
        load(url, cookie, min(2, seconds), 4)  # warm-up: caches, connections
        drain(url, cookie)
        figures = load(url, cookie, seconds, 8)
        drain(url, cookie)
        kind = "signed-in" if who else "anonymous"
        figures.update(who=who or "anonymous", kind=kind, target=None if name in YARDSTICKS else TARGETS[kind])
        pages[name] = figures
    again = load(base + wanted["reference"][0], None, seconds, 8)
    if again["rps"] > pages["reference"]["rps"]:
        pages["reference"].update({k: again[k] for k in ("requests", "seconds", "errors", "p50", "p95", "p99", "rps")})
    reference = pages["reference"]["rps"]
    for page in pages.values():
        page["ratio"] = page["rps"] / reference if reference else 0
    return pages


def serve(env: dict, port: int):
    web = subprocess.Popen(
        [str(ROOT / "scripts" / "web-start")], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    wait_for(f"http://127.0.0.1:{port}/healthz", timeout=120)
    return web


def stop_serving(web) -> None:
    web.terminate()
    web.wait(timeout=30)


def rush(base: str, env: dict, people: int, seconds: int) -> dict:
    """The registration rush (bench/rush.py), as a steady stream over ``seconds`` and as a burst."""
    from bench import rush as rushing

    results = {}
    for mode, spread in (("steady", seconds), ("burst", 0)):
        prepare = [sys.executable, "-m", "bench.rush", "prepare", str(people)]
        prepared = json.loads(run(prepare, env).strip().splitlines()[-1])
        figures, seen = rushing.run(base, prepared, spread)
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
            json.dump(seen, handle)
        try:
            checks = json.loads(
                run([sys.executable, "-m", "bench.rush", "verify", str(prepared["consultation"]), handle.name], env)
                .strip()
                .splitlines()[-1]
            )
        finally:
            os.unlink(handle.name)
        results[mode] = {**figures, **checks, "spread": spread}
    return results


EMPTY = "portal_migrated"  # the portal's tables as migrations leave them, before any data: copied, never served


def copy_database(admin_url: str, source: str, name: str) -> None:
    """``name`` made afresh as a copy of ``source`` (PostgreSQL copies a database much faster than migrating)."""
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {name} TEMPLATE {source}")


def growth(env: dict, admin_url: str, scale: str, data: dict, seconds: int, factors=GROWTH) -> dict:
    """The signed-in pages and the reminder scan on ``GROWTH`` times the data, each in a database of its own,
    the reference measured again in each run."""
    wanted = {name: page for name, page in data["pages"].items() if page[1] is not None or name == "reference"}
    wanted = {name: page for name, page in wanted.items() if not name.startswith("search")}
    results = {}
    for factor in factors:
        name = f"portal_x{factor}"
        copy_database(admin_url, EMPTY, name)
        grown_env = {**env, "DATABASE_URL": admin_url.rsplit("/", 1)[0] + "/" + name}
        try:
            grown = json.loads(
                run([sys.executable, "-m", "bench.data", "--scale", scale, "--factor", str(factor)], grown_env)
                .strip()
                .splitlines()[-1]
            )
            port = int(env["GUNICORN_BIND"].rsplit(":", 1)[1])
            web = serve(grown_env, port)
            try:
                pages = measure_pages(
                    f"http://127.0.0.1:{port}/",
                    {k: grown["pages"][k] for k in wanted},
                    grown["sessions"],
                    seconds,
                    int(env["GUNICORN_WORKERS"]),
                )
            finally:
                stop_serving(web)
            scan = json.loads(run([sys.executable, "-m", "bench.bulk", "scan"], grown_env).strip().splitlines()[-1])
            results[str(factor)] = {"data": grown["counts"], "pages": pages, "scan": scan}
        finally:
            with psycopg.connect(admin_url, autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    return results


def rush_lines(rush: dict) -> list[str]:
    if not rush:
        return []
    lines = [
        "",
        "## The registration rush",
        "",
        "People signed in load a consultation's page, post the registration form and load the page it leads to "
        "(bench/rush.py), against the same gunicorn: as a steady stream over the minute, and as a burst "
        "(everyone at once, at most 64 at a time). Person p99 counts from the moment a person came, waiting for a "
        "free client included. Checked afterwards: one registration per person, arrivals without a gap, places "
        "to the first arrivals and the waiting list after them in arrival order, no post answered before another "
        "was sent arriving after it.",
        "",
        "| rush | people | seconds | errors | page p50 ms | page p99 ms | post p50 ms | post p99 ms | "
        "person p99 ms | places | waiting list | decided correctly |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for mode, r in rush.items():
        correct = (
            r["registrations"] == r["people"]
            and r["one_per_person"]
            and r["arrivals_without_gap"]
            and r["places_then_waiting_list"]
            and r["out_of_order"] == 0
        )
        lines.append(
            f"| {mode} | {r['people']:,} | {r['seconds']} | {r['errors']} | {r['page_p50']} | {r['page_p99']} | "
            f"{r['post_p50']} | {r['post_p99']} | {r['person_p99']} | {r['registered']} | {r['waitlisted']} | "
            f"{'yes' if correct else 'NO'} |"
        )
    return lines


def growth_lines(results: dict) -> list[str]:
    grown = results.get("growth") or {}
    if not grown:
        return []
    factors = ["1", *grown]
    runs = {"1": {"pages": results["pages"], "scan": results["bulk"]["reminder_scan"]["all"]}}
    runs.update({f: {"pages": g["pages"], "scan": g["scan"]["all"]} for f, g in grown.items()})
    last = factors[-1]
    lines = [
        "",
        "## Cost of growth",
        "",
        "The signed-in pages again on " + " and ".join(f"{f}×" for f in factors[1:]) + " the data (each run with "
        "its own reference reading): the ratio to the reference in each run, and how much longer a request "
        f"takes at {last}× than at 1× (requests per second at 1× over those at {last}×; 1.00 is flat).",
        "",
        "| page | " + " | ".join(f"ratio at {f}×" for f in factors) + f" | time at {last}× / 1× |",
        "|---|" + "---:|" * (len(factors) + 1),
    ]
    for name, page in results["pages"].items():
        if name not in runs[last]["pages"] or name == "reference":
            continue
        ratios = [runs[f]["pages"][name]["ratio"] for f in factors]
        slower = page["rps"] / max(runs[last]["pages"][name]["rps"], 0.001)
        lines.append(f"| {name} | " + " | ".join(f"{r:.3f}×" for r in ratios) + f" | {slower:.2f} |")
    lines += [
        "",
        "| reminder scan | " + " | ".join(f"{f}×" for f in factors) + " |",
        "|---|" + "---:|" * len(factors),
        "| recipients | " + " | ".join(f"{runs[f]['scan']['recipients']:,}" for f in factors) + " |",
        "| reminders | " + " | ".join(f"{runs[f]['scan']['rows']:,}" for f in factors) + " |",
        "| queries | " + " | ".join(str(runs[f]["scan"]["queries"]) for f in factors) + " |",
        "| seconds | " + " | ".join(str(runs[f]["scan"]["seconds"]) for f in factors) + " |",
    ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=["full", "small"], default="full")
    parser.add_argument("--seconds", type=int, default=10, help="load per page")
    parser.add_argument("--out", default=str(ROOT / "bench"))
    parser.add_argument("--rush-people", type=int, default=1000, help="people in the registration rush")
    parser.add_argument("--rush-seconds", type=int, default=60, help="the steady rush's length")
    parser.add_argument("--growth", default="2,4", help="data factors for the growth runs; empty for none")
    args = parser.parse_args()
    factors = tuple(int(f) for f in args.growth.split(",") if f)
    sys.path.insert(0, str(ROOT))
    from tests.provision import _free_port, start_postgres, start_redis

    stops = []
    database, redis = os.environ.get("DATABASE_URL"), os.environ.get("REDIS_URL")
    if not database:
        database, stop = start_postgres()
        stops.append(stop)
        with psycopg.connect(database.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
            admin.execute("CREATE DATABASE portal")
    # Query counts need lists of exactly 1 and 50 rows: a database of their own on the same server.
    counts_database = database.rsplit("/", 1)[0] + "/portal_counts"
    admin_url = database.rsplit("/", 1)[0] + "/postgres"
    if not redis:
        redis, stop = start_redis()
        stops.append(stop)
    port = _free_port()
    var = Path(args.out) / "var"
    env = {
        "PATH": f"{BIN}:{os.environ['PATH']}",
        "HOME": os.environ.get("HOME", str(ROOT)),
        "PORTAL_ENV": "production",
        "DJANGO_SETTINGS_MODULE": "portal.settings.base",
        "PORTAL_URLCONF": "bench.urls",
        "SECRET_KEY": "bench-" + "x" * 50,
        "DATABASE_URL": database,
        "REDIS_URL": redis,
        "EMAIL_HOST": "127.0.0.1",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": str(var / "static"),
        "PORTAL_VAR_DIR": str(var),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(os.cpu_count() or 2),
        "PYTHONPATH": str(ROOT),
    }
    web = None
    try:
        run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], env)
        # The other databases (query counts, growth) start as copies of this one, migrated and still empty.
        for copy in (EMPTY, "portal_counts"):
            copy_database(admin_url, database.rsplit("/", 1)[1] if copy == EMPTY else EMPTY, copy)
        run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], env)  # pages render in-process too
        counts_env = {**env, "DATABASE_URL": counts_database, "PUBLIC_PAGE_CACHE_SECONDS": "0"}
        queries = json.loads(run([sys.executable, "-m", "bench.queries"], counts_env).strip().splitlines()[-1])
        started = time.monotonic()
        data = json.loads(
            run([sys.executable, "-m", "bench.data", "--scale", args.scale], env).strip().splitlines()[-1]
        )
        generated = round(time.monotonic() - started, 1)
        web = serve(env, port)
        base = f"http://127.0.0.1:{port}/"
        pages = measure_pages(base, data["pages"], data["sessions"], args.seconds, int(env["GUNICORN_WORKERS"]))
        rushed = rush(base, env, args.rush_people, args.rush_seconds)
        stop_serving(web)
        web = None
        ids = ",".join(map(str, data["export_consultations"]))
        exports = {
            kind: json.loads(run([sys.executable, "-m", "bench.exports", kind, ids], env).strip().splitlines()[-1])
            for kind in ("baseline", "csv", "xlsx")
        }
        # Where the time goes, for every signed-in page and each page under its target (anonymous pages rendered,
        # not served from the page cache).
        profiled = {
            name: data["pages"][name]
            for name, page in pages.items()
            if page["kind"] == "signed-in" or (page["target"] and page["ratio"] < page["target"])
        }
        command = [sys.executable, "-m", "bench.profile", json.dumps(profiled), json.dumps(data["sessions"])]
        profiles = json.loads(run(command, env).strip().splitlines()[-1])
        search = json.loads(
            run([sys.executable, "-m", "bench.search", str(data["search_space"])], env).strip().splitlines()[-1]
        )
        bulk = json.loads(
            run([sys.executable, "-m", "bench.bulk", args.scale], env).strip().splitlines()[-1]
        )  # after the other measurements on this data: it changes it
        grown = growth(env, admin_url, args.scale, data, args.seconds, factors) if factors else {}
        results = {
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "cores": os.cpu_count(),
            "scale": args.scale,
            "data": data["counts"],
            "data_seconds": generated,
            "pages": pages,
            "exports": exports,
            "queries": queries,
            "bulk": bulk,
            "search": search,
            "profiles": profiles,
            "rush": rushed,
            "growth": grown,
        }
    finally:
        if web is not None:
            stop_serving(web)
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {EMPTY} WITH (FORCE)")
        for stop in stops:
            stop()
    out = Path(args.out)
    (out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    table = markdown(results)
    (out / "RESULTS.md").write_text(table)
    print(table)


if __name__ == "__main__":
    main()
