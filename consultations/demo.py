"""Demo data for the embedded mode: an open consultation with registrations, a waiting list and offers to speak."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from consultations import feedback, reports, services
from consultations.enums import (
    Attendance,
    BriefingKind,
    CheckInWay,
    ConsultationStatus,
    InterestStatus,
    ProposalKind,
    ProposalLevel,
    ProposalStatus,
    RegistrationStatus,
    SessionKind,
    SpeakingRole,
    TalkRole,
)
from consultations.models import (
    BriefingRequest,
    CheckIn,
    Consultation,
    ExpressionOfInterest,
    InputCall,
    InvitationLetter,
    Pledge,
    Proposal,
    Registration,
    Session,
    TalkSpeaker,
    UnmatchedAttendee,
    WrittenInput,
)
from portal.enums import Constituency, Expertise, Gender, Role
from portal.models import Profile, User
from reviews.dates import StatedDate
from reviews.enums import EventKind, Modality
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
        # Real times in the meeting's zone (004 states them so: "10:00 – 15:00 CET").
        time_zone="Asia/Bangkok",
        starts_at=_at(now + timedelta(days=40), time(9, 0), "Asia/Bangkok"),
        ends_at=_at(now + timedelta(days=40), time(16, 0), "Asia/Bangkok"),
        materials_due=_at(now + timedelta(days=26), time(17, 0), "Asia/Bangkok"),
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
        held = Consultation.objects.create(
            event=pre_event,
            title="Pacific stakeholder pre-consultation (demo)",
            modality="virtual",
            capacity_virtual=100,
            time_zone="Pacific/Fiji",
            starts_at=_at(now - timedelta(days=10), time(10, 0), "Pacific/Fiji"),
            ends_at=_at(now - timedelta(days=10), time(13, 0), "Pacific/Fiji"),
            registration_opens_at=now - timedelta(days=60),
            registration_deadline=now - timedelta(days=12),
            status=ConsultationStatus.SUMMARY_PUBLISHED,
            summary="Participants asked for climate mobility and labour migration to be on the regional agenda.",
            summary_published_at=now - timedelta(days=3),
            feeds=consultation,
        )
        _held_meeting_outcomes(held)
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


def _at(day, at: time, zone: str):
    """``at`` o'clock on the day of ``day`` in ``zone``."""
    return datetime.combine(timezone.localtime(day, ZoneInfo(zone)).date(), at, tzinfo=ZoneInfo(zone))


def _held_meeting_outcomes(held: Consultation) -> None:
    """A meeting that took place: the demo participants had a place, the rapporteur's report is published, and
    three answered the feedback form (stakeholder@demo.test has not: the form waits for them)."""
    people = list(User.objects.filter(email__endswith="@demo.test", email__startswith="participant").order_by("email"))
    amina = User.objects.filter(email="stakeholder@demo.test").first()
    for arrival, person in enumerate([*people, *([amina] if amina else [])], start=1):
        Registration.objects.create(
            consultation=held,
            user=person,
            attendance=Attendance.VIRTUAL,
            status=RegistrationStatus.REGISTERED,
            arrival=arrival,
            created_at=held.registration_opens_at,
        )
    rapporteur = people[1]
    ExpressionOfInterest.objects.create(
        consultation=held,
        user=rapporteur,
        role=SpeakingRole.RAPPORTEUR,
        topic="Reporting on the outcomes",
        statement="I reported for our network at earlier meetings.",
        status=InterestStatus.SELECTED,
    )
    report = reports.report_save(
        consultation=held,
        by=rapporteur,
        language="en",
        title="Outcomes of the Pacific pre-consultation",
        text="Climate mobility and labour migration came first.\n\nParticipants asked for safe pathways for "
        "seasonal workers and for data on displacement after disasters.",
        shown_revision=0,
    )
    reports.report_publish(report=report, by=rapporteur, shown_revision=report.revision)
    for person, rating, comment in zip(
        people[:3], (5, 4, 3), ("Clear materials.", "", "More time for questions, please."), strict=True
    ):
        feedback.feedback_submit(
            consultation=held, user=person, answers={"overall": rating, "information": 4, "comment": comment}
        )


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


