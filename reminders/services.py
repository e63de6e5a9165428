"""The scanner that writes due reminders, the send that claims, re-checks and sends each one once, and the
preferences: each kind of reminder on or off for a person. The rules come from the registry (reminders.registry)."""

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation

from portal.mail import TRANSIENT_MAIL_ERRORS, language_of, send_templated_mail
from portal.tasks import enqueue
from reminders import registry
from reminders.enums import State
from reminders.models import Preference, Reminder
from reminders.tasks import send_reminder

logger = logging.getLogger(__name__)

# A row queued this long ago and still pending lost its task (a worker died, a message was dropped): queue it again.
REQUEUE_AFTER = timedelta(minutes=10)
# A row claimed this long ago and not sent lost its worker mid-send: it may be claimed again.
RECLAIM_AFTER = timedelta(minutes=15)
BATCH = 1000
TRANSIENT = TRANSIENT_MAIL_ERRORS  # portal.mail's, the one definition of a transient mail error


def _turned_off() -> dict[str, set[int]]:
    off: dict[str, set[int]] = {}
    for user_id, kind in Preference.objects.filter(enabled=False).values_list("user_id", "kind"):
        off.setdefault(kind, set()).add(user_id)
    return off


def reminder_scan(*, now: datetime | None = None) -> list[int]:
    """Write every reminder now due (once: the unique key drops duplicates) and queue its send on commit.

    Safe to run several times at once: inserts of the same key collapse into one
    row, and each pending row is taken by one scanner (SKIP LOCKED) for queueing.
    Returns the ids queued by this run.
    """
    now = now or timezone.now()
    today = registry.today_of(now)
    off = _turned_off()
    rows = []
    for kind, rule in registry.rules().items():
        skip = off.get(kind, set())
        rows.extend(
            Reminder(recipient_id=due.recipient_id, kind=kind, target=due.target, due_on=due.due_on)
            for due in rule.find(today)
            if due.recipient_id not in skip
        )
    with transaction.atomic():
        _write(rows, now)
    return reminder_queue_waiting(now=now)


def _write(rows: list[Reminder], now) -> None:
    """Insert the due rows, dropping the keys already written.

    On PostgreSQL one statement, whatever the number of rows: each column goes
    as one array and ``unnest`` turns the arrays back into rows. Elsewhere (the
    embedded SQLite) batched inserts.
    """
    if connection.vendor != "postgresql":
        Reminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=BATCH)
        return
    column = {f.name: connection.ops.quote_name(f.column) for f in Reminder._meta.concrete_fields}
    names = ("recipient", "kind", "target", "due_on", "state", "created_at", "attempts", "error")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(Reminder._meta.db_table)} ({', '.join(column[n] for n in names)}) "  # noqa: S608 - names from the model, values bound
            "SELECT recipient, kind, target, due_on, %s, %s, 0, '' "
            "FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::date[]) AS due(recipient, kind, target, due_on) "
            "ON CONFLICT DO NOTHING",
            [
                State.PENDING,
                now,
                [r.recipient_id for r in rows],
                [r.kind for r in rows],
                [r.target for r in rows],
                [r.due_on for r in rows],
            ],
        )


def reminder_queue_waiting(*, now: datetime | None = None) -> list[int]:
    """Queue rows never queued, and rows whose task was lost, each by one scanner only."""
    now = now or timezone.now()
    with transaction.atomic():
        waiting = (
            Reminder.objects.select_for_update(skip_locked=True)
            .filter(state=State.PENDING)
            .filter(Q(queued_at__isnull=True) | Q(queued_at__lt=now - REQUEUE_AFTER))
            .values_list("pk", flat=True)
        )
        stale = (
            Reminder.objects.select_for_update(skip_locked=True)
            .filter(state=State.SENDING, claimed_at__lt=now - RECLAIM_AFTER)
            .values_list("pk", flat=True)
        )
        ids = sorted({*waiting, *stale})
        if ids:
            Reminder.objects.filter(pk__in=ids).update(queued_at=now)
            transaction.on_commit(lambda: _queue_sends(ids))
    return ids


def _queue_sends(ids: list[int]) -> None:
    """Queue the sends. The rows are the record: one the broker did not take stays pending, queued again later."""

    for pk in ids:
        if not enqueue(send_reminder.s(reminder_id=pk), keep=False):
            break  # the broker is down: the scan queues these again after REQUEUE_AFTER


