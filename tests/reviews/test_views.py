from datetime import UTC, datetime

import pytest
import time_machine
from icalendar import Calendar

from portal.enums import Role
from reviews.dates import parse, read
from reviews.enums import EventKind
from reviews.models import DateChange, Event, Region, ReviewCycle
from reviews.seed_calendar import load_seed_calendar


@pytest.fixture
def seeded(db):
    load_seed_calendar()


def add_events(n: int, region_code: str = "africa"):
    region = Region.objects.get(code=region_code)
    cycle = ReviewCycle.objects.get(code="2024-2025")
    for i in range(n):
        Event(
            cycle=cycle,
            region=region,
            kind=EventKind.GCM_TALK,
            title=f"Talk {i}",
            start=parse(f"{1 + i % 28} May 2025")[0],
        ).save()


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/en/calendar/", "/en/regions/africa/", "/en/calendar/?region=africa&kind=gcm_talk"])
def test_list_pages_query_count_is_the_same_at_1_and_50_events(client, seeded, query_count, url):
    Event.objects.filter(region__code="africa").delete()
    add_events(1)
    client.get(url)
    one = query_count(lambda: client.get(url))

    add_events(49)
    fifty = query_count(lambda: client.get(url))

    assert one == fifty


@pytest.mark.django_db
def test_calendar_filters_and_paginates(client, seeded):
    add_events(30)

    page1 = client.get("/en/calendar/?region=africa")
    page2 = client.get("/en/calendar/?region=africa&page=2")

    assert page1.context["page"].paginator.count == 33
    assert len(page1.context["events"]) == 20
    assert len(page2.context["events"]) == 13
    assert "region=africa&amp;page=2" in page1.content.decode()
    assert all(e.region.code == "africa" for e in page2.context["events"])


@pytest.mark.django_db
def test_calendar_past_and_upcoming_after_the_last_2024_25_meeting(client, seeded):
    # The seeded calendar keeps its real dates; the clock is set between the last regional meeting and the IMRF.
    with time_machine.travel(datetime(2026, 1, 15, 12, tzinfo=UTC), tick=False):
        upcoming = client.get("/en/calendar/?when=upcoming").context["page"].object_list
        past = client.get("/en/calendar/?when=past").context["page"]

    assert [e.key for e in upcoming] == ["2026-imrf"]
    assert past.paginator.count == Event.objects.count() - 1


@pytest.mark.django_db
def test_calendar_past_and_upcoming_once_the_imrf_has_passed(client, seeded):
    with time_machine.travel(datetime(2027, 1, 2, 12, tzinfo=UTC), tick=False):
        upcoming = client.get("/en/calendar/?when=upcoming").context["page"]
        past = client.get("/en/calendar/?when=past").context["page"]

    assert upcoming.paginator.count == 0
    assert past.paginator.count == Event.objects.count()


@pytest.mark.django_db
def test_calendar_with_unknown_filter_value_shows_the_error(client, seeded):
    response = client.get("/en/calendar/?kind=picnic")

    assert response.context["page"].paginator.count == 0
    assert "Select a valid choice" in response.content.decode()


@pytest.mark.django_db
def test_region_page_shows_timeline_conflict_and_contacts(client, seeded):
    html = client.get("/en/regions/africa/").content.decode()

    assert "October 2024" in html
    assert "Sources disagree on this date." in html
    assert html.index("October 2024</strong>") < html.index("May</q>")
    assert "mailto:cgaspar@iom.int" in html
    assert "Engagement rules" not in html  # for the secretariat only


@pytest.mark.django_db
def test_region_page_in_arabic_shows_dates_from_the_value(client, seeded):
    html = client.get("/ar/regions/africa/").content.decode()

    assert "أكتوبر 2024" in html


@pytest.mark.django_db
def test_secretariat_sees_rule_status_on_region_page_and_overview(client, seeded, user_with_role):
    client.force_login(user_with_role(Role.SECRETARIAT))

    region = client.get("/en/regions/latin-america-caribbean/").content.decode()
    overview = client.get("/en/calendar/rules/")

    assert "Pre-consultation at least 12 weeks before the Regional Review" in region
    assert "Broken" in region
    assert overview.status_code == 200
    assert [r.code for r, _results in overview.context["overview"]] == list(
        Region.objects.order_by("position").values_list("code", flat=True)
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "status"), [(None, 302), (Role.STAKEHOLDER, 403), (Role.MODERATOR, 403)])
def test_rule_overview_is_for_the_secretariat(client, seeded, user_with_role, role, status):
    if role:
        client.force_login(user_with_role(role))

    assert client.get("/en/calendar/rules/").status_code == status


@pytest.mark.django_db
def test_event_page_lists_sources_newest_first(client, seeded):
    event = Event.objects.get(key="2024-ece-msc")

    html = client.get(event.get_absolute_url()).content.decode()

    assert "Sources disagree" not in html
    assert html.index("8 or 11 March 2024</q>") < html.index("8 or 11 March (TBD)</q>")
    assert "as of 27 September 2023" in html
    assert f'/en/calendar/events/{event.pk}.ics"' in html


