"""The review's workspace: one page per region and cycle with every tile, its figures linked to their lists,
its deadlines of the next four weeks, and a query count that does not grow with the data."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consultations.enums import RegistrationStatus
from consultations.services import registration_create
from consultations.tiles import PAGE_SIZE
from discussions.services import post_moderate
from funding.enums import State
from portal.enums import Role
from reviews.dates import StatedDate
from reviews.enums import EventKind, Precision
from tests import worlds
from tests.factories import (
    ApplicationFactory,
    EventFactory,
    ExpressionOfInterestFactory,
    PostFactory,
    RegistrationFactory,
    SessionFactory,
    make_consultation,
    make_user,
)

pytestmark = pytest.mark.django_db


def url(stage) -> str:
    return f"/en/regions/{stage.event.region.code}/{stage.event.cycle.code}/workspace/"


def grow(stage, n: int) -> None:
    """``n`` more of everything the tiles count."""
    for _ in range(n):
        consultation = make_consultation(
            event=EventFactory(region=stage.event.region, cycle=stage.event.cycle), title="Another consultation"
        )
        RegistrationFactory(consultation=consultation, status=RegistrationStatus.PENDING)
        ExpressionOfInterestFactory(consultation=consultation, session=SessionFactory(consultation=consultation))
        PostFactory(question=stage.question)
        ApplicationFactory(call=stage.call, state=State.SUBMITTED)


def test_the_secretariat_sees_every_tile_with_its_figures_linked(client):
    stage = worlds.stage(capacity_in_person=3)
    consultation = stage.consultation
    RegistrationFactory(consultation=consultation, attendance="in_person")
    RegistrationFactory(consultation=consultation, attendance="in_person", status=RegistrationStatus.PENDING)
    PostFactory(question=stage.question)
    approved = ApplicationFactory(call=stage.call, state=State.SUBMITTED)
    approved.state, approved.approved_amount = State.APPROVED, Decimal("1200")
    approved.save()
    client.force_login(make_user(Role.SECRETARIAT))

    page = client.get(url(stage)).content.decode()

    assert "Engagement rules" in page
    assert f'href="/en/consultations/{consultation.pk}/dashboard/">In person: 2 / 3<' in page
    assert f'consultation__id__exact={consultation.pk}">1</a>' in page, "the accreditation queue, linked"
    assert f'href="/en/consultations/{consultation.pk}/speakers/">0 chosen, 0 offers waiting<' in page
    assert "1 post waiting for moderation" in page
    assert "Budget left: 1800.00 of 3000.00 USD" in page
    assert f'href="/en/funding/calls/{stage.call.pk}/review/?state=approved">1</a>' in page


def test_deadlines_of_the_next_four_weeks_only(client):
    stage = worlds.stage(registration_deadline=timezone.now() + timedelta(days=10), call=False)
    stage.consultation.interest_deadline = timezone.now() + timedelta(days=40)
    stage.consultation.save()
    client.force_login(make_user(Role.SECRETARIAT))

    page = client.get(url(stage)).content.decode()

    assert "Registration closes: Multi-stakeholder consultation for Africa" in page
    assert "Offers to speak close" not in page, "40 days ahead is outside the four weeks"
    assert "Phase 1 of the discussion space closes" in page


def test_a_broken_rule_says_what_to_do_next(client):
    stage = worlds.stage(call=False)
    review_day = timezone.localdate() + timedelta(weeks=10)
    EventFactory(
        region=stage.event.region,
        cycle=stage.event.cycle,
        kind=EventKind.REGIONAL_REVIEW,
        start=StatedDate(precision=Precision.DAY, days=(review_day,)),
    )
    EventFactory(
        region=stage.event.region,
        cycle=stage.event.cycle,
        kind=EventKind.PRE_CONSULTATION,
        start=StatedDate(precision=Precision.DAY, days=(review_day - timedelta(weeks=4),)),
    )
    client.force_login(make_user(Role.SECRETARIAT))

    page = client.get(url(stage)).content.decode()

    assert "Hold the pre-consultation earlier: at least 12 weeks before the Regional Review" in page


def test_links_follow_what_each_person_may_open(client):
    stage = worlds.stage()
    region = stage.event.region
    consultation = stage.consultation

    client.force_login(make_user(Role.TASK_TEAM, regions=[region]))
    page = client.get(url(stage)).content.decode()
    assert f"/consultations/{consultation.pk}/speakers/" in page
    assert f"/consultations/{consultation.pk}/dashboard/" not in page
    assert "pendingaccreditation" not in page
    assert "/discussions/moderation/" not in page.split("<main")[1]
    assert "/review/?state=" not in page

    client.force_login(make_user(Role.FOCAL_POINT, regions=[region]))
    page = client.get(url(stage)).content.decode()
    assert f"/consultations/{consultation.pk}/dashboard/" in page
    assert f"/consultations/{consultation.pk}/speakers/" not in page
    assert "/discussions/moderation/" in page.split("<main")[1]


def test_the_query_count_does_not_grow_with_the_data(client):
    stage = worlds.stage()
    client.force_login(make_user(Role.SECRETARIAT))
    grow(stage, 1)
    client.get(url(stage))  # warm the caches a first request fills

    with CaptureQueriesContext(connection) as small:
        assert client.get(url(stage)).status_code == 200
    grow(stage, 15)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url(stage)).status_code == 200

    assert len(large) == len(small)


def test_the_meetings_are_listed_a_page_at_a_time_with_every_deadline(client):
    """The tile lists one page of the meetings, soonest registration deadline first, and links the others; the
    deadlines of the next four weeks are every meeting's, whatever page it is on."""
    stage = worlds.stage(call=False)
    event = stage.event
    for n in range(PAGE_SIZE - 1):
        make_consultation(
            event=EventFactory(region=event.region, cycle=event.cycle),
            title=f"Meeting {n}",
            registration_deadline=timezone.now() + timedelta(days=40 + n),
        )
    late = make_consultation(
        event=EventFactory(region=event.region, cycle=event.cycle),
        title="The last meeting",
        registration_deadline=timezone.now() + timedelta(days=60),
        interest_deadline=timezone.now() + timedelta(days=5),
    )
    client.force_login(make_user(Role.SECRETARIAT))

    first = client.get(url(stage)).content.decode()
    second = client.get(url(stage), {"page": "2"}).content.decode()
    beyond = client.get(url(stage), {"page": "99"}).content.decode()

    assert f"/consultations/{stage.consultation.pk}/dashboard/" in first
    assert f"/consultations/{late.pk}/dashboard/" not in first
    assert "Page 1 of 2" in first and 'href="?page=2"' in first
    assert "Offers to speak close: The last meeting" in first, "a deadline of the second page"
    assert f"/consultations/{late.pk}/dashboard/" in second
    assert f"/consultations/{stage.consultation.pk}/dashboard/" not in second
    assert "Page 2 of 2" in second and 'href="?page=1"' in second
    assert "Offers to speak close: The last meeting" in second
    assert f"/consultations/{late.pk}/dashboard/" in beyond, "past the last page: the last page"


