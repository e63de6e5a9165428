from django.core.management.base import BaseCommand

from reviews.seed_calendar import load_seed_calendar


class Command(BaseCommand):
    help = (
        "Load the regions, review cycles, source documents, seeded timelines, GCM objectives and principles and the "
        "UNECE discussion space. Running it again changes nothing."
    )

    def handle(self, *args, **options):
        from discussions.seed import seed_discussions

        counts = load_seed_calendar()
        counts["tags"] = seed_discussions()
        self.stdout.write(self.style.SUCCESS("Loaded " + ", ".join(f"{n} {what}" for what, n in counts.items()) + "."))
