"""Speakers per roundtable on the region's criteria (001 Annex 2; 004: "express their interest in providing
speakers and moderators for each of the roundtables", "a panel of 4-5 panelists"): offers, criteria, the
suggested panel, the saved list and the balance panel."""

import pytest
from constance.test import override_config
from django.db import transaction

from consultations import selectors, services, slate
from consultations.enums import InterestStatus, SessionKind
from consultations.models import ExpressionOfInterest, SelectionCriteria
from portal.enums import AuditAction, Role
from portal.models import AuditEntry
from tests.factories import (
    ExpressionOfInterestFactory,
    SelectionCriteriaFactory,
    SessionFactory,
    make_consultation,
    make_user,
)

pytestmark = pytest.mark.django_db


def offer(consultation, user=None, **fields):
    values = {"role": "panel", "topic": "Decent work", "statement": "What I would say."} | fields
    return services.interest_create(consultation=consultation, user=user or make_user(Role.STAKEHOLDER), **values)


# --- Offers ------------------------------------------------------------------------------------------------


def test_an_offer_names_its_roundtable_and_expertise():
    consultation = make_consultation()
    roundtable = SessionFactory(consultation=consultation)

    made = offer(consultation, session=roundtable, expertise="labour")

    assert (made.session, made.expertise) == (roundtable, "labour")


def test_the_same_person_offers_for_two_roundtables_but_not_twice_for_one():
    consultation = make_consultation()
    first, second = SessionFactory(consultation=consultation), SessionFactory(consultation=consultation)
    person = make_user(Role.STAKEHOLDER)

    offer(consultation, person, session=first)
    offer(consultation, person, session=second)
    with pytest.raises(services.ConsultationError, match="already made this offer"):
        offer(consultation, person, session=first)

    assert ExpressionOfInterest.objects.filter(user=person).count() == 2


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "Choose the roundtable"),
        ({"session": "other"}, "one of this consultation's roundtables"),
        ({"session": "opening"}, "one of this consultation's roundtables"),
        ({"session": "own", "expertise": "astrology"}, "area of expertise from the list"),
    ],
)
def test_a_roundtable_offer_is_refused_without_a_roundtable_of_this_consultation(fields, message):
    consultation = make_consultation()
    sessions = {
        "own": SessionFactory(consultation=consultation),
        "other": SessionFactory(consultation=make_consultation(title="Another")),
        "opening": SessionFactory(consultation=consultation, kind=SessionKind.OPENING),
    }
    if "session" in fields:
        fields = {**fields, "session": sessions[fields["session"]]}

    with pytest.raises(services.ConsultationError, match=message):
        offer(consultation, **fields)
    assert not ExpressionOfInterest.objects.exists()


def test_the_rapporteur_offers_for_the_whole_consultation():
    consultation = make_consultation()
    roundtable = SessionFactory(consultation=consultation)

    made = offer(consultation, role="rapporteur", session=roundtable)

    assert made.session is None


@pytest.mark.parametrize(
    ("role", "un_system_may_offer", "refusal"),
    [
        (Role.STAKEHOLDER, False, None),
        (Role.UN_SYSTEM, False, "for stakeholders"),
        (Role.UN_SYSTEM, True, None),
        (Role.MEMBER_STATE, False, "for stakeholders"),
        (Role.MEMBER_STATE, True, "for stakeholders"),
    ],
)
def test_speaking_slots_are_for_stakeholders_and_the_un_system_only_when_the_consultation_says(
    role, un_system_may_offer, refusal
):
    consultation = make_consultation()
    SelectionCriteriaFactory(consultation=consultation, un_system_may_offer=un_system_may_offer)
    person = make_user(role)

    if refusal is None:
        offer(consultation, person)
        assert ExpressionOfInterest.objects.filter(user=person).count() == 1
    else:
        with pytest.raises(services.ConsultationError, match=refusal):
            offer(consultation, person)
        assert not ExpressionOfInterest.objects.exists()


