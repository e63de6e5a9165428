from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.utils.module_loading import module_has_submodule

from reviews.seed_calendar import load_seed_calendar


class Command(BaseCommand):
    help = (
        "Load the regions, review cycles, source documents, seeded timelines, GCM objectives and principles and the "
        "UNECE discussion space. Running it again changes nothing."
    )

    def handle(self, *args, **options):
        counts = load_seed_calendar()
        # Then what other apps seed on top of the calendar (discussions: the UNECE space and the tags), each
        # from a ``seed`` module with a ``load()`` returning its counts: the calendar knows no app above it.
        for config in apps.get_app_configs():
            if config.name == "reviews" or not module_has_submodule(config.module, "seed"):
                continue
            load = getattr(import_module(f"{config.name}.seed"), "load", None)
            if load is not None:
                counts.update(load())
        self.stdout.write(self.style.SUCCESS("Loaded " + ", ".join(f"{n} {what}" for what, n in counts.items()) + "."))
