"""GCM Talks and side events in depth (001, 003): topic, outline, level, modality, the meeting a side event is
held at, panelists and moderators, registrations through a consultation, the summary and the pledges."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from consultations import services
from consultations.enums import ConsultationStatus, ProposalStatus, RegistrationStatus
from consultations.models import Consultation, Pledge, Proposal, TalkSpeaker
from portal.enums import Role
from tests.factories import (
    PledgeFactory,
    ProposalFactory,
    RegionFactory,
    TalkSpeakerFactory,
    africa,
    make_consultation,
    make_user,
)

pytestmark = pytest.mark.django_db


def approved_talk(**fields) -> Proposal:
    """A GCM Talk for Africa, approved by the secretariat through the service (so it is on the calendar)."""
    make_consultation()  # the region and the review cycle
    fields.setdefault("region", africa())
    proposal = ProposalFactory(kind="gcm_talk", level="regional", **fields)
    return services.proposal_decide(proposal=proposal, by=make_user(Role.SECRETARIAT), approve=True)


# --- Proposing --------------------------------------------------------------------------------------------


def test_a_side_event_is_proposed_with_its_topic_outline_modality_and_meeting(client, stakeholder):
    meeting = make_consultation()
    client.force_login(stakeholder)

    response = client.post(
        "/en/consultations/talks/",
        {
            "kind": "side_event",
            "title": "Migrant workers at the review",
            "topic": "Decent work",
            "outline": "Three speakers, then questions.",
            "level": "subregional",
            "region": meeting.event.region_id,
            "meeting": meeting.pk,
            "modality": "hybrid",
            "date": (timezone.localdate() + timedelta(days=40)).isoformat(),
            "organisers": "Migrant Forum",
        },
    )

    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert (proposal.topic, proposal.outline, proposal.level, proposal.modality, proposal.meeting) == (
        "Decent work",
        "Three speakers, then questions.",
        "subregional",
        "hybrid",
        meeting,
    )


def test_a_side_event_must_be_held_at_a_meeting_of_its_region(client, stakeholder):
    meeting = make_consultation()
    elsewhere = RegionFactory()
    client.force_login(stakeholder)

    response = client.post(
        "/en/consultations/talks/",
        {
            "kind": "side_event",
            "title": "Migrant workers at the review",
            "level": "regional",
            "region": elsewhere.pk,
            "meeting": meeting.pk,
            "date": (timezone.localdate() + timedelta(days=40)).isoformat(),
            "organisers": "Migrant Forum",
        },
    )

    assert response.status_code == 200
    assert "Choose a meeting of the side event&#x27;s region." in response.content.decode()
    assert not Proposal.objects.exists()


def test_a_gcm_talk_is_held_at_no_meeting(stakeholder):
    meeting = make_consultation()

    with pytest.raises(services.ConsultationError):
        services.proposal_create(
            proposed_by=stakeholder,
            kind="gcm_talk",
            title="A talk",
            level="regional",
            region=meeting.event.region,
            date=timezone.localdate() + timedelta(days=30),
            organisers="Us",
            meeting=meeting,
        )


def test_a_draft_consultation_is_not_offered_as_a_meeting(stakeholder):
    draft = make_consultation(status=ConsultationStatus.DRAFT)

    with pytest.raises(services.ConsultationError):
        services.proposal_create(
            proposed_by=stakeholder,
            kind="side_event",
            title="A side event",
            level="regional",
            region=draft.event.region,
            date=timezone.localdate() + timedelta(days=30),
            organisers="Us",
            meeting=draft,
        )


def test_the_approval_email_names_the_topic_modality_and_the_talks_page(mailoutbox, django_capture_on_commit_callbacks):
    make_consultation()
    proposal = ProposalFactory(kind="gcm_talk", region=africa(), topic="Climate mobility", modality="virtual")

    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_decide(proposal=proposal, by=make_user(Role.SECRETARIAT), approve=True)

    body = mailoutbox[-1].body
    assert "Topic: Climate mobility · Virtual" in body
    assert f"/en/consultations/talks/{proposal.pk}/" in body or f"/consultations/talks/{proposal.pk}/" in body


def test_approval_puts_the_modality_on_the_calendar_event():
    proposal = approved_talk(modality="virtual")

    assert proposal.event.modality == "virtual"


# --- Who sees a talk --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("viewer", "status"),
    [
        ("anonymous", 404),
        ("stakeholder", 404),
        ("proposer", 200),
        ("secretariat", 200),
        ("focal_point_here", 200),
        ("focal_point_elsewhere", 404),
    ],
)
def test_a_proposal_not_approved_is_seen_by_its_proposer_and_those_who_decide(client, viewer, status):
    proposal = ProposalFactory(region=africa(), title="SECRET-TALK-TITLE")
    people = {
        "stakeholder": lambda: make_user(Role.STAKEHOLDER),
        "proposer": lambda: proposal.proposed_by,
        "secretariat": lambda: make_user(Role.SECRETARIAT),
        "focal_point_here": lambda: make_user(Role.FOCAL_POINT, regions=[africa()]),
        "focal_point_elsewhere": lambda: make_user(Role.FOCAL_POINT, regions=[RegionFactory()]),
    }
    if viewer in people:
        client.force_login(people[viewer]())

    response = client.get(f"/en/consultations/talks/{proposal.pk}/")

    assert response.status_code == status
    assert ("SECRET-TALK-TITLE" in response.content.decode()) == (status == 200)


def test_an_approved_talk_shows_its_panel_summary_and_pledges_to_everybody(client):
    proposal = approved_talk(topic="Climate mobility", outline="Peer learning.")
    TalkSpeakerFactory(proposal=proposal, name="Ana Moderator", role="moderator", organisation="")
    TalkSpeakerFactory(proposal=proposal, name="Tomasi Panelist", organisation="Union")
    PledgeFactory(proposal=proposal, pledged_by="Republic of Example", objectives="5,6")
    services.talk_summary_post(proposal=proposal, by=proposal.proposed_by, summary="What was said.")

    page = client.get(f"/en/consultations/talks/{proposal.pk}/").content.decode()

    for text in ("Climate mobility", "Peer learning.", "Ana Moderator", "Tomasi Panelist, Union", "What was said."):
        assert text in page
    assert "Republic of Example" in page
    assert "GCM objectives: 5, 6" in page


def test_pledges_of_a_talk_not_approved_stay_off_its_public_page(client):
    proposal = ProposalFactory(region=africa())
    services.pledge_add(proposal=proposal, by=proposal.proposed_by, pledged_by="Early State", text="A pledge")

    client.force_login(make_user(Role.STAKEHOLDER))
    assert client.get(f"/en/consultations/talks/{proposal.pk}/").status_code == 404
    assert "Early State" not in client.get("/en/consultations/talks/").content.decode()


# --- Editing an approved talk -----------------------------------------------------------------------------


def test_the_proposer_names_panelists_and_moderators(client):
    proposal = approved_talk()
    client.force_login(proposal.proposed_by)

    response = client.post(
        f"/en/consultations/talks/{proposal.pk}/manage/",
        {
            "action": "speakers",
            "speakers-TOTAL_FORMS": "3",
            "speakers-INITIAL_FORMS": "0",
            "speakers-0-role": "moderator",
            "speakers-0-name": "Ana",
            "speakers-0-organisation": "",
            "speakers-1-role": "panelist",
            "speakers-1-name": "Tomasi",
            "speakers-1-organisation": "Union",
            "speakers-2-role": "panelist",
            "speakers-2-name": "",
        },
    )

    assert response.status_code == 302
    assert list(TalkSpeaker.objects.values_list("role", "name", "organisation", "position")) == [
        ("moderator", "Ana", "", 1),
        ("panelist", "Tomasi", "Union", 2),
    ]


def test_someone_else_cannot_edit_a_talk(client):
    proposal = approved_talk()
    client.force_login(make_user(Role.STAKEHOLDER))

    assert client.get(f"/en/consultations/talks/{proposal.pk}/manage/").status_code == 403
    with pytest.raises(services.ConsultationError):
        services.talk_summary_post(proposal=proposal, by=make_user(Role.STAKEHOLDER), summary="Mine now.")


def test_a_focal_point_of_another_region_cannot_edit_a_talk():
    proposal = approved_talk()

    with pytest.raises(services.ConsultationError):
        services.talk_speakers_set(
            proposal=proposal, by=make_user(Role.FOCAL_POINT, regions=[RegionFactory()]), speakers=[]
        )


def test_the_panel_and_the_summary_wait_for_the_approval():
    proposal = ProposalFactory(region=africa())

    with pytest.raises(services.ConsultationError, match="once the secretariat has approved"):
        services.talk_summary_post(proposal=proposal, by=proposal.proposed_by, summary="Too early.")


def test_the_summary_is_public_once_posted_and_keeps_its_first_posting_day():
    proposal = approved_talk()
    first = services.talk_summary_post(proposal=proposal, by=proposal.proposed_by, summary="First.")

    corrected = services.talk_summary_post(proposal=proposal, by=make_user(Role.SECRETARIAT), summary="Corrected.")

    assert (corrected.summary, corrected.summary_posted_at) == ("Corrected.", first.summary_posted_at)


def test_participants_register_through_the_talks_consultation_with_a_waiting_list():
    proposal = approved_talk()
    consultation = services.talk_registration_open(
        proposal=proposal,
        by=proposal.proposed_by,
        capacity_in_person=0,
        capacity_virtual=1,
        registration_deadline=timezone.now() + timedelta(days=5),
    )

    first = services.registration_create(consultation=consultation, user=make_user(), attendance="virtual")
    second = services.registration_create(consultation=consultation, user=make_user(), attendance="virtual")

    assert (consultation.event_id, consultation.status) == (proposal.event_id, ConsultationStatus.OPEN)
    assert (first.status, second.status) == (RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED)


def test_registrations_open_once(client):
    proposal = approved_talk()
    deadline = timezone.now() + timedelta(days=5)
    services.talk_registration_open(
        proposal=proposal, by=proposal.proposed_by, capacity_in_person=0, capacity_virtual=5,
        registration_deadline=deadline,
    )  # fmt: skip

    with pytest.raises(services.ConsultationError, match="already open"):
        services.talk_registration_open(
            proposal=proposal, by=proposal.proposed_by, capacity_in_person=5, capacity_virtual=0,
            registration_deadline=deadline,
        )  # fmt: skip
    assert Consultation.objects.filter(event=proposal.event).count() == 1


def test_the_talk_page_links_to_registration_with_the_places_left(client):
    proposal = approved_talk()
    consultation = services.talk_registration_open(
        proposal=proposal, by=make_user(Role.SECRETARIAT), capacity_in_person=0, capacity_virtual=3,
        registration_deadline=timezone.now() + timedelta(days=5),
    )  # fmt: skip
    services.registration_create(consultation=consultation, user=make_user(), attendance="virtual")

    page = client.get(f"/en/consultations/talks/{proposal.pk}/").content.decode()

    assert f'href="/en/consultations/{consultation.pk}/"' in page
    assert "Places left (Online): 2" in page


def test_a_pledge_names_valid_objectives_only():
    proposal = approved_talk()

    with pytest.raises(services.ConsultationError):
        services.pledge_add(proposal=proposal, by=proposal.proposed_by, pledged_by="X", text="Y", objectives=[24])
    pledge = services.pledge_add(
        proposal=proposal, by=proposal.proposed_by, pledged_by="X", text="Y", objectives=[6, 5, 6]
    )
    assert pledge.objectives == "5,6"


def test_a_pledge_is_recorded_from_the_talks_page(client):
    proposal = approved_talk()
    client.force_login(make_user(Role.SECRETARIAT))

    response = client.post(
        f"/en/consultations/talks/{proposal.pk}/manage/",
        {
            "action": "pledge",
            "pledge-pledged_by": "Republic of Example",
            "pledge-text": "Seasonal pathway",
            "pledge-objectives": ["5"],
            "pledge-dashboard_link": "https://example.org/pledge/1",
        },
    )

    assert response.status_code == 302
    assert list(Pledge.objects.values_list("pledged_by", "objectives", "dashboard_link")) == [
        ("Republic of Example", "5", "https://example.org/pledge/1")
    ]


# --- The pledges export -----------------------------------------------------------------------------------


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_secretariat_exports_every_pledge_as_csv_with_formulas_neutralised(client, secretariat):
    proposal = approved_talk(title="Talk one")
    PledgeFactory(proposal=proposal, pledged_by="=HYPERLINK()", text="Pathways", objectives="5")
    client.force_login(secretariat)

    rows = _csv(client.get("/en/consultations/talks/pledges.csv"))

    assert rows[0][:6] == ["GCM Talk or side event", "Kind", "Region", "Date", "Pledged by", "Pledge"]
    assert rows[1][0] == "Talk one"
    assert rows[1][4:7] == ["'=HYPERLINK()", "Pathways", "5"]


def test_a_focal_point_exports_the_pledges_of_their_region_only(client):
    here = approved_talk()
    PledgeFactory(proposal=here, pledged_by="Here")
    PledgeFactory(proposal=ProposalFactory(region=RegionFactory()), pledged_by="Elsewhere")
    client.force_login(make_user(Role.FOCAL_POINT, regions=[africa()]))

    rows = _csv(client.get("/en/consultations/talks/pledges.csv"))

    assert [row[4] for row in rows[1:]] == ["Here"]


@pytest.mark.parametrize("role", [Role.STAKEHOLDER, Role.MEMBER_STATE, Role.TASK_TEAM])
def test_others_cannot_export_the_pledges(client, role):
    client.force_login(make_user(role))

    assert client.get("/en/consultations/talks/pledges.csv").status_code == 403


# --- Query counts -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["talk", "pledges"])
def test_the_talks_lists_make_the_same_queries_for_1_and_20_rows(client, query_count, secretariat, url):
    proposal = approved_talk()
    client.force_login(secretariat)
    address = f"/en/consultations/talks/{proposal.pk}/" if url == "talk" else "/en/consultations/talks/pledges.csv"

    def add(n):
        for _ in range(n):
            PledgeFactory(proposal=proposal)
            TalkSpeakerFactory(proposal=proposal)

    add(1)
    client.get(address)
    one = query_count(lambda: client.get(address))
    add(19)
    twenty = query_count(lambda: client.get(address))

    assert one == twenty


def test_proposals_level_national_became_country():
    """The migration's data step: 001 names the levels country, sub-regional, regional and global."""
    assert Proposal._meta.get_field("level").choices == [
        ("country", "Country"),
        ("subregional", "Sub-regional"),
        ("regional", "Regional"),
        ("global", "Global"),
    ]
    assert ProposalStatus.APPROVED == "approved"
