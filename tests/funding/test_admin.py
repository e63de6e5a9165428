"""The funding administration shows what people wrote as they wrote it: applications and declared conflicts."""

import pytest

from funding.models import Conflict
from portal.enums import Role
from tests.factories import ConflictFactory, make_user
from tests.funding.conftest import submitted

pytestmark = pytest.mark.django_db

CONFLICTS = "/en/admin/funding/conflict/"


@pytest.fixture
def superuser_client(client):
    client.force_login(make_user(Role.SECRETARIAT, user__is_superuser=True))
    return client


def test_a_declared_conflict_is_the_members_own_words_even_for_a_superuser(superuser_client):
    conflict = ConflictFactory()
    url = f"{CONFLICTS}{conflict.pk}/change/"

    page = superuser_client.get(url).content.decode()
    superuser_client.post(url, {"organisation": "Another one", "note": "Rewritten", "_save": "Save"})

    assert 'name="note"' not in page and 'name="organisation"' not in page
    assert "I sit on its board." in page
    conflict.refresh_from_db()
    assert (conflict.organisation.startswith("Organisation "), conflict.note) == (True, "I sit on its board.")


def test_a_conflict_is_declared_by_the_member_not_added_in_the_administration(superuser_client):
    member = make_user(Role.EXECUTIVE_COMMITTEE)

    response = superuser_client.post(f"{CONFLICTS}add/", {"member": member.pk, "organisation": "Org", "note": "x"})

    assert response.status_code == 403
    assert not Conflict.objects.exists()


def test_an_application_is_shown_as_the_applicant_wrote_it(superuser_client, call, consultation):
    application = submitted(call, consultation)
    url = f"/en/admin/funding/application/{application.pk}/change/"

    page = superuser_client.get(url).content.decode()

    assert "We run the migrant workers&#x27; helpline in Nairobi." in page
    assert 'name="justification"' not in page and 'name="representation"' not in page