def test_the_list_of_dashboards_names_only_ones_own_regions(client):
    stage = worlds.stage(call=False)
    other = make_consultation(event=EventFactory(cycle=stage.event.cycle)).event.region
    client.force_login(make_user(Role.FOCAL_POINT, regions=[other]))

    page = client.get("/en/workspace/").content.decode()

    assert f"/regions/{other.code}/{stage.event.cycle.code}/workspace/" in page
    assert f"/regions/{stage.event.region.code}/" not in page.split("<main")[1].split("<footer")[0]


# transactional: the kept counts are dropped by a real commit (portal.cache.by_data reads the version on_commit sets)
@pytest.mark.django_db(transaction=True)
def test_counts_are_kept_until_the_content_changes(client, settings):
    """With the shared cache on, the meetings' and attendance counts come from it (fewer queries) and a new
    registration shows at once: its commit replaces the content version that keys them (a real commit)."""

    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    cache.clear()
    stage = worlds.stage(capacity_in_person=3)
    consultation = stage.consultation
    client.force_login(make_user(Role.SECRETARIAT))
    with CaptureQueriesContext(connection) as first:
        page = client.get(url(stage)).content.decode()
    assert f'href="/en/consultations/{consultation.pk}/dashboard/">In person: 0 / 3<' in page
    with CaptureQueriesContext(connection) as second:
        client.get(url(stage))
    assert len(second) <= len(first) - 5, "the registration, offer and four attendance counts come from the cache"

    registration_create(consultation=consultation, user=make_user(), attendance="in_person")

    page = client.get(url(stage)).content.decode()
    assert f'href="/en/consultations/{consultation.pk}/dashboard/">In person: 1 / 3<' in page
    cache.clear()


