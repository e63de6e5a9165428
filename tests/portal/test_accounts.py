"""Sign-up, e-mail verification and the profile, through the real allauth views."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail, signing

from portal.enums import Role, VerificationStatus
from portal.models import Profile, User

SIGNUP = "/en/accounts/signup/"


def signup_data(**overrides):
    data = {
        "email": "amina@example.org",
        "password1": "a-long-passphrase-42",
        "password2": "a-long-passphrase-42",
        "display_name": "Amina",
        "organisation": "Diaspora Link",
        "constituency": "migrant_diaspora_org",
        "country": "KE",
        "gender": "",
        "preferred_language": "fr",
        "claimed_affiliation": "stakeholder",
        "privacy_consent": "on",
    }
    data.update(overrides)
    return data


def confirmation_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S*/accounts/confirm-email/\S+/)", message.body).group(1)


@pytest.mark.django_db
def test_signup_creates_profile_with_derived_subregion_and_stakeholder_role(client):
    response = client.post(SIGNUP, signup_data())

    assert response.status_code == 302
    user = User.objects.get(email="amina@example.org")
    profile = user.profile
    assert (profile.display_name, profile.organisation, profile.country.code, profile.subregion) == (
        "Amina",
        "Diaspora Link",
        "KE",
        "014",
    )
    assert profile.privacy_consent_at is not None
    assert list(user.groups.values_list("name", flat=True)) == [Role.STAKEHOLDER]
    assert EmailAddress.objects.get(user=user).verified is False


@pytest.mark.django_db
def test_verification_mail_is_sent_in_preferred_language_and_link_verifies(client):
    client.post(SIGNUP, signup_data(preferred_language="fr"))

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["amina@example.org"]
    assert "Confirmez" in message.subject or "confirmer" in message.body.lower()
    link = confirmation_link(message)
    assert client.get(link).status_code == 200
    client.post(link)
    assert EmailAddress.objects.get(email="amina@example.org").verified is True


@pytest.mark.django_db
def test_unverified_account_cannot_sign_in(client):
    client.post(SIGNUP, signup_data())
    client.logout()
    mail.outbox.clear()

    response = client.post("/en/accounts/login/", {"login": "amina@example.org", "password": "a-long-passphrase-42"})

    assert response.status_code == 302
    assert "/accounts/confirm-email/" in response["Location"]
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_reused_verification_link_is_refused(client):
    client.post(SIGNUP, signup_data())
    link = confirmation_link(mail.outbox[0])
    client.post(link)

    response = client.get(link)

    assert response.status_code == 200
    assert response.context["confirmation"] is None
    assert "expired or is invalid" in response.content.decode()


@pytest.mark.django_db
def test_expired_verification_link_is_refused(client, monkeypatch):
    # The key is signed with the time of sending; pretend it was sent four days ago.
    real_timestamp = signing.TimestampSigner.timestamp
    monkeypatch.setattr(
        signing.TimestampSigner,
        "timestamp",
        lambda self: signing.b62_encode(int(signing.b62_decode(real_timestamp(self))) - 4 * 86400),
    )
    client.post(SIGNUP, signup_data())
    monkeypatch.undo()
    link = confirmation_link(mail.outbox[0])

    client.post(link)

    assert EmailAddress.objects.get(email="amina@example.org").verified is False


@pytest.mark.django_db
def test_signup_with_existing_email_does_not_reveal_the_account(client, stakeholder):
    fresh = client.post(SIGNUP, signup_data(email="new-person@example.org"))
    client.logout()
    existing = client.post(SIGNUP, signup_data(email=stakeholder.email.upper()))

    assert existing.status_code == fresh.status_code == 302
    assert existing["Location"] == fresh["Location"]
    assert User.objects.filter(email__iexact=stakeholder.email).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"country": "XX"}, "country", "Select a valid choice"),
        ({"display_name": "x" * 81}, "display_name", "at most 80 characters"),
        ({"organisation": "o" * 201}, "organisation", "at most 200 characters"),
        ({"display_name": "   "}, "display_name", "This field is required"),
        ({"password2": "something-else-42"}, "password2", "same password"),
        ({"constituency": "astronaut"}, "constituency", "Select a valid choice"),
        ({"privacy_consent": ""}, "privacy_consent", "This field is required"),
        ({"email": "not-an-address"}, "email", "valid email address"),
    ],
)
def test_signup_rejects_bad_input_next_to_the_field_and_keeps_what_was_typed(client, overrides, field, message):
    response = client.post(SIGNUP, signup_data(**overrides))

    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    html = response.content.decode()
    assert f'id="error_1_id_{field}"' in html or f"id_{field}" in html
    assert 'value="Diaspora Link"' in html or field == "organisation"
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_signup_errors_are_in_the_page_language(client):
    response = client.post("/fr/accounts/signup/", signup_data(country="XX"))

    assert "Sélectionnez un choix valide" in " ".join(response.context["form"].errors["country"])


@pytest.mark.django_db
def test_html_in_a_display_name_is_shown_escaped(client):
    client.post(SIGNUP, signup_data(display_name="<script>alert(1)</script>"))
    user = User.objects.get(email="amina@example.org")
    EmailAddress.objects.filter(user=user).update(verified=True)
    client.force_login(user)

    html = client.get("/en/profile/").content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.django_db
def test_un_system_claim_grants_nothing_until_verified(client):
    client.post(SIGNUP, signup_data(claimed_affiliation="un_system"))

    profile = Profile.objects.get(user__email="amina@example.org")
    assert profile.verification_status == VerificationStatus.PENDING
    assert list(profile.user.groups.all()) == []


@pytest.mark.django_db
def test_profile_edit_rederives_subregion_and_applies_language(client, stakeholder):
    client.force_login(stakeholder)
    data = {
        "display_name": "New name",
        "organisation": "",
        "constituency": "academia",
        "country": "AR",
        "gender": "undisclosed",
        "preferred_language": "es",
        "claimed_affiliation": "stakeholder",
    }

    response = client.post("/en/profile/", data)

    assert response.status_code == 302
    assert response["Location"] == "/es/profile/"
    stakeholder.profile.refresh_from_db()
    assert (stakeholder.profile.country.code, stakeholder.profile.subregion) == ("AR", "005")
    assert response.cookies["portal_language"].value == "es"


@pytest.mark.django_db
def test_profile_edit_keeps_input_on_error(client, stakeholder):
    client.force_login(stakeholder)

    response = client.post(
        "/en/profile/",
        {
            "display_name": "Kept name",
            "constituency": "academia",
            "country": "ZZ",
            "preferred_language": "en",
            "claimed_affiliation": "stakeholder",
        },
    )

    assert response.status_code == 400
    assert "country" in response.context["form"].errors
    assert 'value="Kept name"' in response.content.decode()


@pytest.mark.django_db
def test_preferred_language_is_applied_at_login(client, user_with_role):
    user = user_with_role(Role.STAKEHOLDER, preferred_language="ar")

    response = client.post("/en/accounts/login/", {"login": user.email, "password": "correct-horse-battery"})

    assert response.status_code == 302
    assert response["Location"].startswith("/ar/")
    assert response.cookies["portal_language"].value == "ar"


@pytest.mark.django_db
def test_password_reset_sends_mail(client, stakeholder):
    response = client.post("/en/accounts/password/reset/", {"email": stakeholder.email})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


@pytest.mark.django_db
def test_signout_is_a_post(client, stakeholder):
    client.force_login(stakeholder)

    client.post("/en/accounts/logout/")

    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_account_mail_names_the_portal_and_never_quotes_what_the_signer_up_typed(client):
    client.post(SIGNUP, signup_data(preferred_language="en", display_name="Visit evil example dot com now"))

    message = mail.outbox[-1]
    assert "GCM Regional Reviews" in message.body
    assert "Hello from !" not in message.body and "Visit evil example" not in message.body
