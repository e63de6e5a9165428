from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from reminders import registry
from reviews.enums import EventKind
from reviews.models import Event
from reviews.reminders import window_opens_weeks


class Command(BaseCommand):
    help = "Print the reminders the rules fire, day by day, in the weeks before a region's Regional Review."

    def add_arguments(self, parser):
        parser.add_argument("region", help="Region code, e.g. asia-pacific")
        parser.add_argument("--cycle", default=None, help="Review cycle code; default: the latest with a review")
        parser.add_argument(
            "--weeks",
            type=int,
            default=None,
            help="Weeks before the review to start from; default: when the first reminder goes out (a live setting)",
        )

    def handle(self, *args, region, cycle, weeks, **options):
        reviews = Event.objects.filter(region__code=region, kind=EventKind.REGIONAL_REVIEW).select_related("cycle")
        if cycle:
            reviews = reviews.filter(cycle__code=cycle)
        review = reviews.order_by("-start_earliest").first()
        if review is None:
            raise CommandError(f"No Regional Review in the calendar for {region!r}.")
        start = review.start_earliest - timedelta(weeks=weeks or window_opens_weeks())
        self.stdout.write(f"{review.label} — {review.start.display()} (earliest {review.start_earliest})")
        table = registry.rules()
        labels = registry.labels()
        regions: dict[tuple[str, str], str | None] = {}

        def region_of(kind: str, target: str) -> str | None:
            """The region a target belongs to; None for one that belongs to every region (a funding call)."""
            find = table[kind].region_of
            if (kind, target) not in regions:
                regions[(kind, target)] = find(target) if find else None
            return regions[(kind, target)]

        seen: set[tuple] = set()
        day = start
        while day <= review.start_latest:
            for kind, rule in table.items():
                fired: dict[tuple, int] = {}
                for due in rule.find(day):
                    if due.due_on == day and region_of(kind, due.target) in (region, None):
                        fired[(due.target, due.due_on)] = fired.get((due.target, due.due_on), 0) + 1
                for (target, due_on), recipients in sorted(fired.items()):
                    if (kind, target, due_on) not in seen:
                        self.stdout.write(f"{due_on}  {labels[kind]}  [{target}]  {recipients} recipient(s)")
                        seen.add((kind, target, due_on))
            day += timedelta(days=1)
