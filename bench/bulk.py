"""Bulk work on the scale data: moderating 1,000 posts at once, and a reminder scan over 20,000 recipients.

Each is run at a small size first, then at the full size, counting queries and
timing it, so the results show both the time and that the number of queries
does not grow with rows. The small runs are rolled back; the full ones commit
(the scan then queues one send per reminder on the Redis broker, with no
worker taking them: queueing is part of the scan's work).

    python -m bench.bulk [small|scan]  →  one JSON line
"""

import json
import sys
import time
from datetime import timedelta


def _measure(work) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        rows = work()
    return {"rows": rows, "queries": len(queries), "seconds": round(time.perf_counter() - started, 3)}


def moderation(sizes=(10, 1000)) -> dict:
    from django.db import transaction

    from discussions.enums import PostStatus
    from discussions.models import Post
    from discussions.services import posts_moderate
    from portal.enums import Role
    from portal.models import User

    moderator = User.objects.filter(groups__name=Role.MODERATOR, moderated_spaces__isnull=False).distinct().first()
    pending = Post.objects.filter(status=PostStatus.PENDING, space__moderators=moderator).order_by("pk")
    results = {}
    for size in sizes:
        ids = list(pending.values_list("pk", flat=True)[:size])
        if len(ids) < size:
            raise SystemExit(f"only {len(ids)} pending posts to moderate, {size} wanted")
        small = size != sizes[-1]
        # The versions the moderator was shown, read as the queue page reads them, before the decision.
        versions = dict(Post.objects.filter(pk__in=ids).values_list("pk", "revision"))
        with transaction.atomic():
            results[str(size)] = _measure(
                lambda versions=versions: posts_moderate(versions=versions, by=moderator, approve=True)
            )
            transaction.set_rollback(small)
    return results


def reminder_scan(small=200) -> dict:
    from django.db import transaction
    from django.utils import timezone

    from discussions.models import Phase
    from portal.models import User
    from reminders import services
    from reminders.models import Reminder

    results = {}
    now = timezone.now()
    for size in (small, None):
        with transaction.atomic():
            # Every space's first phase opens today: everyone whose country is in a region hears of it.
            Phase.objects.filter(number=1).update(opens_at=now - timedelta(minutes=5))
            Reminder.objects.all().delete()
            if size:
                keep = list(User.objects.order_by("pk").values_list("pk", flat=True)[:size])
                User.objects.exclude(pk__in=keep).update(is_active=False)
            figures = _measure(lambda: len(services.reminder_scan(now=now)))
            figures["recipients"] = Reminder.objects.values("recipient").distinct().count()
            results[str(size or "all")] = figures
            transaction.set_rollback(bool(size))
    return results


def main() -> None:
    import logging

    import django

    django.setup()
    logging.disable(logging.WARNING)
    if len(sys.argv) > 1 and sys.argv[1] == "scan":  # the growth runs: the scan alone, on their data
        print(json.dumps(reminder_scan()))
        return
    small = len(sys.argv) > 1 and sys.argv[1] == "small"
    print(
        json.dumps(
            {
                "moderation": moderation((5, 50) if small else (10, 1000)),
                "reminder_scan": reminder_scan(20 if small else 200),
            }
        )
    )


if __name__ == "__main__":
    main()
