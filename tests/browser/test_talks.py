"""GCM Talks and requests for a briefing in real Chromium, with axe: a talk proposed, approved, registered for,
summarised and pledged at; a briefing requested and accepted into a meeting; the new pages in six languages."""

import re
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from consultations import services
from consultations.models import BriefingRequest, Proposal, Registration
from portal.enums import Role
from tests.browser.conftest import assert_accessible
from tests.browser.test_every_page import check_page, signed_in_context
from tests.factories import (
    BriefingRequestFactory,
    PledgeFactory,
    TalkSpeakerFactory,
    africa,
    make_consultation,
    make_user,
)

LANGUAGES = [code for code, _name in django_settings.LANGUAGES]


@pytest.fixture
def open_as(browser, live_server, transactional_db):
    contexts = []

    def open_page(user):
        context = signed_in_context(browser, live_server, user)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def test_a_talk_is_proposed_approved_registered_for_summarised_and_pledged_at(open_as):
    make_consultation()  # Africa and a review cycle
    proposer = make_user(Role.STAKEHOLDER)
    day = timezone.localdate() + timedelta(days=30)

    page = open_as(proposer)
    page.goto("/en/consultations/talks/")
    assert_accessible(page)
    page.locator("#id_kind").select_option("gcm_talk")
    page.locator("#id_title").fill("Decent work for migrants")
    page.locator("#id_topic").fill("Recruitment fees")
    page.locator("#id_outline").fill("Peer learning between trade unions.")
    page.locator("#id_level").select_option("regional")
    page.locator("#id_region").select_option(str(africa().pk))
    page.locator("#id_modality").select_option("virtual")
    page.locator("#id_date").fill(day.isoformat())
    page.locator("#id_organisers").fill("Migrant Forum")
    page.locator("#propose-heading ~ form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/en/consultations/talks/$"))
    proposal = Proposal.objects.get()
    assert (proposal.topic, proposal.modality, proposal.status) == ("Recruitment fees", "virtual", "pending")

    # The secretariat approves it (the administration's action calls the same service).
    services.proposal_decide(proposal=proposal, by=make_user(Role.SECRETARIAT), approve=True)

    page.goto(f"/en/consultations/talks/{proposal.pk}/manage/")
    assert_accessible(page)
    page.locator("#id_registration-capacity_virtual").fill("1")
    deadline = (timezone.localtime() + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M")
    page.locator("#id_registration-registration_deadline").fill(deadline)
    page.locator("#registration-heading ~ form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/talks/{proposal.pk}/manage/$"))
    page.locator("#id_speakers-0-name").fill("Ana Moderator")
    page.locator("#id_speakers-0-role").select_option("moderator")
    page.locator("#speakers-heading ~ form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/talks/{proposal.pk}/manage/$"))

    for person in (make_user(Role.STAKEHOLDER), make_user(Role.STAKEHOLDER)):
        participant = open_as(person)
        participant.goto(f"/en/consultations/talks/{proposal.pk}/")
        participant.get_by_role("link", name="Register on the meeting's page").click()
        participant.locator("form[action$='/register/'] button").click()
        participant.wait_for_load_state()
    assert sorted(Registration.objects.values_list("status", flat=True)) == ["registered", "waitlisted"]

    page.goto(f"/en/consultations/talks/{proposal.pk}/manage/")
    page.locator("#id_summary-summary").fill("Speakers agreed on fee-free recruitment.")
    page.locator("#summary-form-heading ~ form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/talks/{proposal.pk}/manage/$"))
    page.locator("#id_pledge-pledged_by").fill("Republic of Example")
    page.locator("#id_pledge-text").fill("To ban recruitment fees by 2026.")
    page.locator("input[name='pledge-objectives'][value='6']").check()
    page.locator("#pledge-heading ~ form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/talks/{proposal.pk}/manage/$"))
    assert_accessible(page)

    public = open_as(None)
    public.goto(f"/en/consultations/talks/{proposal.pk}/")
    text = public.locator("main").inner_text()
    for expected in (
        "Recruitment fees",
        "Ana Moderator",
        "Speakers agreed on fee-free recruitment.",
        "Republic of Example",
    ):
        assert expected in text
    assert "Places left (Online): 0" in text
    assert_accessible(public)


def test_a_briefing_request_is_accepted_and_becomes_a_meeting(open_as):
    make_consultation()
    requester = make_user(Role.STAKEHOLDER)
    today = timezone.localdate()

    page = open_as(requester)
    page.goto("/en/consultations/briefings/")
    assert_accessible(page)
    page.locator("input[name='kind'][value='briefing']").check()
    page.locator("#id_network").fill("Domestic workers' network")
    page.locator("#id_region").select_option(str(africa().pk))
    page.locator("#id_topic").fill("Taking part in the review")
    page.locator("#id_needs").fill("An online briefing in French.")
    page.locator("#id_preferred_from").fill((today + timedelta(days=14)).isoformat())
    page.locator("#id_preferred_to").fill((today + timedelta(days=21)).isoformat())
    page.locator("input[name='languages'][value='fr']").check()
    page.locator("#id_expected_participants").fill("25")
    page.locator("#request-heading ~ form button[type=submit]").click()
    request = BriefingRequest.objects.get()
    page.wait_for_url(re.compile(rf"/briefings/{request.pk}/$"))
    assert_accessible(page)

    decider = open_as(make_user(Role.FOCAL_POINT, regions=[africa()]))
    decider.goto("/en/consultations/briefings/queue/")
    assert_accessible(decider)
    decider.get_by_role("link", name="Taking part in the review").click()
    decider.locator("input[name='decision'][value='accept']").check()
    decider.locator("#decide-heading ~ form button[type=submit]").click()
    decider.wait_for_url(re.compile(rf"/briefings/{request.pk}/$"))
    assert_accessible(decider)

    request.refresh_from_db()
    assert request.status == "accepted"
    assert (request.consultation.event.kind, request.consultation.status) == ("briefing", "draft")
    page.goto("/en/consultations/briefings/")
    assert "Accepted" in page.locator("main table").inner_text()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_new_pages_in_every_language(open_as, language):
    make_consultation()
    secretariat = make_user(Role.SECRETARIAT)
    proposer = make_user(Role.STAKEHOLDER)
    talk = services.proposal_decide(
        proposal=Proposal.objects.create(
            kind="side_event",
            title="A side event",
            topic="Climate mobility",
            level="regional",
            region=africa(),
            date=timezone.localdate() + timedelta(days=30),
            organisers="Us",
            proposed_by=proposer,
        ),
        by=secretariat,
        approve=True,
    )
    TalkSpeakerFactory(proposal=talk)
    PledgeFactory(proposal=talk)
    services.talk_summary_post(proposal=talk, by=proposer, summary="What was said.")
    request = BriefingRequestFactory()

    pages = {
        None: [f"consultations/talks/{talk.pk}/"],
        proposer: [f"consultations/talks/{talk.pk}/manage/"],
        request.requester: ["consultations/briefings/", f"consultations/briefings/{request.pk}/edit/"],
        secretariat: ["consultations/briefings/queue/", f"consultations/briefings/{request.pk}/"],
    }
    for who, paths in pages.items():
        page = open_as(who)
        for path in paths:
            page.goto(f"/{language}/{path}")
            check_page(page, language)
