"""The registry of personal data: every model linked to a person is declared by an app, for the copy and for the
erasure; the erasure runs every app's part in one transaction and mails its confirmation once."""

import ast
import json
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import models
from django.test.utils import isolate_apps

from consultations import services as consultation_services
from consultations.enums import RegistrationStatus
from consultations.models import Follow, Registration
from portal import privacy, privacy_registry
from portal.enums import Role
from portal.models import AuditEntry, User
from portal.privacy_registry import PersonalData, default_owner, register, undeclared, unregister, without_owner
from tests.factories import make_consultation, make_user

DOMAIN_APPS = ("consultations", "discussions", "funding", "reminders", "reviews")


@pytest.fixture
def parts(monkeypatch):
    """The registry, restored after the test whatever it registers or unregisters."""
    monkeypatch.setattr(privacy_registry, "_parts", privacy_registry.registered())
    return privacy_registry


def test_every_model_linked_to_a_person_is_declared_for_the_copy_and_for_the_erasure():
    assert undeclared() == {"copy": [], "erasure": []}


def test_the_third_party_account_models_are_declared_too():
    linked = privacy_registry.models_linked_to_a_person()

    assert {"admin.logentry", "account.emailaddress", "mfa.authenticator", "discussions.space"} <= set(linked)
    declared = {label for part in privacy_registry.registered() for label in part.erasure}
    assert {"axes.accessattempt", "sessions.session", "portal.unsenttask"} <= declared


def test_every_declaration_names_an_installed_model_and_says_what_happens_or_why():
    for part in privacy_registry.registered():
        declared = set(part.copied) | set(part.not_copied)
        assert not set(part.copied) & set(part.not_copied), part.__name__
        assert declared == set(part.erasure), f"{part.__name__} declares the copy and the erasure of other models"
        for label in declared:
            apps.get_model(label)  # raises for a typo
        assert all(reason.strip() for reason in part.not_copied.values()), part.__name__
        assert all(what.strip() for what in part.erasure.values()), part.__name__
        assert set(part.owner) | set(part.listed) <= declared, f"{part.__name__} names the owner of other models"


def test_an_app_whose_part_is_not_registered_fails_the_declaration(parts):
    reminders = next(part for part in parts.registered() if part.__module__ == "reminders.privacy")

    unregister(reminders)

    expected = ["reminders.preference", "reminders.reminder"]
    assert undeclared() == {"copy": expected, "erasure": expected}


def test_a_new_model_linked_to_a_person_fails_until_declared_for_the_copy_and_the_erasure(parts):
    with isolate_apps("tests"):

        class Diary(models.Model):
            owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
            readers = models.ManyToManyField(User, related_name="+")

            class Meta:
                app_label = "tests"

            def __str__(self) -> str:
                return "diary"

        class SecretDiary(Diary):  # a proxy counts as its concrete model
            class Meta:
                app_label = "tests"
                proxy = True

            def __str__(self) -> str:
                return "secret diary"

        candidates = [Diary, SecretDiary]
        assert undeclared(candidates) == {"copy": ["tests.diary"], "erasure": ["tests.diary"]}

        @register
        class OnlyCopied(PersonalData):
            copied = ("tests.diary",)

        assert undeclared(candidates) == {"copy": [], "erasure": ["tests.diary"]}

        unregister(OnlyCopied)

        @register
        class Declared(PersonalData):
            not_copied = {"tests.diary": "Kept by the secretariat."}
            erasure = {"tests.diary": "Deleted."}

        assert undeclared(candidates) == {"copy": [], "erasure": []}


def test_every_model_says_which_link_makes_a_row_a_persons_own():
    assert without_owner() == []


def test_the_deciders_of_a_row_are_not_its_owners():
    owners = {
        label: privacy_registry.owner_lookup(part, label)
        for part in privacy_registry.registered()
        for label in part.copied
    }

    assert {label: owners[label] for label in owners if label.split(".")[0] in DOMAIN_APPS} == {
        "consultations.registration": "user",  # not decided_by
        "consultations.expressionofinterest": "user",
        "consultations.proposal": "proposed_by",
        "consultations.follow": "user",
        "consultations.exportlog": None,  # listed in the exporter's copy
        "consultations.writteninput": "author",  # not decided_by
        "consultations.rapporteurreport": "author",
        "consultations.feedbackgiven": "user",
        "consultations.briefingrequest": "requester",  # not decided_by
        "consultations.checkin": "registration__user",  # not recorded_by
        "consultations.certificate": "registration__user",  # not revoked_by
        "consultations.invitationletter": "registration__user",  # not decided_by
        "consultations.personalfeed": "user",
        "discussions.post": "author",
        "discussions.attachment": "post__author",
        "discussions.appeal": "post__author",  # not first_moderator nor decided_by
        "discussions.subscription": "user",
        "discussions.questioncomment": "author",
        "discussions.moderationdecision": "post__author",  # not the moderator
        "discussions.space": None,  # a role: listed in the moderators' copy
        "funding.application": "applicant",
        "funding.transition": "application__applicant",  # not the reviewer who acted
        "funding.conflict": "member",
        "funding.exportlog": None,
        "reminders.reminder": "recipient",
        "reminders.preference": "user",
        "reviews.datechange": None,  # the calendar's: listed in the copy of who changed it
    }
    assert owners["portal.profile"] == "user"  # not verified_by


