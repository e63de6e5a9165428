"""``portal.cache.by_data``: values kept in the shared cache until any row of the portal's apps changes."""

import pytest
from django.db import transaction

from funding.enums import State
from portal import cache as portal_cache
from portal.enums import Role
from tests.factories import ApplicationFactory, make_user


def counter():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    return calls, compute


# transactional: what is tested is what a real commit, or a real rollback, does to the kept value
@pytest.mark.django_db(transaction=True)
def test_kept_until_a_change_commits_even_to_rows_no_public_page_shows(shared_cache):
    calls, compute = counter()
    assert portal_cache.by_data("k", compute) == portal_cache.by_data("k", compute) == 1

    application = ApplicationFactory()  # funding applications are on no public page: still a change of data
    assert portal_cache.by_data("k", compute) == 2

    with transaction.atomic():
        application.state = State.SUBMITTED
        application.save()
        # Inside the transaction the change is not yet committed: the old value still stands for others.
        assert portal_cache.by_data("k", compute) == 2
    assert portal_cache.by_data("k", compute) == 3
    assert len(calls) == 3


# transactional: what is tested is what a real commit, or a real rollback, does to the kept value
@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_keeps_the_value(shared_cache):
    calls, compute = counter()
    portal_cache.by_data("k", compute)
    with transaction.atomic():
        make_user(Role.STAKEHOLDER)
        transaction.set_rollback(True)
    portal_cache.by_data("k", compute)
    assert len(calls) == 1


@pytest.mark.django_db
def test_computed_every_time_without_a_shared_cache(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    calls, compute = counter()
    portal_cache.by_data("k", compute)
    portal_cache.by_data("k", compute)
    assert len(calls) == 2
