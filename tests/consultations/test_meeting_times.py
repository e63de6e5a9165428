"""Meetings have real times with their zone (004: "10:00 – 15:00 CET"): pages, e-mails, iCal and the calendar
state them in the meeting's zone and in the reader's; the administration reads typed times in the meeting's."""

import datetime
from datetime import UTC

import pytest
import time_machine
from django.core import mail
from icalendar import Calendar

from consultations import services
from consultations.enums import ConsultationStatus
from consultations.models import InputCall
from portal.enums import Role
from portal.forms import ProfileForm
from reminders.services import reminder_scan
from tests.factories import make_consultation, make_user, shared_cycle

pytestmark = pytest.mark.django_db

# 8 March, two years ahead whatever day the suite runs: Zurich is on winter time (CET, UTC+1), Manila on UTC+8,
# Santiago on summer time (UTC−3).
YEAR = datetime.date.today().year + 2  # noqa: DTZ011 - only the year, far enough ahead
STARTS = datetime.datetime(YEAR, 3, 8, 9, 0, tzinfo=UTC)
ENDS = datetime.datetime(YEAR, 3, 8, 14, 0, tzinfo=UTC)


def zurich_meeting(**fields):
    return make_consultation(time_zone="Europe/Zurich", starts_at=STARTS, ends_at=ENDS, **fields)


def test_the_page_states_the_meeting_zone_and_lets_the_browser_add_the_reader_s(client):
    consultation = zurich_meeting()

    html = client.get(consultation.get_absolute_url()).content.decode()

    assert f"8 March {YEAR}, 10:00 – 15:00 CET (Europe/Zurich)" in html
    # Nobody signed in: the browser's zone is added by portal/js/local-time.js from the instant itself.
    assert f'data-local-time data-start="{YEAR}-03-08T09:00:00+00:00" data-end="{YEAR}-03-08T14:00:00+00:00"' in html
    assert 'data-zone="Europe/Zurich"' in html
    assert "portal/js/local-time" in html


def test_a_reader_with_a_zone_in_their_profile_gets_both_from_the_server(client):
    consultation = zurich_meeting()
    client.force_login(make_user(Role.STAKEHOLDER, time_zone="Asia/Manila"))

    html = client.get(consultation.get_absolute_url()).content.decode()

    assert f"8 March {YEAR}, 10:00 – 15:00 CET (Europe/Zurich)" in html
    assert f"Your time: 8 March {YEAR}, 17:00 – 22:00 PST (Asia/Manila)" in html
    assert "data-local-time" not in html


def test_a_reader_in_the_meeting_s_own_zone_gets_it_once(client):
    consultation = zurich_meeting()
    client.force_login(make_user(Role.STAKEHOLDER, time_zone="Europe/Zurich"))

    html = client.get(consultation.get_absolute_url()).content.decode()

    assert "Your time" not in html and "data-local-time" not in html


def test_an_end_on_another_day_keeps_its_date(client):
    consultation = make_consultation(
        time_zone="Europe/Zurich", starts_at=STARTS, ends_at=STARTS + datetime.timedelta(days=2)
    )

    html = client.get(consultation.get_absolute_url()).content.decode()

    assert f"8 March {YEAR}, 10:00 – 10 March {YEAR}, 10:00 CET (Europe/Zurich)" in html


def test_the_confirmation_mail_states_both_zones_and_the_ical_keeps_the_meeting_s(
    django_capture_on_commit_callbacks,
):
    consultation = zurich_meeting()
    manila = make_user(Role.STAKEHOLDER, time_zone="Asia/Manila")
    unset = make_user(Role.STAKEHOLDER)

    with django_capture_on_commit_callbacks(execute=True):
        services.registration_create(consultation=consultation, user=manila, attendance="in_person")
        services.registration_create(consultation=consultation, user=unset, attendance="in_person")

    to_manila, to_unset = mail.outbox[-2], mail.outbox[-1]
    assert f"When: 8 March {YEAR}, 10:00 – 15:00 CET (Europe/Zurich)" in to_manila.body
    assert f"Your time: 8 March {YEAR}, 17:00 – 22:00 PST (Asia/Manila)" in to_manila.body
    assert f"Your time: 8 March {YEAR}, 17:00 – 22:00 PST (Asia/Manila)" in to_manila.alternatives[0][0]
    assert f"When: 8 March {YEAR}, 10:00 – 15:00 CET (Europe/Zurich)" in to_unset.body
    assert "Your time" not in to_unset.body and "data-local-time" not in to_unset.alternatives[0][0]
    ical = Calendar.from_ical(to_manila.attachments[0][1])
    event = ical.walk("VEVENT")[0]
    assert event["dtstart"].params["TZID"] == "Europe/Zurich"
    assert event.decoded("dtstart").isoformat() == f"{YEAR}-03-08T10:00:00+01:00"
    assert [str(zone["tzid"]) for zone in ical.walk("VTIMEZONE")] == ["Europe/Zurich"]


