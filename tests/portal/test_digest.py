"""The digest: one e-mail per person and period (none, daily or weekly, chosen in the profile) with what is new in
everything they follow, a section per app, in their language; sent once whatever the runs."""

import time
from datetime import datetime, timedelta
from datetime import time as clock

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format

from consultations.enums import ConsultationStatus
from consultations.services import follow_create
from discussions import services as discussion_services
from discussions.enums import QuestionStatus
from discussions.models import Subscription
from portal import digest, privacy, services
from portal.enums import DigestFrequency, Role
from portal.models import Profile
from portal.timezones import zoned_span
from tests import worlds
from tests.concurrency import run_at_once
from tests.factories import (
    GuidingQuestionFactory,
    PhaseFactory,
    RegistrationFactory,
    SpaceFactory,
    make_consultation,
    make_user,
    shown,
)


def morning(day) -> datetime:
    """Six in the morning (the portal's zone) on ``day``: when beat runs the digest."""
    return timezone.make_aware(datetime.combine(day, clock(6)))


def next_weekday(after, *, at_least: int = 1):
    """The first day of ``DIGEST_WEEKDAY`` at least ``at_least`` days after ``after``."""
    day = after + timedelta(days=at_least)
    return day + timedelta(days=(settings.DIGEST_WEEKDAY - day.weekday()) % 7)


@pytest.fixture
def stage(db):
    """The Africa space with its phase open for 20 days and a published question, and its moderator."""
    return worlds.stage(call=False)


def publish(stage, text: str, *, question=None):
    author = make_user(Role.STAKEHOLDER, display_name=f"Author of {text[:12]}")
    post = discussion_services.post_create(question=question or stage.question, author=author, text=text, language="en")
    discussion_services.post_moderate(post=post, shown_revision=shown(post), by=stage.moderator, approve=True)
    return post


def follower(stage, frequency: str = DigestFrequency.DAILY, **profile):
    person = make_user(Role.STAKEHOLDER, digest=frequency, **profile)
    discussion_services.subscription_create(user=person, space=stage.space)
    return person


# --- When: none, daily, weekly ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_daily_digest_goes_each_morning_once_with_what_is_new_since_the_last(stage, mailoutbox):
    person = follower(stage)
    publish(stage, "First evidence on recruitment fees")
    today = timezone.localdate()
    mailoutbox.clear()  # the authors' approval notices

    with time_machine.travel(morning(today + timedelta(days=1)), tick=False):
        assert digest.send_all() == 1
        assert digest.send_all() == 0, "one digest a day, however many runs"
        publish(stage, "Second evidence, from Senegal")
        assert digest.send_all() == 0, "what comes later in the day waits for tomorrow"
    with time_machine.travel(morning(today + timedelta(days=2)), tick=False):
        assert digest.send_all() == 1

    first, second = [mail for mail in mailoutbox if mail.to == [person.email]]
    assert "First evidence on recruitment fees" in first.body and "Second evidence" not in first.body
    assert "Second evidence, from Senegal" in second.body and "First evidence" not in second.body


@pytest.mark.django_db
def test_a_weekly_digest_waits_for_its_day_and_goes_once_a_week(stage, mailoutbox):
    person = follower(stage, DigestFrequency.WEEKLY)
    publish(stage, "Evidence of the week")
    weekday = next_weekday(timezone.localdate(), at_least=2)
    mailoutbox.clear()

    with time_machine.travel(morning(weekday - timedelta(days=1)), tick=False):
        assert digest.send_all() == 0, "not the day of weekly digests"
    with time_machine.travel(morning(weekday), tick=False):
        assert digest.send_all() == 1
    with time_machine.travel(morning(weekday + timedelta(days=1)), tick=False):
        publish(stage, "Evidence of the next week")
        assert digest.send_all() == 0
    with time_machine.travel(morning(weekday + timedelta(days=6)), tick=False):
        assert digest.send_all() == 0
    with time_machine.travel(morning(weekday + timedelta(days=7)), tick=False):
        assert digest.send_all() == 1

    first, second = [mail for mail in mailoutbox if mail.to == [person.email]]
    assert "Evidence of the week" in first.body and "next week" not in first.body
    assert "Evidence of the next week" in second.body and "Evidence of the week" not in second.body
    with translation.override("en"):
        assert second.subject == f"Your weekly digest, {date_format(weekday + timedelta(days=7), 'DATE_FORMAT')}"