@transaction.atomic
def create_demo_talk_and_briefing() -> Proposal | None:
    """An approved GCM Talk for Asia and the Pacific with its panel, open registrations, a posted summary and a
    pledge; and a request for a briefing from a stakeholder network, waiting for an answer."""
    event = Event.objects.filter(key="2024-ap-msc").select_related("region", "cycle").first()
    if event is None or Proposal.objects.filter(title__endswith="(demo)").exists():
        return None
    proposer = User.objects.filter(email="participant2@demo.test").first()
    if proposer is None:
        return None
    now = timezone.now()
    day = timezone.localdate() + timedelta(days=21)
    talk_event = Event(
        cycle=event.cycle,
        region=event.region,
        kind=EventKind.GCM_TALK,
        title="GCM Talk: climate mobility in the Pacific (demo)",
        modality=Modality.VIRTUAL,
        start=StatedDate(precision="day", days=(day,)),
    )
    talk_event.save()
    talk = Proposal.objects.create(
        kind=ProposalKind.GCM_TALK,
        title="GCM Talk: climate mobility in the Pacific (demo)",
        topic="Climate mobility and regional collaboration",
        outline="Peer learning on planned relocation and labour mobility schemes, ahead of the Regional Review.",
        level=ProposalLevel.SUBREGIONAL,
        region=event.region,
        modality=Modality.VIRTUAL,
        date=day,
        organisers="Pacific Climate Mobility Network (demo)",
        proposed_by=proposer,
        status=ProposalStatus.APPROVED,
        event=talk_event,
        summary="Speakers asked for regional guidance on planned relocation, with communities at the table.",
        summary_posted_at=now,
    )
    for position, (role, name, organisation) in enumerate(
        (
            (TalkRole.MODERATOR, "Ana (demo)", "Pacific Climate Mobility Network"),
            (TalkRole.PANELIST, "Tomasi (demo)", "Fiji migrant workers' union"),
            (TalkRole.PANELIST, "Mere (demo)", "University of the South Pacific"),
        ),
        start=1,
    ):
        TalkSpeaker.objects.create(proposal=talk, role=role, name=name, organisation=organisation, position=position)
    Pledge.objects.create(
        proposal=talk,
        pledged_by="Republic of Demo",
        text="To publish guidelines on planned relocation with affected communities by 2026.",
        objectives="2,5,23",
    )
    consultation = Consultation.objects.create(
        event=talk_event,
        title=talk.title,
        description=talk.outline,
        modality=Modality.VIRTUAL,
        capacity_virtual=100,
        registration_deadline=now + timedelta(days=20),
        status=ConsultationStatus.OPEN,
    )
    for index in (1, 3):
        services.registration_create(
            consultation=consultation,
            user=User.objects.get(email=f"participant{index}@demo.test"),
            attendance="virtual",
        )
    BriefingRequest.objects.create(
        requester=User.objects.get(email="participant1@demo.test"),
        kind=BriefingKind.BRIEFING,
        network="Migrant domestic workers' network of South-East Asia (demo)",
        region=event.region,
        cycle=event.cycle,
        topic="The Regional Review process, for domestic workers' organisations",
        needs="A one-hour online briefing on how to take part, with time for questions.",
        preferred_from=timezone.localdate() + timedelta(days=14),
        preferred_to=timezone.localdate() + timedelta(days=28),
        languages="en,zh-hans",
        expected_participants=40,
    )
    return talk


