"""The numbers the portal chose itself are live settings: the secretariat changes them, the reminders follow."""

from datetime import UTC, date, datetime
from io import StringIO

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.management import call_command

from discussions import services as discussion_services
from discussions.models import Phase, Space
from discussions.seed import add_questions
from portal.enums import Role
from reminders import registry, services
from reminders.models import Reminder
from tests.factories import make_user
from tests.reminders.conftest import due

D = date


@pytest.fixture
def space_and_moderator(region, cycle):

    space = Space.objects.create(region=region, cycle=cycle, title="Space")
    moderator = make_user(Role.MODERATOR)
    space.moderators.add(moderator)
    phase = Phase.objects.create(
        space=space,
        number=1,
        opens_at=datetime(2027, 4, 19, 8, tzinfo=UTC),
        closes_at=datetime(2027, 5, 17, 23, tzinfo=UTC),
    )
    add_questions(phase, ["What works?"])
    return space, phase.questions.get(), moderator


@pytest.mark.django_db
def test_a_shorter_moderation_backlog_reminds_earlier(space_and_moderator, override_config):

    space, question, moderator = space_and_moderator
    with time_machine.travel(datetime(2027, 4, 20, 9, tzinfo=UTC)):
        discussion_services.post_create(question=question, author=make_user(Role.STAKEHOLDER), text="Hi", language="en")
    expected = {("moderation_backlog", f"space:{space.pk}", D(2027, 4, 21), moderator.pk)}
    with time_machine.travel(datetime(2027, 4, 21, 10, tzinfo=UTC)):  # 25 hours later
        assert due(D(2027, 4, 21), "moderation_backlog") == set(), "48 hours by default"
        with override_config(MODERATION_BACKLOG_HOURS=24):
            assert due(D(2027, 4, 21), "moderation_backlog") == expected
            message = registry.rule("moderation_backlog").message(f"space:{space.pk}")
            assert message.body == "1 post has waited more than 24 hours for a moderator."
            assert registry.label("moderation_backlog") == "Posts waiting for moderation for more than 24 hours"
    assert registry.label("moderation_backlog") == "Posts waiting for moderation for more than 48 hours"


@pytest.mark.django_db
def test_the_pre_consultation_reminder_goes_out_when_the_secretariat_says(review, secretariat, override_config):
    # Review 15 June 2027: 16 weeks before is 23 February, 20 weeks before is 26 January.
    assert due(D(2027, 1, 26), "pre_consultation_opens") == set()
    with override_config(PRE_CONSULTATION_REMINDER_WEEKS=20):
        assert due(D(2027, 1, 26), "pre_consultation_opens") == {
            ("pre_consultation_opens", f"event:{review.pk}", D(2027, 1, 26), secretariat.pk)
        }
        assert due(D(2027, 2, 23), "pre_consultation_opens") == set()
        assert registry.label("pre_consultation_opens") == "Pre-consultation window opens (20 weeks before the review)"


@pytest.mark.django_db
def test_the_labels_on_the_preferences_page_and_in_the_e_mail_follow_the_settings(
    client, review, secretariat, region, cycle, override_config, django_capture_on_commit_callbacks
):
    # A secretariat member who also moderates a space is offered the moderators' reminders too.
    Space.objects.create(region=region, cycle=cycle, title="Space").moderators.add(secretariat)
    client.force_login(secretariat)
    with override_config(MODERATION_BACKLOG_HOURS=36, PRE_CONSULTATION_REMINDER_WEEKS=1):
        page = client.get("/en/reminders/preferences/").content.decode()
        assert "Posts waiting for moderation for more than 36 hours" in page
        assert "Pre-consultation window opens (1 week before the review)" in page
    secretariat.profile.preferred_language = "en"
    secretariat.profile.save()
    with (
        override_config(PRE_CONSULTATION_REMINDER_WEEKS=17),
        time_machine.travel(datetime(2027, 2, 16, 9, tzinfo=UTC)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.reminder_scan()
    (message,) = mail.outbox
    assert "“Pre-consultation window opens (17 weeks before the review)” is on" in message.body
    assert Reminder.objects.get().kind == "pre_consultation_opens"


@pytest.mark.django_db
def test_the_schedule_starts_when_the_first_reminder_goes_out(override_config):
    call_command("load_seed_calendar", stdout=StringIO())
    make_user(Role.SECRETARIAT)
    with override_config(PRE_CONSULTATION_REMINDER_WEEKS=9):
        out = StringIO()
        call_command("reminder_schedule", "europe-north-america", stdout=out)
    days = [line.split()[0] for line in out.getvalue().splitlines()[1:]]
    # Review 11 March 2024: 9 weeks before is 8 January; nothing before is printed.
    assert min(days) >= "2024-01-08"
    assert "2024-01-08" in days


def test_the_settings_say_they_are_the_portals_own_choice():

    for name in ("PRE_CONSULTATION_REMINDER_WEEKS", "MODERATION_BACKLOG_HOURS"):
        assert "The portal's own choice, not a rule of the planning documents." in str(
            settings.CONSTANCE_CONFIG[name][1]
        )


def test_a_backlog_of_one_hour_reads_in_the_singular(override_config, db):
    with override_config(MODERATION_BACKLOG_HOURS=1):
        assert registry.label("moderation_backlog") == "Posts waiting for moderation for more than 1 hour"


@pytest.mark.django_db
def test_the_log_shows_each_label_and_its_queries_do_not_grow_with_rows(client, secretariat, query_count):
    client.force_login(secretariat)
    url = "/en/admin/reminders/reminder/"
    counts = []
    for rows in (1, 20):
        Reminder.objects.bulk_create(
            Reminder(recipient=secretariat, kind="moderation_backlog", target=f"space:{n}", due_on=D(2027, 4, 22))
            for n in range(Reminder.objects.count(), rows)
        )
        client.get(url)
        counts.append(query_count(lambda: client.get(url)))
    page = client.get(url).content.decode()
    assert page.count("Posts waiting for moderation for more than 48 hours") >= 20
    assert counts[0] == counts[1]
    reminder = Reminder.objects.first()
    detail = client.get(f"{url}{reminder.pk}/change/").content.decode()
    assert "Posts waiting for moderation for more than 48 hours" in detail
