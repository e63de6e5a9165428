import pytest
from django.core.management import call_command

from reviews.dates import parse
from reviews.models import DateStatement, Event, Region, ReviewCycle, Source
from reviews.selectors import conflicts


def snapshot():
    return {
        model.__name__: sorted(
            tuple(str(v) for v in row)
            for row in model.objects.values_list(*[f.attname for f in model._meta.concrete_fields])
        )
        for model in (Region, ReviewCycle, Source, Event, DateStatement)
    }


@pytest.mark.django_db
def test_load_seed_calendar_twice_changes_nothing():
    call_command("load_seed_calendar", verbosity=0)
    first = snapshot()

    call_command("load_seed_calendar", verbosity=0)

    assert snapshot() == first
    assert (Region.objects.count(), ReviewCycle.objects.count(), Source.objects.count()) == (5, 2, 4)
    assert Event.objects.filter(cycle__code="2024-2025", region__isnull=False).count() == 18


@pytest.mark.django_db
def test_reloading_keeps_a_date_the_secretariat_changed():
    call_command("load_seed_calendar", verbosity=0)
    event = Event.objects.get(key="2024-arab-review")

    event.start = parse("12 June 2024")[0]
    event.save()

    call_command("load_seed_calendar", verbosity=0)

    assert Event.objects.get(pk=event.pk).start.canonical() == "day:2024-06-12"


@pytest.mark.django_db
def test_africa_review_conflict_newest_source_first():
    call_command("load_seed_calendar", verbosity=0)
    event = Event.objects.get(key="2024-africa-review")

    found = conflicts(event)

    assert [(s.source.code, s.wording) for s in found["start"]] == [("003", "October 2024"), ("000", "May")]
    assert event.start.canonical() == "month:2024-10"


@pytest.mark.django_db
def test_agreeing_sources_are_not_a_conflict():
    call_command("load_seed_calendar", verbosity=0)

    assert conflicts(Event.objects.get(key="2024-ece-msc")) == {}
    assert Event.objects.get(key="2024-ece-pre").start_tentative is False  # 003 no longer says TBD


@pytest.mark.django_db
def test_region_member_countries_and_subregions():
    call_command("load_seed_calendar", verbosity=0)

    africa = Region.objects.get(code="africa")
    codes = {c.code for c in africa.countries}
    assert {"KE", "NG", "EG", "ZA"} <= codes
    assert "FR" not in codes
    assert "CH" in {c.code for c in Region.objects.get(code="europe-north-america").countries}
