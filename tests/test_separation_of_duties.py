"""Nobody decides their own case: every decision service × who the decider is to the case's subject.

For each decision the portal takes (verify an affiliation, reset a second factor, moderate a post alone or in
bulk, take a second review, accredit, select speakers, approve a talk, answer a request for a briefing,
screen, recommend and decide funding)
the decider is, in
turn, the subject of the case (holding whatever other role that needs), someone of the subject's
organisation (spelled differently), and someone unrelated. The first two are refused with a message that
says why, and nothing in the database changes (no state, no audit entry); the unrelated decider succeeds and
the decision is in the audit log under their name.

The pages and the admin reach the same services; ``test_every_way_in_refuses_the_subject`` sends each of
their requests as the subject and checks the refusal is shown and nothing changed.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from consultations import services as consultation_services
from consultations.models import BriefingRequest, ExpressionOfInterest, Proposal
from discussions import services as discussion_services
from discussions.models import Appeal, Phase, Space
from discussions.seed import add_questions
from funding import services as funding_services
from funding.models import Call
from portal import services as portal_services
from portal.enums import ClaimedAffiliation, Role, VerificationStatus
from portal.integrity import organisation_key
from portal.models import AuditEntry, SignInLock
from portal.permissions import can, forget_roles
from reviews.models import Region, ReviewCycle
from tests.factories import (
    BriefingRequestFactory,
    ProfileFactory,
    make_consultation,
    make_user,
    shown,
    shown_registrations,
)
from tests.fingerprint import changed_tables, fingerprint

# "changed_organisation": the subject was of the decider's organisation and changed the field, and the decider
# blanked theirs, just before the decision.
RELATIONS = ("subject", "same_organisation", "changed_organisation", "unrelated")
DECIDER_ORGANISATION = "World Vision"
SAME_ORGANISATION = "  world-VISION "  # the same organisation, typed another way
OTHER_ORGANISATION = "Caritas"
HELPERS_ORGANISATION = "Oxfam"  # colleagues who take the earlier steps of a case
WHY = {
    "subject": "it is about you",
    "same_organisation": f"someone from your organisation ({SAME_ORGANISATION})",
    "changed_organisation": f"someone from your organisation ({SAME_ORGANISATION})",
}


@dataclass
class Decision:
    decider: object
    act: Callable[[], object]
    error: type[Exception]


def decider_with(role: str):
    return make_user(role, organisation=DECIDER_ORGANISATION)


def subject_for(decider, relation: str, role: str = Role.STAKEHOLDER):
    """The person the decision is about: the decider themselves (given ``role`` too), or someone else."""
    if relation == "subject":
        decider.groups.add(Group.objects.get(name=role))
        forget_roles(decider)
        return decider
    if relation == "changed_organisation":
        person = make_user(role, organisation=SAME_ORGANISATION)
        portal_services.profile_update(profile=person.profile, organisation="Independent consultant")
        portal_services.profile_update(profile=decider.profile, organisation="")
        return person
    return make_user(role, organisation=SAME_ORGANISATION if relation == "same_organisation" else OTHER_ORGANISATION)


def open_space():
    make_consultation()  # the region and the cycle

    space = Space.objects.create(region=Region.objects.get(code="africa"), cycle=ReviewCycle.objects.get(), title="S")
    now = timezone.now()
    phase = Phase.objects.create(space=space, number=1, opens_at=now - timedelta(days=1), closes_at=now + timedelta(7))
    add_questions(phase, ["What works?"])
    return space, phase.questions.get()


def pending_post(author, question, text="A contribution"):
    return discussion_services.post_create(question=question, author=author, text=text, language="en")


# --- One builder per decision: the scenario, then the decision as the decider takes it. -------------------


def affiliation(relation: str) -> Decision:
    secretariat = decider_with(Role.SECRETARIAT)
    if relation == "subject":
        # A secretariat member who also claims to be UN system: the claim waits for a colleague.
        profile = portal_services.profile_update(
            profile=secretariat.profile, claimed_affiliation=ClaimedAffiliation.UN_SYSTEM
        )
    else:
        organisation = OTHER_ORGANISATION if relation == "unrelated" else SAME_ORGANISATION
        profile = ProfileFactory(
            claimed_affiliation=ClaimedAffiliation.UN_SYSTEM,
            verification_status=VerificationStatus.PENDING,
            organisation=organisation,
        )
        if relation == "changed_organisation":
            profile.organisation = "Independent consultant"
            profile.save()
            portal_services.profile_update(profile=secretariat.profile, organisation="")
    return Decision(
        secretariat,
        lambda: portal_services.affiliation_decide(
            profile=profile,
            by=secretariat,
            approve=True,
            shown_version=portal_services.affiliation_version(profile=profile),
        ),
        portal_services.DecisionError,
    )


def _moderation(relation: str, *, approve: bool, bulk: bool = False) -> Decision:
    space, question = open_space()
    moderator = decider_with(Role.MODERATOR)
    space.moderators.add(moderator)
    post = pending_post(subject_for(moderator, relation), question)
    if bulk:
        # With another author's post in the same selection: the whole decision is refused.
        other = pending_post(make_user(Role.STAKEHOLDER, organisation=OTHER_ORGANISATION), question)
        return Decision(
            moderator,
            lambda: discussion_services.posts_moderate(
                versions={post.pk: shown(post), other.pk: shown(other)},
                by=moderator,
                approve=approve,
                reason="Off topic",
            ),
            discussion_services.DiscussionError,
        )
    return Decision(
        moderator,
        lambda: discussion_services.post_moderate(
            post=post, by=moderator, approve=approve, reason="Off topic", shown_revision=shown(post)
        ),
        discussion_services.DiscussionError,
    )


def moderation_approve(relation: str) -> Decision:
    return _moderation(relation, approve=True)


def moderation_reject(relation: str) -> Decision:
    return _moderation(relation, approve=False)


def moderation_in_bulk(relation: str) -> Decision:
    return _moderation(relation, approve=True, bulk=True)


def moderation_of_an_edit(relation: str) -> Decision:
    space, question = open_space()
    moderator = decider_with(Role.MODERATOR)
    space.moderators.add(moderator)
    first = make_user(Role.MODERATOR, organisation=HELPERS_ORGANISATION)
    space.moderators.add(first)
    post = pending_post(subject_for(moderator, relation), question)
    discussion_services.post_moderate(post=post, by=first, approve=True, shown_revision=shown(post))
    edited = discussion_services.post_edit(post=post, author=post.author, text="Edited")
    return Decision(
        moderator,
        lambda: discussion_services.post_moderate(
            post=edited, by=moderator, approve=True, shown_revision=shown(edited)
        ),
        discussion_services.DiscussionError,
    )


def second_review(relation: str) -> Decision:
    space, question = open_space()
    first = make_user(Role.MODERATOR, organisation=HELPERS_ORGANISATION)
    space.moderators.add(first)
    secretariat = decider_with(Role.SECRETARIAT)
    post = pending_post(subject_for(secretariat, relation), question)
    discussion_services.post_moderate(
        post=post, by=first, approve=False, reason="Off topic", shown_revision=shown(post)
    )
    appeal = discussion_services.appeal_create(post=post, author=post.author, reason="It is on topic.")
    return Decision(
        secretariat,
        lambda: discussion_services.appeal_decide(
            appeal=appeal, by=secretariat, overturn=True, shown_revision=shown(post)
        ),
        discussion_services.DiscussionError,
    )


def accreditation(relation: str) -> Decision:
    secretariat = decider_with(Role.SECRETARIAT)
    consultation = make_consultation(accreditation_required=True)
    registration = consultation_services.registration_create(
        consultation=consultation, user=subject_for(secretariat, relation), attendance="in_person"
    )
    return Decision(
        secretariat,
        lambda: consultation_services.accreditation_decide(
            registrations=[registration], versions=shown_registrations([registration]), by=secretariat, approve=True
        ),
        consultation_services.ConsultationError,
    )


def speaker_selection(relation: str) -> Decision:
    secretariat = decider_with(Role.SECRETARIAT)
    consultation = make_consultation()
    offer = ExpressionOfInterest.objects.create(
        consultation=consultation,
        user=subject_for(secretariat, relation),
        role="panel",
        topic="Decent work",
        statement="Experience.",
    )
    return Decision(
        secretariat,
        lambda: consultation_services.slate_decide(
            consultation=consultation, decisions={offer.pk: True}, shown={offer.pk: offer.status}, by=secretariat
        ),
        consultation_services.ConsultationError,
    )


def talk_proposal(relation: str) -> Decision:
    secretariat = decider_with(Role.SECRETARIAT)
    make_consultation()  # a review cycle for the calendar event
    proposal = Proposal.objects.create(
        kind="gcm_talk",
        title="A GCM Talk",
        level="regional",
        date=timezone.localdate() + timedelta(days=30),
        organisers="Us",
        proposed_by=subject_for(secretariat, relation),
    )
    return Decision(
        secretariat,
        lambda: consultation_services.proposal_decide(proposal=proposal, by=secretariat, approve=True),
        consultation_services.ConsultationError,
    )


def briefing_request(relation: str) -> Decision:
    secretariat = decider_with(Role.SECRETARIAT)
    make_consultation()  # the region and a review cycle for the meeting
    request = BriefingRequestFactory(requester=subject_for(secretariat, relation))
    return Decision(
        secretariat,
        lambda: consultation_services.briefing_request_decide(
            request=request, by=secretariat, accept=True, shown_revision=shown(request)
        ),
        consultation_services.ConsultationError,
    )


def _application(applicant):
    consultation = make_consultation(capacity_in_person=10)
    call = Call.objects.create(
        cycle=consultation.event.cycle,
        title="Travel",
        budget=Decimal("3000"),
        opens_at=timezone.now() - timedelta(days=1),
        closes_at=timezone.now() + timedelta(days=10),
        published=True,
    )
    draft = funding_services.application_save(
        call=call,
        applicant=applicant,
        data={
            "consultation": consultation,
            "travelling_from": "KE",
            "travel_cost": Decimal("900"),
            "justification": "We run the helpline.",
        },
    )
    return funding_services.application_submit(application=draft, applicant=applicant)


def funding_screening(relation: str) -> Decision:
    secretariat = decider_with(Role.SECRETARIAT)
    application = _application(subject_for(secretariat, relation))
    return Decision(
        secretariat,
        lambda: funding_services.application_screen(
            application=application, by=secretariat, eligible=True, shown_revision=shown(application)
        ),
        funding_services.FundingError,
    )


def _screened(applicant):
    application = _application(applicant)
    return funding_services.application_screen(
        application=application,
        by=make_user(Role.SECRETARIAT, organisation=HELPERS_ORGANISATION),
        eligible=True,
        shown_revision=shown(application),
    )


def funding_recommendation(relation: str) -> Decision:
    member = decider_with(Role.EXECUTIVE_COMMITTEE)
    application = _screened(subject_for(member, relation))
    return Decision(
        member,
        lambda: funding_services.recommendation_record(
            application=application,
            by=member,
            recommend=True,
            amount=Decimal("800"),
            comment="Strong case",
            shown_revision=shown(application),
        ),
        funding_services.FundingError,
    )


def funding_decision(relation: str) -> Decision:
    chair = decider_with(Role.MPTF_CHAIR)
    application = _screened(subject_for(chair, relation))
    application = funding_services.recommendation_record(
        application=application,
        by=make_user(Role.EXECUTIVE_COMMITTEE, organisation=HELPERS_ORGANISATION),
        recommend=True,
        amount=Decimal("800"),
        comment="Strong case",
        shown_revision=shown(application),
    )
    return Decision(
        chair,
        lambda: funding_services.application_decide(
            application=application, by=chair, approve=True, amount=Decimal("800"), shown_revision=shown(application)
        ),
        funding_services.FundingError,
    )


def second_factor_reset(relation: str) -> Decision:
    secretariat = decider_with(Role.SECRETARIAT)
    person = secretariat if relation == "subject" else subject_for(secretariat, relation, Role.MODERATOR)
    return Decision(
        secretariat,
        lambda: portal_services.second_factor_reset(user=person, by=secretariat),
        portal_services.DecisionError,
    )


CASES = {
    builder.__name__: builder
    for builder in (
        affiliation,
        second_factor_reset,
        moderation_approve,
        moderation_reject,
        moderation_in_bulk,
        moderation_of_an_edit,
        second_review,
        accreditation,
        speaker_selection,
        talk_proposal,
        briefing_request,
        funding_screening,
        funding_recommendation,
        funding_decision,
    )
}


@pytest.mark.django_db
@pytest.mark.parametrize("relation", RELATIONS)
@pytest.mark.parametrize("case", list(CASES))
def test_nobody_decides_their_own_case(case, relation):
    decision = CASES[case](relation)
    audited_before = AuditEntry.objects.filter(actor=decision.decider).count()
    before = fingerprint()

    if relation == "unrelated":
        decision.act()
        assert changed_tables(before, fingerprint()), "the decision changed nothing"
        assert AuditEntry.objects.filter(actor=decision.decider).count() > audited_before, "not in the audit log"
        return
    with pytest.raises(decision.error) as refused:
        decision.act()

    assert WHY[relation] in str(refused.value)
    assert "Another colleague must take it." in str(refused.value)
    assert changed_tables(before, fingerprint()) == [], "a refused decision changed the database"


# --- The same decisions through the pages and the admin, taken by the subject. ------------------------------


def _confirm(selection: dict, objects, versions) -> dict:
    """An admin decision action as sent from its confirmation page, bound to ``versions``."""
    return {
        **selection,
        "_selected_action": [o.pk for o in objects],
        "confirm_decision": "yes",
        **{f"shown-{o.pk}": v for o, v in zip(objects, versions, strict=True)},
    }


def via_moderation_page(client):
    space, question = open_space()
    moderator = decider_with(Role.MODERATOR)
    space.moderators.add(moderator)
    post = pending_post(subject_for(moderator, "subject"), question)
    client.force_login(moderator)
    queue = client.get("/en/discussions/moderation/").content.decode()
    assert f'action="/en/discussions/moderation/{post.pk}/"' not in queue, "no decision form for one's own post"
    assert WHY["subject"] in queue
    return lambda: client.post(
        f"/en/discussions/moderation/{post.pk}/", {"decision": "approve", "revision": "1"}, follow=True
    )


def via_admin_posts(client):
    space, question = open_space()
    moderator = decider_with(Role.MODERATOR)
    space.moderators.add(moderator)
    post = pending_post(subject_for(moderator, "subject"), question)
    client.force_login(moderator)
    return lambda: client.post(
        "/en/admin/discussions/pendingpost/", _confirm({"action": "approve"}, [post], ["1"]), follow=True
    )


def via_admin_affiliations(client):
    secretariat = decider_with(Role.SECRETARIAT)
    profile = portal_services.profile_update(
        profile=secretariat.profile, claimed_affiliation=ClaimedAffiliation.UN_SYSTEM
    )
    client.force_login(secretariat)
    return lambda: client.post(
        "/en/admin/portal/pendingverification/",
        _confirm(
            {"action": "approve", "reason": ""}, [profile], [portal_services.affiliation_version(profile=profile)]
        ),
        follow=True,
    )


def via_admin_accreditation(client):
    secretariat = decider_with(Role.SECRETARIAT)
    registration = consultation_services.registration_create(
        consultation=make_consultation(accreditation_required=True),
        user=subject_for(secretariat, "subject"),
        attendance="in_person",
    )
    client.force_login(secretariat)
    return lambda: client.post(
        "/en/admin/consultations/pendingaccreditation/",
        _confirm({"action": "approve", "reason": ""}, [registration], [f"{registration.arrival}:in_person"]),
        follow=True,
    )


def via_speakers_dashboard(client):
    secretariat = decider_with(Role.SECRETARIAT)
    consultation = make_consultation()
    offer = ExpressionOfInterest.objects.create(
        consultation=consultation, user=subject_for(secretariat, "subject"), role="panel", topic="t", statement="s"
    )
    client.force_login(secretariat)
    page = client.get(f"/en/consultations/{consultation.pk}/speakers/").content.decode()
    assert f'name="selected" value="{offer.pk}"' not in page, "no tick box for one's own offer, nor a suggestion"
    return lambda: client.post(
        f"/en/consultations/{consultation.pk}/speakers/",
        {"shown": [f"{offer.pk}:received"], "selected": [offer.pk]},
        follow=True,
    )


def via_admin_proposals(client):
    case = talk_proposal("subject")
    client.force_login(case.decider)
    proposal = Proposal.objects.get()
    return lambda: client.post(
        "/en/admin/consultations/proposal/", {"action": "approve", "_selected_action": [proposal.pk]}, follow=True
    )


def via_briefing_request_page(client):
    case = briefing_request("subject")
    client.force_login(case.decider)
    request = BriefingRequest.objects.get()
    page = client.get(f"/en/consultations/briefings/{request.pk}/").content.decode()
    assert 'name="decision"' not in page, "no decision form for one's own request"
    return lambda: client.post(
        f"/en/consultations/briefings/{request.pk}/", {"decision": "accept", "revision": "1"}, follow=True
    )


def via_funding_review_page(client):
    secretariat = decider_with(Role.SECRETARIAT)
    application = _application(subject_for(secretariat, "subject"))
    client.force_login(secretariat)
    return lambda: client.post(
        f"/en/funding/applications/{application.pk}/review/",
        {"action": "screen", "screen-eligible": "1", "screen-revision": shown(application)},
    )


def via_second_review_on_the_queue(client):
    case = second_review("subject")
    client.force_login(case.decider)

    appeal = Appeal.objects.get()
    return lambda: client.post(
        f"/en/discussions/moderation/appeals/{appeal.pk}/",
        {"decision": "overturn", "note": "", "revision": shown(appeal.post)},
        follow=True,
    )


WAYS_IN = {
    way.__name__: way
    for way in (
        via_moderation_page,
        via_admin_posts,
        via_admin_affiliations,
        via_admin_accreditation,
        via_speakers_dashboard,
        via_admin_proposals,
        via_briefing_request_page,
        via_funding_review_page,
        via_second_review_on_the_queue,
    )
}


@pytest.mark.django_db
@pytest.mark.parametrize("way", list(WAYS_IN))
def test_every_way_in_refuses_the_subject(client, way):
    send = WAYS_IN[way](client)
    before = fingerprint()

    response = send()

    assert WHY["subject"] in response.content.decode()
    assert changed_tables(before, fingerprint()) == []


@pytest.mark.django_db
def test_the_admin_change_forms_cannot_decide_an_offer_or_a_proposal(client):
    case = talk_proposal("subject")
    proposal = Proposal.objects.get()
    offer = ExpressionOfInterest.objects.create(
        consultation=make_consultation(), user=case.decider, role="panel", topic="t", statement="s"
    )
    client.force_login(case.decider)

    client.post(
        f"/en/admin/consultations/proposal/{proposal.pk}/change/",
        {
            "kind": "gcm_talk",
            "title": "A GCM Talk",
            "level": "regional",
            "date": proposal.date,
            "organisers": "Us",
            "status": "approved",
            "link": "",
        },
    )
    client.post(
        f"/en/admin/consultations/expressionofinterest/{offer.pk}/change/",
        {"topic": "t", "statement": "s", "status": "selected"},
    )

    proposal.refresh_from_db()
    offer.refresh_from_db()
    assert (proposal.status, offer.status) == ("pending", "received")


@pytest.mark.django_db
def test_a_superuser_cannot_give_themselves_a_role_in_the_admin(client):
    superuser = make_user(Role.SECRETARIAT)
    superuser.is_superuser = True
    superuser.save()
    client.force_login(superuser)

    page = client.get(f"/en/admin/portal/user/{superuser.pk}/change/").content.decode()

    assert 'name="groups"' not in page
    assert 'name="is_superuser"' not in page


@pytest.mark.django_db
@pytest.mark.parametrize("staff_role", [Role.MPTF_CHAIR, Role.EXECUTIVE_COMMITTEE, Role.SECRETARIAT, Role.MODERATOR])
def test_editing_ones_own_profile_never_adds_a_role(client, staff_role):
    """Today's bug: the Chair switched the claimed affiliation to UN system and back, and became a stakeholder."""
    person = make_user(staff_role)
    client.force_login(person)
    profile = {
        "display_name": "Staff",
        "constituency": "other",
        "country": "CH",
        "preferred_language": "en",
    }

    for claim in (ClaimedAffiliation.UN_SYSTEM, ClaimedAffiliation.STAKEHOLDER):
        client.post("/en/profile/", {**profile, "claimed_affiliation": claim})

    person.refresh_from_db()
    forget_roles(person)
    assert list(person.groups.values_list("name", flat=True)) == [staff_role]
    assert person.profile.verification_status == VerificationStatus.PENDING

    assert not can(person, "funding.apply")
    assert not can(person, "discussions.post")


