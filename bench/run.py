"""`make bench`: the portal against bare Django, in one run, on the same gunicorn, with ratios.

Steps: throwaway PostgreSQL and Redis (unless DATABASE_URL/REDIS_URL are set) → migrate → scale data
(bench/data.py) → gunicorn with the production settings plus a reference view (bench/urls.py) → wrk on each
page → exports against a raw psycopg baseline (bench/exports.py) → bench/results.json and bench/RESULTS.md.
Every speed figure is a ratio against the reference measured in the same run: the machines are shared.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TARGETS = {"anonymous": 0.50, "signed-in": 0.25}


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


def load(url: str, cookie: str | None, seconds: int, connections: int) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", str(ROOT / "bench" / "report.lua"), url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: sessionid={cookie}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    figures = json.loads(re.search(r"^BENCH (.*)$", output, re.M).group(1))
    figures["rps"] = round(figures["requests"] / figures["seconds"], 1)
    return figures


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
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=["full", "small"], default="full")
    parser.add_argument("--seconds", type=int, default=10, help="load per page")
    parser.add_argument("--out", default=str(ROOT / "bench"))
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from tests.provision import _free_port, start_postgres, start_redis

    stops = []
    database, redis = os.environ.get("DATABASE_URL"), os.environ.get("REDIS_URL")
    if not database:
        database, stop = start_postgres()
        stops.append(stop)
        import psycopg

        with psycopg.connect(database.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
            admin.execute("CREATE DATABASE portal")
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
        started = time.monotonic()
        data = json.loads(
            run([sys.executable, "-m", "bench.data", "--scale", args.scale], env).strip().splitlines()[-1]
        )
        generated = round(time.monotonic() - started, 1)
        web = subprocess.Popen(
            [str(ROOT / "scripts" / "web-start")],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}/"
        wait_for(base + "healthz", timeout=120)
        pages = {}
        for name, (path, who) in data["pages"].items():
            url = base + path
            cookie = data["sessions"].get(who) if who else None
            load(url, cookie, min(2, args.seconds), 4)  # warm-up: caches, connections
            figures = load(url, cookie, args.seconds, 8)
            kind = "signed-in" if who else "anonymous"
            figures.update(who=who or "anonymous", kind=kind, target=None if name == "reference" else TARGETS[kind])
            pages[name] = figures
        reference = pages["reference"]["rps"]
        for page in pages.values():
            page["ratio"] = page["rps"] / reference if reference else 0
        ids = ",".join(map(str, data["export_consultations"]))
        exports = {
            kind: json.loads(run([sys.executable, "-m", "bench.exports", kind, ids], env).strip().splitlines()[-1])
            for kind in ("baseline", "csv", "xlsx")
        }
        results = {
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "cores": os.cpu_count(),
            "scale": args.scale,
            "data": data["counts"],
            "data_seconds": generated,
            "pages": pages,
            "exports": exports,
        }
    finally:
        if web is not None:
            web.terminate()
            web.wait(timeout=30)
        for stop in stops:
            stop()
    out = Path(args.out)
    (out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    table = markdown(results)
    (out / "RESULTS.md").write_text(table)
    print(table)


if __name__ == "__main__":
    main()