def test_the_offer_form_asks_for_a_roundtable_and_proposes_the_profile_expertise(client):
    consultation = make_consultation()
    roundtable = SessionFactory(consultation=consultation, title="Roundtable on labour")
    person = make_user(Role.STAKEHOLDER, expertise="labour,data")
    client.force_login(person)

    page = client.get(consultation.get_absolute_url()).content.decode()
    assert "Roundtable on labour" in page
    assert '<option value="labour" selected>' in page

    response = client.post(
        f"/en/consultations/{consultation.pk}/speak/",
        {"role": "panel", "topic": "Decent work", "statement": "Experience.", "expertise": "labour"},
    )
    assert response.status_code == 400
    assert "Choose the roundtable you offer to speak at." in response.content.decode()
    assert "Decent work" in response.content.decode(), "what the person typed is kept"

    response = client.post(
        f"/en/consultations/{consultation.pk}/speak/",
        {
            "role": "panel",
            "session": roundtable.pk,
            "topic": "Decent work",
            "statement": "Experience.",
            "expertise": "labour",
        },
    )
    assert response.status_code == 302
    assert ExpressionOfInterest.objects.get().session == roundtable


# --- Criteria ----------------------------------------------------------------------------------------------


def test_criteria_default_until_set_and_a_stale_form_is_refused():
    consultation = make_consultation()
    team = make_user(Role.TASK_TEAM, regions=[consultation.event.region])

    assert selectors.criteria_of(consultation).max_shares == slate.DEFAULT_MAX_SHARES
    criteria = services.criteria_set(
        consultation=consultation,
        by=team,
        shown_version=0,
        max_gender=50,
        preference="gender,expertise,constituency,country,subregion",
        un_system_may_offer=True,
    )
    assert (criteria.version, criteria.max_gender, criteria.order[0], criteria.un_system_may_offer) == (
        1,
        50,
        "gender",
        True,
    )

    with pytest.raises(services.ConsultationError, match="changed these criteria since"), transaction.atomic():
        services.criteria_set(consultation=consultation, by=team, shown_version=0, max_gender=70)
    assert SelectionCriteria.objects.get().max_gender == 50
    assert AuditEntry.objects.filter(action=AuditAction.SELECTION_CRITERIA).count() == 1


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"max_country": 0}, "max_country"),
        ({"max_gender": 101}, "max_gender"),
        ({"preference": "gender"}, "preference"),
    ],
)
def test_criteria_out_of_bounds_are_refused(values, field):
    from django.core.exceptions import ValidationError  # noqa: PLC0415 - only this test reads it

    consultation = make_consultation()
    with pytest.raises(ValidationError) as caught, transaction.atomic():
        services.criteria_set(consultation=consultation, by=make_user(Role.SECRETARIAT), shown_version=0, **values)
    assert field in caught.value.message_dict


def test_the_criteria_form_keeps_the_order_and_refuses_a_dimension_twice(client):
    consultation = make_consultation()
    client.force_login(make_user(Role.TASK_TEAM, regions=[consultation.event.region]))
    data = {
        "action": "criteria",
        "version": "0",
        "max_expertise": "40",
        "max_constituency": "40",
        "max_country": "25",
        "max_subregion": "50",
        "max_gender": "50",
        "rank_0": "gender",
        "rank_1": "gender",
        "rank_2": "constituency",
        "rank_3": "country",
        "rank_4": "subregion",
    }

    response = client.post(f"/en/consultations/{consultation.pk}/speakers/", data)
    assert response.status_code == 400
    assert "Put each dimension once" in response.content.decode()
    assert not SelectionCriteria.objects.exists()

    response = client.post(f"/en/consultations/{consultation.pk}/speakers/", {**data, "rank_1": "expertise"})
    assert response.status_code == 302
    assert SelectionCriteria.objects.get().preference == "gender,expertise,constituency,country,subregion"
    # Shown to everybody on the consultation's page.
    client.logout()
    page = client.get(consultation.get_absolute_url()).content.decode()
    assert "How speakers are selected" in page
    assert "Gender ≤ 50 %; Expertise ≤ 40 %" in page


# --- The suggested panel and the saved list ------------------------------------------------------------------


