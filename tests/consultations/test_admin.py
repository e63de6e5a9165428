"""The administration of offers to speak and proposed talks: a person's own words are shown as sent, never
rewritten, and every deletion is in the audit log."""

import pytest

from consultations.models import ExpressionOfInterest, Proposal
from portal.enums import AuditAction, Role
from portal.models import AuditEntry
from tests.factories import ExpressionOfInterestFactory, ProposalFactory, make_user

pytestmark = pytest.mark.django_db

OFFERS = "/en/admin/consultations/expressionofinterest/"
PROPOSALS = "/en/admin/consultations/proposal/"


@pytest.fixture
def staff(client, secretariat):
    client.force_login(secretariat)
    return client


def test_the_secretariat_cannot_rewrite_an_offer_to_speak(staff):
    interest = ExpressionOfInterestFactory(user=make_user(Role.STAKEHOLDER))
    sent = (interest.role, interest.topic, interest.statement)
    url = f"{OFFERS}{interest.pk}/change/"

    page = staff.get(url).content.decode()
    staff.post(url, {"role": "floor", "topic": "Rewritten", "statement": "word " * 500, "_save": "Save"})

    assert 'name="statement"' not in page and 'name="topic"' not in page and 'name="role"' not in page
    assert interest.statement in page, "shown as sent"
    interest.refresh_from_db()
    assert (interest.role, interest.topic, interest.statement) == sent


def test_the_secretariat_cannot_rewrite_a_proposal(staff):
    proposal = ProposalFactory(proposed_by=make_user(Role.STAKEHOLDER), link="https://example.org/talk")
    sent = [getattr(proposal, name) for name in ("kind", "title", "level", "date", "organisers", "link")]
    url = f"{PROPOSALS}{proposal.pk}/change/"

    page = staff.get(url).content.decode()
    staff.post(
        url,
        {
            "kind": "gcm_talk",
            "title": "Rewritten",
            "level": "global",
            "date": "9999-12-31",
            "organisers": "Someone else",
            "link": "https://example.org/other",
            "_save": "Save",
        },
    )

    for name in ("kind", "title", "level", "date", "organisers", "link", "region"):
        assert f'name="{name}"' not in page, name
    proposal.refresh_from_db()
    assert [getattr(proposal, name) for name in ("kind", "title", "level", "date", "organisers", "link")] == sent


def test_deleting_a_proposal_is_audited(staff, secretariat):
    proposal = ProposalFactory(proposed_by=make_user(Role.STAKEHOLDER))
    pk = proposal.pk

    assert staff.post(f"{PROPOSALS}{pk}/delete/", {"post": "yes"}).status_code == 302

    assert not Proposal.objects.filter(pk=pk).exists()
    assert list(AuditEntry.objects.values_list("actor", "action", "target_type", "target_id", "detail")) == [
        (secretariat.pk, AuditAction.PROPOSAL_DECISION, "consultations.proposal", str(pk), "deleted (pending)")
    ]


def test_deleting_proposals_from_the_list_audits_each(staff, secretariat):
    proposals = [ProposalFactory(proposed_by=make_user(Role.STAKEHOLDER)) for _ in range(2)]

    response = staff.post(
        PROPOSALS, {"action": "delete_selected", "_selected_action": [p.pk for p in proposals], "post": "yes"}
    )

    assert response.status_code == 302
    assert not Proposal.objects.exists()
    assert sorted(AuditEntry.objects.values_list("target_id", "detail")) == sorted(
        (str(p.pk), "deleted (pending)") for p in proposals
    )


def test_deleting_an_offer_to_speak_is_audited(staff, secretariat):
    interest = ExpressionOfInterestFactory(user=make_user(Role.STAKEHOLDER))
    pk = interest.pk

    assert staff.post(f"{OFFERS}{pk}/delete/", {"post": "yes"}).status_code == 302

    assert not ExpressionOfInterest.objects.filter(pk=pk).exists()
    assert list(AuditEntry.objects.values_list("actor", "action", "target_type", "target_id", "detail")) == [
        (
            secretariat.pk,
            AuditAction.SPEAKER_SELECTION,
            "consultations.expressionofinterest",
            str(pk),
            "deleted (received)",
        )
    ]


def test_nobody_deletes_their_own_proposal_in_the_administration(staff, secretariat):
    proposal = ProposalFactory(proposed_by=secretariat)

    assert staff.post(f"{PROPOSALS}{proposal.pk}/delete/", {"post": "yes"}).status_code == 403

    assert Proposal.objects.filter(pk=proposal.pk).exists()
    assert not AuditEntry.objects.exists()
