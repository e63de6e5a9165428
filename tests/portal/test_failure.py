"""Redis down: pages are still served, and the tasks a page queues are kept and queued once Redis is back."""

import logging
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

from consultations.enums import ExportStatus, RegistrationStatus
from consultations.models import ExportLog, Registration
from portal.models import UnsentTask
from portal.tasks import enqueue, queue_unsent, send_affiliation_decision
from tests.factories import PASSWORD, make_consultation, totp_code
from tests.outage import RedisServer, celery_publishing_to


@pytest.fixture
def redis(settings):
    """The cache's Redis, down until the test starts it; the public page cache on, as in production."""
    server = RedisServer()
    settings.PUBLIC_PAGE_CACHE_SECONDS = 120
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": server.url}}
    yield server
    server.stop()


def pause_after_failure(settings, seconds: float) -> None:
    default = settings.CACHES["default"]
    settings.CACHES = {"default": {**default, "OPTIONS": {**default["OPTIONS"], "RETRY_AFTER": seconds}}}


@pytest.fixture
def consultation(db):
    return make_consultation(title="Consultation on labour mobility")


def cache_warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "portal.cache_backends"]


@pytest.mark.django_db
def test_pages_are_served_while_redis_is_down(redis, settings, client, consultation, secretariat, caplog):
    pause_after_failure(settings, 60)
    for url in ("/en/", f"/en/consultations/{consultation.pk}/", "/en/accounts/login/"):
        assert client.get(url).status_code == 200, url

    # allauth's rate limit cannot count in the cache: it lets the sign-in through (django-axes counts in the database).
    response = client.post("/en/accounts/login/", {"login": secretariat.email, "password": PASSWORD})
    assert (response.status_code, response["Location"]) == (302, "/en/accounts/2fa/authenticate/")
    # The second factor too: a code's single use is remembered in the cache, which fails open meanwhile.
    response = client.post("/en/accounts/2fa/authenticate/", {"code": totp_code()})
    assert (response.status_code, response["Location"]) == (302, "/en/")
    for url in ("/en/", f"/en/consultations/{consultation.pk}/dashboard/"):
        assert client.get(url).status_code == 200, url

    (warning,) = cache_warnings(caplog)
    assert warning.startswith("Cache unreachable, pages served without it for 60 s: ")


@pytest.mark.django_db
def test_the_page_cache_is_used_again_once_redis_is_back(redis, settings, client, consultation, query_count):
    pause_after_failure(settings, 0.2)
    url = f"/en/consultations/{consultation.pk}/"
    assert client.get(url).status_code == 200

    redis.start()
    time.sleep(0.3)
    assert client.get(url).status_code == 200
    assert query_count(lambda: client.get(url)) == 0


# transactional: a real Celery worker sends the confirmation from its own thread and connection
@pytest.mark.django_db(transaction=True)
def test_a_registration_while_redis_is_down_is_confirmed_once_it_is_back(redis, client, stakeholder, caplog):
    consultation = make_consultation()
    client.force_login(stakeholder)
    with celery_publishing_to(redis.url) as app:
        started = time.monotonic()
        response = client.post(f"/en/consultations/{consultation.pk}/register/", {"attendance": "virtual"})
        assert time.monotonic() - started < 5, "the page waited too long for the broker"
        assert (response.status_code, response["Location"]) == (302, f"/en/consultations/{consultation.pk}/")
        registration = Registration.objects.get()
        assert registration.status == RegistrationStatus.REGISTERED
        kept = UnsentTask.objects.get()
        assert (kept.signature["task"], kept.signature["kwargs"]) == (
            "consultations.tasks.send_registration_mail",
            {"registration_id": registration.pk, "reason": "created"},
        )
        assert [r.levelno for r in caplog.records if r.name == "portal.tasks"] == [logging.ERROR]
        assert mail.outbox == []

        redis.start()
        with start_worker(app, perform_ping_check=False, shutdown_timeout=30):
            assert queue_unsent() == 1  # what beat runs every minute, here published to the real broker
            deadline = time.monotonic() + 60
            while not mail.outbox:
                assert time.monotonic() < deadline, "the worker never sent the confirmation"
                time.sleep(0.1)

    (message,) = mail.outbox
    assert (message.to, message.subject) == ([stakeholder.email], f"Your place at {consultation.title} is confirmed")
    assert not UnsentTask.objects.exists()


@pytest.mark.django_db
def test_an_export_asked_for_while_redis_is_down_says_it_could_not_be_prepared(
    redis, client, secretariat, django_capture_on_commit_callbacks
):
    consultation = make_consultation()
    client.force_login(secretariat)
    with celery_publishing_to(redis.url), django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/en/consultations/{consultation.pk}/registrations.xlsx")
    response = client.get(response["Location"], follow=True)  # the commit, which queues the build, came first
    assert response.status_code == 200
    assert "The file could not be prepared. Please try again or use the CSV export." in response.content.decode()
    assert ExportLog.objects.get().status == ExportStatus.FAILED
    assert not UnsentTask.objects.exists()


@pytest.mark.django_db
def test_kept_tasks_stay_kept_while_redis_is_still_down(redis, stakeholder):
    with celery_publishing_to(redis.url):
        assert enqueue(send_affiliation_decision.s(profile_id=stakeholder.profile.pk)) is False
        assert queue_unsent() == 0
    (kept,) = UnsentTask.objects.all()
    assert (kept.signature["task"], kept.signature["kwargs"]) == (
        "portal.tasks.send_affiliation_decision",
        {"profile_id": stakeholder.profile.pk},
    )
    assert kept.error == f"Error 111 connecting to 127.0.0.1:{redis.port}. Connection refused."