def test_the_order_of_preference_decides_which_limit_is_let_go_first():
    people = [
        slate.Candidate(id=1, arrival=1, constituency="a", country="KE", subregion="r", gender="woman"),
        slate.Candidate(id=2, arrival=2, constituency="a", country="KE", subregion="r", gender="woman"),
        slate.Candidate(id=3, arrival=3, constituency="b", country="KE", subregion="s", gender="man"),
        slate.Candidate(id=4, arrival=4, constituency="c", country="NG", subregion="s", gender="woman"),
    ]
    shares = {"country": 0.5, "gender": 0.5, "constituency": 1, "subregion": 1, "expertise": 1}

    # Country first: with two places, the second Kenyan waits; gender is let go first.
    keep_country = slate.suggest(
        people, size=2, max_shares=shares, preference=("country", "gender", "expertise", "constituency", "subregion")
    )
    # Gender first: the second woman waits; country is let go first.
    keep_gender = slate.suggest(
        people, size=2, max_shares=shares, preference=("gender", "country", "expertise", "constituency", "subregion")
    )

    assert keep_country == [1, 4]
    assert keep_gender == [1, 3]


def test_a_selected_panelist_goes_on_the_roundtable_agenda_and_off_again(django_capture_on_commit_callbacks):
    consultation = make_consultation()
    roundtable = SessionFactory(consultation=consultation)
    made = ExpressionOfInterestFactory(consultation=consultation, session=roundtable)
    team = make_user(Role.TASK_TEAM, regions=[consultation.event.region])

    services.slate_decide(consultation=consultation, decisions={made.pk: True}, shown={made.pk: "received"}, by=team)
    assert list(roundtable.speakers.all()) == [made]

    services.slate_decide(consultation=consultation, decisions={made.pk: False}, shown={made.pk: "selected"}, by=team)
    assert list(roundtable.speakers.all()) == []
    assert ExpressionOfInterest.objects.get().status == InterestStatus.NOT_SELECTED


def test_the_speakers_page_suggests_a_panel_per_roundtable_of_its_size(client):
    consultation = make_consultation()
    small = SessionFactory(consultation=consultation, title="Small roundtable", panel_size=2)
    offers = [
        ExpressionOfInterestFactory(consultation=consultation, session=small, user=make_user(country=country))
        for country in ("KE", "NG", "GH")
    ]
    client.force_login(make_user(Role.SECRETARIAT))

    page = client.get(f"/en/consultations/{consultation.pk}/speakers/").content.decode()

    assert "Small roundtable" in page
    suggested_rows = [o for o in offers if f'id="select-{o.pk}"' in page]
    assert len(suggested_rows) == 3
    assert page.count("<strong>Suggested</strong>") == 2
    assert "0</span> / 2" in page