def test_a_reminder_states_the_time_in_the_recipient_s_zone_too(django_capture_on_commit_callbacks):
    consultation = zurich_meeting()
    reader = make_user(Role.STAKEHOLDER, time_zone="America/Santiago")
    services.registration_create(consultation=consultation, user=reader, attendance="virtual")

    with (
        time_machine.travel(datetime.datetime(YEAR, 3, 7, 8, tzinfo=UTC)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        reminder_scan()

    body = next(m.body for m in mail.outbox if "is coming" in m.subject)
    assert "10:00 – 15:00 CET (Europe/Zurich)" in body
    # Santiago is on UTC−3 in March: tzdata calls the zone by its offset.
    assert f"Your time: 8 March {YEAR}, 06:00 – 11:00 UTC-03 (America/Santiago)" in body


def test_the_calendar_shows_and_feeds_a_meeting_s_real_times(client):
    consultation = zurich_meeting()
    event = consultation.event

    page = client.get(event.get_absolute_url()).content.decode()
    feed = Calendar.from_ical(client.get(f"/en/calendar/events/{event.pk}.ics").content)

    assert f"8 March {YEAR}, 10:00 – 15:00 CET (Europe/Zurich)" in page
    item = feed.walk("VEVENT")[0]
    assert item["dtstart"].params["TZID"] == "Europe/Zurich"
    assert item.decoded("dtend").isoformat() == f"{YEAR}-03-08T15:00:00+01:00"
    assert str(item["status"]) == "CONFIRMED"


def test_a_draft_meeting_lends_no_times_to_the_calendar(client):
    consultation = zurich_meeting(status=ConsultationStatus.DRAFT)

    page = client.get(consultation.event.get_absolute_url()).content.decode()

    assert "CET (Europe/Zurich)" not in page


def test_the_administration_reads_typed_times_in_the_meeting_s_zone(client):
    secretariat = make_user(Role.SECRETARIAT)
    client.force_login(secretariat)
    consultation = make_consultation()
    response = client.post(
        "/en/admin/consultations/inputcall/add/",
        {
            "region": consultation.event.region_id,
            "cycle": shared_cycle().pk,
            "title_en": "Written inputs",
            "deadline_0": "2027-03-01",
            "deadline_1": "23:59:00",
            "time_zone": "Asia/Manila",
            "published": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    call = InputCall.objects.get()
    assert call.deadline == datetime.datetime(2027, 3, 1, 15, 59, tzinfo=UTC)
    page = client.get(f"/en/admin/consultations/inputcall/{call.pk}/change/").content.decode()
    assert 'name="deadline_0" value="2027-03-01"' in page and 'name="deadline_1" value="23:59:00"' in page

    consultation.time_zone, consultation.starts_at = "Europe/Zurich", STARTS
    consultation.save()
    page = client.get(f"/en/admin/consultations/consultation/{consultation.pk}/change/").content.decode()
    assert f'name="starts_at_0" value="{YEAR}-03-08"' in page and 'name="starts_at_1" value="10:00:00"' in page


def test_the_profile_keeps_a_time_zone_and_refuses_a_made_up_one(client):
    user = make_user(Role.STAKEHOLDER)
    client.force_login(user)
    page = client.get("/en/profile/").content.decode()
    assert 'name="time_zone"' in page and '<option value="Asia/Manila">Asia/Manila</option>' in page

    data = {name: value for name, value in ProfileForm(instance=user.profile).initial.items() if value is not None}
    data["expertise"] = []
    data["time_zone"] = "Mars/Olympus"
    refused = client.post("/en/profile/", data)
    assert refused.status_code in (200, 400)
    user.profile.refresh_from_db()
    assert user.profile.time_zone == ""
    data["time_zone"] = "Asia/Manila"
    saved = client.post("/en/profile/", data)
    assert saved.status_code == 302, saved.content.decode()[:2000]
    user.profile.refresh_from_db()
    assert user.profile.time_zone == "Asia/Manila"


def test_moving_a_meeting_tells_everyone_registered_with_a_new_ical(client, django_capture_on_commit_callbacks):
    consultation = zurich_meeting(capacity_in_person=1)
    registered, waiting = make_user(Role.STAKEHOLDER), make_user(Role.STAKEHOLDER)
    for person in (registered, waiting):
        services.registration_create(consultation=consultation, user=person, attendance="in_person")
    mail.outbox.clear()

    assert services.consultation_details_changed(consultation=consultation, changed=["title_en"]) == 0
    consultation.starts_at, consultation.ends_at = (
        STARTS + datetime.timedelta(days=1),
        ENDS + datetime.timedelta(days=1),
    )
    consultation.save()
    with django_capture_on_commit_callbacks(execute=True):
        told = services.consultation_details_changed(consultation=consultation, changed=["starts_at", "ends_at"])

    assert told == 2
    sent = {m.to[0]: m for m in mail.outbox}
    assert set(sent) == {registered.email, waiting.email}
    moved = sent[registered.email]
    assert moved.subject == f"New time or place for {consultation.title}"
    assert f"9 March {YEAR}, 10:00 – 15:00 CET (Europe/Zurich)" in moved.body
    ical = Calendar.from_ical(moved.attachments[0][1]).walk("VEVENT")[0]
    assert ical.decoded("dtstart").isoformat() == f"{YEAR}-03-09T10:00:00+01:00" and int(ical["sequence"]) > 0
    assert not sent[waiting.email].attachments, "the waiting list gets the news, not a calendar entry"


def test_deadlines_are_stated_in_the_meeting_s_zone_and_the_reader_s(client):
    deadline = datetime.datetime(YEAR, 3, 1, 16, 59, tzinfo=UTC)
    consultation = zurich_meeting(registration_deadline=deadline, interest_deadline=deadline)
    client.force_login(make_user(Role.STAKEHOLDER, time_zone="Asia/Manila"))

    html = client.get(consultation.get_absolute_url()).content.decode()

    assert html.count(f"1 March {YEAR}, 17:59 CET (Europe/Zurich)") == 2, "registration and offers to speak"
    assert html.count(f"Your time: 2 March {YEAR}, 00:59 PST (Asia/Manila)") == 2
    assert "UTC." not in html
