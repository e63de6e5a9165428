"""The whole-page cache for anonymous visitors (portal/cache.py): served from the cache, dropped on change,
never shared with anyone signed in."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.template import engines
from django.test import RequestFactory
from django.utils import timezone

from consultations.enums import Attendance
from consultations.services import registration_create
from discussions import services as discussion_services
from discussions.models import Phase, Space
from discussions.seed import add_questions
from funding import services as funding_services
from funding.models import Call
from portal.cache import PublicPageCacheMiddleware, public_page, version
from portal.enums import Role
from tests.factories import make_consultation, make_user, shown_versions
from tests.funding.conftest import complete


@pytest.fixture
def consultation(db):
    return make_consultation(title="Consultation on labour mobility")


def public_urls(consultation):
    return [
        "/en/",
        "/en/calendar/",
        "/en/regions/africa/",
        f"/en/consultations/{consultation.pk}/",
        f"/en/consultations/{consultation.pk}/agenda/",
        "/fr/calendar/?region=africa",
    ]


@pytest.mark.django_db
def test_anonymous_pages_are_served_from_the_cache_without_queries(shared_cache, consultation, client, query_count):
    for url in public_urls(consultation):
        first = client.get(url)
        assert first.status_code == 200, url
        assert "csrfmiddlewaretoken" not in first.content.decode(), f"{url} carries a per-visitor token"

        assert query_count(lambda url=url: client.get(url)) == 0, f"{url} was not cached"
        again = client.get(url)
        assert again.content == first.content
        assert again["Content-Type"] == first["Content-Type"]


@pytest.mark.django_db
def test_cache_is_off_by_default_in_tests(consultation, client, query_count):
    client.get("/en/calendar/")
    assert query_count(lambda: client.get("/en/calendar/")) > 0


# transactional: pages are dropped once per real COMMIT; in one test transaction the setup's change absorbs this one
@pytest.mark.django_db(transaction=True)
def test_a_change_drops_the_cached_pages(shared_cache, consultation, client):
    url = f"/en/consultations/{consultation.pk}/"
    assert "labour mobility" in client.get(url).content.decode()

    consultation.title = "Consultation on climate and migration"
    consultation.save()

    page = client.get(url).content.decode()
    assert "climate and migration" in page
    assert "labour mobility" not in page


# transactional: pages are dropped once per real COMMIT; in one test transaction the setup's change absorbs this one
@pytest.mark.django_db(transaction=True)
def test_a_registration_changes_the_places_left(shared_cache, consultation, client):

    url = f"/en/consultations/{consultation.pk}/"
    before = client.get(url).content.decode()
    registration_create(consultation=consultation, user=make_user(), attendance=Attendance.IN_PERSON)
    after = client.get(url).content.decode()
    assert after != before


# transactional: pages are dropped once per real COMMIT; in one test transaction the setup's change absorbs this one
@pytest.mark.django_db(transaction=True)
def test_bulk_moderation_drops_the_cached_pages(shared_cache):
    """Moderation decisions are one bulk UPDATE, which sends no signals: the service replaces the version itself."""
    consultation = make_consultation()
    space = Space.objects.create(region=consultation.event.region, cycle=consultation.event.cycle, title="Space")
    phase = Phase.objects.create(
        space=space, number=1, opens_at=timezone.now(), closes_at=timezone.now() + timedelta(days=1)
    )
    add_questions(phase, ["What works?"])
    moderator = make_user(Role.MODERATOR)
    space.moderators.add(moderator)
    post = discussion_services.post_create(
        question=phase.questions.get(), author=make_user(), text="A view", language="en", files=[]
    )
    before = version()
    assert discussion_services.posts_moderate(versions=shown_versions([post.pk]), by=moderator, approve=True) == 1
    assert version() != before


@pytest.mark.django_db
def test_signed_in_people_are_never_served_or_stored(shared_cache, consultation, client, query_count):
    url = f"/en/consultations/{consultation.pk}/"
    client.get(url)  # cached for anonymous visitors
    client.force_login(make_user(Role.STAKEHOLDER, display_name="Signed In Person"))

    mine = client.get(url).content.decode()
    assert "My profile" in mine
    assert query_count(lambda: client.get(url)) > 0

    client.logout()
    cache.clear()
    client.force_login(make_user(Role.STAKEHOLDER))
    client.get("/en/calendar/")  # a signed-in visit fills nothing
    client.logout()
    assert "My profile" not in client.get("/en/calendar/").content.decode()


@pytest.mark.django_db
def test_many_rows_saved_together_replace_the_version_once(shared_cache, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        for number in range(5):
            make_consultation(title=f"Consultation {number}")
    assert len([c for c in callbacks if c.__name__ == "_new_version"]) == 1


def test_responses_with_a_csrf_token_or_a_cookie_are_not_stored(shared_cache):
    template = engines["django"].from_string("<form>{% csrf_token %}</form>")

    def with_token(request):
        return HttpResponse(template.render({}, request))

    def with_cookie(request):
        response = HttpResponse("hello")
        response.set_cookie("something", "personal")
        return response

    def plain(request):
        return HttpResponse("hello")

    for view, stored in ((with_token, False), (with_cookie, False), (plain, True)):
        cache.clear()
        calls = []
        view = public_page(view)

        def handler(request, view=view, calls=calls):
            middleware.process_view(request, view, (), {})  # noqa: B023 - the middleware of this round
            calls.append(request)
            return view(request)

        middleware = PublicPageCacheMiddleware(handler)
        first = middleware(RequestFactory().get("/en/somewhere/"))
        second = middleware(RequestFactory().get("/en/somewhere/"))
        assert len(calls) == (1 if stored else 2), view.__name__
        if stored:
            assert second.content == first.content


def test_pages_of_views_not_marked_public_are_not_stored(shared_cache):
    calls = []

    def handler(request):
        middleware.process_view(request, HttpResponse, (), {})
        calls.append(request)
        return HttpResponse("private")

    middleware = PublicPageCacheMiddleware(handler)
    middleware(RequestFactory().get("/en/profile/"))
    middleware(RequestFactory().get("/en/profile/"))
    assert len(calls) == 2


@pytest.mark.django_db
def test_language_switch_is_a_plain_link_to_the_same_page(client):
    response = client.get("/i18n/switch/", {"language": "ar", "next": "/en/calendar/?region=africa"})

    assert response.status_code == 302
    assert response["Location"] == "/ar/calendar/?region=africa"
    assert response.cookies["portal_language"].value == "ar"


@pytest.mark.django_db
def test_language_switch_works_whatever_the_remembered_language(client):
    client.cookies["portal_language"] = "fr"
    response = client.get("/i18n/switch/", {"language": "ru", "next": "/en/principles/"})

    assert response["Location"] == "/ru/principles/"


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"])
def test_language_switch_refuses_foreign_next(client, target):
    response = client.get("/i18n/switch/", {"language": "ru", "next": target})

    assert response["Location"] in ("/", "/ru/")


@pytest.mark.django_db
def test_language_switch_ignores_unknown_languages(client):
    response = client.get("/i18n/switch/", {"language": "xx", "next": "/en/principles/"})

    assert response["Location"] == "/en/principles/"
    assert "portal_language" not in response.cookies


# transactional: pages are dropped once per real COMMIT; in one test transaction this test could never fail
@pytest.mark.django_db(transaction=True)
def test_signing_in_and_private_funding_work_keep_the_cached_pages(shared_cache, client):

    consultation = make_consultation()
    call = Call.objects.create(
        cycle=consultation.event.cycle,
        title="Travel",
        budget=1000,
        opens_at=timezone.now() - timedelta(days=1),
        closes_at=timezone.now() + timedelta(days=1),
        published=True,
    )
    user = make_user(Role.STAKEHOLDER)
    before = version()

    client.force_login(user)  # saves the user's last login
    funding_services.application_save(call=call, applicant=user, data=complete(consultation))

    assert version() == before