@pytest.mark.django_db
def test_a_weekly_digest_missed_on_its_day_goes_at_the_next_run(stage, mailoutbox):
    person = follower(stage, DigestFrequency.WEEKLY)
    weekday = next_weekday(timezone.localdate(), at_least=2)
    Profile.objects.filter(user=person).update(digest_sent_until=morning(weekday - timedelta(days=7)))
    with time_machine.travel(morning(weekday) + timedelta(hours=3), tick=False):
        publish(stage, "Worth a week")
    mailoutbox.clear()

    with time_machine.travel(morning(weekday + timedelta(days=2)), tick=False):  # beat was down on the day
        assert digest.send_all() == 1
        assert digest.send_all() == 0
    assert [mail.to for mail in mailoutbox] == [[person.email]]


@pytest.mark.django_db
def test_none_gets_nothing_and_choosing_a_digest_again_starts_from_then(stage, mailoutbox):
    person = follower(stage, DigestFrequency.NONE)
    publish(stage, "Said while no digest was wanted")
    today = timezone.localdate()
    mailoutbox.clear()

    with time_machine.travel(morning(today + timedelta(days=1)), tick=False):
        assert digest.send_all() == 0
    with time_machine.travel(morning(today + timedelta(days=1)) + timedelta(hours=3), tick=False):
        services.profile_update(profile=Profile.objects.get(user=person), digest=DigestFrequency.DAILY)
    with time_machine.travel(morning(today + timedelta(days=1)) + timedelta(hours=4), tick=False):
        publish(stage, "Said once the digest was back")
    with time_machine.travel(morning(today + timedelta(days=2)), tick=False):
        assert digest.send_all() == 1

    (mail,) = mailoutbox
    assert "Said once the digest was back" in mail.body
    assert "while no digest was wanted" not in mail.body
    subscription = Subscription.objects.get(user=person)
    assert subscription.sent_until == morning(today + timedelta(days=2)) - digest.MARGIN


@pytest.mark.django_db
def test_nothing_new_sends_nothing_and_the_day_is_handled(stage, mailoutbox):
    person = follower(stage)
    tomorrow = morning(timezone.localdate() + timedelta(days=1))

    assert digest.send_all(now=tomorrow) == 0
    assert Profile.objects.get(user=person).digest_sent_until == tomorrow - digest.MARGIN
    with time_machine.travel(tomorrow + timedelta(minutes=30), tick=False):
        publish(stage, "Later the same day")
    mailoutbox.clear()
    assert digest.send_all(now=tomorrow + timedelta(hours=1)) == 0
    assert mailoutbox == []
    assert digest.send_all(now=tomorrow + timedelta(days=1)) == 1
    assert "Later the same day" in mailoutbox[0].body


@pytest.mark.django_db
def test_who_follows_nothing_is_not_even_looked_at(mailoutbox):
    make_user(Role.STAKEHOLDER)
    make_user(Role.STAKEHOLDER, digest=DigestFrequency.WEEKLY)
    assert digest.send_all(now=morning(timezone.localdate() + timedelta(days=1))) == 0
    assert Profile.objects.filter(digest_sent_until__isnull=False).count() == 0


# --- What: the sections, short and grouped -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_digest_combines_the_discussions_and_the_consultations_followed(stage, mailoutbox):
    now = timezone.now()
    person = follower(stage, display_name="Amina")
    closing = SpaceFactory(region=stage.space.region, title="Space closing soon")
    PhaseFactory(space=closing, opens_at=now - timedelta(days=10), closes_at=now + timedelta(hours=20))
    discussion_services.subscription_create(user=person, space=closing)
    for number in range(1, 8):
        publish(stage, f"Post number {number} on labour pathways")
    soon = make_consultation(title="Closing soon", registration_deadline=now + timedelta(hours=12))
    speaking = make_consultation(
        title="Speakers wanted",
        interest_deadline=now + timedelta(hours=18),
        registration_deadline=now + timedelta(days=9),
    )
    registered = make_consultation(title="Already registered", registration_deadline=now + timedelta(hours=12))
    later = make_consultation(title="Later on", registration_deadline=now + timedelta(days=5))
    hidden = make_consultation(
        title="Still a draft", status=ConsultationStatus.DRAFT, registration_deadline=now + timedelta(hours=12)
    )
    for consultation in (soon, speaking, registered, later, hidden):
        follow_create(user=person, consultation=consultation)
    RegistrationFactory(consultation=registered, user=person, status="registered")
    opened = make_consultation(title="Newly open", registration_opens_at=now + timedelta(hours=1))
    follow_create(user=person, consultation=opened)
    run = now + timedelta(hours=2)
    mailoutbox.clear()

    assert digest.send_all(now=run) == 1

    (mail,) = mailoutbox
    body = mail.body
    base = settings.PORTAL_BASE_URL
    with translation.override("en"):
        closes = zoned_span(closing.phases.get().closes_at, None, "UTC")
        registration = zoned_span(soon.registration_deadline, None, soon.time_zone)
        offers = zoned_span(speaking.interest_deadline, None, speaking.time_zone)
    assert body.index("== Discussions you follow ==") < body.index("== Consultations you follow ==")
    assert body.count("on labour pathways") == digest.LINES_PER_GROUP
    assert f"  … and 2 more posts. {base}{stage.space.get_absolute_url()}" in body
    assert (
        f"* Space closing soon\n  {base}{closing.get_absolute_url()}\n  Phase 1: inputs — closes on {closes}\n" in body
    )
    assert f"* Closing soon\n  {base}{soon.get_absolute_url()}\n  Registration closes: {registration}\n" in body
    assert f"* Speakers wanted\n  {base}{speaking.get_absolute_url()}\n  Offers to speak close: {offers}\n" in body
    assert f"* Newly open\n  {base}{opened.get_absolute_url()}\n  Registration is open.\n" in body
    assert "Already registered" not in body, "registered: the registration deadline is not theirs any more"
    assert "Later on" not in body, "a deadline after the next digest waits for it"
    assert "Still a draft" not in body
    assert f"{base}/en/profile/" in body
    html = mail.alternatives[0][0]
    assert html.count("on labour pathways") == digest.LINES_PER_GROUP
    assert f'href="{base}/en/profile/"' in html


