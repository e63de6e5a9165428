"""Region-scoped roles: what a regional focal point and a regional task team member may open, export and decide,
in their own region and in another one, through pages, the administration, exports, files and services.

Two regions (A and B), each with a draft consultation (its title, a registrant's name, an offer's topic and a
meeting material are markers), a discussion space with a pending post and its file, and an event. The people:
the secretariat (every region), a focal point and a task team member of region A, and a moderator assigned to
region A's space. Each path is fetched as each person for each region's objects: where the person has no right
in that region, the markers of that region are absent and the page or file is refused; where they have, the
marker is there (so the matrix can fail).

Why (001 Annex 2, and the issue's "who decides, per region"): the regional task team sets the criteria and
decides the speakers of its region's consultations; the Regional Networks' focal points plan, run consultations
and moderate in their region only; the secretariat keeps every right.
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from consultations import services as consultation_services
from consultations.enums import ConsultationStatus, RegistrationStatus
from consultations.models import ExpressionOfInterest
from discussions import services as discussion_services
from discussions.models import Post
from portal.enums import AuditAction, Role
from portal.models import AuditEntry
from tests.factories import (
    EventFactory,
    ExpressionOfInterestFactory,
    GuidingQuestionFactory,
    InvitationLetterFactory,
    PhaseFactory,
    RegionFactory,
    RegistrationFactory,
    SessionFactory,
    SpaceFactory,
    SummaryDocumentFactory,
    make_consultation,
    make_user,
    shared_cycle,
    shown,
)

pytestmark = pytest.mark.django_db

PEOPLE = ("secretariat", "focal_a", "task_a", "moderator_a")


@dataclass
class Side:
    """One region's objects and their markers."""

    name: str
    region: object
    consultation: object
    registration: object
    offer: object
    document: object
    space: object
    post: object
    attachment: object
    event: object

    @property
    def markers(self) -> dict[str, str]:
        return {
            "consultation": f"Consultation {self.name}",
            "registrant": f"Registrant {self.name}",
            "topic": f"Topic {self.name}",
            "post": f"Pending words {self.name}",
        }


def build_side(name: str, moderator) -> Side:
    region = RegionFactory(code=f"region-{name.lower()}", name=f"Region {name}")
    event = EventFactory(region=region, cycle=shared_cycle(), title=f"Event {name}")
    consultation = make_consultation(
        event=event, title=f"Consultation {name}", status=ConsultationStatus.DRAFT, accreditation_required=True
    )
    roundtable = SessionFactory(consultation=consultation)
    registration = RegistrationFactory(
        consultation=consultation,
        status=RegistrationStatus.PENDING,
        attendance="in_person",
        user=make_user(Role.STAKEHOLDER, display_name=f"Registrant {name}"),
    )
    offer = ExpressionOfInterestFactory(consultation=consultation, session=roundtable, topic=f"Topic {name}")
    # A visa invitation letter waiting for the secretariat (its queue names the meeting).
    day = timezone.localdate() + timedelta(days=60)
    InvitationLetterFactory(
        registration=RegistrationFactory(consultation=consultation, status="registered", attendance="in_person"),
        stay_from=day,
        stay_to=day + timedelta(days=2),
    )
    document = SummaryDocumentFactory(consultation=consultation, kind="material", title=f"Material {name}")
    space = SpaceFactory(region=region, cycle=event.cycle, title=f"Space {name}", moderators=[moderator])
    question = GuidingQuestionFactory(phase=PhaseFactory(space=space, number=1))
    post = discussion_services.post_create(
        question=question,
        author=make_user(Role.STAKEHOLDER),
        text=f"Pending words {name}",
        language="en",
        files=[(SimpleUploadedFile("report.pdf", b"%PDF-1.7 report"), "application/pdf")],
    )
    return Side(name, region, consultation, registration, offer, document, space, post, post.attachments.get(), event)


