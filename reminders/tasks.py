from celery import shared_task
from django.utils import timezone

from portal.tasks import enqueue
from reminders import services
from reminders.models import Reminder

MAX_ATTEMPTS = 6


@shared_task(ignore_result=False)
def scan_reminders() -> int:
    """Run by Celery beat every few minutes: write what is due and queue the sends."""
    return len(services.reminder_scan())


@shared_task
def send_reminder(*, reminder_id: int) -> str:
    """Send one reminder; safe to run twice (the row is claimed first).

    A transient mail error queues the send again with exponential backoff
    (30 s, 1, 2, 4, 8 min); the attempts are counted on the row, so a restart
    does not reset them. After the last attempt the row is marked failed and
    the secretariat can send it again from the admin. Should the retry not reach
    the broker, the row stays pending and the scan queues it again.
    """
    try:
        return services.reminder_send(reminder_id=reminder_id)
    except services.TRANSIENT as exc:
        attempts = Reminder.objects.filter(pk=reminder_id).values_list("attempts", flat=True).first() or 0
        if attempts >= MAX_ATTEMPTS:
            services.reminder_mark_failed(reminder_id=reminder_id, error=str(exc))
            return "failed"
        Reminder.objects.filter(pk=reminder_id).update(queued_at=timezone.now())
        enqueue(
            send_reminder.signature(kwargs={"reminder_id": reminder_id}, countdown=30 * 2 ** (attempts - 1)), keep=False
        )
        return "retrying"