def reminder_claim(*, reminder_id: int, now: datetime | None = None) -> bool:
    """Take the row for sending; False when another worker has it or it is done. One UPDATE, so only one wins."""
    now = now or timezone.now()
    taken = (
        Reminder.objects.filter(pk=reminder_id)
        .filter(Q(state=State.PENDING) | Q(state=State.SENDING, claimed_at__lt=now - RECLAIM_AFTER))
        .update(state=State.SENDING, claimed_at=now)
    )
    return taken == 1


def unsubscribe_token_create(*, user_id: int, kind: str) -> str:
    """The signed token of a reminder's one-click unsubscribe link: it turns ``kind`` off for ``user_id``."""
    return signing.dumps({"u": user_id, "k": kind}, salt="reminders.unsubscribe", compress=True)


def unsubscribe_token_read(*, token: str) -> tuple[int, str] | None:
    """(user id, kind) of a token this portal signed for a kind of reminder it has; None for anything else."""
    try:
        data = signing.loads(token, salt="reminders.unsubscribe")
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("k"), str) or not isinstance(data.get("u"), int):
        return None
    if registry.rule(data["k"]) is None:
        return None
    return data["u"], data["k"]


def preference_set(*, user, kind: str, enabled: bool) -> Preference:
    """Turn one kind of reminder on or off for ``user``; reminders already written are re-checked when sent.

    An erased or deactivated account gets no reminders and keeps no preferences: refused (the caller's mistake).
    """
    if registry.rule(kind) is None:
        raise ValueError(f"No reminder rule has the kind {kind!r}.")
    if not user.is_active:
        raise ValueError("An inactive or erased account keeps no reminder preferences.")
    preference, _created = Preference.objects.update_or_create(user=user, kind=kind, defaults={"enabled": enabled})
    return preference


def reminder_send(*, reminder_id: int) -> str:
    """Claim the row, re-check that the reminder is still wanted and needed, send it, mark it. Returns the state.

    A transient mail error puts the row back to pending and is raised so the
    task retries with backoff; the task marks the row failed when retries run out.
    """

    if not reminder_claim(reminder_id=reminder_id):
        return "taken"
    reminder = Reminder.objects.select_related("recipient__profile").get(pk=reminder_id)
    rule = registry.rule(reminder.kind)
    user = reminder.recipient
    language = language_of(user)

    def finish(state: str, error: str = "") -> str:
        Reminder.objects.filter(pk=reminder.pk).update(
            state=state, error=error[:500], sent_at=timezone.now() if state == State.SENT else None
        )
        return state

    wanted = user.is_active and not Preference.objects.filter(user=user, kind=reminder.kind, enabled=False).exists()
    with translation.override(language):
        message = rule.message(reminder.target) if rule and wanted else None
        if message is None or (rule.still_needed_by and not rule.still_needed_by(user.pk, reminder.target)):
            return finish(State.SKIPPED)
        token = unsubscribe_token_create(user_id=user.pk, kind=reminder.kind)
        unsubscribe = settings.PORTAL_BASE_URL + reverse("reminders:unsubscribe", kwargs={"token": token})
        try:
            Reminder.objects.filter(pk=reminder.pk).update(attempts=reminder.attempts + 1)
            send_templated_mail(
                template="reminders/email/reminder",
                to=[user.email],
                language=language,
                context={
                    "user": user,
                    "reminder": reminder,
                    "message": message,
                    "link": settings.PORTAL_BASE_URL + message.url,
                    "unsubscribe": unsubscribe,
                    "kind_label": rule.title(),
                    "preferences": settings.PORTAL_BASE_URL + reverse("reminders:preferences"),
                },
                headers={"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
            )
        except TRANSIENT as exc:
            Reminder.objects.filter(pk=reminder.pk).update(state=State.PENDING, error=str(exc)[:500])
            raise
        except Exception as exc:
            # Not a passing mail failure: retrying would fail the same way (or send twice). The secretariat
            # sees it in the reminder log and can send it again once fixed.
            finish(State.FAILED, repr(exc))
            raise
    return finish(State.SENT)


def reminder_mark_failed(*, reminder_id: int, error: str) -> None:
    Reminder.objects.filter(pk=reminder_id).exclude(state=State.SENT).update(state=State.FAILED, error=error[:500])


def reminder_resend(*, reminder_ids: Iterable[int]) -> int:
    """Put failed reminders back in the queue (admin action)."""
    ids = list(Reminder.objects.filter(pk__in=reminder_ids, state=State.FAILED).values_list("pk", flat=True))
    Reminder.objects.filter(pk__in=ids).update(state=State.PENDING, queued_at=timezone.now(), error="")
    transaction.on_commit(lambda: _queue_sends(ids))
    return len(ids)
