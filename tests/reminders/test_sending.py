"""Scanner and send: exactly once under parallel scans, redelivery and lost workers; language; unsubscribe."""

from datetime import UTC, datetime, timedelta
from smtplib import SMTPServerDisconnected

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext

from discussions.models import Phase, Space
from portal.enums import Role
from reminders import registry, services
from reminders.enums import State
from reminders.models import Preference, Reminder
from reminders.tasks import send_reminder
from tests.concurrency import run_at_once
from tests.factories import make_user
from tests.reminders.conftest import event

FIRES = datetime(2027, 2, 23, 9, tzinfo=UTC)  # 16 weeks before the review of 15 June 2027


def secretaries(count):
    return [make_user(Role.SECRETARIAT, preferred_language="fr") for _ in range(count)]


@pytest.mark.django_db
def test_scan_writes_and_sends_in_the_recipients_language(review, secretariat, django_capture_on_commit_callbacks):
    with time_machine.travel(FIRES), django_capture_on_commit_callbacks(execute=True):
        services.reminder_scan()
    (message,) = mail.outbox
    assert message.to == [secretariat.email]
    assert message.subject == "Planifier la pré-consultation des parties prenantes : Africa"
    assert "15 juin 2027" in message.body
    assert f"/fr/calendar/regions/{review.region.code}/" in message.body or "/fr/" in message.body
    assert "List-Unsubscribe" in message.extra_headers
    html = message.alternatives[0][0]
    assert 'lang="fr"' in html
    reminder = Reminder.objects.get()
    assert (reminder.state, reminder.attempts) == (State.SENT, 1)


@pytest.mark.django_db
def test_scanning_again_sends_nothing_new(review, secretariat, django_capture_on_commit_callbacks):
    for hours in (0, 1, 30):
        with time_machine.travel(FIRES + timedelta(hours=hours)), django_capture_on_commit_callbacks(execute=True):
            services.reminder_scan()
    assert len(mail.outbox) == 1
    assert Reminder.objects.count() == 1


# transactional: three scanners race in their own threads and connections, which see only committed rows
@pytest.mark.django_db(transaction=True)
def test_three_scanners_at_once_send_each_reminder_once(review):
    people = secretaries(5)
    with time_machine.travel(FIRES, tick=True):
        assert run_at_once([services.reminder_scan] * 3) == []
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    assert Reminder.objects.filter(state=State.SENT).count() == 5


@pytest.mark.django_db
def test_the_same_task_delivered_twice_sends_once(review, secretariat):

    with time_machine.travel(FIRES):
        # Rows written; their sends are queued on commit, which this test transaction never does.
        services.reminder_scan()
        reminder = Reminder.objects.get()
        assert send_reminder.apply(kwargs={"reminder_id": reminder.pk}).get() == State.SENT
        assert send_reminder.apply(kwargs={"reminder_id": reminder.pk}).get() == "taken"
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_lost_send_is_queued_again_and_sent_once(review, secretariat, django_capture_on_commit_callbacks):
    with time_machine.travel(FIRES):
        services.reminder_scan()  # the worker dies: the queued send never runs
    assert mail.outbox == []
    with time_machine.travel(FIRES + timedelta(minutes=5)), django_capture_on_commit_callbacks(execute=True):
        assert services.reminder_scan() == [], "too early to call it lost"
    with time_machine.travel(FIRES + timedelta(minutes=11)), django_capture_on_commit_callbacks(execute=True):
        services.reminder_scan()
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_worker_killed_after_claiming_is_replaced(review, secretariat, django_capture_on_commit_callbacks):
    with time_machine.travel(FIRES):
        services.reminder_scan()
        reminder = Reminder.objects.get()
        assert services.reminder_claim(reminder_id=reminder.pk)  # then the worker is killed before sending
    with time_machine.travel(FIRES + timedelta(minutes=20)), django_capture_on_commit_callbacks(execute=True):
        services.reminder_scan()
    assert len(mail.outbox) == 1
    assert Reminder.objects.get().state == State.SENT


