"""The plain-text e-mail option (for slow or costly connections): chosen in the profile, honoured by every mail."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from consultations.services import registration_create
from portal.mail import send_templated_mail, wants_plain_email
from portal.tasks import send_prepared_mail
from tests.factories import make_consultation, make_user


def profile_data(**overrides) -> dict:
    return {
        "display_name": "Amina",
        "organisation": "",
        "constituency": "migrant",
        "country": "KE",
        "gender": "",
        "preferred_language": "en",
        "claimed_affiliation": "stakeholder",
        **overrides,
    }


@pytest.mark.django_db
def test_the_option_is_chosen_in_the_profile(client, stakeholder):
    client.force_login(stakeholder)
    assert 'name="plain_email"' in client.get("/en/profile/").content.decode()
    assert client.post("/en/profile/", profile_data(plain_email="on")).status_code == 302
    stakeholder.profile.refresh_from_db()
    assert stakeholder.profile.plain_email is True
    client.post("/en/profile/", profile_data())
    stakeholder.profile.refresh_from_db()
    assert stakeholder.profile.plain_email is False


@pytest.mark.django_db
@pytest.mark.parametrize("plain", [True, False])
def test_a_confirmation_is_plain_text_without_pictures_when_chosen(plain, django_capture_on_commit_callbacks):
    person = make_user(plain_email=plain)
    consultation = make_consultation(starts_at=timezone.now() + timedelta(days=30))
    with django_capture_on_commit_callbacks(execute=True):
        registration = registration_create(consultation=consultation, user=person, attendance="in_person")
    message = mail.outbox[-1]
    assert registration.code in message.body
    assert [kind for _body, kind in message.alternatives] == ([] if plain else ["text/html"])
    names = [name for name, _content, _type in message.attachments]
    assert names == (["consultation.ics"] if plain else ["consultation.ics", "check-in-code.png"])


@pytest.mark.django_db
def test_mail_to_several_keeps_html_unless_all_chose_plain_text():
    plain, rich = make_user(plain_email=True), make_user()
    assert wants_plain_email([plain.email]) is True
    assert wants_plain_email([plain.email.upper()]) is True
    assert wants_plain_email([plain.email, rich.email]) is False
    assert wants_plain_email(["nobody@example.org"]) is False
    assert wants_plain_email([]) is False


@pytest.mark.django_db
def test_every_templated_mail_goes_through_the_option(django_assert_num_queries):
    """One query for the option, whatever the template."""
    person = make_user(plain_email=True)
    with django_assert_num_queries(1):
        send_templated_mail(
            template="portal/email/account_deleted",
            to=[person.email],
            language="en",
            context={},
        )
    assert mail.outbox[-1].alternatives == []


@pytest.mark.django_db
@pytest.mark.parametrize("plain", [True, False])
def test_account_mail_prepared_in_the_request_drops_its_html_when_chosen(plain):
    """Account mail (allauth's) is rendered in the request and sent by a task: the task honours the option."""
    person = make_user(plain_email=plain)
    send_prepared_mail(
        subject="Reset", body="Text", html="<p>Text</p>", to=[person.email], from_email="portal@example.org"
    )
    assert [kind for _body, kind in mail.outbox[-1].alternatives] == ([] if plain else ["text/html"])
