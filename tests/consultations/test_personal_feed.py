"""A person's private calendar feed: their meetings and the deadlines they follow, behind a revocable link."""

from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from consultations.models import PersonalFeed
from consultations.services import follow_create
from portal import privacy
from reviews.dates import StatedDate
from tests.factories import (
    EventFactory,
    PersonalFeedFactory,
    RegistrationFactory,
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