@pytest.fixture
def world():
    moderator_a = make_user(Role.MODERATOR)
    a = build_side("A", moderator_a)
    b = build_side("B", make_user(Role.MODERATOR))
    people = {
        "secretariat": make_user(Role.SECRETARIAT),
        "focal_a": make_user(Role.FOCAL_POINT, regions=[a.region]),
        "task_a": make_user(Role.TASK_TEAM, regions=[a.region]),
        "moderator_a": moderator_a,
    }
    return {"A": a, "B": b, "people": people}


# Who may, per kind of path, in region A (their own) — in region B only the secretariat may.
MAY_IN_A = {
    "dashboard": {"secretariat", "focal_a"},
    "export": {"secretariat", "focal_a"},
    "draft page": {"secretariat", "focal_a", "task_a"},
    "material file": {"secretariat", "focal_a"},
    "speakers": {"secretariat", "task_a"},
    "workspace": {"secretariat", "focal_a", "task_a"},
    "moderation queue": {"focal_a", "moderator_a"},
    "attachment": {"focal_a", "moderator_a"},
    "admin consultations": {"secretariat", "focal_a"},
    "admin registrations": {"secretariat", "focal_a"},
    "admin accreditation": {"secretariat", "focal_a"},
    "admin offers": {"secretariat", "focal_a"},
    "admin events": {"secretariat", "focal_a"},
    "admin spaces": {"secretariat", "focal_a"},
    "admin posts": {"focal_a", "moderator_a"},
    # Attendance: the door and the list for the region's focal point; the letters for the secretariat alone.
    "check-in": {"secretariat", "focal_a"},
    "attendance": {"secretariat", "focal_a"},
    "letters": {"secretariat"},
}


def may(person: str, path: str, side: str) -> bool:
    if side == "B":
        # Region B: only global rights (the moderator of A's space moderates only it).
        return person == "secretariat" and person in MAY_IN_A[path]
    return person in MAY_IN_A[path]


def fetch(client, path: str, side: Side):
    """The response and the marker that must be there exactly when the person may."""
    c = side.consultation
    match path:
        case "dashboard":
            return client.get(f"/en/consultations/{c.pk}/dashboard/"), side.markers["consultation"]
        case "export":
            return client.get(f"/en/consultations/{c.pk}/registrations.csv?columns=display_name"), side.markers[
                "registrant"
            ]
        case "draft page":
            return client.get(f"/en/consultations/{c.pk}/"), side.markers["consultation"]
        case "material file":
            return client.get(f"/en/consultations/{c.pk}/summary/{side.document.pk}/"), None
        case "speakers":
            return client.get(f"/en/consultations/{c.pk}/speakers/"), side.markers["topic"]
        case "workspace":
            return (
                client.get(f"/en/regions/{side.region.code}/{side.event.cycle.code}/workspace/"),
                side.markers["consultation"],
            )
        case "moderation queue":
            return client.get("/en/discussions/moderation/"), side.markers["post"]
        case "attachment":
            return client.get(f"/en/discussions/attachments/{side.attachment.pk}/"), None
        case "admin consultations":
            return client.get("/en/admin/consultations/consultation/"), side.markers["consultation"]
        case "admin registrations":
            return client.get("/en/admin/consultations/registration/"), side.markers["registrant"]
        case "admin accreditation":
            return client.get("/en/admin/consultations/pendingaccreditation/"), side.markers["registrant"]
        case "admin offers":
            return client.get("/en/admin/consultations/expressionofinterest/"), side.markers["consultation"]
        case "admin events":
            return client.get("/en/admin/reviews/event/"), f"Event {side.name}"
        case "admin spaces":
            return client.get("/en/admin/discussions/space/"), f"Space {side.name}"
        case "admin posts":
            return client.get("/en/admin/discussions/pendingpost/"), side.markers["post"]
        case "check-in":
            return client.get(f"/en/consultations/{c.pk}/check-in/"), side.markers["consultation"]
        case "attendance":
            return client.get(f"/en/consultations/{c.pk}/attendance/"), side.markers["consultation"]
        case "letters":
            return client.get("/en/consultations/letters/"), side.markers["consultation"]
    raise AssertionError(path)


