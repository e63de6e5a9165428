import pytest
from django.contrib.auth.models import Group
from django.core import mail

from portal import services
from portal.enums import ClaimedAffiliation, Role, VerificationStatus
from portal.permissions import can
from tests.factories import ProfileFactory


def pending_profile(claim=ClaimedAffiliation.UN_SYSTEM, language="en"):
    return ProfileFactory(
        claimed_affiliation=claim, verification_status=VerificationStatus.PENDING, preferred_language=language
    )


@pytest.mark.django_db(transaction=True)
def test_affiliation_decide_approve_grants_role_and_mails_in_person_language(secretariat):
    profile = pending_profile(language="es")

    services.affiliation_decide(profile=profile, by=secretariat, approve=True)

    profile.refresh_from_db()
    assert profile.verification_status == VerificationStatus.APPROVED
    assert profile.verified_by == secretariat
    assert list(profile.user.groups.values_list("name", flat=True)) == [Role.UN_SYSTEM]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [profile.user.email]
    assert mail.outbox[0].subject == "Se ha verificado su afiliación"


@pytest.mark.django_db(transaction=True)
def test_affiliation_decide_reject_keeps_no_role_and_sends_reason(secretariat):
    profile = pending_profile(claim=ClaimedAffiliation.MEMBER_STATE)

    services.affiliation_decide(profile=profile, by=secretariat, approve=False, reason="Not on the delegation list")

    profile.refresh_from_db()
    assert profile.verification_status == VerificationStatus.REJECTED
    assert list(profile.user.groups.all()) == []
    assert "Not on the delegation list" in mail.outbox[0].body
    assert "Not on the delegation list" in mail.outbox[0].alternatives[0][0]


@pytest.mark.django_db(transaction=True)
def test_affiliation_decide_twice_sends_one_mail(secretariat):
    profile = pending_profile()

    services.affiliation_decide(profile=profile, by=secretariat, approve=True)
    services.affiliation_decide(profile=profile, by=secretariat, approve=False, reason="late")

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
def test_profile_update_back_to_stakeholder_grants_stakeholder(un_system):
    services.profile_update(profile=un_system.profile, claimed_affiliation=ClaimedAffiliation.STAKEHOLDER)

    assert list(un_system.groups.values_list("name", flat=True)) == [Role.STAKEHOLDER]


@pytest.mark.django_db
def test_every_role_has_its_group():
    assert sorted(Group.objects.values_list("name", flat=True)) == sorted(Role.values)


@pytest.mark.django_db
def test_plain_text_mail_keeps_apostrophes_and_ampersands(mailoutbox):
    from types import SimpleNamespace

    from portal.mail import send_templated_mail

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