@pytest.mark.django_db
def test_ical_feed_parses_and_marks_imprecise_dates_tentative(client, seeded):
    response = client.get("/en/calendar.ics")

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    items = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    assert len(items) == Event.objects.count()
    review = items[f"event-{Event.objects.get(key='2024-ece-review').pk}@gcm-regional-reviews.example.org"]
    assert (str(review["status"]), review.decoded("dtstart").isoformat()) == ("CONFIRMED", "2024-03-11")
    africa = items[f"event-{Event.objects.get(key='2024-africa-review').pk}@gcm-regional-reviews.example.org"]
    assert str(africa["status"]) == "TENTATIVE"
    assert "October 2024, date not final" in str(africa["summary"])
    assert (africa.decoded("dtstart").isoformat(), africa.decoded("dtend").isoformat()) == ("2024-10-01", "2024-11-01")


@pytest.mark.django_db
def test_region_ical_holds_only_that_region(client, seeded):
    calendar = Calendar.from_ical(client.get("/fr/regions/asia-pacific/calendar.ics").content)

    summaries = sorted(str(e["summary"]) for e in calendar.walk("VEVENT"))
    assert len(summaries) == 4
    assert any("Pré-consultation pour l'Asie" in s for s in summaries)


@pytest.mark.django_db
def test_admin_date_change_keeps_history(client, seeded, user_with_role):
    secretariat = user_with_role(Role.SECRETARIAT)
    client.force_login(secretariat)
    event = Event.objects.get(key="2024-arab-review")
    url = f"/en/admin/reviews/event/{event.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data.update(
        {
            "cycle": event.cycle_id,
            "region": event.region_id,
            "kind": event.kind,
            "start": "12 June 2024",
            "statements-TOTAL_FORMS": "0",
            "statements-INITIAL_FORMS": "0",
            "date_changes-TOTAL_FORMS": "0",
            "date_changes-INITIAL_FORMS": "0",
        }
    )
    data = {k: v for k, v in data.items() if not isinstance(v, (list, dict))}
    data.pop("start_tentative", None)

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    change = DateChange.objects.get(event=event)
    assert (change.which, change.old_value, change.new_value, change.changed_by) == (
        "start",
        "month:2024-06",
        "day:2024-06-12",
        secretariat,
    )


@pytest.mark.django_db
def test_admin_rejects_an_unreadable_date_and_keeps_input(client, seeded, user_with_role):
    client.force_login(user_with_role(Role.SECRETARIAT))
    event = Event.objects.get(key="2024-arab-review")

    response = client.post(
        f"/en/admin/reviews/event/{event.pk}/change/",
        {
            "cycle": event.cycle_id,
            "kind": event.kind,
            "start": "sometime soon",
            "statements-TOTAL_FORMS": "0",
            "statements-INITIAL_FORMS": "0",
            "date_changes-TOTAL_FORMS": "0",
            "date_changes-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "is not a date we can read" in html
    assert 'value="sometime soon"' in html


@pytest.mark.django_db
def test_admin_event_page_shows_rule_status(client, seeded, user_with_role):
    client.force_login(user_with_role(Role.SECRETARIAT))
    event = Event.objects.get(key="2024-lac-review")

    html = client.get(f"/en/admin/reviews/event/{event.pk}/change/").content.decode()

    assert "at most 69 days" in html


@pytest.mark.django_db
def test_home_lists_what_is_coming_up(client, seeded):
    html = client.get("/en/").content.decode()

    assert "International Migration Review Forum" in html


@pytest.mark.django_db
def test_source_titles_and_notes_not_yet_translated_are_marked_as_english(client, seeded):
    html = client.get("/fr/regions/africa/").content.decode()

    assert '<span lang="en">Undated; published after the roadmap of 27 September 2023</span>' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("stated", "start", "days"), [("31 December 9999", "9999-12-31", 1), ("9999", "9999-01-01", 365)]
)
def test_ical_feeds_hold_an_event_on_the_last_day_of_the_calendar(client, seeded, stated, start, days):
    """The day after 31 December 9999 does not exist: the span is given as a duration, and no feed fails."""
    event = Event(
        cycle=ReviewCycle.objects.get(code="2024-2025"),
        region=Region.objects.get(code="africa"),
        kind=EventKind.SIDE_EVENT,
        title="At the end of time",
        start=read(stated)[0],  # past the calendar parse() accepts: data from before that limit
    )
    event.save()

    for url in ("/en/calendar.ics", "/en/regions/africa/calendar.ics", f"/en/calendar/events/{event.pk}.ics"):
        response = client.get(url)
        assert response.status_code == 200, url
        (item,) = [e for e in Calendar.from_ical(response.content).walk("VEVENT") if "end of time" in e["summary"]]
        assert (item.decoded("dtstart").isoformat(), item.decoded("duration").days, "DTEND" in item) == (
            start,
            days,
            False,
        )


@pytest.mark.django_db
def test_a_modality_no_source_states_reads_not_stated_yet_on_every_page(client, seeded):
    review = Event.objects.get(key="2024-africa-review")  # no document says how it meets
    consultation = Event.objects.get(key="2024-africa-msc")  # 000: in person

    calendar = client.get("/en/calendar/?region=africa").content.decode()
    event = client.get(review.get_absolute_url()).content.decode()
    region = client.get("/en/regions/africa/").content.decode()

    rows = calendar.split("<tr>")
    review_row = next(row for row in rows if review.get_absolute_url() in row)
    consultation_row = next(row for row in rows if consultation.get_absolute_url() in row)
    assert "<td>Not stated yet</td>" in review_row.replace("\n", "")
    assert "<td>In person</td>" in consultation_row.replace("\n", "")
    assert "—" not in calendar.split("<tbody>")[1]
    assert '<dt class="col-sm-3">Modality</dt><dd class="col-sm-9">Not stated yet' in event
    assert region.count("Modality not stated yet") == 1  # the review only: 000 states the other two