@pytest.mark.parametrize("path", list(MAY_IN_A))
def test_region_matrix(client, world, path):
    failures = []
    for person in PEOPLE:
        client.force_login(world["people"][person])
        for name in ("A", "B"):
            side = world[name]
            response, marker = fetch(client, path, side)
            content = b"".join(response.streaming_content) if response.streaming else response.content
            body = content.decode(errors="replace")
            allowed = may(person, path, name)
            if allowed:
                if response.status_code != 200 or (marker and marker not in body):
                    failures.append(f"{person} in {name}: expected the page with {marker!r}, {response.status_code}")
            else:
                if response.status_code == 200 and (marker is None or marker in body):
                    failures.append(f"{person} in {name}: got {marker or 'the file'} ({response.status_code})")
                # Whatever the page, the other region's markers never appear.
                leaked = [m for m in side.markers.values() if m in body]
                if leaked:
                    failures.append(f"{person} in {name}: {leaked} on the page")
    assert not failures, "\n".join(failures)


def test_admin_change_pages_of_another_region_do_not_exist_for_a_focal_point(client, world):
    client.force_login(world["people"]["focal_a"])
    for side, expected in (("A", 200), ("B", 302)):
        objects = world[side]
        for url in (
            f"/en/admin/consultations/consultation/{objects.consultation.pk}/change/",
            f"/en/admin/consultations/registration/{objects.registration.pk}/change/",
            f"/en/admin/reviews/event/{objects.event.pk}/change/",
            f"/en/admin/discussions/space/{objects.space.pk}/change/",
            f"/en/admin/discussions/pendingpost/{objects.post.pk}/change/",
        ):
            # The admin answers a row it does not find with a redirect to its index and a message.
            assert client.get(url).status_code == expected, (side, url)


def test_a_focal_point_adds_events_and_consultations_only_in_their_region(client, world):
    client.force_login(world["people"]["focal_a"])
    page = client.get("/en/admin/reviews/event/add/").content.decode()
    assert "Region A" in page
    assert "Region B" not in page
    page = client.get("/en/admin/consultations/consultation/add/").content.decode()
    assert "Event A" in page
    assert "Event B" not in page


def test_region_filters_name_only_the_regions_seen(client, world):
    client.force_login(world["people"]["focal_a"])
    page = client.get("/en/admin/consultations/registration/").content.decode()
    assert "Consultation B" not in page


@pytest.mark.parametrize("side", ["A", "B"])
def test_decisions_of_a_focal_point_hold_in_their_region_only(world, side):
    focal = world["people"]["focal_a"]
    objects = world[side]
    registration = objects.registration

    def accredit():
        consultation_services.accreditation_decide(
            registrations=[registration],
            by=focal,
            approve=True,
            versions={registration.pk: consultation_services.accreditation_version(registration=registration)},
        )

    def moderate():
        discussion_services.post_moderate(post=objects.post, shown_revision=shown(objects.post), by=focal, approve=True)

    if side == "A":
        accredit()
        moderate()
        registration.refresh_from_db()
        assert registration.status == RegistrationStatus.REGISTERED
        assert Post.objects.get(pk=objects.post.pk).approved_at is not None
        entries = AuditEntry.objects.filter(actor=focal).order_by("pk")
        assert [(e.action, e.role, e.region_id) for e in entries] == [
            (AuditAction.ACCREDITATION, Role.FOCAL_POINT, objects.region.pk),
            (AuditAction.MODERATION, Role.FOCAL_POINT, objects.region.pk),
        ]
    else:
        with pytest.raises(consultation_services.ConsultationError), transaction.atomic():
            accredit()
        with pytest.raises(discussion_services.DiscussionError), transaction.atomic():
            moderate()
        registration.refresh_from_db()
        assert registration.status == RegistrationStatus.PENDING
        assert Post.objects.get(pk=objects.post.pk).approved_at is None
        assert not AuditEntry.objects.filter(actor=focal).exists()


