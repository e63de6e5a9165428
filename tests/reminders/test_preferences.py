"""The reminder settings page offers each person the kinds they can receive, named for whom they are; the
one-click unsubscribe link answers GET and POST only, and never for an erased or deactivated account."""

import pytest
from django.core import mail

from consultations.services import registration_create
from portal.enums import Role
from portal.privacy import account_delete
from reminders import services
from reminders.models import Preference
from tests.factories import SpaceFactory, make_consultation, make_user

# Anyone signed in may follow a consultation, so anyone may get its deadlines.
FOLLOWING = {"registration_deadline", "interest_deadline"}
REGISTERED = {"consultation_week", "consultation_day", "materials_published", "meeting_feedback"}
SECRETARIAT = {
    "pre_consultation_opens",
    "pre_consultation_closing",
    "discussion_space_due",
    "analysis_paper_due",
    "materials_due",
    # 000: requests for a briefing wait for the secretariat (and the region's focal points).
    "briefing_request_waiting",
    # Visa invitation letters wait for the secretariat alone.
    "letter_request_waiting",
}
# 004: stakeholders and Member States send written inputs.
INPUTS = {"input_call_deadline"}
# The discussion spaces' own rules (discussions/reminders.py) say who gets them with their own ``for_user``.
DISCUSSIONS_OWN = {"phase_closing", "phase_opening", "moderation_backlog"}

EXPECTED = {
    Role.STAKEHOLDER: FOLLOWING | REGISTERED | INPUTS | {"funding_draft", "phase_opening"},
    Role.UN_SYSTEM: FOLLOWING | REGISTERED | {"phase_opening"},
    Role.MEMBER_STATE: FOLLOWING | REGISTERED | INPUTS,
    Role.SECRETARIAT: FOLLOWING | SECRETARIAT | {"phase_closing"},
    Role.MODERATOR: FOLLOWING,
    Role.EXECUTIVE_COMMITTEE: FOLLOWING,
    Role.MPTF_CHAIR: FOLLOWING,
}


def shown_kinds(client, user) -> set[str]:
    client.force_login(user)
    return set(client.get("/en/reminders/preferences/").context["form"].fields)


@pytest.mark.django_db
@pytest.mark.parametrize("role", EXPECTED)
def test_each_person_is_offered_only_the_kinds_they_can_receive(client, role):
    assert shown_kinds(client, make_user(role)) - DISCUSSIONS_OWN == EXPECTED[role] - DISCUSSIONS_OWN


@pytest.mark.django_db
@pytest.mark.parametrize("role", EXPECTED)
def test_each_person_is_offered_only_the_discussion_kinds_they_can_receive(client, role):
    assert shown_kinds(client, make_user(role)) == EXPECTED[role]


@pytest.mark.django_db
def test_a_moderator_of_a_space_is_offered_the_moderators_kinds(client):
    moderator = make_user(Role.MODERATOR)
    SpaceFactory().moderators.add(moderator)

    assert shown_kinds(client, moderator) == FOLLOWING | {"phase_closing", "moderation_backlog"}


@pytest.mark.django_db
def test_someone_still_registered_after_losing_the_role_can_turn_the_consultation_reminders_off(client):
    person = make_user(Role.STAKEHOLDER)
    registration_create(consultation=make_consultation(), user=person, attendance="virtual")
    person.groups.clear()
    person = type(person).objects.get(pk=person.pk)  # roles are read once per user object

    assert shown_kinds(client, person) & REGISTERED == REGISTERED


@pytest.mark.django_db
def test_the_audience_names_everyone_who_gets_the_consultation_reminders(client):
    client.force_login(make_user(Role.MEMBER_STATE))

    response = client.get("/en/reminders/preferences/")

    audiences = {field.name: str(audience) for field, audience in response.context["fields"]}
    assert {kind: audiences[kind] for kind in FOLLOWING | REGISTERED} == {
        "registration_deadline": "People who follow the consultation and have not registered",
        "interest_deadline": "People who follow the consultation or hold a place, until they offer to speak",
        "consultation_week": "People registered for the consultation",
        "consultation_day": "People registered for the consultation",
        "materials_published": "People registered for the consultation",
        "meeting_feedback": "People who had a place at the meeting, until they answer",
    }
    assert "For: People registered for the consultation" in response.content.decode()


@pytest.mark.django_db
def test_saving_the_settings_leaves_the_kinds_not_offered_alone(client):
    stakeholder = make_user(Role.STAKEHOLDER)
    client.force_login(stakeholder)

    # One kind offered and one of the secretariat's ticked: only the kinds offered are saved.
    data = {"registration_deadline": "on", "pre_consultation_opens": "on"}
    assert client.post("/en/reminders/preferences/", data).status_code == 302

    saved = set(Preference.objects.filter(user=stakeholder).values_list("kind", flat=True))
    assert saved - DISCUSSIONS_OWN == EXPECTED[Role.STAKEHOLDER] - DISCUSSIONS_OWN
    assert not saved & SECRETARIAT
    assert set(Preference.objects.filter(user=stakeholder, enabled=True).values_list("kind", flat=True)) == {
        "registration_deadline"
    }


# --- The unsubscribe link ------------------------------------------------------------------------------------


def unsubscribe_url(user, kind: str = "registration_deadline") -> str:
    return f"/en/reminders/unsubscribe/{services.unsubscribe_token_create(user_id=user.pk, kind=kind)}/"


@pytest.mark.django_db
def test_the_link_of_an_erased_account_leads_nowhere_and_writes_nothing(client, django_capture_on_commit_callbacks):
    person = make_user(Role.STAKEHOLDER)
    url = unsubscribe_url(person)
    with django_capture_on_commit_callbacks(execute=True):
        account_delete(user=person)
    mail.outbox.clear()

    assert (client.get(url).status_code, client.post(url).status_code) == (404, 404)
    assert not Preference.objects.exists()


@pytest.mark.django_db
def test_the_link_of_a_deactivated_account_leads_nowhere_and_writes_nothing(client):
    person = make_user(Role.STAKEHOLDER)
    person.is_active = False
    person.save()

    assert client.post(unsubscribe_url(person)).status_code == 404
    assert not Preference.objects.exists()


@pytest.mark.django_db
def test_preference_set_refuses_an_inactive_account():
    person = make_user(Role.STAKEHOLDER)
    person.is_active = False

    with pytest.raises(ValueError, match="inactive"):
        services.preference_set(user=person, kind="registration_deadline", enabled=False)


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["put", "patch", "delete", "options"])
def test_the_link_answers_get_and_post_only(client, method):
    person = make_user(Role.STAKEHOLDER)
    url = unsubscribe_url(person)

    assert getattr(client, method)(url).status_code == 405

    assert not Preference.objects.exists()
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 200
    assert list(Preference.objects.values_list("user", "kind", "enabled")) == [
        (person.pk, "registration_deadline", False)
    ]
