"""``portal.kept``: a rendering kept in the process under an exact spelling of the values it shows and the
language, so two renderings share a key only when they would be the same bytes; and meeting times formatted
once per process, per language."""

from collections import OrderedDict
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import translation
from django.utils.safestring import mark_safe

from portal import kept
from portal.timezones import zoned_span

ROW = "consultations/_my_registration.html"


@pytest.fixture
def renders(monkeypatch):
    """Each real rendering, counted (the real template every time)."""
    monkeypatch.setattr(kept, "_kept", OrderedDict())
    calls = []
    real = kept.render_to_string

    def counted(name, values):
        calls.append(values)
        return real(name, values)

    monkeypatch.setattr(kept, "render_to_string", counted)
    return calls


def row(**changes):
    values = {
        "pk": 7,
        "title": "Pacific pre-consultation",
        "starts_at": datetime(2031, 3, 4, 9, tzinfo=UTC),
        "ends_at": datetime(2031, 3, 4, 15, tzinfo=UTC),
        "time_zone": "Pacific/Fiji",
        "chosen": "",
        "on_page": True,
        "status": "Registered",
        "attendance": "In person",
        "state_label": "",
        "qr": "data:image/png;base64,AAAA",
        "code": "7KQ2-M9XD",
        "certificate": False,
        "revoked": False,
        "letter": "",
        "may_ask_letter": True,
    }
    return {**values, **changes}


def test_the_same_values_render_once_and_give_the_same_bytes(renders):
    first, second = kept.render_kept(ROW, row()), kept.render_kept(ROW, row())
    assert first == second
    assert "7KQ2-M9XD" in first
    assert len(renders) == 1


@pytest.mark.parametrize(
    "change",
    [
        {"code": "8ZZ3-M9XD"},  # another person's code
        {"title": "Pacific pre-consultation "},
        {"certificate": True},
        {"chosen": "Europe/Paris"},
        {"starts_at": datetime(2031, 3, 4, 9, tzinfo=UTC) + timedelta(seconds=1)},
        {"letter": "Waiting"},
        {"title": mark_safe("Pacific pre-consultation")},  # a safe string is not a plain one
    ],
)
def test_any_change_of_a_value_renders_afresh(renders, change):
    plain = kept.render_kept(ROW, row())
    changed = kept.render_kept(ROW, row(**change))
    assert len(renders) == 2
    if "code" in change:
        assert "8ZZ3-M9XD" in changed and "8ZZ3-M9XD" not in plain


def test_each_language_has_its_own_rendering(renders):
    english = kept.render_kept(ROW, row())
    with translation.override("fr"):
        french = kept.render_kept(ROW, row())
    assert len(renders) == 2
    assert english != french
    assert "Demander une lettre" in french


def test_a_value_the_digest_cannot_spell_is_rendered_every_time(renders):
    odd = row(title=object())
    kept.render_kept(ROW, odd)
    kept.render_kept(ROW, odd)
    assert len(renders) == 2


def test_the_oldest_rendering_is_dropped_past_the_limit(renders, monkeypatch):
    monkeypatch.setattr(kept, "KEPT", 2)
    for n in range(3):
        kept.render_kept(ROW, row(pk=n))
    assert len(kept._kept) == 2
    kept.render_kept(ROW, row(pk=0))
    assert len(renders) == 4


def test_meeting_times_are_formatted_in_the_language_of_each_reader():
    start = datetime(2031, 3, 4, 9, tzinfo=UTC)
    with translation.override("en"):
        english = zoned_span(start, None, "Europe/Paris")
    with translation.override("fr"):
        french = zoned_span(start, None, "Europe/Paris")
    with translation.override("en"):
        assert zoned_span(start, None, "Europe/Paris") == english
    assert english.day == "4 March 2031"
    assert french.day == "4 mars 2031"


def test_a_rendering_is_made_again_once_it_is_an_hour_old(renders, monkeypatch):
    """A row can show a person's data, which an erasure removes: no rendering outlives KEPT_SECONDS."""
    clock = [1000.0]
    monkeypatch.setattr(kept.time, "monotonic", lambda: clock[0])
    kept.render_kept(ROW, row())
    clock[0] += kept.KEPT_SECONDS - 1
    kept.render_kept(ROW, row())
    assert len(renders) == 1
    clock[0] += 2
    kept.render_kept(ROW, row())
    assert len(renders) == 2
