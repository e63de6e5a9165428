"""`make bench` cannot rot: a small run (a few hundred rows, a second of load per page) writes its results.

Speed is not asserted here: the benchmark measures it, as ratios, on a quiet machine.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.deployment


def test_small_bench_runs_and_writes_its_results(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    result = subprocess.run(
        [
            *(sys.executable, "-m", "bench.run", "--scale", "small", "--seconds", "1", "--out", str(tmp_path)),
            *("--rush-people", "40", "--rush-seconds", "2", "--growth", "2"),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    results = json.loads((tmp_path / "results.json").read_text())
    assert set(results["pages"]) == {
        "reference",
        "signed-in reference",
        "home",
        "calendar",
        "region",
        "consultation",
        "consultation, signed in",
        "my registrations",
        "agenda",
        "dashboard",
        "thread",
        "moderation queue",
        "review dashboard",
        "funding review",
        "search en",
        "search fr",
        "search ar",
        "search zh",
    }
    assert all(page["requests"] > 0 and page["errors"] == 0 for page in results["pages"].values()), {
        name: (page["requests"], page["errors"]) for name, page in results["pages"].items()
    }
    assert results["exports"]["csv"]["rows"] == results["exports"]["baseline"]["rows"] == 1000
    table = (tmp_path / "RESULTS.md").read_text()
    assert "| reference | anonymous |" in table
    # Query counts are a target the suite can hold: equal at 1 and at 50 rows of each page's main list.
    assert set(results["queries"]) == set(results["pages"]) - {"reference", "signed-in reference"}
    assert all(counts["1"] == counts["50"] > 0 for counts in results["queries"].values()), results["queries"]
    moderation, scan = results["bulk"]["moderation"], results["bulk"]["reminder_scan"]
    assert [m["rows"] for m in moderation.values()] == [5, 50]
    assert len({m["queries"] for m in moderation.values()}) == 1, moderation
    assert scan["all"]["recipients"] > scan["20"]["recipients"] > 0
    assert scan["all"]["queries"] == scan["20"]["queries"], scan
    assert "| approve 50 pending posts | 50 |" in table
    # The rush: everyone registered, decided in arrival order, places first; no error.
    for mode in ("steady", "burst"):
        rush = results["rush"][mode]
        assert rush["errors"] == 0 and rush["registrations"] == 40, rush
        assert rush["registered"] == 24 and rush["waitlisted"] == 16, rush
        assert rush["arrivals_without_gap"] and rush["places_then_waiting_list"] and rush["out_of_order"] == 0, rush
        assert 0 < rush["page_p50"] <= rush["page_p99"] and 0 < rush["post_p50"] <= rush["post_p99"], rush
    assert "## The registration rush" in table
    # Growth: the signed-in pages at twice the data, with the same queries for the reminder scan.
    grown = results["growth"]["2"]
    assert grown["data"]["users"] > results["data"]["users"]
    signed_in = {name for name, page in results["pages"].items() if page["kind"] == "signed-in"}
    assert {name for name in signed_in if not name.startswith("search")} <= set(grown["pages"])
    assert all(page["errors"] == 0 and page["requests"] > 0 for page in grown["pages"].values())
    assert grown["scan"]["all"]["queries"] == scan["all"]["queries"], (grown["scan"], scan)
    assert "## Cost of growth" in table
    # Every signed-in page is profiled, so the table says where its time goes.
    assert signed_in - {n for n in signed_in if n.startswith("search")} <= set(results["profiles"])
    # The search finds posts in every language it is asked in, from the stored vectors.
    searched = results["search"]["queries"]
    assert all(searched[query]["matches"] > 0 for query in ("migrants", "мигрантов", "مهاجرة", "移民")), searched
    assert searched["xylophone"]["matches"] == 0
    assert len({figures["queries"] for figures in searched.values()}) == 1, searched
