"""A row is the person's own through the one link its part names: a member of staff who decided, screened,
recommended, verified or moderated is not given the rows they decided, and erasing them leaves those rows' history
alone. An applicant's copy holds the decisions about their application, without who took them nor the committee's
deliberation."""

import json
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder

from consultations.enums import RegistrationStatus
from consultations.models import Registration
from discussions import services as discussion_services
from discussions.models import Appeal, ModerationDecision, Post
from funding import services as funding_services
from funding.enums import State
from funding.models import Application, Recommendation, Transition
from portal import privacy
from portal.enums import ClaimedAffiliation, Role, VerificationStatus
from portal.models import Profile, User
from portal.services import affiliation_decide, affiliation_version
from tests import worlds
from tests.factories import ProfileFactory, application_data, make_user, shown


@dataclass
class Decided:
    """An application and a post of one person, and an affiliation claimed by another, each decided by staff."""

    applicant: User
    claimant: User
    staff: dict[str, User]
    application: Application
    registration: Registration
    post: Post
    appeal: Appeal
    profile: Profile


@pytest.fixture
def decided(db) -> Decided:
    stage = worlds.stage(capacity_in_person=5)
    staff = {
        "secretariat": make_user(Role.SECRETARIAT),
        "member": make_user(Role.EXECUTIVE_COMMITTEE),
        "chair": make_user(Role.MPTF_CHAIR),
        "moderator": stage.moderator,
        "second moderator": make_user(Role.MODERATOR),
    }
    stage.space.moderators.add(staff["second moderator"])
    applicant = make_user(Role.STAKEHOLDER, display_name="Amina Q")

    application = funding_services.application_save(
        call=stage.call, applicant=applicant, data=application_data(stage.consultation)
    )
    funding_services.application_submit(application=application, applicant=applicant)
    funding_services.application_screen(
        application=application, by=staff["secretariat"], eligible=True, shown_revision=shown(application), reason="OK"
    )
    funding_services.recommendation_record(
        application=application,
        by=staff["member"],
        recommend=True,
        amount=Decimal("500"),
        comment="Strong case, unlike the other one",
        shown_revision=shown(application),
    )
    funding_services.application_decide(
        application=application,
        by=staff["chair"],
        approve=True,
        amount=Decimal("500"),
        reason="Within the budget for Kenya",
        shown_revision=shown(application),
    )
    registration = Registration.objects.get(user=applicant)
    assert (registration.status, registration.decided_by) == (RegistrationStatus.REGISTERED, staff["chair"])

    post = discussion_services.post_create(
        question=stage.question, author=applicant, text="Our helpline in Nairobi", language="en"
    )
    discussion_services.post_moderate(
        post=post, by=staff["moderator"], approve=False, reason="Off topic", shown_revision=shown(post)
    )
    appeal = discussion_services.appeal_create(post=post, author=applicant, reason="It is on topic")
    discussion_services.appeal_decide(
        appeal=appeal, by=staff["second moderator"], overturn=True, shown_revision=shown(post)
    )

    claim = ProfileFactory(
        display_name="Claimant",
        claimed_affiliation=ClaimedAffiliation.UN_SYSTEM,
        verification_status=VerificationStatus.PENDING,
        organisation="UNHCR",
    )
    affiliation_decide(
        profile=claim, by=staff["secretariat"], approve=True, shown_version=affiliation_version(profile=claim)
    )
    return Decided(
        applicant, claim.user, staff, Application.objects.get(pk=application.pk), registration, post, appeal, claim
    )


def _copy(user: User) -> dict:
    return json.loads(json.dumps(privacy.personal_data(user), cls=DjangoJSONEncoder))


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["secretariat", "member", "chair", "moderator", "second moderator"])
def test_a_deciders_copy_holds_none_of_the_rows_they_decided(decided, role):
    data = _copy(decided.staff[role])

    held = {label: [row["id"] for row in found] for label, found in data.items() if "." in label}
    assert held.get("consultations.registration", []) == []
    assert held.get("funding.application", []) == []
    assert held.get("funding.transition", []) == []
    assert held.get("discussions.post", []) == []
    assert held.get("discussions.moderationdecision", []) == []
    assert held.get("discussions.appeal", []) == []
    assert "funding.recommendation" not in data
    assert data["profile"]["display_name"] != "Claimant"
    body = json.dumps(data)
    assert "Strong case" not in body
    assert "Our helpline in Nairobi" not in body


