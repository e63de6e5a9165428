"""Shared tasks, and how every task is queued: ``enqueue`` never lets an unreachable broker lose work or fail a page.

With the broker (Redis) unreachable, Celery gives up publishing after a few
quick retries (``CELERY_TASK_PUBLISH_RETRY_POLICY``) with kombu's
``OperationalError``. ``enqueue`` catches it, logs an error and then, per call site:

- e-mail about a decision, a registration or an erasure (consultations
  ``_notify`` and ``slate_decide``, discussions ``posts_moderate``, funding
  ``_notify``, ``affiliation_decide``, privacy's account deletion): the task is
  kept as an ``UnsentTask`` row, and ``queue_unsent``, run by beat every
  minute, queues it once the broker is back (and deletes the row);
- reminders (``queue_waiting``, ``resend`` and the send's own retry): not kept,
  the rows are the record; they stay pending and the scan queues them again
  after ``REQUEUE_AFTER``;
- the XLSX export: not kept; the export is marked failed, and its status page,
  where the person is waiting, says the file could not be prepared.

Tasks are called from ``transaction.on_commit``, so the request that queued
them has already committed and still succeeds.
"""

import logging

from celery import Signature, shared_task, signature
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from kombu.exceptions import OperationalError

from portal import digest
from portal.enums import VerificationStatus
from portal.mail import language_of, mail_task, send_templated_mail, wants_plain_email
from portal.models import Profile, UnsentTask, User

logger = logging.getLogger(__name__)

UNSENT_BATCH = 500


def enqueue(task: Signature, *, keep: bool = True) -> bool:
    """Queue ``task`` (``send_mail.s(pk=1)``); False when the broker could not be reached.

    The failure is logged as an error; with ``keep`` the task is saved to be queued by
    ``queue_unsent`` once the broker is back, otherwise the caller has its own record.
    """
    try:
        task.apply_async()
    except OperationalError as exc:
        if keep:
            UnsentTask.objects.create(signature=dict(task), error=str(exc)[:500])
        logger.error(
            "Could not queue %s %s: %s. %s",
            task.task,
            task.kwargs,
            exc,
            "It is kept and will be queued once the broker is back." if keep else "Not kept.",
        )
        return False
    return True


@shared_task
def queue_unsent() -> int:
    """Run by beat every minute: queue the tasks kept while the broker was unreachable, oldest first.

    Beat only reaches a worker through the broker, so this runs once the broker
    is back. A row is deleted once its task is queued; rows locked by another
    run are skipped, so two runs never queue the same task.
    """
    with transaction.atomic():
        queued = []
        for row in UnsentTask.objects.select_for_update(skip_locked=True).order_by("pk")[:UNSENT_BATCH]:
            if not enqueue(signature(row.signature), keep=False):
                break  # down again: the rest stay for the next run
            queued.append(row.pk)
        UnsentTask.objects.filter(pk__in=queued).delete()
    return len(queued)


@shared_task
def send_digests() -> int:
    """Run by beat every morning: the digest of what each person follows, for those due (portal.digest).

    Not a mail task: a failed digest is not retried here but sent at the next run, from where the last one ended.
    """
    return digest.send_all()


@mail_task
def send_affiliation_decision(*, profile_id: int) -> None:
    """Tell a person, in their language, whether their affiliation was verified."""
    profile = Profile.objects.select_related("user").filter(pk=profile_id).first()
    if profile is None or profile.verification_status not in (VerificationStatus.APPROVED, VerificationStatus.REJECTED):
        return
    send_templated_mail(
        template="portal/email/affiliation_decision",
        to=[profile.user.email],
        language=profile.preferred_language,
        context={"profile": profile, "approved": profile.verification_status == VerificationStatus.APPROVED},
    )


@mail_task
def send_second_factor_reset(*, user_id: int) -> None:
    """Tell a person, in their language, that the secretariat removed their second factors."""

    user = User.objects.select_related("profile").filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    send_templated_mail(
        template="portal/email/second_factor_reset", to=[user.email], language=language_of(user), context={"user": user}
    )


@mail_task
def send_second_factor_warning(*, user_id: int) -> None:
    """Warn a person, in their language, that wrong second-factor codes followed their right password."""

    user = User.objects.select_related("profile").filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    send_templated_mail(
        template="portal/email/second_factor_warning",
        to=[user.email],
        language=language_of(user),
        context={"user": user},
    )


@mail_task
def send_sign_in_confirmation(*, user_id: int | None, link: str) -> None:
    """E-mail the link that finishes a sign-in from a new browser (portal/sign_in.py); nothing without one.

    Queued for every paused attempt, right password or not, so that the answer takes the same time.
    """

    user = User.objects.select_related("profile").filter(pk=user_id, is_active=True).first() if user_id else None
    if user is None or not link:
        return
    send_templated_mail(
        template="portal/email/sign_in_confirmation",
        to=[user.email],
        language=language_of(user),
        context={"user": user, "link": link},
    )


@mail_task
def send_account_deleted(*, address: str, language: str) -> None:
    """Confirm an erasure to the address it erased: the one message the portal still sends there."""
    send_templated_mail(template="portal/email/account_deleted", to=[address], language=language, context={})


@mail_task
def send_prepared_mail(*, subject: str, body: str, html: str, to: list[str], from_email: str) -> None:
    """Send a message rendered in the request (allauth's account mail); retried for about two hours."""

    message = EmailMultiAlternatives(subject=subject, body=body, from_email=from_email, to=to)
    if html and not wants_plain_email(to):
        message.attach_alternative(html, "text/html")
    message.send()


@shared_task(ignore_result=False)
def ping() -> str:
    """A task that proves a worker is consuming the queue (used by health checks and tests)."""
    return "pong"
