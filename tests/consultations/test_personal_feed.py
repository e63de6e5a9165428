"""A person's private calendar feed: their meetings and the deadlines they follow (consultations, discussion
phases), behind a revocable link."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from icalendar import Calendar

from consultations.models import PersonalFeed
from consultations.services import follow_create
from discussions.enums import QuestionStatus
from discussions.models import Subscription
from discussions.services import subscription_create
from portal import personal_calendar, privacy
from reviews.dates import StatedDate
from tests.factories import (
    EventFactory,
    GuidingQuestionFactory,
    PersonalFeedFactory,
    PhaseFactory,
    RegistrationFactory,
    SpaceFactory,
    africa,
    make_consultation,
    make_user,
    shared_cycle,
)


def entries(content: bytes) -> dict[str, tuple[str, str]]:
    calendar = Calendar.from_ical(content)
    return {str(c["summary"]): (str(c["status"]), str(c["uid"])) for c in calendar.walk("VEVENT")}


@pytest.mark.django_db
def test_the_feed_has_my_meetings_and_the_deadlines_i_follow_and_nobody_elses(client):
    person = make_user(preferred_language="en")
    ahead = timezone.now() + timedelta(days=30)
    placed = make_consultation(title="Placed", starts_at=ahead, ends_at=ahead + timedelta(hours=3))
    waiting = make_consultation(title="Waiting", starts_at=ahead, capacity_in_person=0)
    later = timezone.localdate() + timedelta(days=120)
    imprecise = make_consultation(
        title="Dates not final",
        event=EventFactory(
            region=africa(), cycle=shared_cycle(), start=StatedDate("month", year=later.year, month=later.month)
        ),
    )
    followed = make_consultation(title="Followed", interest_deadline=timezone.now() + timedelta(days=3))
    RegistrationFactory(consultation=placed, user=person, status="registered")
    RegistrationFactory(consultation=waiting, user=person, status="waitlisted")
    RegistrationFactory(consultation=imprecise, user=person, status="registered")
    RegistrationFactory(consultation=make_consultation(title="Cancelled"), user=person, status="cancelled")
    RegistrationFactory(consultation=make_consultation(title="Someone else's"), status="registered")
    follow_create(user=person, consultation=followed)
    feed = PersonalFeedFactory(user=person)
    response = client.get(f"/en/consultations/calendar/{feed.token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    found = entries(response.content)
    assert sorted(found) == [
        "Dates not final",
        "Offers to speak close: Followed",
        "Placed",
        "Registration closes: Followed",
        "Waiting (waiting list)",
    ]
    assert found["Placed"][0] == "CONFIRMED"
    assert found["Waiting (waiting list)"][0] == "TENTATIVE"
    assert found["Dates not final"][0] == "TENTATIVE"  # the calendar event's date is not exact


@pytest.mark.django_db
def test_only_a_confirmed_place_gets_the_link_to_join_online(client):
    person = make_user()
    ahead = timezone.now() + timedelta(days=30)
    link = "https://meet.example.org/gcm"
    statuses = {"Placed": "registered", "Waiting": "waitlisted", "Awaiting accreditation": "pending"}
    for title, status in statuses.items():
        consultation = make_consultation(title=title, starts_at=ahead, join_link=link)
        RegistrationFactory(consultation=consultation, user=person, status=status)
    feed = PersonalFeedFactory(user=person)

    calendar = Calendar.from_ical(client.get(f"/en/consultations/calendar/{feed.token}.ics").content)

    links = {str(item["summary"]): str(item.get("url", "")) for item in calendar.walk("VEVENT")}
    assert links == {"Placed": link, "Waiting (waiting list)": "", "Awaiting accreditation": ""}


@pytest.mark.django_db
def test_the_feed_is_in_the_persons_language(client):
    person = make_user(preferred_language="fr")
    follow_create(user=person, consultation=make_consultation(title="Suivie"))
    feed = PersonalFeedFactory(user=person)
    content = client.get(f"/en/consultations/calendar/{feed.token}.ics").content.decode()
    assert "Suivie" in content and "Registration closes" not in content


@pytest.mark.django_db
def test_a_new_link_stops_the_old_one(client):
    person = make_user()
    client.force_login(person)
    client.post("/en/consultations/mine/calendar/")
    old = PersonalFeed.objects.get(user=person).token
    page = client.get("/en/consultations/mine/").content.decode()
    assert f"webcal://testserver/en/consultations/calendar/{old}.ics" in page
    client.post("/en/consultations/mine/calendar/")
    new = PersonalFeed.objects.get(user=person).token
    assert new != old
    client.logout()
    assert client.get(f"/en/consultations/calendar/{old}.ics").status_code == 404
    assert client.get(f"/en/consultations/calendar/{new}.ics").status_code == 200
    assert client.get("/en/consultations/calendar/not-a-token.ics").status_code == 404


@pytest.mark.django_db
def test_erasing_the_account_deletes_the_feed(client):
    feed = PersonalFeedFactory()
    privacy.account_delete(user=feed.user)
    assert not PersonalFeed.objects.exists()
    assert client.get(f"/en/consultations/calendar/{feed.token}.ics").status_code == 404


@pytest.mark.django_db
def test_the_feed_has_the_closing_of_the_discussions_i_follow_and_no_other(client):
    person = make_user(preferred_language="en")
    now = timezone.now()
    followed = SpaceFactory(title="Followed space")
    first = PhaseFactory(space=followed, number=1, opens_at=now - timedelta(days=5), closes_at=now + timedelta(days=9))
    PhaseFactory(space=followed, number=2, opens_at=now + timedelta(days=20), closes_at=None)  # until further notice
    of_question = SpaceFactory(title="Space of a followed question")
    asked = PhaseFactory(
        space=of_question, number=1, opens_at=now - timedelta(days=5), closes_at=now + timedelta(days=3)
    )
    PhaseFactory(space=of_question, number=2, opens_at=now + timedelta(days=9), closes_at=now + timedelta(days=30))
    question = GuidingQuestionFactory(phase=asked)
    withdrawn = SpaceFactory(title="Space of a draft question")
    draft = GuidingQuestionFactory(
        phase=PhaseFactory(space=withdrawn, opens_at=now - timedelta(days=5), closes_at=now + timedelta(days=4)),
        status=QuestionStatus.DRAFT,
    )
    long_closed = SpaceFactory(title="Closed long ago")
    PhaseFactory(space=long_closed, opens_at=now - timedelta(days=90), closes_at=now - timedelta(days=40))
    unfollowed = SpaceFactory(title="Not followed")
    PhaseFactory(space=unfollowed, opens_at=now - timedelta(days=5), closes_at=now + timedelta(days=2))
    subscription_create(user=person, space=followed)
    subscription_create(user=person, space=followed, question=GuidingQuestionFactory(phase=first))  # once, not twice
    subscription_create(user=person, space=of_question, question=question)
    subscription_create(user=person, space=long_closed)
    Subscription.objects.create(user=person, space=withdrawn, question=draft)  # followed before it was withdrawn
    subscription_create(user=make_user(), space=unfollowed)
    feed = PersonalFeedFactory(user=person)

    content = client.get(f"/en/consultations/calendar/{feed.token}.ics").content
    found = entries(content)

    assert sorted(found) == [
        "Discussion closes: Followed space (Phase 1: inputs)",
        "Discussion closes: Space of a followed question (Phase 1: inputs)",
    ]
    assert found["Discussion closes: Followed space (Phase 1: inputs)"] == (
        "CONFIRMED",
        f"discussion-phase-{first.pk}-closes@{settings.PORTAL_ICAL_DOMAIN}",
    )
    (closing,) = [c for c in Calendar.from_ical(content).walk("VEVENT") if c["uid"] == found[sorted(found)[1]][1]]
    assert closing.decoded("dtstart") == asked.closes_at.replace(microsecond=0)
    assert str(closing["url"]) == f"{settings.PORTAL_BASE_URL}/en/discussions/{of_question.pk}/"


@pytest.mark.django_db
def test_the_feed_takes_its_entries_from_each_app():
    assert personal_calendar.registered() == ["consultations", "discussions"]
    with pytest.raises(ValueError, match="discussions"):
        personal_calendar.register("discussions", lambda user, since: [])