@pytest.mark.django_db
def test_a_verification_by_someone_else_grants_the_claimed_role(client):
    person = make_user(Role.MPTF_CHAIR)
    portal_services.profile_update(profile=person.profile, claimed_affiliation=ClaimedAffiliation.UN_SYSTEM)
    portal_services.profile_update(profile=person.profile, claimed_affiliation=ClaimedAffiliation.STAKEHOLDER)

    portal_services.affiliation_decide(
        profile=person.profile,
        by=make_user(Role.SECRETARIAT),
        approve=True,
        shown_version=portal_services.affiliation_version(profile=person.profile),
    )

    assert sorted(person.groups.values_list("name", flat=True)) == sorted([Role.MPTF_CHAIR, Role.STAKEHOLDER])


@pytest.mark.django_db
def test_nobody_lifts_a_sign_in_lock_on_their_own_address():

    secretariat = make_user(Role.SECRETARIAT)
    lock = SignInLock.objects.create(
        username=secretariat.email.upper(),
        ip_address="192.0.2.1",
        failures_since_start=5,
        user_agent="t",
        http_accept="*/*",
        path_info="/",
        get_data="",
        post_data="",
    )

    with pytest.raises(portal_services.DecisionError, match="your own address"):
        portal_services.sign_in_locks_lift(locks=[lock], by=secretariat)
    assert SignInLock.objects.filter(pk=lock.pk).exists()
    assert portal_services.sign_in_locks_lift(locks=[lock], by=make_user(Role.SECRETARIAT)) == 1