def test_the_balance_panel_shows_labels_and_counts_the_ticked_names_without_a_script(client):
    consultation = make_consultation()
    roundtable = SessionFactory(consultation=consultation)
    kenyan = ExpressionOfInterestFactory(
        consultation=consultation,
        session=roundtable,
        expertise="labour",
        user=make_user(country="KE", constituency="trade_union", gender="woman"),
    )
    ExpressionOfInterestFactory(
        consultation=consultation, session=roundtable, user=make_user(country="NG", constituency="academia")
    )
    client.force_login(make_user(Role.SECRETARIAT))

    response = client.post(
        f"/en/consultations/{consultation.pk}/speakers/",
        {
            "action": "check",
            "shown": [f"{o.pk}:received" for o in ExpressionOfInterest.objects.all()],
            "selected": [kenyan.pk],
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    for label in ("Labour migration and decent work", "Trade union", "Kenya", "Eastern Africa", "Woman"):
        assert label in page
    assert 'data-dim="country" data-value="KE">1 (100 %)' in page
    assert 'data-dim="country" data-value="NG">0 (0 %)' in page
    assert ">trade_union<" not in page and ">014<" not in page, "labels, never codes"
    assert ExpressionOfInterest.objects.get(pk=kenyan.pk).status == InterestStatus.RECEIVED, "nothing saved"


@override_config(INTEREST_WORD_LIMIT=150)
def test_the_public_page_says_who_chooses_and_how(client):
    consultation = make_consultation()
    SessionFactory(consultation=consultation, title="Roundtable on labour", panel_size=4)

    page = client.get(consultation.get_absolute_url()).content.decode()

    assert "The regional task team for" in page
    assert "Roundtable on labour: a panel of 4 panelists" in page
    assert "The speaking slots are for stakeholders." in page


def test_two_people_saving_at_once_never_overwrite_each_other(client):
    """The list binds to the status each offer had on the page: the second save, read before the first, is
    refused and changes nothing."""
    consultation = make_consultation()
    roundtable = SessionFactory(consultation=consultation)
    first, second = (ExpressionOfInterestFactory(consultation=consultation, session=roundtable) for _ in range(2))
    url = f"/en/consultations/{consultation.pk}/speakers/"
    shown = [f"{first.pk}:received", f"{second.pk}:received"]
    client.force_login(make_user(Role.TASK_TEAM, regions=[consultation.event.region]))

    client.post(url, {"shown": shown, "selected": [first.pk]})
    response = client.post(url, {"shown": shown, "selected": [second.pk]}, follow=True)

    assert "was decided by someone else since you opened the page" in response.content.decode()
    assert dict(ExpressionOfInterest.objects.values_list("pk", "status")) == {
        first.pk: InterestStatus.SELECTED,
        second.pk: InterestStatus.NOT_SELECTED,
    }


def test_saving_one_roundtable_leaves_the_others_and_accepting_takes_the_suggestion_shown(client):
    consultation = make_consultation()
    one, two = SessionFactory(consultation=consultation), SessionFactory(consultation=consultation)
    here = ExpressionOfInterestFactory(consultation=consultation, session=one)
    there = ExpressionOfInterestFactory(consultation=consultation, session=two)
    client.force_login(make_user(Role.SECRETARIAT))

    client.post(
        f"/en/consultations/{consultation.pk}/speakers/",
        {"action": "accept", "shown": [f"{here.pk}:received"], "suggested": [here.pk, there.pk]},
    )

    assert dict(ExpressionOfInterest.objects.values_list("pk", "status")) == {
        here.pk: InterestStatus.SELECTED,
        there.pk: InterestStatus.RECEIVED,
    }


def test_a_person_the_criteria_no_longer_let_speak_is_neither_suggested_nor_selectable(client):
    consultation = make_consultation()
    roundtable = SessionFactory(consultation=consultation)
    criteria = SelectionCriteriaFactory(consultation=consultation, un_system_may_offer=True)
    offer(consultation, make_user(Role.UN_SYSTEM), session=roundtable)
    criteria.un_system_may_offer = False
    criteria.save()
    made = ExpressionOfInterest.objects.get()
    client.force_login(make_user(Role.SECRETARIAT))

    page = client.get(f"/en/consultations/{consultation.pk}/speakers/").content.decode()
    assert f'id="select-{made.pk}"' not in page
    assert "The speaking slots of this consultation are for stakeholders." in page
    with (
        pytest.raises(services.ConsultationError, match="may not speak under this consultation's criteria"),
        transaction.atomic(),
    ):
        services.slate_decide(
            consultation=consultation,
            decisions={made.pk: True},
            shown={made.pk: "received"},
            by=make_user(Role.SECRETARIAT),
        )
    assert ExpressionOfInterest.objects.get().status == InterestStatus.RECEIVED


def test_one_person_is_suggested_for_one_slot_only(client):
    consultation = make_consultation()
    first, second = SessionFactory(consultation=consultation), SessionFactory(consultation=consultation)
    person = make_user(Role.STAKEHOLDER)
    early = ExpressionOfInterestFactory(consultation=consultation, session=first, user=person)
    late = ExpressionOfInterestFactory(consultation=consultation, session=second, user=person)
    client.force_login(make_user(Role.SECRETARIAT))

    page = client.get(f"/en/consultations/{consultation.pk}/speakers/").content.decode()

    assert f'name="suggested" value="{early.pk}"' in page
    assert f'name="suggested" value="{late.pk}"' not in page


def test_the_task_team_sees_no_count_of_who_registered(client):
    consultation = make_consultation()
    SessionFactory(consultation=consultation)
    ExpressionOfInterestFactory(consultation=consultation, session=consultation.sessions.get())
    region = consultation.event.region

    client.force_login(make_user(Role.TASK_TEAM, regions=[region]))
    assert ">Registered<" not in client.get(f"/en/consultations/{consultation.pk}/speakers/").content.decode()
    client.force_login(make_user(Role.FOCAL_POINT, regions=[region]))
    client.force_login(make_user(Role.SECRETARIAT))
    assert ">Registered<" in client.get(f"/en/consultations/{consultation.pk}/speakers/").content.decode()
