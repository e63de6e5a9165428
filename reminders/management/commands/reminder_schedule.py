from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from reminders import rules
from reminders.enums import Kind
from reviews.enums import EventKind
from reviews.models import Event


def _region_of(target: str) -> str | None:
    """The region code a reminder's target belongs to (calls belong to a cycle, not a region)."""
    from consultations.models import Consultation
    from discussions.models import Phase, Space

    name, _sep, pk = target.partition(":")
    lookups = {
        "event": lambda: Event.objects.filter(pk=pk).values_list("region__code", flat=True),
        "phase": lambda: Phase.objects.filter(pk=pk).values_list("space__region__code", flat=True),
        "space": lambda: Space.objects.filter(pk=pk).values_list("region__code", flat=True),
        "consultation": lambda: Consultation.objects.filter(pk=pk).values_list("event__region__code", flat=True),
    }
    return lookups[name]().first() if name in lookups else None


class Command(BaseCommand):
    help = "Print the reminders the rules fire, day by day, in the weeks before a region's Regional Review."

    def add_arguments(self, parser):
        parser.add_argument("region", help="Region code, e.g. asia-pacific")
        parser.add_argument("--cycle", default=None, help="Review cycle code; default: the latest with a review")
        parser.add_argument("--weeks", type=int, default=16)

    def handle(self, *args, region, cycle, weeks, **options):
        reviews = Event.objects.filter(region__code=region, kind=EventKind.REGIONAL_REVIEW).select_related("cycle")
        if cycle:
            reviews = reviews.filter(cycle__code=cycle)
        review = reviews.order_by("-start_earliest").first()
        if review is None:
            raise CommandError(f"No Regional Review in the calendar for {region!r}.")
        start = review.start_earliest - timedelta(weeks=weeks)
        self.stdout.write(f"{review.label} — {review.start.display()} (earliest {review.start_earliest})")
        seen: set[tuple] = set()
        table = rules.rules()
        day = start
        while day <= review.start_latest:
            for kind, rule in table.items():
                fired: dict[tuple, int] = {}
                for due in rule.find(day):
                    if due.due_on == day and _region_of(due.target) in (region, None):
                        fired[(due.target, due.due_on)] = fired.get((due.target, due.due_on), 0) + 1
                for (target, due_on), recipients in sorted(fired.items()):
                    if (kind, target, due_on) not in seen:
                        self.stdout.write(f"{due_on}  {Kind(kind).label}  [{target}]  {recipients} recipient(s)")
                        seen.add((kind, target, due_on))
            day += timedelta(days=1)
