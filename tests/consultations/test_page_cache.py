"""The consultation page keeps what it shows everybody alike (the consultation, its sessions and documents, the
places left, the live limits) until any row changes (portal.cache.by_data): each change shows at once, and what
is a person's own is read for them."""

import re
from datetime import timedelta

import pytest
from constance.test import override_config
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from consultations import services
from consultations.enums import ConsultationStatus
from consultations.models import Follow
from portal.enums import Role
from tests.factories import (
    ConsultationFactory,
    ProposalFactory,
    RegistrationFactory,
    SessionFactory,
    make_consultation,
    make_user,
)


@pytest.fixture
# transactional: every test here sees what a real commit does to the kept values
def consultation(transactional_db):
    return ConsultationFactory(capacity_in_person=5, capacity_virtual=0)


def page(client, user, consultation):
    client.force_login(user)
    return client.get(reverse("consultations:detail", args=[consultation.pk]))


def places_left(response) -> str:
    return re.search(r"Places left \(In person\)</dt><dd[^>]*>(\d+)<", response.content.decode()).group(1)


# transactional: a change replaces the data version when its transaction really commits
@pytest.mark.django_db(transaction=True)
def test_a_change_shows_at_once_however_the_page_was_kept(client, shared_cache, consultation, stakeholder):
    first = page(client, stakeholder, consultation)
    assert places_left(first) == "5"
    assert "Roundtable on labour mobility" not in first.content.decode()
    SessionFactory(consultation=consultation, title="Roundtable on labour mobility")
    RegistrationFactory(consultation=consultation)
    second = page(client, stakeholder, consultation)
    assert "Roundtable on labour mobility" in second.content.decode()
    assert places_left(second) == "4"


# transactional: a change replaces the data version when its transaction really commits
@pytest.mark.django_db(transaction=True)
def test_a_consultation_put_back_in_draft_is_gone_for_stakeholders_at_once(
    client, shared_cache, consultation, stakeholder
):
    assert page(client, stakeholder, consultation).status_code == 200
    consultation.status = ConsultationStatus.DRAFT
    consultation.save()
    assert page(client, stakeholder, consultation).status_code == 404
    assert page(client, make_user(Role.SECRETARIAT), consultation).status_code == 200


# transactional: a change replaces the data version when its transaction really commits
@pytest.mark.django_db(transaction=True)
def test_a_new_live_limit_on_statements_shows_at_once(client, shared_cache, consultation, stakeholder):
    SessionFactory(consultation=consultation)
    client.force_login(stakeholder)
    url = reverse("consultations:detail", args=[consultation.pk])
    assert "in at most 150 words" in client.get(url).content.decode()
    assert "in at most 150 words" in client.get(url).content.decode()  # read from the shared cache
    with override_config(INTEREST_WORD_LIMIT=120):
        assert "in at most 120 words" in client.get(url).content.decode()


# transactional: a change replaces the data version when its transaction really commits
@pytest.mark.django_db(transaction=True)
def test_what_one_person_follows_is_never_shown_to_another(client, shared_cache, consultation, stakeholder):
    Follow.objects.create(consultation=consultation, user=stakeholder)
    assert "Stop the deadline reminders" in page(client, stakeholder, consultation).content.decode()
    other = page(client, make_user(Role.STAKEHOLDER), consultation).content.decode()
    assert "Stop the deadline reminders" not in other
    assert "Remind me of the deadlines" in other


# The sequences restart so that the talk and the first consultation have the same number, as the outside review
# found them.
# transactional: a change replaces the data version when its transaction really commits
@pytest.mark.django_db(transaction=True, reset_sequences=True)
def test_a_talk_and_a_consultation_of_the_same_number_each_show_their_own_places(client, shared_cache):
    meeting = make_consultation(capacity_in_person=7, capacity_virtual=0)
    proposal = ProposalFactory(kind="gcm_talk", level="regional", region=meeting.event.region)
    proposal = services.proposal_decide(proposal=proposal, by=make_user(Role.SECRETARIAT), approve=True)
    talk_meeting = services.talk_registration_open(
        proposal=proposal, by=proposal.proposed_by, capacity_in_person=0, capacity_virtual=3,
        registration_deadline=timezone.now() + timedelta(days=5),
    )  # fmt: skip
    assert proposal.pk == meeting.pk != talk_meeting.pk
    talk_url, meeting_url = f"/en/consultations/talks/{proposal.pk}/", f"/en/consultations/{meeting.pk}/"
    for first, second in ((talk_url, meeting_url), (meeting_url, talk_url)):
        cache.clear()
        client.get(first)
        pages = {url: client.get(url).content.decode() for url in (first, second)}
        assert "Places left (Online): 3" in pages[talk_url]
        assert "Places left (In person)" not in pages[talk_url]
        assert places_left(client.get(meeting_url)) == "7"