@pytest.mark.django_db
def test_a_section_lists_ten_things_and_links_to_the_rest(stage, mailoutbox):
    now = timezone.now()
    person = make_user(Role.STAKEHOLDER)
    for number in range(digest.GROUPS_PER_SECTION + 3):
        follow_create(
            user=person,
            consultation=make_consultation(
                title=f"Consultation {number:02d}", registration_deadline=now + timedelta(hours=10, minutes=number)
            ),
        )
    mailoutbox.clear()

    assert digest.send_all(now=now + timedelta(minutes=10)) == 1

    body = mailoutbox[0].body
    assert body.count("Registration closes:") == digest.GROUPS_PER_SECTION
    assert "Consultation 09" in body and "Consultation 10" not in body
    assert f"… and 3 more that you follow. {settings.PORTAL_BASE_URL}/en/consultations/" in body


@pytest.mark.django_db
def test_followed_questions_give_their_own_posts_and_a_draft_question_nothing(stage, mailoutbox):
    person = make_user(Role.STAKEHOLDER)
    other = GuidingQuestionFactory(phase=stage.phase, text="What does not work?")
    closing = PhaseFactory(space=SpaceFactory(), closes_at=timezone.now() + timedelta(hours=10))
    draft = GuidingQuestionFactory(phase=closing, text="A draft question", status=QuestionStatus.DRAFT)
    discussion_services.subscription_create(user=person, space=stage.space, question=stage.question)
    # Followed before it was taken back to draft; its phase closes before the next digest.
    Subscription.objects.create(user=person, space=closing.space, question=draft)
    publish(stage, "An answer to the followed question")
    publish(stage, "An answer to another question", question=other)
    mailoutbox.clear()

    assert digest.send_all(now=timezone.now() + digest.MARGIN * 2) == 1

    body = mailoutbox[0].body
    assert f"* {stage.question.text}\n" in body
    assert "An answer to the followed question" in body
    assert "another question" not in body
    assert "A draft question" not in body


# --- How: language, plain text, link to the setting -------------------------------------------------------------


CLOSES = {"en": "Registration closes: ", "fr": "Clôture des inscriptions : ", "ar": "يُغلق التسجيل: "}
DEAR = {"en": "Dear Amina,", "fr": "Bonjour Amina,", "ar": "Amina المحترم/ة،"}


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_the_digest_is_in_the_persons_language(language, mailoutbox):
    now = timezone.now()
    person = make_user(Role.STAKEHOLDER, preferred_language=language, display_name="Amina")
    follow_create(user=person, consultation=make_consultation(registration_deadline=now + timedelta(hours=12)))

    assert digest.send_all(now=now) == 1

    (mail,) = mailoutbox
    with translation.override(language):
        day = date_format(timezone.localdate(now), "DATE_FORMAT")
        assert mail.subject == translation.gettext("Your daily digest, %(date)s") % {"date": day}
        assert translation.gettext("Consultations you follow") in mail.body
    with translation.override("en"):
        english_day = date_format(timezone.localdate(now), "DATE_FORMAT")
    assert day in mail.subject
    assert (english_day in mail.subject) is (language == "en"), "the month's name is in the person's language"
    assert mail.body.startswith(DEAR[language])
    assert CLOSES[language] in mail.body
    assert f"{settings.PORTAL_BASE_URL}/{language}/profile/" in mail.body
    html = mail.alternatives[0][0]
    assert f'<html lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}">' in html


