import pytest
from celery._state import _set_task_join_will_block
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.enums import Role
from tests.factories import make_user

# The files that take longest, run first. With ``--dist loadfile`` a worker takes a whole file at a time, and a
# long file taken last keeps the run waiting after the other worker is done; ``make test`` passes
# ``--no-loadscope-reorder`` so that xdist keeps this order (by default it orders files by how many tests they hold,
# which puts a long single test such as the small benchmark at the very end).
LONGEST_FIRST = (
    "tests/deployment/test_bench.py",
    "tests/browser/test_every_page.py",
    "tests/browser/test_every_page_more.py",
    "tests/browser/test_every_page_rest.py",
    "tests/test_leak_matrix.py",
    "tests/browser/",
    "tests/deployment/",
)


def _longest_first(item) -> int:
    path = item.nodeid.split("::", 1)[0]
    return next(
        (
            n
            for n, prefix in enumerate(LONGEST_FIRST)
            if path == prefix or (prefix[-1] == "/" and path.startswith(prefix))
        ),
        len(LONGEST_FIRST),
    )


def pytest_collection_modifyitems(items):
    items.sort(key=_longest_first)  # stable: within a rank, the collection's order


@pytest.fixture
def shared_cache(settings):
    """The shared cache as in production: anonymous pages cached whole, values kept until any row changes
    (portal.cache.by_data); off in the other tests."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


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
