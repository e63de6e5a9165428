"""The limits of an offer to speak are the portal's own choice: live settings the secretariat changes, and the
form, the service and the help all follow them."""

import pytest
from django.conf import settings

from consultations import services
from consultations.forms import InterestForm
from consultations.models import ExpressionOfInterest
from portal.enums import Role
from tests.factories import make_consultation, make_user


def statement(words: int) -> str:
    return " ".join(["word"] * words)


@pytest.mark.django_db
def test_a_word_limit_of_20_refuses_21_words_in_the_service(override_config):
    consultation, person = make_consultation(), make_user(Role.STAKEHOLDER)
    with override_config(INTEREST_WORD_LIMIT=20):
        with pytest.raises(services.ConsultationError, match="20 words"):
            services.interest_create(
                consultation=consultation, user=person, role="panel", topic="Decent work", statement=statement(21)
            )
        services.interest_create(
            consultation=consultation, user=person, role="panel", topic="Decent work", statement=statement(20)
        )
    assert ExpressionOfInterest.objects.get().statement == statement(20)


@pytest.mark.django_db
def test_a_word_limit_of_20_refuses_21_words_on_the_page_and_says_so(client, override_config):
    consultation = make_consultation()
    client.force_login(make_user(Role.STAKEHOLDER))
    with override_config(INTEREST_WORD_LIMIT=20):
        assert "in at most 20 words." in client.get(consultation.get_absolute_url()).content.decode()
        response = client.post(
            f"/en/consultations/{consultation.pk}/speak/",
            {"role": "panel", "topic": "Labour migration", "statement": statement(21)},
        )
    assert response.status_code == 400
    assert "Please shorten your statement by 1 word (limit: 20)." in response.content.decode()
    assert not ExpressionOfInterest.objects.exists()


@pytest.mark.django_db
def test_the_default_limit_is_150_words():
    form = InterestForm(data={"role": "panel", "topic": "Decent work", "statement": statement(150)})

    assert form.is_valid(), form.errors
    assert not InterestForm(data={"role": "panel", "topic": "Decent work", "statement": statement(151)}).is_valid()


@pytest.mark.django_db
def test_a_character_limit_of_100_refuses_101_characters(override_config):
    with override_config(INTEREST_MAX_CHARS=100):
        form = InterestForm(data={"role": "panel", "topic": "Decent work", "statement": "x" * 101})
        assert "Ensure this value has at most 100 characters (it has 101)." in form.errors["statement"]
        with pytest.raises(services.ConsultationError, match="100 characters"):
            services.interest_create(
                consultation=make_consultation(), user=make_user(), role="panel", topic="t", statement="x" * 101
            )


def test_the_limits_say_they_are_the_portals_own_choice():
    for name in ("INTEREST_WORD_LIMIT", "INTEREST_MAX_CHARS"):
        assert "The portal's own choice, not a rule of the planning documents." in str(
            settings.CONSTANCE_CONFIG[name][1]
        )