@pytest.mark.django_db
def test_who_chose_plain_text_gets_the_digest_without_html(mailoutbox):
    now = timezone.now()
    person = make_user(Role.STAKEHOLDER, plain_email=True)
    follow_create(user=person, consultation=make_consultation(registration_deadline=now + timedelta(hours=12)))

    assert digest.send_all(now=now) == 1

    (mail,) = mailoutbox
    assert mail.alternatives == []
    assert "Registration closes: " in mail.body
    assert f"{settings.PORTAL_BASE_URL}/en/profile/" in mail.body


# --- Failures and races -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_one_persons_failed_mail_stops_nobody_else_and_is_sent_at_the_next_run(stage, mailoutbox, monkeypatch):
    unlucky, lucky = follower(stage), follower(stage)
    publish(stage, "For both")
    mailoutbox.clear()
    real = digest.send_templated_mail

    def flaky(**kwargs):
        if kwargs["to"] == [unlucky.email]:
            raise ConnectionError("mail server refused")
        real(**kwargs)

    monkeypatch.setattr(digest, "send_templated_mail", flaky)
    run = timezone.now() + digest.MARGIN * 2
    assert digest.send_all(now=run) == 1
    monkeypatch.undo()
    assert digest.send_all(now=run) == 1

    assert [mail.to for mail in mailoutbox] == [[lucky.email], [unlucky.email]]
    assert all("For both" in mail.body for mail in mailoutbox)


def _slow_mail(monkeypatch):
    """Sending takes a moment, as with a real mail server: long enough for a parallel run to look at the same
    person meanwhile."""
    real = digest.send_templated_mail

    def slow(**kwargs):
        time.sleep(0.5)
        real(**kwargs)

    monkeypatch.setattr(digest, "send_templated_mail", slow)


# transactional: two runs race in their own threads and connections (select_for_update skip_locked on profiles)
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("locked", [True, False])
def test_parallel_runs_send_each_person_one_digest(locked, settings, monkeypatch, mailoutbox):
    """Two runs at once: each person's digest goes once. The control, without the lock, sends twice: the test can
    fail."""
    settings.DIGEST_LOCK_PEOPLE = locked
    now = timezone.now()
    consultation = make_consultation(registration_deadline=now + timedelta(hours=12))
    people = [make_user(Role.STAKEHOLDER) for _ in range(3)]
    for person in people:
        follow_create(user=person, consultation=consultation)
    _slow_mail(monkeypatch)

    assert run_at_once([lambda: digest.send_all(now=now)] * 2) == []

    sent = sorted(mail.to[0] for mail in mailoutbox)
    expected = sorted(person.email for person in people)
    assert sent == (expected if locked else sorted(expected * 2))


# --- The setting, the beat, personal data -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_profile_page_sets_the_digest(client):
    person = make_user(Role.STAKEHOLDER)
    client.force_login(person)
    page = client.get("/en/profile/").content.decode()
    assert 'name="digest"' in page and 'value="weekly"' in page
    data = {
        "display_name": "Amina",
        "organisation": "",
        "constituency": "migrant",
        "country": "KE",
        "gender": "",
        "preferred_language": "en",
        "claimed_affiliation": "stakeholder",
    }

    assert client.post("/en/profile/", {**data, "digest": "weekly"}).status_code == 302
    assert Profile.objects.get(user=person).digest == DigestFrequency.WEEKLY
    assert client.post("/en/profile/", {**data, "digest": "none"}).status_code == 302
    assert Profile.objects.get(user=person).digest == DigestFrequency.NONE
    assert client.post("/en/profile/", {**data, "digest": "hourly"}).status_code == 400
    assert client.post("/en/profile/", data).status_code == 302, "a page from before the setting keeps it"
    assert Profile.objects.get(user=person).digest == DigestFrequency.NONE


def test_beat_runs_the_combined_digest_every_morning():
    tasks = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "discussions.tasks.send_digests" not in tasks
    schedule = tasks["portal.tasks.send_digests"]
    assert (schedule.hour, schedule.minute) == ({6}, {0})


def test_each_app_adds_its_section_once():
    assert [part.key for part in digest.parts()] == ["discussions", "consultations"]
    with pytest.raises(ValueError, match="discussions"):
        digest.register(digest.Part(key="discussions", followers=Subscription.objects.none, build=lambda u, p: None))


@pytest.mark.django_db
def test_the_setting_is_in_the_copy_and_erasure_ends_the_digest(stage):
    person = follower(stage, DigestFrequency.WEEKLY)

    assert privacy.personal_data(person)["profile"]["digest"] == "weekly"
    privacy.account_delete(user=person)

    profile = Profile.objects.get(user=person)
    assert (profile.digest, profile.digest_sent_until) == (DigestFrequency.NONE, None)
