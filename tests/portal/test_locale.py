"""Every catalogue is complete: no empty and no fuzzy entry, in the five non-English languages."""

import os
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.utils import formats, translation

LOCALE = Path(__file__).resolve().parents[2] / "locale"
LANGUAGES = ["ar", "zh_Hans", "fr", "ru", "es"]


def entries(po: Path):
    """Yield (flags, msgid, msgstrs) for each entry but the header."""
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        flags = " ".join(line for line in lines if line.startswith("#,"))
        strings: dict[str, str] = {}
        key = None
        for line in lines:
            match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d\])?) "(.*)"$', line)
            if match:
                key = match.group(1)
                strings[key] = match.group(2)
            elif line.startswith('"') and key:
                strings[key] += line[1:-1]
        if strings.get("msgid"):
            yield flags, strings["msgid"], [v for k, v in strings.items() if k.startswith("msgstr")]


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_has_no_empty_or_fuzzy_entry(language):
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    problems = [msgid for flags, msgid, msgstrs in entries(po) if "fuzzy" in flags or not msgstrs or not all(msgstrs)]

    assert problems == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_compiles_cleanly(language):
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(["msgfmt", "--check-format", "-o", "/dev/null", str(po)], capture_output=True, text=True)

    assert result.returncode == 0, result.stderr


def test_catalogues_cover_every_source_string(tmp_path):
    """Extracting the strings again (in a copy of the tree) finds none that the French catalogue lacks."""
    root = LOCALE.parent
    for name in ("portal", "reviews", "consultations", "discussions", "funding", "reminders", "templates"):
        shutil.copytree(root / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "static"))
    shutil.copytree(LOCALE / "fr", tmp_path / "locale" / "fr")
    shutil.copy(root / "manage.py", tmp_path)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.base", "PORTAL_VAR_DIR": str(tmp_path / "var")}
    env.pop("PORTAL_ENV", None)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "fr", "--no-obsolete", "-v", "0"],
        cwd=tmp_path,
        env=env,
        check=True,
    )

    po = tmp_path / "locale" / "fr" / "LC_MESSAGES" / "django.po"
    missing = [msgid for _flags, msgid, msgstrs in entries(po) if not all(msgstrs)]

    assert missing == [], "Run `make messages` and translate these."


def test_arabic_dates_read_day_month_year_with_a_24_hour_time():

    with translation.override("ar"):
        shown = formats.date_format(datetime(2027, 1, 6, 12, 52, tzinfo=UTC), "DATETIME_FORMAT")

    assert shown == "6 يناير، 2027، 12:52"
