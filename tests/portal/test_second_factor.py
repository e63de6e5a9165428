"""Those who decide use a second factor: staff set one up before anything else; the secretariat resets a
lost one for somebody else, audited, never for itself."""

import re

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client, TestCase

from portal import services
from portal.enums import AuditAction, Role
from portal.models import AuditEntry
from portal.permissions import CAPABILITIES, STAFF_ROLES
from tests.factories import PASSWORD, TOTP_SECRET, make_user, totp_code

STAFF = sorted(STAFF_ROLES)
LOGIN = "/en/accounts/login/"


def sign_in(client: Client, user) -> object:
    return client.post(LOGIN, {"login": user.email, "password": PASSWORD})


@pytest.mark.django_db
@pytest.mark.parametrize("role", [*STAFF, "superuser"])
def test_staff_without_a_second_factor_reach_only_the_set_up_pages(client, role):
    person = make_user(Role.STAKEHOLDER if role == "superuser" else role, second_factor=False)
    if role == "superuser":
        person.is_superuser = True
        person.save()
    client.force_login(person)

    for page in ("/en/", "/en/admin/", "/en/discussions/moderation/", "/en/profile/"):
        response = client.get(page)
        assert (response.status_code, response["Location"]) == (302, "/en/accounts/2fa/"), page
    post = client.post("/en/profile/", {"display_name": "Changed"})
    assert (post.status_code, post["Location"]) == (302, "/en/accounts/2fa/"), "nothing is done on the way"
    assert client.get("/en/accounts/2fa/").status_code == 200
    assert client.get("/en/accounts/2fa/totp/activate/").status_code in (200, 302)
    assert client.post("/en/accounts/logout/").status_code == 302


@pytest.mark.django_db
def test_stakeholders_are_not_asked_for_a_second_factor_but_may_set_one_up(client):
    client.force_login(make_user(Role.STAKEHOLDER))

    assert client.get("/en/").status_code == 200
    assert 'href="/en/accounts/2fa/"' in client.get("/en/profile/").content.decode()


@pytest.mark.django_db
def test_a_staff_role_added_later_needs_a_second_factor_too(client, monkeypatch):

    Group.objects.create(name="rapporteur")
    monkeypatch.setitem(CAPABILITIES, "portal.access_admin", CAPABILITIES["portal.access_admin"] | {"rapporteur"})
    person = make_user(Role.STAKEHOLDER)
    person.groups.add(Group.objects.get(name="rapporteur"))
    client.force_login(person)

    assert client.get("/en/")["Location"] == "/en/accounts/2fa/"


@pytest.mark.django_db
def test_a_staff_member_sets_up_an_authenticator_app_with_a_real_code_and_then_gets_in():
    person = make_user(Role.SECRETARIAT, second_factor=False)
    client = Client()
    assert sign_in(client, person)["Location"] == "/en/"
    assert client.get("/en/")["Location"] == "/en/accounts/2fa/"

    # Setting up a factor asks for the password again, so a stolen session cannot set up the thief's phone.
    reauthenticate = client.get("/en/accounts/2fa/totp/activate/")
    assert reauthenticate["Location"].startswith("/en/accounts/reauthenticate/")
    client.post(reauthenticate["Location"], {"password": PASSWORD})
    page = client.get("/en/accounts/2fa/totp/activate/").content.decode()
    secret = re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', page).group(1)
    response = client.post("/en/accounts/2fa/totp/activate/", {"code": totp_code(secret=secret)})

    assert response.status_code == 302
    assert Authenticator.objects.filter(user=person, type=Authenticator.Type.TOTP).count() == 1
    assert client.get("/en/admin/").status_code == 200


@pytest.mark.django_db
def test_signing_in_asks_for_the_code_and_refuses_a_wrong_one():
    person = make_user(Role.MPTF_CHAIR)
    client = Client()

    response = sign_in(client, person)
    assert response["Location"] == "/en/accounts/2fa/authenticate/"
    assert SESSION_KEY not in client.session
    wrong = client.post("/en/accounts/2fa/authenticate/", {"code": "000000" if totp_code() != "000000" else "111111"})
    assert wrong.status_code == 200 and SESSION_KEY not in client.session
    client.post("/en/accounts/2fa/authenticate/", {"code": totp_code()})

    assert client.session[SESSION_KEY] == str(person.pk)
    assert client.get("/en/funding/").status_code == 200


