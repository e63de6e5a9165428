"""The audit wrapper never calls an unaudited set of packages clean, and fails on a known vulnerability."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "audit"


def judge(tmp_path, dependencies, **env):
    report = tmp_path / "report.json"
    report.write_text(json.dumps({"dependencies": dependencies, "fixes": []}))
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--report", str(report)],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", **env},
        check=False,
    )


CLEAN = {"name": "django", "version": "5.2.19", "vulns": []}
VULNERABLE = {
    "name": "django",
    "version": "5.2.1",
    "vulns": [{"id": "PYSEC-2025-0000", "fix_versions": ["5.2.2"], "aliases": [], "description": "x"}],
}
SKIPPED = {"name": "nh3", "skip_reason": "Dependency not found on PyPI and could not be audited: nh3 (0.3.8)"}


@pytest.mark.parametrize(
    ("dependencies", "env", "code", "says"),
    [
        ([CLEAN], {}, 0, "no known vulnerabilities"),
        ([CLEAN, VULNERABLE], {}, 1, "VULNERABLE django 5.2.1: PYSEC-2025-0000 (fixed in 5.2.2)"),
        ([CLEAN, VULNERABLE, SKIPPED], {"AUDIT_UNREACHABLE_OK": "1"}, 1, "VULNERABLE django"),
        ([CLEAN, SKIPPED], {}, 3, "NOT AUDITED (1 packages)"),
        ([CLEAN, SKIPPED], {"AUDIT_UNREACHABLE_OK": "1"}, 0, "not audited: nh3 (0.3.8)"),
    ],
)
def test_audit_outcomes(tmp_path, dependencies, env, code, says):
    result = judge(tmp_path, dependencies, **env)

    assert result.returncode == code, result.stdout + result.stderr
    assert says in result.stdout
