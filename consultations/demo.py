"""Demo data for the embedded mode: an open consultation with registrations, a waiting list and offers to speak."""

from datetime import time, timedelta

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from consultations import services
from consultations.enums import ConsultationStatus
from consultations.models import Consultation, ExpressionOfInterest, InputCall, Session, WrittenInput
from portal.enums import Constituency, Expertise, Gender, Role
from portal.models import Profile, User
from reviews.models import Event

PEOPLE = [
    ("Leila (demo)", Constituency.MIGRANT, "PH", Gender.WOMAN),
    ("Tomasi (demo)", Constituency.CIVIL_SOCIETY, "FJ", Gender.MAN),
    ("Arjun (demo)", Constituency.TRADE_UNION, "IN", Gender.MAN),
    ("Mei (demo)", Constituency.ACADEMIA, "CN", Gender.WOMAN),
    ("Sami (demo)", Constituency.MIGRANT_DIASPORA_ORG, "BD", Gender.UNDISCLOSED),
]


@transaction.atomic
def create_demo_consultation() -> Consultation | None:
    event = Event.objects.filter(key="2024-ap-msc").first()
    if event is None or Consultation.objects.filter(event=event).exists():
        return None
    now = timezone.now()
    consultation = Consultation.objects.create(
        event=event,
        title="Multi-stakeholder consultation for Asia and the Pacific (demo)",
        description="A demo consultation: register in person or online, or offer to speak.",
        capacity_in_person=3,
        capacity_virtual=20,
        venue="Bangkok",
        registration_opens_at=now - timedelta(days=2),
        registration_deadline=now + timedelta(days=30),
        interest_deadline=now + timedelta(days=20),
        interpretation_languages="en,fr,zh-hans",
        status=ConsultationStatus.OPEN,
    )
    stakeholder = Group.objects.get(name=Role.STAKEHOLDER)
    for index, (name, constituency, country, gender) in enumerate(PEOPLE, start=1):
        user, _ = User.objects.get_or_create(email=f"participant{index}@demo.test")
        Profile.objects.get_or_create(
            user=user,
            defaults={
                "display_name": name,
                "constituency": constituency,
                "country": country,
                "gender": gender,
                "privacy_consent_at": now,
            },
        )
        user.groups.add(stakeholder)
        services.registration_create(consultation=consultation, user=user, attendance="in_person")
    # An agenda shaped like the 2020 UNECE consultation (004).

    agenda = [
        ("opening", "", time(10, 0), 0, 0, 30),
        ("roundtable", "Progress and challenges in implementing the GCM", time(10, 30), 45, 60, 0),
        ("break", "", time(12, 15), 0, 0, 45),
        ("roundtable", "Good practices for stakeholder engagement", time(13, 0), 45, 60, 0),
        ("closing", "", time(14, 45), 0, 0, 15),
    ]
    for position, (kind, title, starts_at, panel, floor, minutes) in enumerate(agenda, start=1):
        Session.objects.create(
            consultation=consultation,
            position=position,
            kind=kind,
            title=title,
            starts_at=starts_at,
            panel_minutes=panel,
            floor_minutes=floor,
            minutes=minutes,
        )
    # A sub-regional pre-consultation whose published summary feeds this consultation's agenda (000).
    pre_event = Event.objects.filter(key="2024-ap-pre-pacific").first()
    if pre_event is not None:
        Consultation.objects.create(
            event=pre_event,
            title="Pacific stakeholder pre-consultation (demo)",
            modality="virtual",
            capacity_virtual=100,
            registration_opens_at=now - timedelta(days=60),
            registration_deadline=now - timedelta(days=30),
            status=ConsultationStatus.SUMMARY_PUBLISHED,
            summary="Participants asked for climate mobility and labour migration to be on the regional agenda.",
            summary_published_at=now - timedelta(days=20),
            feeds=consultation,
        )
    # Offers to speak per roundtable (004), each with an area of expertise, for the task team to choose from.
    first, second = consultation.sessions.filter(kind="roundtable").order_by("position")
    offers = [
        (1, "panel", first, Expertise.PATHWAYS, "Regular pathways and decent work"),
        (2, "panel", first, Expertise.CLIMATE, "Climate mobility in the Pacific"),
        (3, "panel", first, Expertise.LABOUR, "Recruitment fees and decent work"),
        (4, "panel", second, Expertise.DATA, "Data on migrant workers"),
        (5, "panel", second, Expertise.INCLUSION, "Access to services for migrants"),
        (3, "moderator", second, Expertise.LABOUR, "Moderating a dialogue with trade unions"),
        (4, "rapporteur", None, Expertise.DATA, "Reporting on the outcomes"),
    ]
    for index, role, session, expertise, topic in offers:
        ExpressionOfInterest.objects.create(
            consultation=consultation,
            user=User.objects.get(email=f"participant{index}@demo.test"),
            role=role,
            session=session,
            expertise=expertise,
            topic=topic,
            statement="Experience from a migrant-led organisation.",
        )
    return consultation


DEMO_PDF = b"%PDF-1.4\n% A demo written input\n"


@transaction.atomic
def create_demo_inputs() -> InputCall | None:
    """An open call for written inputs to the Asia and the Pacific review, one input published, one waiting."""
    event = Event.objects.filter(key="2024-ap-msc").select_related("region", "cycle").first()
    if event is None or InputCall.objects.filter(region=event.region, cycle=event.cycle).exists():
        return None
    call = InputCall.objects.create(
        region=event.region,
        cycle=event.cycle,
        title="Written inputs to the Asia and the Pacific Regional Review (demo)",
        description="Member States and stakeholders may send an input with a short summary; it is listed once "
        "screened.",
        deadline=timezone.now() + timedelta(days=21),
        published=True,
    )
    for index, (status, title) in enumerate(
        (("published", "Recruitment fees in the Pacific"), ("submitted", "Climate mobility and decent work")), start=1
    ):
        author = User.objects.get(email=f"participant{index}@demo.test")
        written = WrittenInput(
            call=call,
            author=author,
            submitted_as="stakeholder",
            constituency=author.profile.constituency,
            organisation="Pacific migrant workers' network (demo)",
            title=title,
            summary="Three recommendations from migrant workers, with examples from the region.",
            language="en",
            content_type="application/pdf",
            original_name="input.pdf",
            status=status,
        )
        written.file.save("input.pdf", ContentFile(DEMO_PDF), save=False)
        written.save()
    return call


def seed() -> str | None:
    """For ``manage.py seed_demo``: what was created, or None when the demo data already exists."""
    made = []
    if create_demo_consultation():
        made.append(
            "Demo consultation created: 3 registered, 2 on the waiting list, 7 offers to speak on two roundtables."
        )
    if create_demo_inputs():
        made.append("Demo call for written inputs created: one input published, one waiting for screening.")
    return "\n".join(made) or None
