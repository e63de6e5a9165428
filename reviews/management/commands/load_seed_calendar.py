from django.core.management.base import BaseCommand

from reviews.seed_calendar import load_seed_calendar


class Command(BaseCommand):
    help = "Load the regions, review cycles, source documents and seeded timelines. Running it again changes nothing."

    def handle(self, *args, **options):
        counts = load_seed_calendar()
        self.stdout.write(self.style.SUCCESS("Loaded " + ", ".join(f"{n} {what}" for what, n in counts.items()) + "."))
