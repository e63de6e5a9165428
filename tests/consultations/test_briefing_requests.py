"""Requests for a briefing or consultation for a stakeholder network (000: "To request briefings and consultations
for specific stakeholder networks"): asked in the portal, answered by the secretariat or the region's focal
points bound to the version they read, never by the requester's organisation; accepted, a meeting."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from consultations import services
from consultations.enums import BriefingStatus, ConsultationStatus
from consultations.models import BriefingRequest
from consultations.reminders import BRIEFING_REQUEST_WAITING, working_days_after
from portal import privacy_registry
from portal.enums import Role
from reviews.enums import EventKind
from tests.factories import BriefingRequestFactory, RegionFactory, africa, make_consultation, make_user, shared_cycle

pytestmark = pytest.mark.django_db


def form_data(**overrides) -> dict:
    today = timezone.localdate()
    data = {
        "kind": "briefing",
        "network": "Migrant Workers' Network",
        "region": africa().pk,
        "cycle": "",
        "topic": "How to take part in the review",
        "needs": "An online briefing for our members.",
        "preferred_from": (today + timedelta(days=10)).isoformat(),
        "preferred_to": (today + timedelta(days=20)).isoformat(),
        "languages": ["en", "fr"],
        "expected_participants": "30",
    }
    data.update(overrides)
    return data


def test_a_stakeholder_asks_for_a_briefing_and_gets_a_receipt(
    client, stakeholder, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(stakeholder)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en/consultations/briefings/", form_data())

    request = BriefingRequest.objects.get()
    assert response["Location"] == f"/en/consultations/briefings/{request.pk}/"
    assert (request.requester, request.status, request.languages, request.revision) == (
        stakeholder,
        "pending",
        "en,fr",
        1,
    )
    assert mailoutbox[-1].to == [stakeholder.email]
    assert "is received" in mailoutbox[-1].subject
    assert "How to take part in the review" in client.get("/en/consultations/briefings/").content.decode()


def test_a_period_that_has_started_is_refused_next_to_its_field(client, stakeholder):
    client.force_login(stakeholder)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()

    response = client.post("/en/consultations/briefings/", form_data(preferred_from=yesterday))

    assert response.status_code == 400
    assert "The preferred period has started" in response.content.decode()
    assert not BriefingRequest.objects.exists()


def test_a_member_of_the_secretariat_cannot_ask(client, secretariat):
    client.force_login(secretariat)

    assert client.post("/en/consultations/briefings/", form_data()).status_code == 403
    assert not BriefingRequest.objects.exists()


@pytest.mark.parametrize(
    ("viewer", "status"),
    [
        ("stakeholder", 404),
        ("requester", 200),
        ("secretariat", 200),
        ("focal_point_here", 200),
        ("focal_point_elsewhere", 404),
        ("task_team_here", 404),
    ],
)
def test_a_pending_request_is_seen_by_its_requester_and_its_deciders_only(client, viewer, status):
    request = BriefingRequestFactory(needs="SECRET-NEEDS")
    people = {
        "stakeholder": lambda: make_user(Role.STAKEHOLDER),
        "requester": lambda: request.requester,
        "secretariat": lambda: make_user(Role.SECRETARIAT),
        "focal_point_here": lambda: make_user(Role.FOCAL_POINT, regions=[africa()]),
        "focal_point_elsewhere": lambda: make_user(Role.FOCAL_POINT, regions=[RegionFactory()]),
        "task_team_here": lambda: make_user(Role.TASK_TEAM, regions=[africa()]),
    }
    client.force_login(people[viewer]())

    response = client.get(f"/en/consultations/briefings/{request.pk}/")

    assert response.status_code == status
    assert ("SECRET-NEEDS" in response.content.decode()) == (status == 200)


def test_accepting_makes_a_tentative_briefing_and_a_draft_consultation_and_tells_the_requester(
    mailoutbox, django_capture_on_commit_callbacks
):
    cycle = shared_cycle()
    requester = make_user(Role.STAKEHOLDER, preferred_language="fr")
    request = BriefingRequestFactory(requester=requester, cycle=cycle, languages="fr,ar")
    decider = make_user(Role.FOCAL_POINT, regions=[africa()])

    with django_capture_on_commit_callbacks(execute=True):
        decided = services.briefing_request_decide(request=request, by=decider, accept=True, shown_revision=1)

    consultation = decided.consultation
    event = consultation.event
    assert (decided.status, decided.decided_by) == (BriefingStatus.ACCEPTED, decider)
    assert (event.kind, event.region, event.cycle, event.start_earliest, event.start_tentative) == (
        EventKind.BRIEFING,
        africa(),
        cycle,
        request.preferred_from,
        True,
    )
    assert (consultation.status, consultation.interpretation_languages) == (ConsultationStatus.DRAFT, "fr,ar")
    assert mailoutbox[-1].to == [requester.email]
    assert "acceptée" in mailoutbox[-1].subject or "accept" in mailoutbox[-1].subject.lower()


def test_a_request_for_a_consultation_becomes_a_pre_consultation():
    make_consultation()  # a review cycle
    request = BriefingRequestFactory(kind="consultation")

    decided = services.briefing_request_decide(
        request=request, by=make_user(Role.SECRETARIAT), accept=True, shown_revision=1
    )

    assert decided.consultation.event.kind == EventKind.PRE_CONSULTATION


def test_declining_needs_a_reason():
    request = BriefingRequestFactory()

    with pytest.raises(services.ConsultationError, match="reason"):
        services.briefing_request_decide(
            request=request, by=make_user(Role.SECRETARIAT), accept=False, shown_revision=1
        )
    declined = services.briefing_request_decide(
        request=request, by=make_user(Role.SECRETARIAT), accept=False, shown_revision=1, reason="Not this year."
    )
    assert (declined.status, declined.decision_note, declined.consultation) == ("declined", "Not this year.", None)


def test_a_request_changed_since_the_decider_read_it_is_refused_and_shown_again(client):
    make_consultation()
    request = BriefingRequestFactory()
    secretariat = make_user(Role.SECRETARIAT)
    client.force_login(secretariat)
    assert 'name="revision" value="1"' in client.get(f"/en/consultations/briefings/{request.pk}/").content.decode()
    values = {name: getattr(request, name) for name in services.BRIEFING_FIELDS}
    services.briefing_request_update(request=request, requester=request.requester, **{**values, "topic": "Changed"})

    response = client.post(
        f"/en/consultations/briefings/{request.pk}/", {"decision": "accept", "revision": "1", "reason": ""}, follow=True
    )

    page = response.content.decode()
    assert "changed since you opened it" in page
    assert 'name="revision" value="2"' in page and "Changed" in page
    request.refresh_from_db()
    assert (request.status, request.revision) == ("pending", 2)


def test_the_requester_changes_a_pending_request_from_its_page(client):
    request = BriefingRequestFactory()
    client.force_login(request.requester)

    response = client.post(
        f"/en/consultations/briefings/{request.pk}/edit/", form_data(topic="A sharper topic", languages=["ar"])
    )

    request.refresh_from_db()
    assert response.status_code == 302
    assert (request.topic, request.languages, request.revision) == ("A sharper topic", "ar", 2)


def test_an_answered_request_cannot_be_changed():
    request = BriefingRequestFactory(status=BriefingStatus.DECLINED)
    values = {name: getattr(request, name) for name in services.BRIEFING_FIELDS}

    with pytest.raises(services.ConsultationError):
        services.briefing_request_update(request=request, requester=request.requester, **values)


def test_a_focal_point_of_another_region_cannot_answer():
    request = BriefingRequestFactory()

    with pytest.raises(services.ConsultationError, match="role"):
        services.briefing_request_decide(
            request=request, by=make_user(Role.FOCAL_POINT, regions=[RegionFactory()]), accept=True, shown_revision=1
        )


def test_the_decider_of_the_requesters_organisation_gets_no_form_and_is_told_why(client):
    decider = make_user(Role.SECRETARIAT, organisation="Caritas")
    request = BriefingRequestFactory(requester=make_user(Role.STAKEHOLDER, organisation="CARITAS"))
    client.force_login(decider)

    page = client.get(f"/en/consultations/briefings/{request.pk}/").content.decode()
    queue = client.get("/en/consultations/briefings/queue/").content.decode()

    assert 'name="decision"' not in page
    assert "someone from your organisation" in page
    assert "Another colleague must answer it." in queue


def test_the_queue_lists_the_focal_points_region_only(client):
    BriefingRequestFactory(topic="Here")
    BriefingRequestFactory(topic="Elsewhere", region=RegionFactory())
    client.force_login(make_user(Role.FOCAL_POINT, regions=[africa()]))

    page = client.get("/en/consultations/briefings/queue/").content.decode()

    assert "Here" in page
    assert "Elsewhere" not in page


@pytest.mark.parametrize("url", ["/en/consultations/briefings/", "/en/consultations/briefings/queue/"])
def test_the_request_lists_make_the_same_queries_for_1_and_20_rows(client, query_count, url):
    requester = make_user(Role.STAKEHOLDER)
    viewer = requester if url.endswith("briefings/") else make_user(Role.SECRETARIAT)
    make_consultation()
    client.force_login(viewer)

    def add(n):
        for _ in range(n):
            request = BriefingRequestFactory(requester=requester)
            if n > 1:
                services.briefing_request_decide(
                    request=request, by=make_user(Role.SECRETARIAT), accept=True, shown_revision=1
                )

    add(1)
    client.get(url)
    one = query_count(lambda: client.get(url))
    add(19)
    twenty = query_count(lambda: client.get(url))

    assert one == twenty


# --- The reminder to deciders -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("asked", "day", "due_on"),
    [
        # Asked on Monday 7 June 2027: two working days later is Wednesday 9 June.
        (date(2027, 6, 7), date(2027, 6, 8), None),
        (date(2027, 6, 7), date(2027, 6, 9), date(2027, 6, 9)),
        (date(2027, 6, 7), date(2027, 6, 11), date(2027, 6, 9)),  # a late scan still sends it
        (date(2027, 6, 7), date(2027, 6, 12), None),
        # Asked on Thursday 10 June: the weekend does not count, so Monday 14 June.
        (date(2027, 6, 10), date(2027, 6, 12), None),
        (date(2027, 6, 10), date(2027, 6, 14), date(2027, 6, 14)),
    ],
)
def test_deciders_are_reminded_of_a_request_waiting_two_working_days(asked, day, due_on):
    secretariat = make_user(Role.SECRETARIAT)
    focal_here = make_user(Role.FOCAL_POINT, regions=[africa()])
    make_user(Role.FOCAL_POINT, regions=[RegionFactory()])
    request = BriefingRequestFactory(
        created_at=datetime(asked.year, asked.month, asked.day, 10, tzinfo=UTC),
        preferred_from=asked + timedelta(days=30),
        preferred_to=asked + timedelta(days=40),
    )

    found = {(d.recipient_id, d.target, d.due_on) for d in BRIEFING_REQUEST_WAITING.find(day)}

    expected = {(pk, f"briefingrequest:{request.pk}", due_on) for pk in (secretariat.pk, focal_here.pk)}
    assert found == (expected if due_on else set())


def test_the_reminder_skips_the_requesters_organisation_and_stops_once_answered():
    colleague = make_user(Role.SECRETARIAT, organisation="Caritas")
    other = make_user(Role.SECRETARIAT)
    request = BriefingRequestFactory(
        requester=make_user(Role.STAKEHOLDER, organisation="Caritas"),
        created_at=datetime(2027, 6, 7, 10, tzinfo=UTC),
    )

    found = {d.recipient_id for d in BRIEFING_REQUEST_WAITING.find(date(2027, 6, 9))}
    assert found == {other.pk}
    assert colleague.pk not in found
    message = BRIEFING_REQUEST_WAITING.message(f"briefingrequest:{request.pk}")
    assert message is not None and request.topic in message.subject

    BriefingRequest.objects.filter(pk=request.pk).update(status=BriefingStatus.DECLINED)
    assert BRIEFING_REQUEST_WAITING.message(f"briefingrequest:{request.pk}") is None
    assert not BRIEFING_REQUEST_WAITING.still_needed_by(other.pk, f"briefingrequest:{request.pk}")


def test_working_days_skip_the_weekend():
    assert working_days_after(date(2027, 6, 11), 2) == date(2027, 6, 15)  # Friday → Tuesday


# --- Personal data ----------------------------------------------------------------------------------------


def test_the_request_is_in_the_requesters_copy_and_goes_with_their_account():
    pending = BriefingRequestFactory(needs="Pending needs")
    requester = pending.requester
    accepted = BriefingRequestFactory(requester=requester, needs="Accepted needs")
    make_consultation()
    services.briefing_request_decide(request=accepted, by=make_user(Role.SECRETARIAT), accept=True, shown_revision=1)
    part = next(p for p in privacy_registry.registered() if "consultations.briefingrequest" in p.copied)()

    copied = part.copy(requester)
    assert "Pending needs" in str(copied) and "Accepted needs" in str(copied)

    part.erase(requester)
    assert list(BriefingRequest.objects.values_list("pk", "needs")) == [(accepted.pk, "")]