@pytest.mark.parametrize("side", ["A", "B"])
def test_the_task_team_decides_speakers_and_criteria_in_its_region_only(world, side):
    team = world["people"]["task_a"]
    objects = world[side]

    def decide():
        consultation_services.slate_decide(
            consultation=objects.consultation,
            decisions={objects.offer.pk: True},
            shown={objects.offer.pk: "received"},
            by=team,
        )

    def criteria():
        consultation_services.criteria_set(consultation=objects.consultation, by=team, shown_version=0, max_gender=50)

    if side == "A":
        decide()
        criteria()
        assert ExpressionOfInterest.objects.get(pk=objects.offer.pk).status == "selected"
        assert list(AuditEntry.objects.filter(actor=team).order_by("pk").values_list("action", "role", "region")) == [
            (AuditAction.SPEAKER_SELECTION, Role.TASK_TEAM, objects.region.pk),
            (AuditAction.SELECTION_CRITERIA, Role.TASK_TEAM, objects.region.pk),
        ]
    else:
        for attempt in (decide, criteria):
            with pytest.raises(consultation_services.ConsultationError), transaction.atomic():
                attempt()
        assert ExpressionOfInterest.objects.get(pk=objects.offer.pk).status == "received"
        assert not AuditEntry.objects.filter(actor=team).exists()


def test_the_task_team_does_not_run_registrations(world):
    """Choosing speakers is not running the consultation: no accreditation, no registration list."""
    team = world["people"]["task_a"]
    registration = world["A"].registration
    with pytest.raises(consultation_services.ConsultationError):
        consultation_services.accreditation_decide(
            registrations=[registration],
            by=team,
            approve=True,
            versions={registration.pk: consultation_services.accreditation_version(registration=registration)},
        )


def test_a_regional_role_without_a_region_allows_nothing(client, world):
    """The role's group alone (no region row) opens nothing of any region."""
    loose = make_user(Role.FOCAL_POINT)
    client.force_login(loose)
    for side in ("A", "B"):
        objects = world[side]
        assert client.get(f"/en/consultations/{objects.consultation.pk}/dashboard/").status_code == 404  # a draft
        assert (
            objects.markers["consultation"] not in client.get("/en/admin/consultations/consultation/").content.decode()
        )
        assert objects.markers["post"] not in client.get("/en/discussions/moderation/").content.decode()


def test_another_regions_draft_does_not_exist_on_any_page(client, world):
    """A draft is its planners' alone: a focal point or task team member of another region gets the same 404 on
    its public page, its dashboard and its speakers page, so not even its existence shows."""
    draft = world["B"].consultation
    for person in ("focal_a", "task_a"):
        client.force_login(world["people"][person])
        for suffix in ("", "dashboard/", "speakers/", "registrations.csv"):
            assert client.get(f"/en/consultations/{draft.pk}/{suffix}").status_code == 404, (person, suffix)


def test_the_accreditation_link_of_a_consultation_lists_only_its_registrations(client, world):
    """A focal point's filter by consultation keeps its parameter even when it has one choice or none."""
    side = world["A"]
    empty = make_consultation(event=side.event, title="Consultation A without anybody waiting")
    client.force_login(world["people"]["focal_a"])

    page = client.get(f"/en/admin/consultations/pendingaccreditation/?consultation__id__exact={empty.pk}")

    assert page.status_code == 200
    assert side.markers["registrant"] not in page.content.decode()
    page = client.get(f"/en/admin/consultations/pendingaccreditation/?consultation__id__exact={side.consultation.pk}")
    assert side.markers["registrant"] in page.content.decode()
