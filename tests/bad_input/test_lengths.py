"""Every free-text field has a limit in characters, in the model and in the form, and a text beyond it is
refused with a message that says so (an offer to speak of 2,000,000 characters was accepted before)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django import forms
from django.apps import apps
from django.db import models
from django.utils import timezone

from consultations import services
from consultations.forms import InterestForm, ProposalForm, RegistrationForm
from consultations.models import ExpressionOfInterest
from discussions.forms import AppealDecisionForm, AppealForm, ModerationForm, PostEditForm, PostForm
from funding.forms import ApplicationForm, ConflictForm, DecisionForm, RecommendationForm, ScreeningForm
from funding.models import Call
from portal.enums import Role
from portal.forms import AccountDeleteForm, ProfileForm, SignupForm
from tests.factories import make_consultation, make_user

OUR_APPS = {"portal", "reviews", "consultations", "discussions", "funding", "reminders"}
HUGE = "x" * 2_000_000


def test_every_text_field_people_type_into_has_a_length_limit():
    unlimited = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model._meta.app_label in OUR_APPS and not model._meta.proxy
        for field in model._meta.concrete_fields
        if isinstance(field, models.TextField) and field.editable and not field.max_length
    ]

    assert unlimited == []


@pytest.mark.django_db
def test_every_text_field_of_every_form_has_a_length_limit():

    consultation = make_consultation()
    call = Call.objects.create(
        cycle=consultation.event.cycle,
        title="Travel",
        budget=Decimal("1"),
        opens_at=timezone.now(),
        closes_at=timezone.now() + timedelta(days=1),
    )
    made = [
        SignupForm(),
        ProfileForm(),
        InterestForm(),
        ProposalForm(),
        RegistrationForm(consultation=consultation),
        PostForm(),
        PostEditForm(),
        ModerationForm(),
        AppealForm(),
        AppealDecisionForm(),
        ApplicationForm(call=call),
        ScreeningForm(),
        RecommendationForm(),
        DecisionForm(),
        ConflictForm(),
        AccountDeleteForm(user=None),
    ]
    unlimited = [
        f"{type(form).__name__}.{name}"
        for form in made
        for name, field in form.fields.items()
        if isinstance(field, forms.CharField)
        and not isinstance(field.widget, forms.PasswordInput)
        and not field.max_length
    ]

    assert unlimited == []


@pytest.mark.django_db
def test_an_offer_to_speak_of_two_million_characters_is_refused_and_nothing_is_kept(client):
    consultation = make_consultation()
    client.force_login(make_user(Role.STAKEHOLDER))

    response = client.post(
        f"/en/consultations/{consultation.pk}/speak/", {"role": "panel", "topic": "Decent work", "statement": HUGE}
    )

    assert response.status_code == 400
    assert "Ensure this value has at most 2000 characters (it has 2000000)." in response.content.decode()
    assert not ExpressionOfInterest.objects.exists()


@pytest.mark.django_db
def test_the_service_refuses_a_statement_over_the_limit_too():

    with pytest.raises(services.ConsultationError, match="2000 characters"):
        services.interest_create(
            consultation=make_consultation(), user=make_user(), role="panel", topic="t", statement="x" * 2001
        )