@transaction.atomic
def create_demo_meetings() -> Consultation | None:
    """The review meeting itself taking registrations with accreditation (003), its agenda's rapporteur's
    briefing on the demo consultation (004), and an online briefing for stakeholders ahead of it (000)."""
    review_event = Event.objects.filter(key="2024-ap-review").first()
    consultation = Consultation.objects.filter(event__key="2024-ap-msc").first()
    if review_event is None or consultation is None or Consultation.objects.filter(event=review_event).exists():
        return None
    now = timezone.now()
    review = Consultation.objects.create(
        event=review_event,
        title="Asia-Pacific Regional Review of the GCM (demo)",
        description="The intergovernmental meeting. Register to participate: accreditation is needed, and the "
        "secretariat confirms each registration.",
        modality=Modality.HYBRID,
        capacity_in_person=150,
        capacity_virtual=500,
        venue="United Nations Conference Centre, Bangkok",
        time_zone="Asia/Bangkok",
        starts_at=_at(now + timedelta(days=55), time(10, 0), "Asia/Bangkok"),
        ends_at=_at(now + timedelta(days=55), time(17, 0), "Asia/Bangkok"),
        materials_due=_at(now + timedelta(days=41), time(17, 0), "Asia/Bangkok"),
        registration_opens_at=now - timedelta(days=1),
        registration_deadline=now + timedelta(days=45),
        accreditation_required=True,
        interpretation_languages="en,fr,ru,zh-hans",
        status=ConsultationStatus.OPEN,
    )
    Session.objects.create(consultation=review, position=1, kind=SessionKind.OPENING, minutes=30)
    Session.objects.create(
        consultation=review, position=2, kind=SessionKind.RAPPORTEUR, minutes=15, reports_on=consultation
    )
    Session.objects.create(
        consultation=review, position=3, kind=SessionKind.ROUNDTABLE, title="Review of progress", panel_minutes=60
    )
    briefing_event = Event(
        cycle=review_event.cycle,
        region=review_event.region,
        kind=EventKind.BRIEFING,
        title="Briefing for stakeholders ahead of the Regional Review (demo)",
        title_en="Briefing for stakeholders ahead of the Regional Review (demo)",
        modality=Modality.VIRTUAL,
        start=StatedDate(precision="day", days=(timezone.localdate() + timedelta(days=20),)),
    )
    briefing_event.save()
    Consultation.objects.create(
        event=briefing_event,
        title="Briefing for stakeholders ahead of the Regional Review (demo)",
        description="An hour online: how the review meeting works and how to take part.",
        modality=Modality.VIRTUAL,
        capacity_virtual=300,
        join_link="https://meet.example.org/gcm-briefing-demo",
        time_zone="Asia/Bangkok",
        starts_at=_at(now + timedelta(days=20), time(14, 0), "Asia/Bangkok"),
        ends_at=_at(now + timedelta(days=20), time(15, 0), "Asia/Bangkok"),
        registration_opens_at=now - timedelta(days=1),
        registration_deadline=now + timedelta(days=19),
        status=ConsultationStatus.OPEN,
    )
    return review


@transaction.atomic
def create_demo_attendance() -> Consultation | None:
    """Attendance as it is after a meeting and before the next: everyone at the Pacific pre-consultation taken
    from the platform's report (stakeholder@demo.test can download a certificate), one row of that report left
    for staff to resolve, and a visa invitation letter waiting for the secretariat for the Bangkok consultation."""
    held = Consultation.objects.filter(title="Pacific stakeholder pre-consultation (demo)").first()
    consultation = Consultation.objects.filter(event__key="2024-ap-msc").first()
    if held is None or consultation is None or CheckIn.objects.filter(registration__consultation=held).exists():
        return None
    secretariat = User.objects.filter(email="secretariat@demo.test").first()
    for minutes, registration in enumerate(held.registrations.filter(status=RegistrationStatus.REGISTERED), 150):
        CheckIn.objects.create(
            registration=registration,
            attended=Attendance.VIRTUAL,
            way=CheckInWay.PLATFORM,
            minutes=minutes,
            at=held.ends_at,
            recorded_by=secretariat,
        )
    UnmatchedAttendee.objects.create(consultation=held, name="Interpreter booth 2 (demo)", minutes=175)
    Consultation.objects.filter(pk=consultation.pk).update(host_country="TH")
    place = (
        consultation.registrations.filter(status=RegistrationStatus.REGISTERED, attendance=Attendance.IN_PERSON)
        .order_by("arrival")
        .first()
    )
    if place is not None and consultation.starts_at:
        day = consultation.starts_at.date()
        InvitationLetter.objects.create(
            registration=place,
            passport_name=place.user.profile.display_name.upper(),
            nationality=place.user.profile.country or "FJ",
            passport_number="DEMO12345",
            passport_expiry=day + timedelta(days=700),
            stay_from=day - timedelta(days=1),
            stay_to=day + timedelta(days=2),
            requested_at=timezone.now() - timedelta(days=3),
        )
    return held


def seed() -> str | None:
    """For ``manage.py seed_demo``: what was created, or None when the demo data already exists."""
    made = []
    if create_demo_consultation():
        made.append(
            "Demo consultation created: 3 registered, 2 on the waiting list, 7 offers to speak on two roundtables."
        )
    if create_demo_meetings():
        made.append(
            "Demo review meeting (registration with accreditation, rapporteur's briefing) and briefing created."
        )
    if create_demo_inputs():
        made.append("Demo call for written inputs created: one input published, one waiting for screening.")
    if create_demo_talk_and_briefing():
        made.append("Demo GCM Talk created (panel, registrations, summary, pledge) and a briefing request waiting.")
    if create_demo_attendance():
        made.append("Demo attendance recorded at the Pacific pre-consultation and a visa invitation letter requested.")
    return "\n".join(made) or None
