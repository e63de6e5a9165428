"""Erasing an account takes the person out of the administration's history, and nobody else: a display name is
chosen by whoever holds it, so it never decides what is cut out of other people's entries."""

import json
from dataclasses import dataclass

import pytest
from allauth.account.models import EmailAddress
from django.contrib.admin.models import CHANGE, DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType

from consultations import services as consultation_services
from consultations.models import Consultation, Registration
from portal import privacy
from portal.enums import Role
from portal.models import User
from tests.factories import make_consultation, make_user


def _log(by, model, object_id, object_repr: str, message: list, *, flag=CHANGE) -> LogEntry:
    """An entry as the admin writes it (django-constance names its own fake model)."""
    content_type = (
        ContentType.objects.get_or_create(app_label="constance", model="config")[0]
        if model == "constance"
        else ContentType.objects.get_for_model(model)
    )
    return LogEntry.objects.create(
        user=by,
        content_type=content_type,
        object_id=str(object_id),
        object_repr=object_repr,
        action_flag=flag,
        change_message=json.dumps(message),
    )


def _texts(entries) -> list[tuple[str, str]]:
    """The text of ``entries`` as stored now, in their order."""
    stored = LogEntry.objects.in_bulk([e.pk for e in entries])
    return [(stored[e.pk].object_repr, stored[e.pk].change_message) for e in entries]


@dataclass
class History:
    secretariat: User
    consultation: Consultation
    other: User
    others_registration: Registration
    entries: list[LogEntry]


@pytest.fixture
def history(db) -> History:
    """Entries about other people's things: a change of the live settings (django-constance's only record of it),
    another person's registration and account, and the consultation whose form added that registration."""
    secretariat = make_user(Role.SECRETARIAT)
    consultation = make_consultation(title="Consultation for Africa")
    other = make_user(Role.STAKEHOLDER, display_name="Other Person")
    theirs = consultation_services.registration_create(consultation=consultation, user=other, attendance="virtual")
    entries = [
        _log(secretariat, "constance", "Config", "Config", [{"changed": {"fields": ["REGISTRATION_LEAD_DAYS"]}}]),
        _log(secretariat, Registration, theirs.pk, str(theirs), [{"changed": {"fields": ["Status"]}}]),
        _log(
            secretariat,
            Consultation,
            consultation.pk,
            str(consultation),
            [{"changed": {"fields": ["Title"]}}, {"added": {"name": "registration", "object": str(theirs)}}],
        ),
        _log(secretariat, User, other.pk, str(other), [{"changed": {"fields": ["Groups"]}}]),
    ]
    return History(secretariat, consultation, other, theirs, entries)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["Config", "Changed", "Consultation for Africa", "Other"])
def test_a_display_name_chosen_to_match_erases_nothing_in_other_peoples_entries(history, name):
    before = _texts(history.entries)
    person = make_user(Role.STAKEHOLDER, display_name=name)
    registration = consultation_services.registration_create(
        consultation=history.consultation, user=person, attendance="virtual"
    )
    own = _log(
        history.secretariat, Registration, registration.pk, str(registration), [{"changed": {"fields": ["Status"]}}]
    )

    privacy.account_delete(user=person)

    assert _texts(history.entries) == before
    assert _texts([own]) == [("[erased]", "[]")]


@pytest.mark.django_db
def test_the_person_leaves_their_entries_the_quotes_of_their_things_and_their_address(history):
    person = make_user(Role.STAKEHOLDER, display_name="Amina Diallo", user__email="amina@example.org")
    namesake = make_user(Role.STAKEHOLDER, display_name="Amina Diallo")
    first = consultation_services.registration_create(
        consultation=history.consultation, user=person, attendance="virtual"
    )
    # Registered once, deleted in the admin, registered again: the deleted one's entry quotes the same text.
    deleted = _log(history.secretariat, Registration, first.pk, str(first), [], flag=DELETION)
    first.delete()
    registration = consultation_services.registration_create(
        consultation=history.consultation, user=person, attendance="virtual"
    )
    text = str(registration)
    namesakes = consultation_services.registration_create(
        consultation=history.consultation, user=namesake, attendance="virtual"
    )
    assert str(namesakes) == text == "Amina Diallo – Consultation for Africa"
    about_registration = _log(
        history.secretariat, Registration, registration.pk, text, [{"changed": {"fields": ["Status"]}}]
    )
    about_account = _log(history.secretariat, User, person.pk, "Amina Diallo", [{"changed": {"fields": ["Email"]}}])
    about_namesake = _log(history.secretariat, Registration, namesakes.pk, text, [{"changed": {"fields": ["Status"]}}])
    quoting = _log(
        history.secretariat,
        Consultation,
        history.consultation.pk,
        str(history.consultation),
        [
            {"changed": {"fields": ["Title"]}},
            {"added": {"name": "registration", "object": text}},
            {"added": {"name": "registration", "object": str(history.others_registration)}},
        ],
    )
    address_elsewhere = _log(
        history.secretariat,
        User,
        history.other.pk,
        "Invitation to amina@example.org, not xamina@example.org",
        [{"deleted": {"name": "email address", "object": "AMINA@example.org"}}],
    )
    old_address = _log(history.secretariat, EmailAddress, 999_999, "amina@example.org", [], flag=DELETION)

    privacy.account_delete(user=person)

    assert _texts([deleted, about_registration, about_account]) == [("[erased]", "[]")] * 3
    assert _texts([quoting]) == [
        (
            "Consultation for Africa",
            json.dumps(
                [
                    {"changed": {"fields": ["Title"]}},
                    {"added": {"name": "registration", "object": "[erased]"}},
                    {"added": {"name": "registration", "object": "Other Person – Consultation for Africa"}},
                ]
            ),
        )
    ]
    assert _texts([address_elsewhere, old_address]) == [
        (
            "Invitation to [erased], not xamina@example.org",
            json.dumps([{"deleted": {"name": "email address", "object": "[erased]"}}]),
        ),
        ("[erased]", "[]"),
    ]
    # The namesake's registration reads the same, and it still exists: its entry is theirs.
    assert _texts([about_namesake]) == [(text, json.dumps([{"changed": {"fields": ["Status"]}}]))]
