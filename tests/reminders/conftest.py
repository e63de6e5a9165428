from datetime import date

import pytest

from portal.enums import Role
from reminders import registry
from reviews.dates import parse
from reviews.models import Event, Region, ReviewCycle
from tests.factories import make_user


@pytest.fixture
def region(db):
    region, _ = Region.objects.get_or_create(
        code="africa", defaults={"name": "Africa", "commission": "ECA", "commission_acronym": "ECA"}
    )
    region.countries = ["KE", "NG"]
    region.save()
    return region


@pytest.fixture
def cycle(db):
    cycle, _ = ReviewCycle.objects.get_or_create(
        code="2024-2025", defaults={"name": "2024-2025", "start_year": 2024, "end_year": 2025, "imrf_year": 2026}
    )
    return cycle


def event(region, cycle, kind, stated):
    item = Event(cycle=cycle, region=region, kind=kind, start=parse(stated)[0])
    item.save()
    return item


@pytest.fixture
def review(region, cycle):
    """The Regional Review on Tuesday 15 June 2027."""
    return event(region, cycle, "regional_review", "15 June 2027")


@pytest.fixture
def secretariat(db):
    return make_user(Role.SECRETARIAT, preferred_language="fr")


def due(day: date, kind: str | None = None) -> set[tuple]:
    """(kind, target, due day, recipient) of every reminder the rules find on ``day``."""

    found = set()
    for rule_kind, rule in registry.rules().items():
        if kind is None or rule_kind == kind:
            found |= {(rule_kind, d.target, d.due_on, d.recipient_id) for d in rule.find(day)}
    return found
