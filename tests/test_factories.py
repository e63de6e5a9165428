"""tests/factories.py has exactly one factory per concrete model of the portal's apps, and each makes a valid
object: a model added without its factory fails here, and so does a factory that makes something invalid."""

from collections import Counter

import pytest
from django.apps import apps
from factory.django import DjangoModelFactory

from tests import factories

APPS = ("portal", "reviews", "consultations", "discussions", "funding", "reminders")


def concrete_models() -> list[type]:
    """The models of the portal's apps that have a table of their own (no proxies, nothing unmanaged)."""
    return [
        model
        for label in APPS
        for model in apps.get_app_config(label).get_models()
        if not model._meta.proxy and model._meta.managed
    ]


def model_factories(module=factories) -> list[type[DjangoModelFactory]]:
    """Every concrete DjangoModelFactory subclass the module defines or imports."""
    return [
        value
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, DjangoModelFactory)
        and value is not DjangoModelFactory
        and not value._meta.abstract
    ]


def coverage(models, found) -> dict[str, list[str]]:
    """Models without a factory, models with more than one, and factories of models outside the apps."""
    counts = Counter(factory._meta.model for factory in found)
    return {
        "missing": sorted(model._meta.label for model in models if counts[model] == 0),
        "several": sorted(model._meta.label for model, n in counts.items() if n > 1),
        "outside": sorted(model._meta.label for model in counts if model not in models),
    }


def test_every_concrete_model_has_exactly_one_factory():
    assert coverage(concrete_models(), model_factories()) == {"missing": [], "several": [], "outside": []}


def test_the_check_notices_a_model_without_a_factory_and_a_second_one():
    """The control: drop one factory and duplicate another, and the check names both models."""
    found = model_factories()
    dropped, doubled = found[0], found[1]
    changed = [f for f in found if f is not dropped] + [doubled]

    result = coverage(concrete_models(), changed)

    assert result == {
        "missing": [dropped._meta.model._meta.label],
        "several": [doubled._meta.model._meta.label],
        "outside": [],
    }


@pytest.mark.django_db
@pytest.mark.parametrize("factory", model_factories(), ids=lambda f: f.__name__)
def test_each_factory_creates_valid_objects(factory):
    made = factory.create_batch(2)  # twice: unique fields come from sequences

    for obj in made:
        obj.full_clean()
        obj.refresh_from_db()  # what was stored, not only what the instance holds
        obj.full_clean()
    assert made[0].pk != made[1].pk
