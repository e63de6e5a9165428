"""Every date wording of the seeds reads into the right value, bounds and display in six languages."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from reviews.dates import DateParseError, StatedDate, parse
from reviews.fields import StatedDateFormField
from reviews.seed_calendar import EVENTS, _wording_for_parse

D = date

# wording, year when the wording has none, canonical value, earliest, latest, tentative
SEED_WORDINGS = {
    ("31 October 2023", None): ("day:2023-10-31", D(2023, 10, 31), D(2023, 10, 31), False),
    ("1 November 2023", None): ("day:2023-11-01", D(2023, 11, 1), D(2023, 11, 1), False),
    ("December 2023", None): ("month:2023-12", D(2023, 12, 1), D(2023, 12, 31), False),
    ("January 2024", None): ("month:2024-01", D(2024, 1, 1), D(2024, 1, 31), False),
    ("2024 (TBD)", None): ("year:2024", D(2024, 1, 1), D(2024, 12, 31), True),
    ("2026", None): ("year:2026", D(2026, 1, 1), D(2026, 12, 31), False),
    ("8 November 2023 (TBD)", None): ("day:2023-11-08", D(2023, 11, 8), D(2023, 11, 8), True),
    ("8 November 2023", None): ("day:2023-11-08", D(2023, 11, 8), D(2023, 11, 8), False),
    ("8 or 11 March (TBD)", 2024): ("days:2024-03-08,2024-03-11", D(2024, 3, 8), D(2024, 3, 11), True),
    ("8 or 11 March 2024", None): ("days:2024-03-08,2024-03-11", D(2024, 3, 8), D(2024, 3, 11), False),
    ("11 March (Geneva)", 2024): ("day:2024-03-11", D(2024, 3, 11), D(2024, 3, 11), False),
    ("11 March 2024", None): ("day:2024-03-11", D(2024, 3, 11), D(2024, 3, 11), False),
    ("18 January 2024", None): ("day:2024-01-18", D(2024, 1, 18), D(2024, 1, 18), False),
    ("16 February 2024", None): ("day:2024-02-16", D(2024, 2, 16), D(2024, 2, 16), False),
    ("by 23 February", 2024): ("day:2024-02-23", D(2024, 2, 23), D(2024, 2, 23), False),
    ("March", 2024): ("month:2024-03", D(2024, 3, 1), D(2024, 3, 31), False),
    ("March 2024", None): ("month:2024-03", D(2024, 3, 1), D(2024, 3, 31), False),
    ("May", 2024): ("month:2024-05", D(2024, 5, 1), D(2024, 5, 31), False),
    ("May 2024", None): ("month:2024-05", D(2024, 5, 1), D(2024, 5, 31), False),
    ("October 2024", None): ("month:2024-10", D(2024, 10, 1), D(2024, 10, 31), False),
    ("April", 2024): ("month:2024-04", D(2024, 4, 1), D(2024, 4, 30), False),
    ("April 2024", None): ("month:2024-04", D(2024, 4, 1), D(2024, 4, 30), False),
    ("June", 2024): ("month:2024-06", D(2024, 6, 1), D(2024, 6, 30), False),
    ("June 2024", None): ("month:2024-06", D(2024, 6, 1), D(2024, 6, 30), False),
    ("September", 2024): ("month:2024-09", D(2024, 9, 1), D(2024, 9, 30), False),
    ("September 2024", None): ("month:2024-09", D(2024, 9, 1), D(2024, 9, 30), False),
    ("Week of 3 November", 2024): ("week:2024-11-03", D(2024, 11, 3), D(2024, 11, 9), False),
    ("Week of 3 November 2024", None): ("week:2024-11-03", D(2024, 11, 3), D(2024, 11, 9), False),
    ("Late 2024", None): ("part:2024-late", D(2024, 9, 1), D(2024, 12, 31), False),
    ("Late 2024*", None): ("part:2024-late", D(2024, 9, 1), D(2024, 12, 31), False),
    ("2025", None): ("year:2025", D(2025, 1, 1), D(2025, 12, 31), False),
    ("9 November 2020", None): ("day:2020-11-09", D(2020, 11, 9), D(2020, 11, 9), False),
    ("12 November 2020", None): ("day:2020-11-12", D(2020, 11, 12), D(2020, 11, 12), False),
    ("13 November 2020", None): ("day:2020-11-13", D(2020, 11, 13), D(2020, 11, 13), False),
    ("2022", None): ("year:2022", D(2022, 1, 1), D(2022, 12, 31), False),
}


def seed_rows():
    return sorted({(wording, year) for *_head, statements, _desc in EVENTS for _s, _w, wording, year in statements})


def test_the_table_covers_every_seed_wording():
    assert sorted(SEED_WORDINGS) == seed_rows()


@pytest.mark.parametrize(("wording", "year"), seed_rows())
def test_seed_wording_parses_into_value_and_bounds(wording, year):
    value, tentative = parse(_wording_for_parse(wording), default_year=year)

    assert (value.canonical(), value.earliest, value.latest, tentative) == SEED_WORDINGS[(wording, year)]
    assert StatedDate.from_canonical(value.canonical()) == value


DISPLAYS = {
    "day:2024-03-11": {
        "en": "11 March 2024",
        "fr": "11 mars 2024",
        "es": "11 de marzo de 2024",
        "ru": "11 марта 2024 г.",
        "zh-hans": "2024年3月11日",
        "ar": "11 مارس، 2024",
    },
    "days:2024-03-08,2024-03-11": {
        "en": "8 March 2024 or 11 March 2024",
        "fr": "8 mars 2024 ou 11 mars 2024",
        "es": "8 de marzo de 2024 o 11 de marzo de 2024",
        "ru": "8 марта 2024 г. или 11 марта 2024 г.",
        "zh-hans": "2024年3月8日或2024年3月11日",
        "ar": "8 مارس، 2024 أو 11 مارس، 2024",
    },
    "week:2024-11-03": {
        "en": "week of 3 November 2024",
        "fr": "semaine du 3 novembre 2024",
        "es": "semana del 3 de noviembre de 2024",
        "ru": "неделя с 3 ноября 2024 г.",
        "zh-hans": "2024年11月3日当周",
        "ar": "أسبوع 3 نوفمبر، 2024",
    },
    "month:2024-10": {
        "en": "October 2024",
        "fr": "octobre 2024",
        "es": "octubre de 2024",
        "ru": "Октябрь 2024 г.",
        "zh-hans": "2024年10月",
        "ar": "أكتوبر 2024",
    },
    "part:2024-late": {
        "en": "late 2024",
        "fr": "fin 2024",
        "es": "finales de 2024",
        "ru": "конец 2024 года",
        "zh-hans": "2024年底",
        "ar": "أواخر عام 2024",
    },
    "year:2025": {"en": "2025", "fr": "2025", "es": "2025", "ru": "2025", "zh-hans": "2025", "ar": "2025"},
}


@pytest.mark.parametrize("canonical", list(DISPLAYS))
@pytest.mark.parametrize("language", ["en", "fr", "es", "ru", "zh-hans", "ar"])
def test_display_is_built_from_the_value_in_each_language(canonical, language):
    with translation.override(language):
        assert StatedDate.from_canonical(canonical).display() == DISPLAYS[canonical][language]


@pytest.mark.parametrize(
    ("wording", "year", "message"),
    [
        ("March", None, "Add the year"),
        ("31 February 2024", None, "is not a valid date"),
        ("soon", None, "is not a date we can read"),
        ("", None, "Enter a date"),
        ("2024-13-01", None, "is not a valid date"),
    ],
)
def test_unreadable_wordings_say_what_is_expected(wording, year, message):
    with pytest.raises(DateParseError, match=message):
        parse(wording, default_year=year)


def test_other_precisions():
    assert parse("early 2025")[0].canonical() == "part:2025-early"
    assert (parse("mid-2025")[0].earliest, parse("mid-2025")[0].latest) == (D(2025, 5, 1), D(2025, 8, 31))
    assert parse("2024-01-18")[0].canonical() == "day:2024-01-18"


@pytest.mark.parametrize("wording", ["week of 27 December 9999", "9999-12-31", "December 9999", "0001", "late 1900"])
def test_a_date_outside_the_calendar_is_refused_with_the_reason(wording):
    with pytest.raises(DateParseError) as refused:
        parse(wording)
    assert "outside the calendar: write a year from 1945 to 2199" in str(refused.value)


def test_the_calendar_form_field_answers_a_far_year_with_its_error():
    field = StatedDateFormField()

    with pytest.raises(ValidationError) as refused:
        field.clean("week of 27 December 9999")

    assert "outside the calendar" in " ".join(refused.value.messages)
