from importlib import import_module

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import module_has_submodule

from portal.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, create_demo_accounts


class Command(BaseCommand):
    help = "Create one demo account per role (embedded mode only) and print their credentials."

    def handle(self, *args, **options):
        try:
            accounts = create_demo_accounts()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write("Demo accounts (embedded mode only), password for all: " + DEMO_PASSWORD)
        for role, email in accounts:
            self.stdout.write(f"  {role:<20} {email}")
        self.stdout.write(
            "Staff accounts sign in with a second factor: add this key to an authenticator app: " + DEMO_TOTP_SECRET
        )
        # Each app brings its own demo data in a ``demo`` module with a ``seed()`` that returns what it created
        # (or nothing when it already exists), in the order of INSTALLED_APPS.
        for config in apps.get_app_configs():
            if config.name == "portal" or not module_has_submodule(config.module, "demo"):
                continue
            seed = getattr(import_module(f"{config.name}.demo"), "seed", None)
            created = seed() if seed else None
            if created:
                self.stdout.write(created)
