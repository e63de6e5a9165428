from importlib import import_module

import pytest
from django import forms
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.admin.utils import construct_change_message
from django.core.management import call_command

from portal.enums import Role
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


# No document states the modality of these meetings (000, 002, 003, 004): the seed leaves it blank.
UNSTATED_MODALITY = {
    "2024-gcm-talks",
    "2024-ece-review",
    "2024-africa-review",
    "2024-arab-review",
    "2024-lac-review",
    "2024-ap-review",
    "2026-imrf",
    "2020-ece-msc",
    "2022-imrf",
}


@pytest.mark.django_db
def test_the_seed_states_a_modality_only_where_a_source_does():
    call_command("load_seed_calendar", verbosity=0)

    blank = set(Event.objects.filter(modality="").values_list("key", flat=True))
    stated = dict(Event.objects.exclude(modality="").values_list("key", "modality"))

    assert blank == UNSTATED_MODALITY
    # 000: virtual global consultations and pre-consultations, in-person multi-stakeholder consultations;
    # 004: a virtual 2020 review meeting.
    assert {key: stated[key] for key in ("2024-global-consultation-1", "2024-ap-pre-pacific", "2024-lac-msc")} == {
        "2024-global-consultation-1": "virtual",
        "2024-ap-pre-pacific": "virtual",
        "2024-lac-msc": "in_person",
    }
    assert stated["2020-ece-review"] == "virtual"
    assert Event.objects.get(key="2024-ece-review").place == "Geneva"


@pytest.mark.django_db
def test_the_migration_blanks_the_old_guesses_but_keeps_what_the_secretariat_set(user_with_role):
    migration = import_module("reviews.migrations.0005_blank_unstated_modalities")
    call_command("load_seed_calendar", verbosity=0)
    # A calendar loaded before the fix: every guess in place.
    for key, guess in migration.GUESSED.items():
        Event.objects.filter(key=key).update(modality=guess)
    africa = Event.objects.get(key="2024-africa-review")  # the secretariat confirmed "in person" in the admin
    form = forms.modelform_factory(Event, fields=["modality"])(data={"modality": "in_person"}, instance=africa)
    form.initial["modality"] = ""  # the admin's form: the value before the change
    assert form.is_valid()
    LogEntry.objects.log_actions(
        user_id=user_with_role(Role.SECRETARIAT).pk,
        queryset=[africa],
        action_flag=CHANGE,
        change_message=construct_change_message(form, [], False),
        single_object=True,
    )
    Event.objects.filter(key="2024-lac-review").update(modality="hybrid")  # no longer the guess

    migration.blank_unstated_modalities(apps, None)

    modalities = dict(Event.objects.filter(key__in=migration.GUESSED).values_list("key", "modality"))
    assert modalities == {
        "2024-gcm-talks": "",
        "2024-ece-review": "",
        "2024-africa-review": "in_person",
        "2024-arab-review": "",
        "2024-lac-review": "hybrid",
        "2024-ap-review": "",
        "2020-ece-msc": "",
    }