@pytest.mark.django_db
def test_transient_mail_errors_retry_then_fail_and_can_be_resent(
    review, secretariat, settings, monkeypatch, django_capture_on_commit_callbacks
):

    calls = []

    def down(self, messages):
        calls.append(1)
        raise SMTPServerDisconnected("mail server down")

    monkeypatch.setattr(EmailBackend, "send_messages", down)

    with time_machine.travel(FIRES):
        services.reminder_scan()
        # As a worker runs it: each transient error retries, with backoff, until the retries run out.
        send_reminder.delay(reminder_id=Reminder.objects.get().pk)
    reminder = Reminder.objects.get()
    assert (reminder.state, reminder.attempts, len(calls)) == (State.FAILED, 6, 6)
    assert "mail server down" in reminder.error
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminder_resend(reminder_ids=[reminder.pk]) == 1
    assert Reminder.objects.get().state == State.SENT
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_turned_off_kinds_are_not_written_nor_sent(review, secretariat, django_capture_on_commit_callbacks):
    Preference.objects.create(user=secretariat, kind="pre_consultation_opens", enabled=False)
    with time_machine.travel(FIRES), django_capture_on_commit_callbacks(execute=True):
        services.reminder_scan()
    assert not Reminder.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_reminder_no_longer_needed_is_skipped(review, secretariat, region, cycle):

    with time_machine.travel(FIRES):
        services.reminder_scan()
        event(region, cycle, "pre_consultation", "9 March 2027")  # planned in between
        assert services.reminder_send(reminder_id=Reminder.objects.get().pk) == State.SKIPPED
    assert mail.outbox == []


@pytest.mark.django_db
def test_unsubscribe_link_works_once_signed_and_fails_when_tampered(client, secretariat):
    token = services.unsubscribe_token_create(user_id=secretariat.pk, kind="phase_closing")
    url = f"/en/reminders/unsubscribe/{token}/"
    assert client.get(url).status_code == 200
    assert not Preference.objects.exists(), "a GET (a link scanner) changes nothing"
    assert client.post(url).status_code == 200
    assert Preference.objects.get(user=secretariat).kind == "phase_closing"
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.post(f"/en/reminders/unsubscribe/{tampered}/").status_code == 404
    # Someone else's payload under this token's signature: refused.
    other = services.unsubscribe_token_create(user_id=secretariat.pk + 1, kind="moderation_backlog")
    forged = other.split(":", 1)[0] + ":" + token.split(":", 1)[1]
    assert forged != token
    assert client.post(f"/en/reminders/unsubscribe/{forged}/").status_code == 404
    assert Preference.objects.count() == 1


@pytest.mark.django_db
def test_preferences_page(client, secretariat):
    client.force_login(secretariat)
    page = client.get("/en/reminders/preferences/").content.decode()
    assert "always sent" in page
    data = {kind: "on" for kind in registry.rules_for(secretariat) if kind != "pre_consultation_opens"}
    assert client.post("/en/reminders/preferences/", data).status_code == 302
    assert list(Preference.objects.filter(enabled=False).values_list("kind", flat=True)) == ["pre_consultation_opens"]


@pytest.mark.django_db
def test_admin_log_and_resend_action(client, review, secretariat):
    with time_machine.travel(FIRES):
        services.reminder_scan()
    Reminder.objects.update(state=State.FAILED, error="timeout")
    client.force_login(secretariat)
    page = client.get("/en/admin/reminders/reminder/?state__exact=failed")
    assert page.status_code == 200
    assert str(secretariat) in page.content.decode()
    reminder = Reminder.objects.get()
    response = client.post(
        "/en/admin/reminders/reminder/", {"action": "resend", "_selected_action": [reminder.pk]}, follow=True
    )
    assert "1 reminder queued again." in response.content.decode()
    assert Reminder.objects.get().state in (State.PENDING, State.SENT)


@pytest.mark.django_db
def test_scan_queries_do_not_grow_with_recipients(region, cycle):

    space = Space.objects.create(region=region, cycle=cycle, title="Space")
    counts = []
    for people in (10, 100):
        for _ in range(people - (10 if people == 100 else 0)):
            make_user(Role.STAKEHOLDER, country="KE")
        opens = datetime(2027, 4, 19 + len(counts), 8, tzinfo=UTC)
        Phase.objects.update_or_create(space=space, number=1, defaults={"opens_at": opens})
        with time_machine.travel(opens), CaptureQueriesContext(connection) as queries:
            queued = services.reminder_scan()
        assert len(queued) == people
        counts.append(len(queries))
        Reminder.objects.update(state=State.SENT)  # their sends ran
    assert counts[0] == counts[1]


@pytest.mark.django_db
def test_an_error_that_is_not_the_mail_server_marks_the_reminder_failed(review, secretariat, monkeypatch):
    """Retrying would fail the same way, every 15 minutes: the row is failed and shown in the log instead."""

    def broken(self, messages):
        raise ValueError("a template went wrong")

    monkeypatch.setattr(EmailBackend, "send_messages", broken)
    with time_machine.travel(FIRES):
        services.reminder_scan()
        with pytest.raises(ValueError, match="template went wrong"):
            services.reminder_send(reminder_id=Reminder.objects.get().pk)
    reminder = Reminder.objects.get()
    assert reminder.state == State.FAILED
    assert "template went wrong" in reminder.error