# transactional: the kept tiles are dropped by a real commit (portal.cache.by_data reads the version on_commit sets)
@pytest.mark.django_db(transaction=True)
def test_kept_tiles_show_each_person_their_own_links_language_and_day(client, settings):
    """The tiles' figures are kept for everyone who may open the dashboard; the links each person may follow
    are chosen on every request, the figures are kept per language, and the four weeks ahead move with the day."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    cache.clear()
    stage = worlds.stage(registration_deadline=timezone.now() + timedelta(days=10))
    region = stage.event.region
    consultation = stage.consultation
    dashboard = f"/consultations/{consultation.pk}/dashboard/"
    speakers = f"/consultations/{consultation.pk}/speakers/"
    client.force_login(make_user(Role.SECRETARIAT))
    page = client.get(url(stage)).content.decode()
    assert dashboard in page and "pendingaccreditation" in page and "/review/?state=" in page

    client.force_login(make_user(Role.TASK_TEAM, regions=[region]))
    page = client.get(url(stage)).content.decode()
    assert speakers in page
    assert dashboard not in page and "pendingaccreditation" not in page and "/review/?state=" not in page
    assert f"/funding/calls/{stage.call.pk}/dashboard/" not in page

    focal_point = make_user(Role.FOCAL_POINT, regions=[region])
    client.force_login(focal_point)
    page = client.get(url(stage)).content.decode()
    assert dashboard in page and speakers not in page
    assert "Registration closes: Multi-stakeholder consultation for Africa" in page

    page = client.get(url(stage).replace("/en/", "/fr/")).content.decode()
    assert f'href="/fr{dashboard}">En présentiel: 0 / 10<' in page

    with time_machine.travel(timezone.now() + timedelta(days=12)):
        client.force_login(focal_point)
        page = client.get(url(stage)).content.decode()
    assert "Registration closes: Multi-stakeholder consultation for Africa" not in page, "the deadline has passed"
    cache.clear()


# transactional: the kept counts are dropped by a real commit (portal.cache.by_data reads the version on_commit sets)
@pytest.mark.django_db(transaction=True)
def test_the_kept_moderation_backlog_follows_each_decision(client, shared_cache):
    """The discussion tile's backlog is kept for everyone who opens the workspace; a moderator's decision (a bulk
    update, no signal) shows at once."""
    stage = worlds.stage()
    post = PostFactory(question=stage.question)
    client.force_login(make_user(Role.SECRETARIAT))
    assert "1 post waiting for moderation" in client.get(url(stage)).content.decode()
    assert "1 post waiting for moderation" in client.get(url(stage)).content.decode()  # kept

    post_moderate(post=post, by=stage.moderator, approve=True, shown_revision=post.revision)

    assert "0 posts waiting for moderation" in client.get(url(stage)).content.decode()