@pytest.mark.django_db
def test_the_secretariat_resets_a_lost_factor_for_someone_else_audited_and_told_in_their_language():
    moderator = make_user(Role.MODERATOR, preferred_language="es")
    secretariat = make_user(Role.SECRETARIAT)
    client = Client()
    client.force_login(secretariat)

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            "/en/admin/portal/user/", {"action": "reset_second_factor", "_selected_action": [moderator.pk]}
        )

    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=moderator).exists()
    entry = AuditEntry.objects.get(action=AuditAction.SECOND_FACTOR_RESET)
    assert (entry.actor, entry.target_id) == (secretariat, str(moderator.pk))
    assert mail.outbox[-1].to == [moderator.email]
    assert mail.outbox[-1].subject == "Se restableció su segundo factor"
    moderator_client = Client()
    moderator_client.force_login(moderator)
    assert moderator_client.get("/en/")["Location"] == "/en/accounts/2fa/", "they set up a new one"


@pytest.mark.django_db
def test_the_secretariat_never_resets_its_own_factor(client):
    secretariat = make_user(Role.SECRETARIAT)
    client.force_login(secretariat)

    response = client.post(
        "/en/admin/portal/user/",
        {"action": "reset_second_factor", "_selected_action": [secretariat.pk]},
        follow=True,
    )

    assert "it is about you" in response.content.decode()
    assert Authenticator.objects.filter(user=secretariat).exists()
    assert not AuditEntry.objects.filter(action=AuditAction.SECOND_FACTOR_RESET).exists()


@pytest.mark.django_db
def test_only_the_secretariat_resets_second_factors():
    with pytest.raises(services.DecisionError, match="does not allow"):
        services.second_factor_reset(user=make_user(Role.MODERATOR), by=make_user(Role.MODERATOR))


@pytest.mark.django_db
def test_second_factors_are_not_in_the_admin(client):
    superuser = make_user(Role.SECRETARIAT)
    superuser.is_superuser = True
    superuser.save()
    client.force_login(superuser)

    assert client.get("/en/admin/mfa/authenticator/").status_code == 404
    assert TOTP_SECRET not in client.get(f"/en/admin/portal/user/{superuser.pk}/change/").content.decode()


@pytest.mark.django_db
def test_codes_are_limited_per_account_whatever_the_address():
    chair, other = make_user(Role.MPTF_CHAIR), make_user(Role.MPTF_CHAIR)
    wrong = "000000" if totp_code() != "000000" else "111111"
    for n in range(5):
        client = Client()
        client.post(LOGIN, {"login": chair.email, "password": PASSWORD}, REMOTE_ADDR=f"203.0.113.{n}")
        client.post("/en/accounts/2fa/authenticate/", {"code": wrong}, REMOTE_ADDR=f"203.0.113.{n}")

    client = Client()
    client.post(LOGIN, {"login": chair.email, "password": PASSWORD}, REMOTE_ADDR="198.51.100.4")
    paused = client.post("/en/accounts/2fa/authenticate/", {"code": totp_code()}, REMOTE_ADDR="198.51.100.4")
    unaffected = Client()
    sign_in(unaffected, other)
    unaffected.post("/en/accounts/2fa/authenticate/", {"code": totp_code()})

    assert "Too many wrong codes for this account" in paused.content.decode()
    assert SESSION_KEY not in client.session
    assert [m.subject for m in mail.outbox if m.to == [chair.email]] == [
        "Wrong codes after your password: was it you?"
    ], "the owner is warned, once"
    assert unaffected.session[SESSION_KEY] == str(other.pk), "another account is not affected"


@pytest.mark.django_db
def test_the_secretariat_cannot_reset_a_superusers_second_factor():
    superuser = make_user(Role.SECRETARIAT)
    superuser.is_superuser = True
    superuser.save()

    with pytest.raises(services.DecisionError, match="Only another superuser"):
        services.second_factor_reset(user=superuser, by=make_user(Role.SECRETARIAT))
    assert Authenticator.objects.filter(user=superuser).exists()
