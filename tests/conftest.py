import pytest
from celery._state import _set_task_join_will_block
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.enums import Role
from tests.factories import make_user


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    # A transactional test empties every table, content types included, which come back under new ids: the
    # ids this process remembers are stale then, whatever order the tests run in.
    ContentType.objects.clear_cache()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _english_by_default(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def stakeholder(db):
    return make_user(Role.STAKEHOLDER)


@pytest.fixture
def un_system(db):
    return make_user(Role.UN_SYSTEM)


@pytest.fixture
def member_state(db):
    return make_user(Role.MEMBER_STATE)


@pytest.fixture
def moderator(db):
    return make_user(Role.MODERATOR)


@pytest.fixture
def secretariat(db):
    return make_user(Role.SECRETARIAT)


@pytest.fixture
def excom_member(db):
    return make_user(Role.EXECUTIVE_COMMITTEE)


@pytest.fixture
def mptf_chair(db):
    return make_user(Role.MPTF_CHAIR)


@pytest.fixture
def user_with_role(db):
    """Every role, by name: ``user_with_role("moderator")``."""
    return make_user


class QueryCounter:
    """Counts the queries a callable makes: ``query_count(lambda: client.get(url))``."""

    def __call__(self, func) -> int:
        with CaptureQueriesContext(connection) as captured:
            func()
        return len(captured.captured_queries)


@pytest.fixture
def query_count():
    return QueryCounter()


@pytest.fixture(autouse=True)
def _no_worker_flag_left_behind():
    """An in-process Celery worker (celery.contrib.testing's start_worker) marks the whole process as a worker,
    where waiting for a result raises: undone after each test, whatever order the tests run in."""
    yield
    _set_task_join_will_block(False)
