from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.core import mail

from portal import services
from portal.enums import ClaimedAffiliation, Role, VerificationStatus
from portal.mail import send_templated_mail
from portal.permissions import can
from tests.factories import ProfileFactory
from tests.fingerprint import changed_tables, fingerprint


def pending_profile(claim=ClaimedAffiliation.UN_SYSTEM, language="en"):
    return ProfileFactory(
        claimed_affiliation=claim, verification_status=VerificationStatus.PENDING, preferred_language=language
    )


@pytest.mark.django_db
def test_affiliation_decide_approve_grants_role_and_mails_in_person_language(
    secretariat, django_capture_on_commit_callbacks
):
    profile = pending_profile(language="es")

    with django_capture_on_commit_callbacks(execute=True):
        services.affiliation_decide(
            profile=profile, shown_version=services.affiliation_version(profile=profile), by=secretariat, approve=True
        )

    profile.refresh_from_db()
    assert profile.verification_status == VerificationStatus.APPROVED
    assert profile.verified_by == secretariat
    assert list(profile.user.groups.values_list("name", flat=True)) == [Role.UN_SYSTEM]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [profile.user.email]
    assert mail.outbox[0].subject == "Se ha verificado su afiliación"


@pytest.mark.django_db
def test_affiliation_decide_reject_keeps_no_role_and_sends_reason(secretariat, django_capture_on_commit_callbacks):
    profile = pending_profile(claim=ClaimedAffiliation.MEMBER_STATE)

    with django_capture_on_commit_callbacks(execute=True):
        services.affiliation_decide(
            profile=profile,
            shown_version=services.affiliation_version(profile=profile),
            by=secretariat,
            approve=False,
            reason="Not on the delegation list",
        )

    profile.refresh_from_db()
    assert profile.verification_status == VerificationStatus.REJECTED
    assert list(profile.user.groups.all()) == []
    assert "Not on the delegation list" in mail.outbox[0].body
    assert "Not on the delegation list" in mail.outbox[0].alternatives[0][0]


@pytest.mark.django_db
def test_affiliation_decide_twice_sends_one_mail(secretariat, django_capture_on_commit_callbacks):
    profile = pending_profile()

    with django_capture_on_commit_callbacks(execute=True):
        services.affiliation_decide(
            profile=profile, shown_version=services.affiliation_version(profile=profile), by=secretariat, approve=True
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.affiliation_decide(
            profile=profile,
            shown_version=services.affiliation_version(profile=profile),
            by=secretariat,
            approve=False,
            reason="late",
        )

    profile.refresh_from_db()
    assert profile.verification_status == VerificationStatus.APPROVED
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_profile_update_changing_claim_revokes_role_until_verified(un_system):
    profile = un_system.profile

    services.profile_update(profile=profile, claimed_affiliation=ClaimedAffiliation.MEMBER_STATE)

    assert profile.verification_status == VerificationStatus.PENDING
    assert not can(un_system, "discussions.post")
    assert list(un_system.groups.all()) == []


@pytest.mark.django_db
def test_profile_update_to_stakeholder_waits_for_someone_else_to_verify(un_system):
    services.profile_update(profile=un_system.profile, claimed_affiliation=ClaimedAffiliation.STAKEHOLDER)

    assert un_system.profile.verification_status == VerificationStatus.PENDING
    assert list(un_system.groups.all()) == []


@pytest.mark.django_db
def test_every_role_has_its_group():
    assert sorted(Group.objects.values_list("name", flat=True)) == sorted(Role.values)


@pytest.mark.django_db
def test_plain_text_mail_keeps_apostrophes_and_ampersands(mailoutbox):

    consultation = SimpleNamespace(title="Women's & youth consultation")
    send_templated_mail(
        template="consultations/email/registration",
        to=["a@example.org"],
        language="en",
        context={"consultation": consultation, "registration": SimpleNamespace(status="registered")},
    )

    message = mailoutbox[-1]
    assert message.subject == "Your place at Women's & youth consultation is confirmed"
    assert "&#x27;" not in message.body and "&amp;" not in message.body
    assert "Women&#x27;s &amp; youth" in message.alternatives[0][0], "the HTML part stays escaped"


@pytest.mark.django_db
def test_a_verification_binds_to_the_claim_that_was_shown(secretariat):

    profile = pending_profile(claim=ClaimedAffiliation.UN_SYSTEM)
    shown_claim = services.affiliation_version(profile=profile)  # the secretariat reads the queue
    services.profile_update(profile=profile, claimed_affiliation=ClaimedAffiliation.MEMBER_STATE)
    before = fingerprint()

    with pytest.raises(services.DecisionError, match="now claims “Member State representative”"):
        services.affiliation_decide(profile=profile, by=secretariat, approve=True, shown_version=shown_claim)

    assert changed_tables(before, fingerprint()) == []
    assert list(profile.user.groups.all()) == []


@pytest.mark.django_db
def test_the_admin_refuses_a_claim_changed_since_its_confirmation_page(client, secretariat):
    profile = pending_profile(claim=ClaimedAffiliation.UN_SYSTEM)
    client.force_login(secretariat)
    services.profile_update(profile=profile, claimed_affiliation=ClaimedAffiliation.MEMBER_STATE)

    response = client.post(
        "/en/admin/portal/pendingverification/",
        {
            "action": "approve",
            "_selected_action": [profile.pk],
            "reason": "",
            "confirm_decision": "yes",
            f"shown-{profile.pk}": f"{ClaimedAffiliation.UN_SYSTEM}:",
        },
        follow=True,
    )

    assert "This claim changed since you opened it" in response.content.decode()
    profile.refresh_from_db()
    assert profile.verification_status == VerificationStatus.PENDING


@pytest.mark.django_db
def test_a_verification_binds_to_the_organisation_that_was_shown_too(secretariat):

    profile = pending_profile(claim=ClaimedAffiliation.UN_SYSTEM)
    services.profile_update(profile=profile, organisation="UNHCR")
    shown = services.affiliation_version(profile=profile)
    services.profile_update(profile=profile, organisation="Acme Travel Agency Ltd")
    before = fingerprint()

    with pytest.raises(services.DecisionError, match="for “Acme Travel Agency Ltd”"):
        services.affiliation_decide(profile=profile, by=secretariat, approve=True, shown_version=shown)

    assert changed_tables(before, fingerprint()) == []


@pytest.mark.django_db
def test_a_verified_role_waits_for_a_new_verification_when_the_organisation_changes(un_system):
    services.profile_update(profile=un_system.profile, organisation="Totally Different Org")

    assert un_system.profile.verification_status == VerificationStatus.PENDING
    assert list(un_system.groups.all()) == []


@pytest.mark.django_db
def test_a_stakeholder_changes_organisation_freely(stakeholder):
    services.profile_update(profile=stakeholder.profile, organisation="Another network")

    assert list(stakeholder.groups.values_list("name", flat=True)) == [Role.STAKEHOLDER]