@pytest.mark.django_db
def test_the_admin_cannot_change_an_affiliation_around_its_verification(client):
    person = make_user(Role.MEMBER_STATE)
    client.force_login(make_user(Role.SECRETARIAT))

    page = client.get(f"/en/admin/portal/user/{person.pk}/change/").content.decode()

    assert 'name="profile-0-claimed_affiliation"' not in page
    assert "Member State representative" in page, "shown, not editable"


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Médecins Sans Frontières", "Medecins Sans Frontieres"),
        ("UNHCR", "UNНCR"),  # a Cyrillic "Н"
        ("ＵＮＨＣＲ", "unhcr"),  # full-width letters
        ("I.O.M.", "iom"),
        ("  Migrant Forum in Asia ", "migrant-forum-in-asia"),
    ],
)
def test_spellings_of_one_organisation_are_one_organisation(one, other):

    assert organisation_key(one) == organisation_key(other) != ""


@pytest.mark.django_db
def test_an_accentless_spelling_does_not_get_past_the_conflict_check():
    space, question = open_space()
    moderator = make_user(Role.MODERATOR, organisation="Médecins Sans Frontières")
    space.moderators.add(moderator)
    post = pending_post(make_user(Role.STAKEHOLDER, organisation="Medecins Sans Frontieres"), question)

    with pytest.raises(discussion_services.DiscussionError, match="your organisation"):
        discussion_services.post_moderate(post=post, by=moderator, approve=True, shown_revision=shown(post))
