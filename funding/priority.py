"""Diversity priority (001: priority to diverse representation of all relevant stakeholders).

Formula, shown on the review pages and in the README:

    score = Σ weight × (1 − share)

for each dimension where the applicant has a known value, with ``share`` the
fraction of the applications approved so far in the call that have the same
value. A group not yet on the approved slate earns the dimension's whole
weight; a group that is the whole slate earns nothing. Constituency, sub-region
and gender compare values; first-time participation and migrant-led
organisation count only for applicants who say so (they are never required). A
value not given ("prefer not to say", no answer) earns half the weight, so
keeping something private neither helps nor harms. Weights add up to 100.
"""

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Case, Count, DecimalField, Q, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from funding.enums import SelfIdentification, State
from funding.models import Application
from portal.enums import Constituency, Gender
from portal.m49 import SUBREGIONS

WEIGHTS = {"constituency": 30, "subregion": 25, "gender": 20, "first_time": 15, "migrant_led": 10}
DIMENSION_NAMES = {
    "constituency": gettext_lazy("Constituency"),
    "subregion": gettext_lazy("Sub-region"),
    "gender": gettext_lazy("Gender"),
    "first_time": gettext_lazy("First-time participation"),
    "migrant_led": gettext_lazy("Migrant-led organisation"),
}
UNKNOWN = {"", None, Gender.UNDISCLOSED}


def profile_values(constituency, subregion, gender, self_identification) -> dict:
    identification = set(self_identification or [])
    return {
        "constituency": constituency or "",
        "subregion": subregion or "",
        "gender": gender or "",
        "first_time": SelfIdentification.FIRST_TIME in identification,
        "migrant_led": SelfIdentification.MIGRANT_LED in identification,
    }


VALUE_PATHS = (
    "applicant__profile__constituency",
    "applicant__profile__subregion",
    "applicant__profile__gender",
    "self_identification",
)


@dataclass
class Slate:
    """What the approved applications of a call look like, counted once per page."""

    total: int = 0
    counts: dict[str, Counter] = field(default_factory=lambda: {name: Counter() for name in WEIGHTS})

    @classmethod
    def of(cls, call) -> "Slate":
        """Counted by the database: one row per distinct profile on the slate, not per application."""
        slate = cls()
        rows = (
            Application.objects.filter(call=call, state=State.APPROVED)
            .values_list(*VALUE_PATHS)
            .annotate(n=Count("pk"))
            .order_by()
        )
        for *row, n in rows:
            slate.total += n
            for name, value in profile_values(*row).items():
                slate.counts[name][value] += n
        return slate


@dataclass
class Score:
    value: Decimal
    lines: list[str]


def _label(name: str, value) -> str:
    if name == "constituency":
        return str(dict(Constituency.choices).get(value, value))
    if name == "subregion":
        return str(SUBREGIONS.get(value, value))
    if name == "gender":
        return str(dict(Gender.choices).get(value, value))
    return str(DIMENSION_NAMES[name])


def _points(name: str, value, slate: Slate) -> Decimal:
    """What one known value earns: weight × (1 − its share of the approved slate), to a tenth."""
    same = slate.counts[name][value]
    share = Decimal(same) / slate.total if slate.total else Decimal("0")
    return (Decimal(WEIGHTS[name]) * (1 - share)).quantize(Decimal("0.1"))


def _explained(name: str, value, slate: Slate) -> tuple[Decimal, str]:
    """What one dimension's value earns, and the line that says why."""
    weight = WEIGHTS[name]
    dimension = DIMENSION_NAMES[name]
    if name in ("first_time", "migrant_led"):
        if not value:
            return Decimal("0"), _("%(dimension)s: not stated → 0") % {"dimension": dimension}
    elif value in UNKNOWN:
        points = Decimal(weight) / 2
        return points, _("%(dimension)s: not stated → %(points)s (half the weight)") % {
            "dimension": dimension,
            "points": f"{points:.1f}",
        }
    points = _points(name, value, slate)
    return points, _("%(dimension)s: %(value)s — %(same)s of %(total)s approved so far → %(points)s of %(weight)s") % {
        "dimension": dimension,
        "value": _label(name, value),
        "same": slate.counts[name][value],
        "total": slate.total,
        "points": f"{points:.1f}",
        "weight": weight,
    }


def score(values: dict, slate: Slate, explained=_explained) -> Score:
    total = Decimal("0")
    lines = []
    for name in WEIGHTS:
        points, line = explained(name, values[name], slate)
        total += points
        lines.append(line)
    return Score(total.quantize(Decimal("0.1")), lines)


def scores(many: list[dict], slate: Slate) -> list[Score]:
    """:func:`score` of each of ``many``: a value shared by several applicants is explained once."""
    known: dict[tuple, tuple[Decimal, str]] = {}

    def explained(name: str, value, slate: Slate) -> tuple[Decimal, str]:
        key = (name, value)
        if key not in known:
            known[key] = _explained(name, value, slate)
        return known[key]

    return [score(values, slate, explained) for values in many]


def value(values: dict, slate: Slate) -> Decimal:
    """The score alone, without its explanation (the review list sorts by ``expression``, its SQL twin)."""
    total = Decimal("0")
    for name, weight in WEIGHTS.items():
        item = values[name]
        if name in ("first_time", "migrant_led"):
            if not item:
                continue
        elif item in UNKNOWN:
            total += Decimal(weight) / 2
            continue
        total += _points(name, item, slate)
    return total.quantize(Decimal("0.1"))


SCORE_FIELD = DecimalField(max_digits=5, decimal_places=1)
COMPARED = {
    "constituency": "applicant__profile__constituency",
    "subregion": "applicant__profile__subregion",
    "gender": "applicant__profile__gender",
}
FLAGS = {"first_time": SelfIdentification.FIRST_TIME, "migrant_led": SelfIdentification.MIGRANT_LED}


def expression(slate: Slate):
    """The score of every application as one SQL expression, so the database sorts, filters and pages.

    The slate is small (a few dozen distinct values), so each dimension becomes a
    CASE over the values already approved; a value not on the slate earns the
    whole weight and an unknown one half, exactly as ``score`` explains it.
    """
    total = None
    for name, path in COMPARED.items():
        unknown = Q(**{f"{path}__isnull": True}) | Q(**{f"{path}__in": [v for v in UNKNOWN if v is not None]})
        whens = [When(unknown, then=Value(Decimal(WEIGHTS[name]) / 2))]
        whens += [
            When(**{path: value}, then=Value(_points(name, value, slate)))
            for value in slate.counts[name]
            if value not in UNKNOWN
        ]
        part = Case(*whens, default=Value(Decimal(WEIGHTS[name])), output_field=SCORE_FIELD)
        total = part if total is None else total + part
    for name, flag in FLAGS.items():
        said = Q(self_identification__contains=[flag])
        if connection.vendor != "postgresql":  # SQLite has no JSON containment: the list's text holds the value
            said = Q(self_identification__icontains=f'"{flag}"')
        total += Case(
            When(said, then=Value(_points(name, True, slate))), default=Value(Decimal("0")), output_field=SCORE_FIELD
        )
    return total


def application_score(application: Application, slate: Slate) -> Score:
    profile = getattr(application.applicant, "profile", None)
    values = profile_values(
        getattr(profile, "constituency", ""),
        getattr(profile, "subregion", ""),
        getattr(profile, "gender", ""),
        application.self_identification,
    )
    return score(values, slate)


def row_values(row: dict) -> dict:
    """:func:`profile_values` of an application read as values (funding.selectors.page_rows)."""
    return profile_values(*(row[path] for path in VALUE_PATHS))
