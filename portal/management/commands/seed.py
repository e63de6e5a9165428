from django.core.management.base import BaseCommand

from reviews.seed import seed_regions


class Command(BaseCommand):
    help = "Load the seeded reference data (regions and, as they arrive, the review calendar). Safe to re-run."

    def handle(self, *args, **options):
        regions = seed_regions()
        self.stdout.write(self.style.SUCCESS(f"Seeded {regions} regions."))