def test_a_model_with_several_links_to_people_fails_until_it_says_which_is_its_owner(parts):
    with isolate_apps("tests"):

        class Ticket(models.Model):
            holder = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
            checked_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")

            class Meta:
                app_label = "tests"

            def __str__(self) -> str:
                return "ticket"

        class Note(models.Model):
            ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
            writer = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")

            class Meta:
                app_label = "tests"

            def __str__(self) -> str:
                return "note"

        candidates = [Ticket, Note]
        declarations = {"tests.ticket": "Deleted.", "tests.note": "Deleted."}

        @register
        class Silent(PersonalData):
            copied = ("tests.ticket", "tests.note")
            erasure = declarations

        assert (default_owner(Note), default_owner(Ticket)) == ("writer", None)
        assert without_owner(candidates) == ["tests.ticket"]

        unregister(Silent)

        @register
        class Astray(PersonalData):
            copied = ("tests.ticket", "tests.note")
            erasure = declarations
            owner = {"tests.ticket": "holder__profile", "tests.note": "ticket__holder"}

        assert without_owner(candidates) == ["tests.ticket"]  # a profile is not a person

        unregister(Astray)

        @register
        class Told(PersonalData):
            copied = ("tests.ticket", "tests.note")
            erasure = declarations
            owner = {"tests.ticket": "holder", "tests.note": "ticket__holder"}

        assert without_owner(candidates) == []


def test_a_model_is_declared_by_one_app_only(parts):
    with pytest.raises(ValueError, match=r"reminders\.reminder"):

        @register
        class Again(PersonalData):
            erasure = {"reminders.reminder": "Deleted."}


def test_the_administration_history_is_read_first_and_the_account_last():
    order = [type(part) for part in privacy_registry.parts_in_order()]

    assert (order[0], order[-1]) == (privacy.AdministrationHistory, privacy.Account)
    assert {part.__module__ for part in order} == {
        "portal.privacy",
        *(f"{app}.privacy" for app in DOMAIN_APPS),
    }


def test_the_engine_imports_no_domain_app():
    """Not even inside a function: each app registers its own part."""
    portal = Path(privacy.__file__).parent
    for module in ("privacy.py", "privacy_registry.py", "apps.py"):
        tree = ast.parse((portal / module).read_text())
        imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
        imported += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
        assert [name for name in imported if name.split(".")[0] in DOMAIN_APPS] == [], module


# --- One transaction, one confirmation ---------------------------------------------------------------------


@pytest.fixture
def person_with_things(db):
    person = make_user(Role.STAKEHOLDER, display_name="Amina Diallo")
    secretariat = make_user(Role.SECRETARIAT)
    consultation = make_consultation()
    registration = consultation_services.registration_create(
        consultation=consultation, user=person, attendance="virtual"
    )
    Follow.objects.create(user=person, consultation=make_consultation())
    LogEntry.objects.create(
        user=secretariat,
        content_type=ContentType.objects.get_for_model(Registration),
        object_id=str(registration.pk),
        object_repr=str(registration),
        action_flag=CHANGE,
        change_message=json.dumps([{"changed": {"fields": ["status"]}}]),
    )
    mail.outbox.clear()
    return person, registration


@pytest.mark.django_db
def test_a_failing_part_rolls_the_whole_erasure_back_and_sends_nothing(
    parts, person_with_things, django_capture_on_commit_callbacks
):
    person, registration = person_with_things
    address = person.email

    @register
    class Failing(PersonalData):
        order = 60  # after the apps' parts, before the account's

        def erase(self, user):
            raise RuntimeError("disk full")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError, match="disk full"):
        privacy.account_delete(user=person)

    assert callbacks == []
    assert mail.outbox == []
    kept = User.objects.select_related("profile").get(pk=person.pk)
    assert (kept.email, kept.profile.display_name, kept.is_active) == (address, "Amina Diallo", True)
    assert Registration.objects.get(pk=registration.pk).status == RegistrationStatus.REGISTERED
    assert Follow.objects.filter(user=person).count() == 1
    assert list(LogEntry.objects.values_list("object_repr", flat=True)) == [str(registration)]
    assert not AuditEntry.objects.filter(target_type="portal.user", target_id=str(person.pk)).exists()


@pytest.mark.django_db
def test_the_erasure_runs_every_part_and_mails_the_confirmation_once(
    parts, person_with_things, django_capture_on_commit_callbacks
):
    person, registration = person_with_things
    address = person.email
    ran = []

    @register
    class Watching(PersonalData):
        order = 60

        def erase(self, user):
            ran.append(user.pk)

    with django_capture_on_commit_callbacks(execute=True):
        privacy.account_delete(user=person)

    assert ran == [person.pk]
    assert [(m.to, m.subject) for m in mail.outbox] == [([address], "Your account has been deleted")]
    assert Registration.objects.get(pk=registration.pk).status == RegistrationStatus.CANCELLED
    assert not Follow.objects.filter(user=person).exists()
    assert list(LogEntry.objects.values_list("object_repr", flat=True)) == ["[erased]"]
    assert User.objects.get(pk=person.pk).email == f"erased-{person.pk}@erased.invalid"


@pytest.mark.django_db
def test_the_copy_gathers_every_part_and_keeps_second_factor_secrets_out(person_with_things):

    person, registration = person_with_things
    Authenticator.objects.create(user=person, type="totp", data={"secret": "JBSWY3DPEHPK3PXP"})

    data = privacy.personal_data(person)

    assert list(data)[:4] == ["generated_at", "account", "profile", "roles"]
    assert [r["id"] for r in data["consultations.registration"]] == [registration.pk]
    assert len(data["consultations.follow"]) == 1
    assert [a["type"] for a in data["mfa.authenticator"]] == ["totp"]
    assert "JBSWY3DPEHPK3PXP" not in json.dumps(data, default=str)