@pytest.mark.django_db
def test_the_chairs_copy_does_not_hold_the_registration_they_confirmed(decided):
    data = _copy(decided.staff["chair"])

    assert "consultations.registration" not in data
    assert [r["id"] for r in _copy(decided.applicant)["consultations.registration"]] == [decided.registration.pk]


@pytest.mark.django_db
def test_the_applicants_copy_holds_the_decisions_about_their_application_without_the_committees_deliberation(
    decided,
):
    data = _copy(decided.applicant)

    steps = [(step["source"], step["target"], step["reason"], step["amount"]) for step in data["funding.transition"]]
    assert steps == [
        ("", State.DRAFT, "", None),
        (State.DRAFT, State.SUBMITTED, "", None),
        (State.SUBMITTED, State.ELIGIBLE, "", None),
        (State.ELIGIBLE, State.RECOMMENDED, "", "500.00"),
        (State.RECOMMENDED, State.APPROVED, "Within the budget for Kenya", "500.00"),
    ]
    assert all("actor" not in step for step in data["funding.transition"])
    assert {step["application"] for step in data["funding.transition"]} == {decided.application.pk}
    assert "funding.recommendation" not in data
    assert "Strong case" not in json.dumps(data)
    # What the moderators decided about their post is theirs too, without the moderators.
    decisions = data["discussions.moderationdecision"]
    assert sorted((d["to_status"], d["reason"], d["moderator"]) for d in decisions) == [
        ("approved", "Second review", None),
        ("rejected", "Off topic", None),
    ]
    assert [(a["id"], a["decided_by"], a["first_moderator"]) for a in data["discussions.appeal"]] == [
        (decided.appeal.pk, None, None)
    ]
    for person in decided.staff.values():
        assert person.email not in json.dumps(data)
        assert person.profile.display_name not in json.dumps(data)


def _entries_about_decided_rows(decided: Decided) -> list[LogEntry]:
    """The administration's history of everything staff decided: written by another member of the secretariat."""
    admin = make_user(Role.SECRETARIAT)
    rows = [
        decided.application,
        decided.registration,
        decided.post,
        decided.appeal,
        decided.profile,
        decided.claimant,
        *Transition.objects.filter(application=decided.application),
        *Recommendation.objects.filter(application=decided.application),
        *ModerationDecision.objects.filter(post=decided.post),
    ]
    return [
        LogEntry.objects.create(
            user=admin,
            content_type=ContentType.objects.get_for_model(row),
            object_id=str(row.pk),
            object_repr=str(row),
            action_flag=CHANGE,
            change_message=json.dumps([{"changed": {"fields": ["Note"]}}]),
        )
        for row in rows
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["secretariat", "member", "chair", "moderator", "second moderator"])
def test_deleting_a_staff_account_leaves_the_history_of_what_they_decided_whole(decided, role):
    entries = _entries_about_decided_rows(decided)
    before = [(e.pk, e.object_repr, e.change_message) for e in entries]
    decider = decided.staff[role]

    privacy.account_delete(user=decider)

    after = LogEntry.objects.in_bulk([e.pk for e in entries])
    assert [(pk, after[pk].object_repr, after[pk].change_message) for pk, *_ in before] == before
    # The decisions stay, pointing at the emptied account.
    emptied = User.objects.get(pk=decider.pk)
    assert emptied.email == f"erased-{decider.pk}@erased.invalid"
    links = {
        "secretariat": lambda: Profile.objects.get(pk=decided.profile.pk).verified_by,
        "member": lambda: Recommendation.objects.get(application=decided.application).member,
        "chair": lambda: Registration.objects.get(pk=decided.registration.pk).decided_by,
        "moderator": lambda: Appeal.objects.get(pk=decided.appeal.pk).first_moderator,
        "second moderator": lambda: Appeal.objects.get(pk=decided.appeal.pk).decided_by,
    }
    assert links[role]() == emptied


@pytest.mark.django_db
def test_deleting_the_applicants_account_erases_the_history_of_their_things_and_not_of_the_claimants(decided):
    entries = _entries_about_decided_rows(decided)

    privacy.account_delete(user=decided.applicant)

    erased = {
        (e.content_type.model, e.object_id)
        for e in LogEntry.objects.filter(pk__in=[e.pk for e in entries], object_repr="[erased]")
    }
    assert erased == {
        ("application", str(decided.application.pk)),
        ("registration", str(decided.registration.pk)),
        ("post", str(decided.post.pk)),
        ("appeal", str(decided.appeal.pk)),
        *{("transition", str(pk)) for pk in Transition.objects.values_list("pk", flat=True)},
        *{("moderationdecision", str(pk)) for pk in ModerationDecision.objects.values_list("pk", flat=True)},
    }
