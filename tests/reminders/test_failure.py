"""Failures on the way out: a mail server that refuses leaves reminders failed, to be sent again from the admin;
a broker that is down leaves them pending, to be queued by the scan once it is back. None is lost."""

import logging
import time
from datetime import UTC, datetime, timedelta

import pytest
import redis as redis_client
import time_machine
from aiosmtpd.controller import Controller
from celery.contrib.testing.worker import start_worker
from django.core import mail

from reminders import services
from reminders.enums import State
from reminders.models import Reminder
from reminders.tasks import MAX_ATTEMPTS
from tests.outage import RedisServer, celery_publishing_to
from tests.provision import _free_port

FIRES = datetime(2027, 2, 23, 9, tzinfo=UTC)  # 16 weeks before the review of 15 June 2027


class MailServer:
    """An SMTP server on loopback that refuses every message with a temporary error until told to accept."""

    def __init__(self) -> None:
        self.accepting = False
        self.refused = 0
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        if not self.accepting:
            self.refused += 1
            return "451 4.3.0 Mail server busy, try again later"
        self.received.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp(settings):
    handler = MailServer()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield handler
    controller.stop()


@pytest.mark.django_db
def test_a_reminder_the_mail_server_refuses_ends_failed_and_is_sent_again_from_the_admin(
    review, secretariat, smtp, client, django_capture_on_commit_callbacks
):
    with time_machine.travel(FIRES), django_capture_on_commit_callbacks(execute=True):
        services.reminder_scan()  # each send is refused; the task retries it (at once, as tasks run eagerly here)

    reminder = Reminder.objects.get()
    assert (reminder.state, reminder.attempts, smtp.refused) == (State.FAILED, MAX_ATTEMPTS, MAX_ATTEMPTS)
    assert reminder.error == "(451, b'4.3.0 Mail server busy, try again later')"

    smtp.accepting = True
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/en/admin/reminders/reminder/", {"action": "resend", "_selected_action": [reminder.pk]}, follow=True
        )
    assert "1 reminder queued again." in response.content.decode()
    reminder.refresh_from_db()
    assert (reminder.state, reminder.error) == (State.SENT, "")
    (envelope,) = smtp.received
    assert envelope.rcpt_tos == [secretariat.email]


# transactional: a real Celery worker sends the reminder from its own thread and connection
@pytest.mark.django_db(transaction=True)
def test_reminders_due_while_redis_is_down_stay_pending_and_are_sent_once_it_is_back(review, secretariat, caplog):
    redis = RedisServer()
    try:
        with celery_publishing_to(redis.url) as app:
            (pk,) = services.reminder_scan(now=FIRES)
            reminder = Reminder.objects.get()
            assert (reminder.pk, reminder.state, reminder.queued_at) == (pk, State.PENDING, FIRES)
            assert [r.levelno for r in caplog.records if r.name == "portal.tasks"] == [logging.ERROR]

            redis.start()
            with start_worker(app, perform_ping_check=False, shutdown_timeout=30):
                assert services.reminder_scan(now=FIRES + timedelta(minutes=5)) == [], "too early to call it lost"
                assert services.reminder_scan(now=FIRES + services.REQUEUE_AFTER + timedelta(minutes=1)) == [pk]
                deadline = time.monotonic() + 60
                while Reminder.objects.get().state != State.SENT:
                    assert time.monotonic() < deadline, "the worker never sent the reminder"
                    time.sleep(0.1)
    finally:
        redis.stop()
    (message,) = mail.outbox
    assert message.to == [secretariat.email]


# transactional: a real Celery worker sends the mail from its own thread and connection, reading the new account
@pytest.mark.django_db(transaction=True)
def test_sign_up_never_waits_on_the_mail_server_and_the_verification_mail_follows(smtp, client):
    """allauth's mail is rendered in the request and handed to a retrying task: a refusing server fails no page."""

    server = RedisServer()
    server.start()
    try:
        with celery_publishing_to(server.url) as app:
            response = client.post(
                "/en/accounts/signup/",
                {
                    "email": "nadia@example.org",
                    "password1": "a-long-passphrase-42",
                    "password2": "a-long-passphrase-42",
                    "display_name": "Nadia",
                    "constituency": "migrant",
                    "country": "MA",
                    "preferred_language": "fr",
                    "claimed_affiliation": "stakeholder",
                    "privacy_consent": "on",
                },
            )
            assert response.status_code == 302
            assert (smtp.refused, redis_client.Redis.from_url(server.url).llen("celery")) == (0, 1), "queued, not sent"

            smtp.accepting = True
            with start_worker(app, perform_ping_check=False, shutdown_timeout=30):
                deadline = time.monotonic() + 30
                while not smtp.received:
                    assert time.monotonic() < deadline, "the worker never sent the verification mail"
                    time.sleep(0.1)
    finally:
        server.stop()
    (envelope,) = smtp.received
    assert envelope.rcpt_tos == ["nadia@example.org"]
    assert b"/accounts/confirm-email/" in envelope.content
