"""The live settings page of the administration: the secretariat's and superusers', nobody else's."""

import pytest
from constance import config

from portal.enums import Role
from reminders import registry
from tests.factories import enrol_second_factor, make_user

PAGE = "/en/admin/constance/config/"


@pytest.mark.django_db
def test_a_superuser_changes_a_live_setting_and_the_portal_follows(client):

    user = make_user(Role.STAKEHOLDER)
    user.is_superuser = True
    user.save()
    enrol_second_factor(user)
    client.force_login(user)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "The portal&#x27;s own choice, not a rule of the planning documents." in page.content.decode()

    data = {
        "PRE_CONSULTATION_REMINDER_WEEKS": 16,
        "MODERATION_BACKLOG_HOURS": 24,
        "INTEREST_WORD_LIMIT": 150,
        "INTEREST_MAX_CHARS": 2000,
        "version": page.context["form"].initial["version"],
    }
    assert client.post(PAGE, data).status_code == 302
    assert registry.label("moderation_backlog") == "Posts waiting for moderation for more than 24 hours"


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "status"), [(Role.MODERATOR, 403), (Role.STAKEHOLDER, 302)])
def test_nobody_else_reaches_the_live_settings(client, role, status):
    client.force_login(make_user(role))

    assert client.get(PAGE).status_code == status


@pytest.mark.django_db
def test_the_secretariat_reaches_the_live_settings(client, secretariat):
    client.force_login(secretariat)

    assert client.get(PAGE).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "value"),
    [
        # Before the "closes in two weeks" reminder of the 12-week deadline: the order of the reminders breaks.
        ("PRE_CONSULTATION_REMINDER_WEEKS", 14),
        ("MODERATION_BACKLOG_HOURS", 0),
        ("INTEREST_WORD_LIMIT", 1),  # nobody could offer to speak
        ("INTEREST_MAX_CHARS", 100),
        ("INTEREST_MAX_CHARS", 2001),  # more than the database holds
    ],
)
def test_a_value_that_would_break_the_rules_is_refused(client, secretariat, name, value):
    client.force_login(secretariat)
    page = client.get(PAGE)
    data = {
        "PRE_CONSULTATION_REMINDER_WEEKS": 16,
        "MODERATION_BACKLOG_HOURS": 48,
        "INTEREST_WORD_LIMIT": 150,
        "INTEREST_MAX_CHARS": 2000,
        "version": page.context["form"].initial["version"],
    } | {name: value}

    response = client.post(PAGE, data)

    assert response.status_code == 200
    assert response.context["form"].errors[name]
    assert (config.PRE_CONSULTATION_REMINDER_WEEKS, config.INTEREST_WORD_LIMIT, config.INTEREST_MAX_CHARS) == (
        16,
        150,
        2000,
    )
    assert config.MODERATION_BACKLOG_HOURS == 48
