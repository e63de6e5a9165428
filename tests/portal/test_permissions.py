import pytest
from django.contrib.auth.models import AnonymousUser

from portal.enums import Role
from portal.permissions import CAPABILITIES, can
from tests.factories import make_user

EXPECTED = {
    Role.STAKEHOLDER: {
        "consultations.register",
        "consultations.send_input",
        "discussions.read",
        "discussions.post",
        "funding.apply",
    },
    Role.UN_SYSTEM: {"consultations.register", "discussions.read", "discussions.post"},
    Role.MEMBER_STATE: {"consultations.register", "consultations.send_input", "discussions.read"},
    Role.MODERATOR: {"portal.access_admin", "discussions.read", "discussions.moderate"},
    Role.SECRETARIAT: {
        "portal.access_admin",
        "portal.verify_roles",
        "reviews.manage_calendar",
        "consultations.manage",
        "consultations.select_speakers",
        "consultations.attendance",
        "consultations.certify",
        "consultations.letters",
        "reviews.workspace",
        "discussions.read",
        "discussions.analyse",
        "funding.screen",
    },
    Role.EXECUTIVE_COMMITTEE: {"portal.access_admin", "discussions.read", "funding.recommend"},
    Role.MPTF_CHAIR: {"portal.access_admin", "discussions.read", "funding.decide"},
    # Somewhere: in which regions is each person's portal.RegionalRole rows (tests/test_region_matrix.py).
    Role.TASK_TEAM: {"discussions.read", "consultations.select_speakers", "reviews.workspace"},
    Role.FOCAL_POINT: {
        "portal.access_admin",
        "discussions.read",
        "reviews.manage_calendar",
        "reviews.workspace",
        "consultations.manage",
        "consultations.attendance",
        "discussions.moderate",
    },
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_each_role_has_exactly_its_capabilities(role):
    user = make_user(role)

    assert {cap for cap in CAPABILITIES if can(user, cap)} == EXPECTED[role]


def test_anonymous_has_no_capability():
    assert [cap for cap in CAPABILITIES if can(AnonymousUser(), cap)] == []


@pytest.mark.django_db
def test_inactive_user_has_no_capability(stakeholder):
    stakeholder.is_active = False

    assert [cap for cap in CAPABILITIES if can(stakeholder, cap)] == []


def test_unknown_capability_is_an_error():
    with pytest.raises(KeyError):
        can(AnonymousUser(), "portal.fly")


@pytest.mark.django_db
def test_admin_model_permissions_follow_the_table(secretariat, stakeholder):
    assert secretariat.has_perm("portal.verify_role")
    assert not stakeholder.has_perm("portal.verify_role")
    assert secretariat.has_module_perms("reviews")
