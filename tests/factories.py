"""Factories that create valid objects with no surprises: one ``DjangoModelFactory`` per concrete model.

Every factory's ``create()`` gives an object that passes ``full_clean()`` (tests/test_factories.py checks it,
and that no model is left without its factory). Required foreign keys come from sub-factories, people from
``make_user`` (a signed-up, verified person holding a role, with a profile), unique fields from sequences,
and every date from now: an open consultation, an open discussion phase, an open funding call.

Some rows are only ever written by a service, together with others (a registration's arrival order, a post's
moderation decision, an application's history of states). Their factories say so and write what the service
would, without its e-mails; a test about the flow itself goes through the service.

The helpers the suite has always used (``make_user``, ``make_consultation``, ``totp_code``, ``shown``, ...)
are built on the factories and keep their signatures.
"""

import time
from datetime import timedelta
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db.models import Max
from django.utils import timezone, translation

from consultations import models as consultation_models
from consultations.enums import (
    HOLDS_PLACE,
    BriefingKind,
    ConsultationStatus,
    DocumentKind,
    ExportStatus,
    InterestStatus,
    ProposalKind,
    ProposalLevel,
    ProposalStatus,
    RegistrationStatus,
    SessionKind,
    SpeakingRole,
    TalkRole,
)
from consultations.models import Consultation, Registration
from consultations.reminders import DEADLINE_NOTICE
from consultations.services import accreditation_version
from discussions import markup
from discussions import models as discussion_models
from discussions import search as discussion_search
from discussions import services as discussion_services
from discussions.enums import AppealOutcome, AuthorLabel, FileStatus, PostStatus, QuestionStatus, TagKind
from discussions.models import Post
from funding import models as funding_models
from funding.enums import State
from portal import models as portal_models
from portal.content_translation import digest
from portal.enums import AuditAction, ClaimedAffiliation, Constituency, Role, TranslationKind, VerificationStatus
from portal.integrity import organisation_key
from portal.models import Profile, User
from portal.permissions import STAFF_ROLES
from portal.services import audit_record
from reminders import models as reminder_models
from reminders.enums import State as ReminderState
from reviews import models as review_models
from reviews.dates import StatedDate
from reviews.enums import DateField, EventKind, Precision

PASSWORD = "correct-horse-battery"
PDF_BYTES = b"%PDF-1.7 a report"
# How far ahead a consultation's calendar event is.
EVENT_AHEAD = timedelta(days=90)


def _now_plus(**delta):
    return factory.LazyFunction(lambda: timezone.now() + timedelta(**delta))


def _person(role: str = Role.STAKEHOLDER):
    """A new person holding ``role``, as ``make_user`` makes them (profile, verified address, group)."""
    return factory.LazyFunction(lambda: make_user(role))


# --- portal ------------------------------------------------------------------------------------------------


class UserFactory(factory.django.DjangoModelFactory):
    """An account with a verified e-mail address and the password ``PASSWORD``, no profile and no role.

    Most tests want ``make_user``: a person with a profile and a role.
    """

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)
        if create:
            self.save()


class ProfileFactory(factory.django.DjangoModelFactory):
    """A civil-society stakeholder in Kenya who accepted the privacy notice, with their account."""

    class Meta:
        model = Profile

    user = factory.SubFactory(UserFactory)
    display_name = factory.Sequence(lambda n: f"Person {n}")
    constituency = Constituency.CIVIL_SOCIETY
    country = "KE"
    preferred_language = "en"
    privacy_consent_at = factory.LazyFunction(timezone.now)


# The authenticator-app secret of every staff member the factories make (staff must use a second factor).
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp_code(step: int = 0, secret: str = TOTP_SECRET) -> str:
    """The code an authenticator app shows now for ``secret`` (``step`` periods later, for a second sign-in)."""

    return format_hotp_value(hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD + step))


def enrol_second_factor(user, secret: str = TOTP_SECRET) -> None:

    TOTP.activate(user, secret)


def make_user(role: str = Role.STAKEHOLDER, *, second_factor: bool | None = None, regions=(), **profile_fields) -> User:
    """A signed-up, verified person holding ``role`` (roles needing verification are verified).

    Staff come with an authenticator app set up, as the portal requires; ``second_factor=False`` makes one who
    has not set it up yet. ``profile_fields`` go to ``ProfileFactory`` (``user__email=...`` to the account).
    A regional role (task team, focal point) is held in ``regions``; without any it allows nothing.
    """

    claim = role if role in ClaimedAffiliation.values else ClaimedAffiliation.STAKEHOLDER
    status = VerificationStatus.NOT_NEEDED if claim == ClaimedAffiliation.STAKEHOLDER else VerificationStatus.APPROVED
    profile = ProfileFactory(claimed_affiliation=claim, verification_status=status, **profile_fields)
    profile.user.groups.add(Group.objects.get(name=role))
    for region in regions:
        portal_models.RegionalRole.objects.create(user=profile.user, role=role, region=region)
    if second_factor if second_factor is not None else role in STAFF_ROLES:
        enrol_second_factor(profile.user)
    return profile.user


class OrganisationHistoryFactory(factory.django.DjangoModelFactory):
    """An organisation a person once named on their profile (a profile naming one writes its row itself)."""

    class Meta:
        model = portal_models.OrganisationHistory

    user = _person()
    name = factory.Sequence(lambda n: f"Organisation {n}")
    key = factory.LazyAttribute(lambda o: organisation_key(o.name))


class AuditEntryFactory(factory.django.DjangoModelFactory):
    """A secretariat member's action on a person's account, as ``portal.services.audit_record`` writes it.

    ``target``: the record acted on (default: a new stakeholder).
    """

    class Meta:
        model = portal_models.AuditEntry

    class Params:
        target = _person()

    actor = _person(Role.SECRETARIAT)
    action = AuditAction.ROLE_CHANGE
    target_type = factory.LazyAttribute(lambda o: o.target._meta.label_lower)
    target_id = factory.LazyAttribute(lambda o: str(o.target.pk))


class RegionalRoleFactory(factory.django.DjangoModelFactory):
    """A focal point for a region (``make_user(role, regions=[...])`` also adds the role's group)."""

    class Meta:
        model = portal_models.RegionalRole

    user = _person(Role.FOCAL_POINT)
    role = Role.FOCAL_POINT
    region = factory.SubFactory("tests.factories.RegionFactory")


class UnsentTaskFactory(factory.django.DjangoModelFactory):
    """A task the broker could not take, waiting to be queued."""

    class Meta:
        model = portal_models.UnsentTask

    signature = factory.LazyFunction(lambda: {"task": "portal.tasks.example", "args": [], "kwargs": {}})
    error = "Connection refused"


# --- reviews -----------------------------------------------------------------------------------------------


class RegionFactory(factory.django.DjangoModelFactory):
    """A region with its Regional Economic Commission (``africa()``: the one ``make_consultation`` shares)."""

    class Meta:
        model = review_models.Region

    code = factory.Sequence(lambda n: f"region-{n}")
    name = factory.Sequence(lambda n: f"Region {n}")
    commission = factory.Sequence(lambda n: f"Regional Economic Commission {n}")
    commission_acronym = factory.Sequence(lambda n: f"REC{n}")


class ReviewCycleFactory(factory.django.DjangoModelFactory):
    """The review cycle of this year and the next."""

    class Meta:
        model = review_models.ReviewCycle

    code = factory.Sequence(lambda n: f"cycle-{n}")
    start_year = factory.LazyFunction(lambda: timezone.localdate().year)
    end_year = factory.LazyAttribute(lambda o: o.start_year + 1)
    imrf_year = factory.LazyAttribute(lambda o: o.end_year + 1)
    name = factory.LazyAttribute(lambda o: f"{o.start_year}-{o.end_year}")


class SourceFactory(factory.django.DjangoModelFactory):
    """A roadmap dated today."""

    class Meta:
        model = review_models.Source

    code = factory.Sequence(lambda n: f"src-{n}")
    title = factory.Sequence(lambda n: f"Roadmap {n}")
    as_of = factory.LazyFunction(timezone.localdate)
    sequence = factory.Sequence(lambda n: n)


def _day(ahead: timedelta) -> StatedDate:
    return StatedDate(precision=Precision.DAY, days=(timezone.localdate() + ahead,))


class EventFactory(factory.django.DjangoModelFactory):
    """A multi-stakeholder consultation on the calendar, on an exact day three months ahead (its key is derived)."""

    class Meta:
        model = review_models.Event

    cycle = factory.SubFactory(ReviewCycleFactory)
    region = factory.SubFactory(RegionFactory)
    kind = EventKind.MULTI_STAKEHOLDER_CONSULTATION
    start = factory.LazyFunction(lambda: _day(EVENT_AHEAD))


def _in_english(value: StatedDate) -> str:
    with translation.override("en"):
        return value.display()


class DateStatementFactory(factory.django.DjangoModelFactory):
    """A source stating the event's start as the event has it."""

    class Meta:
        model = review_models.DateStatement

    event = factory.SubFactory(EventFactory)
    which = DateField.START
    source = factory.SubFactory(SourceFactory)
    value = factory.SelfAttribute("event.start")
    wording = factory.LazyAttribute(lambda o: _in_english(o.value))


class DateChangeFactory(factory.django.DjangoModelFactory):
    """The secretariat setting an event's start date, as the calendar's admin records it."""

    class Meta:
        model = review_models.DateChange

    event = factory.SubFactory(EventFactory)
    which = DateField.START
    old_value = ""
    new_value = factory.LazyAttribute(
        lambda o: review_models.DateChange.describe(o.event.start, o.event.start_tentative)
    )
    changed_by = _person(Role.SECRETARIAT)


# --- consultations -----------------------------------------------------------------------------------------


class ConsultationFactory(factory.django.DjangoModelFactory):
    """An open consultation: 10 places in the room and 10 online, registration opened yesterday, deadline in a week."""

    class Meta:
        model = Consultation

    event = factory.SubFactory(EventFactory)
    title = factory.Sequence(lambda n: f"Multi-stakeholder consultation {n}")
    capacity_in_person = 10
    capacity_virtual = 10
    registration_opens_at = _now_plus(days=-1)
    registration_deadline = _now_plus(days=7)
    status = ConsultationStatus.OPEN


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A registration as ``consultations.services.registration_create`` writes it, without its e-mail.

    The next arrival number; a place (waiting for accreditation where the consultation asks for it) while
    places of that kind remain, else the waiting list. ``status`` may be given.
    """

    class Meta:
        model = Registration

    consultation = factory.SubFactory(ConsultationFactory)
    user = _person()
    attendance = factory.LazyAttribute(lambda o: o.consultation.attendance_choices[0][0])
    status = None  # as the service decides, unless given

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        consultation, attendance = kwargs["consultation"], kwargs["attendance"]
        registrations = Registration.objects.filter(consultation=consultation)
        kwargs.setdefault("arrival", (registrations.aggregate(m=Max("arrival"))["m"] or 0) + 1)
        if kwargs["status"] is None:
            taken = registrations.filter(attendance=attendance, status__in=HOLDS_PLACE).count()
            if taken >= consultation.capacity(attendance):
                kwargs["status"] = RegistrationStatus.WAITLISTED
            elif consultation.accreditation_required:
                kwargs["status"] = RegistrationStatus.PENDING
            else:
                kwargs["status"] = RegistrationStatus.REGISTERED
        return super()._create(model_class, *args, **kwargs)


class ExpressionOfInterestFactory(factory.django.DjangoModelFactory):
    """An offer to speak on a panel, received now."""

    class Meta:
        model = consultation_models.ExpressionOfInterest

    consultation = factory.SubFactory(ConsultationFactory)
    user = _person()
    role = SpeakingRole.PANEL
    topic = "Decent work"
    statement = "Our experience running a helpline for migrant workers."
    status = InterestStatus.RECEIVED


def _write_export_file(file_name: str, content: bytes) -> None:
    folder = settings.PRIVATE_ROOT / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / file_name).write_bytes(content)


class ExportLogFactory(factory.django.DjangoModelFactory):
    """A secretariat member's CSV export of a registration list (a log only: CSV is streamed, nothing is kept),
    in the audit log as ``consultations.services.export_log`` puts it.

    ``file_format="xlsx", file=b"..."``: a finished XLSX export whose file is there to download.
    """

    class Meta:
        model = consultation_models.ExportLog
        skip_postgeneration_save = True

    consultation = factory.SubFactory(ConsultationFactory)
    user = _person(Role.SECRETARIAT)
    status = ExportStatus.READY
    file_format = "csv"
    language = "en"
    # As the export views log them: the filters chosen (none here) and the columns.
    filters = factory.LazyFunction(lambda: {"status": [], "attendance": []})
    columns = factory.LazyFunction(lambda: ["display_name", "organisation", "country"])
    file_name = factory.LazyAttributeSequence(lambda o, n: f"export-{n}.xlsx" if o.file_format == "xlsx" else "")

    @factory.post_generation
    def file(self, create, extracted, **kwargs):
        if create and extracted is not None:
            _write_export_file(self.file_name, extracted)

    @factory.post_generation
    def audited(self, create, extracted, **kwargs):
        """In the audit log, as ``consultations.services.export_log`` puts it."""
        if create:
            detail = f"registrations, {self.file_format}, {self.rows} rows"
            audit_record(actor=self.user, action=AuditAction.EXPORT, target=self.consultation, detail=detail)


class SessionFactory(factory.django.DjangoModelFactory):
    """A roundtable on a consultation's agenda."""

    class Meta:
        model = consultation_models.Session

    consultation = factory.SubFactory(ConsultationFactory)
    position = factory.Sequence(lambda n: n + 1)
    kind = SessionKind.ROUNDTABLE
    title = factory.Sequence(lambda n: f"Roundtable {n}")
    panel_minutes = 45
    floor_minutes = 30


class SelectionCriteriaFactory(factory.django.DjangoModelFactory):
    """A consultation's speaker selection criteria as a task team member set them: the defaults, version 1."""

    class Meta:
        model = consultation_models.SelectionCriteria

    consultation = factory.SubFactory(ConsultationFactory)
    version = 1
    updated_by = _person(Role.TASK_TEAM)
    updated_at = factory.LazyFunction(timezone.now)


class ProposalFactory(factory.django.DjangoModelFactory):
    """A side event a stakeholder proposed for a month ahead, waiting for the secretariat."""

    class Meta:
        model = consultation_models.Proposal

    kind = ProposalKind.SIDE_EVENT
    title = factory.Sequence(lambda n: f"Side event {n}")
    level = ProposalLevel.GLOBAL
    date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    organisers = "Migrant workers' network"
    proposed_by = _person()
    status = ProposalStatus.PENDING


class TalkSpeakerFactory(factory.django.DjangoModelFactory):
    """A panelist of an approved GCM Talk, named by its organisers."""

    class Meta:
        model = consultation_models.TalkSpeaker

    proposal = factory.SubFactory(ProposalFactory, kind=ProposalKind.GCM_TALK, status=ProposalStatus.APPROVED)
    role = TalkRole.PANELIST
    name = factory.Sequence(lambda n: f"Panelist {n}")
    organisation = "Migrant Forum"
    position = factory.Sequence(lambda n: n + 1)


class PledgeFactory(factory.django.DjangoModelFactory):
    """A Member State's pledge announced at an approved GCM Talk, serving objectives 5 and 6."""

    class Meta:
        model = consultation_models.Pledge

    proposal = factory.SubFactory(ProposalFactory, kind=ProposalKind.GCM_TALK, status=ProposalStatus.APPROVED)
    pledged_by = "Republic of Example"
    text = "To open a regular pathway for seasonal workers."
    objectives = "5,6"


class BriefingRequestFactory(factory.django.DjangoModelFactory):
    """A stakeholder network asking Africa's Regional Network for a briefing in two to four weeks, waiting."""

    class Meta:
        model = consultation_models.BriefingRequest

    requester = _person()
    kind = BriefingKind.BRIEFING
    network = "Migrant Workers' Network"
    region = factory.LazyFunction(lambda: africa())
    topic = factory.Sequence(lambda n: f"How to take part in the review {n}")
    needs = "An online briefing for our member organisations."
    preferred_from = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=14))
    preferred_to = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=28))
    languages = "en,fr"
    expected_participants = 30


class SummaryDocumentFactory(factory.django.DjangoModelFactory):
    """A consultation's summary as a PDF in the private storage (served once the summary is published)."""

    class Meta:
        model = consultation_models.SummaryDocument

    consultation = factory.SubFactory(ConsultationFactory)
    kind = DocumentKind.SUMMARY
    title = "Summary"
    language = "en"
    file = factory.django.FileField(data=b"%PDF-1.7 summary", filename="summary.pdf")
    content_type = "application/pdf"
    original_name = "summary.pdf"


class RapporteurReportFactory(factory.django.DjangoModelFactory):
    """A draft outcome report, in English, by the consultation's rapporteur (any person here)."""

    class Meta:
        model = consultation_models.RapporteurReport

    consultation = factory.SubFactory(ConsultationFactory)
    author = _person()
    original_language = "en"
    text = "The consultation's outcomes."
    text_en = factory.SelfAttribute("text")


class FeedbackResponseFactory(factory.django.DjangoModelFactory):
    """One anonymous answer to a meeting's feedback form."""

    class Meta:
        model = consultation_models.FeedbackResponse

    consultation = factory.SubFactory(ConsultationFactory)
    submitted_on = factory.LazyFunction(timezone.localdate)
    overall = 4


class FeedbackGivenFactory(factory.django.DjangoModelFactory):
    """That someone answered a meeting's feedback form."""

    class Meta:
        model = consultation_models.FeedbackGiven

    consultation = factory.SubFactory(ConsultationFactory)
    user = _person()


class InputCallFactory(factory.django.DjangoModelFactory):
    """A published call for written inputs to Africa's review, closing in two weeks."""

    class Meta:
        model = consultation_models.InputCall

    region = factory.LazyFunction(lambda: africa())
    cycle = factory.LazyFunction(lambda: shared_cycle())
    title = "Call for written inputs to the Regional Review"
    description = "Send your organisation's input with a short summary."
    deadline = _now_plus(days=14)
    published = True


class WrittenInputFactory(factory.django.DjangoModelFactory):
    """A stakeholder's input as ``written_input_create`` stores it: a PDF, waiting for screening."""

    class Meta:
        model = consultation_models.WrittenInput

    call = factory.SubFactory(InputCallFactory)
    author = _person()
    submitted_as = "stakeholder"
    constituency = factory.LazyAttribute(lambda o: o.author.profile.constituency)
    organisation = "Migrant Workers' Network"
    title = "What works for migrant workers"
    summary = "Three recommendations on recruitment fees."
    language = "en"
    file = factory.django.FileField(data=b"%PDF-1.7 input", filename="input.pdf")
    content_type = "application/pdf"
    original_name = "input.pdf"


class FollowFactory(factory.django.DjangoModelFactory):
    """A person following a consultation's deadlines."""

    class Meta:
        model = consultation_models.Follow

    consultation = factory.SubFactory(ConsultationFactory)
    user = _person()


class CheckInFactory(factory.django.DjangoModelFactory):
    """That someone with a confirmed place came to the room, checked in at the door by the secretariat."""

    class Meta:
        model = consultation_models.CheckIn

    registration = factory.SubFactory(RegistrationFactory, status=RegistrationStatus.REGISTERED)
    attended = "in_person"
    way = "door"
    recorded_by = _person(Role.SECRETARIAT)


class UnmatchedAttendeeFactory(factory.django.DjangoModelFactory):
    """A row of a platform's participant report that matched nobody registered."""

    class Meta:
        model = consultation_models.UnmatchedAttendee

    consultation = factory.SubFactory(ConsultationFactory)
    name = factory.Sequence(lambda n: f"Guest {n}")
    email = factory.Sequence(lambda n: f"guest{n}@example.org")
    minutes = 45


class CertificateFactory(factory.django.DjangoModelFactory):
    """A certificate issued to someone checked in, showing their display name."""

    class Meta:
        model = consultation_models.Certificate

    registration = factory.LazyAttribute(lambda o: CheckInFactory().registration)
    name = factory.LazyAttribute(lambda o: o.registration.user.profile.display_name)


class PersonalFeedFactory(factory.django.DjangoModelFactory):
    """A person's private calendar link."""

    class Meta:
        model = consultation_models.PersonalFeed

    user = _person()


class InvitationLetterFactory(factory.django.DjangoModelFactory):
    """A request for a visa invitation letter, waiting for the secretariat, for a confirmed place in the room at a
    meeting two months ahead (stay from the day before to the day after)."""

    class Meta:
        model = consultation_models.InvitationLetter

    registration = factory.LazyAttribute(
        lambda o: RegistrationFactory(
            consultation=ConsultationFactory(
                starts_at=timezone.now() + timedelta(days=60), ends_at=timezone.now() + timedelta(days=61)
            ),
            attendance="in_person",
            status=RegistrationStatus.REGISTERED,
        )
    )
    passport_name = "AMINA YUSUF"
    nationality = "NG"
    passport_number = "A12345678"
    passport_expiry = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=900))
    stay_from = factory.LazyAttribute(lambda o: o.registration.consultation.starts_at.date() - timedelta(days=1))
    stay_to = factory.LazyAttribute(lambda o: o.registration.consultation.ends_at.date() + timedelta(days=1))


def africa() -> review_models.Region:
    """The Africa region every ``make_consultation`` shares (its page is /regions/africa/)."""
    return review_models.Region.objects.filter(code="africa").first() or RegionFactory(
        code="africa", name="Africa", commission="ECA", commission_acronym="ECA"
    )


def shared_cycle() -> review_models.ReviewCycle:
    """The 2024-2025 cycle every ``make_consultation`` shares."""
    return review_models.ReviewCycle.objects.filter(code="2024-2025").first() or ReviewCycleFactory(
        code="2024-2025", name="2024-2025", start_year=2024, end_year=2025, imrf_year=2026
    )


def make_consultation(**fields):
    """An open consultation for Africa with 10 places in the room and 10 online, deadline in a week.

    Every one shares the Africa region and the 2024-2025 cycle; its calendar event is three months ahead.
    """

    if "event" not in fields:
        fields["event"] = EventFactory(region=africa(), cycle=shared_cycle())
    fields.setdefault("title", "Multi-stakeholder consultation for Africa")
    return ConsultationFactory(**fields)


# --- discussions -------------------------------------------------------------------------------------------


class SpaceFactory(factory.django.DjangoModelFactory):
    """A region's discussion space for a cycle; ``moderators=[...]`` assigns its moderators."""

    class Meta:
        model = discussion_models.Space
        skip_postgeneration_save = True

    region = factory.SubFactory(RegionFactory)
    cycle = factory.SubFactory(ReviewCycleFactory)
    title = factory.Sequence(lambda n: f"Discussion space {n}")

    @factory.post_generation
    def moderators(self, create, extracted, **kwargs):
        if create and extracted:
            self.moderators.add(*extracted)


class PhaseFactory(factory.django.DjangoModelFactory):
    """Phase 1 of a space, open: opened yesterday, closes in 20 days."""

    class Meta:
        model = discussion_models.Phase

    space = factory.SubFactory(SpaceFactory)
    number = 1
    opens_at = _now_plus(days=-1)
    closes_at = _now_plus(days=20)


class GuidingQuestionFactory(factory.django.DjangoModelFactory):
    """A guiding question of an open phase, in English (the language every other falls back to)."""

    class Meta:
        model = discussion_models.GuidingQuestion

    phase = factory.SubFactory(PhaseFactory)
    position = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"What works, and why? ({n})")
    text_en = factory.SelfAttribute("text")
    status = QuestionStatus.PUBLISHED


class QuestionCommentFactory(factory.django.DjangoModelFactory):
    """A comment of the region's team on a guiding question in preparation."""

    class Meta:
        model = discussion_models.QuestionComment

    question = factory.SubFactory(GuidingQuestionFactory, status=QuestionStatus.SHARED)
    author = _person(Role.TASK_TEAM)
    text = "Could it name domestic workers?"


class SpaceLinkFactory(factory.django.DjangoModelFactory):
    """An output of a discussion space, listed on its closing summary."""

    class Meta:
        model = discussion_models.SpaceLink

    space = factory.SubFactory("tests.factories.SpaceFactory")
    title = "Regional report"
    title_en = "Regional report"
    url = "https://example.org/report"


class TagFactory(factory.django.DjangoModelFactory):
    """A GCM objective numbered above the 23 real ones, so it never meets the seeded tags."""

    class Meta:
        model = discussion_models.Tag

    kind = TagKind.OBJECTIVE
    number = factory.Sequence(lambda n: 100 + n)
    name = factory.Sequence(lambda n: f"Objective {100 + n}")


def moderator_of(space) -> User:
    """The space's first moderator; a new one is assigned if it has none."""
    moderator = space.moderators.order_by("pk").first()
    if moderator is None:
        moderator = make_user(Role.MODERATOR)
        space.moderators.add(moderator)
    return moderator


class PostFactory(factory.django.DjangoModelFactory):
    """A post as ``discussions.services.post_create`` writes it: pending, revision 1, its text rendered, the
    author's name as shown, under a question of an open phase (space and phase follow the question).

    ``approved=True`` / ``rejected=True``: as ``post_moderate`` leaves it, with the moderator's decision (see
    ``ModerationDecisionFactory``). Edits, files and appeals are made through the services.
    """

    class Meta:
        model = Post
        skip_postgeneration_save = True

    class Params:
        approved = factory.Trait(
            decision=factory.RelatedFactory(
                "tests.factories.ModerationDecisionFactory", factory_related_name="post", to_status=PostStatus.APPROVED
            )
        )
        rejected = factory.Trait(
            decision=factory.RelatedFactory(
                "tests.factories.ModerationDecisionFactory",
                factory_related_name="post",
                to_status=PostStatus.REJECTED,
                reason="Off topic",
            )
        )

    question = factory.SubFactory(GuidingQuestionFactory)
    phase = factory.SelfAttribute("question.phase")
    space = factory.SelfAttribute("question.phase.space")
    author = _person()
    author_label = AuthorLabel.DISPLAY_NAME
    # The service's own rule for the name shown (hidden characters removed; the organisation if asked).
    shown_name = factory.LazyAttribute(lambda o: discussion_services._shown_name(o.author, o.author_label))
    language = "en"
    text = factory.Sequence(lambda n: f"Contribution {n}: what works is working together.")
    html = factory.LazyAttribute(lambda o: markup.render(o.text))
    status = PostStatus.PENDING
    submitted_at = factory.LazyFunction(timezone.now)


def _current(post) -> tuple[str, int]:
    """The post's status and revision as stored now (an instance in a test may be older)."""
    return Post.objects.values_list("status", "revision").get(pk=post.pk)


FILE_STATUS_OF_POST = {
    PostStatus.PENDING: FileStatus.PENDING,
    PostStatus.APPROVED: FileStatus.APPROVED,
    PostStatus.REJECTED: FileStatus.REFUSED,
}


class AttachmentFactory(factory.django.DjangoModelFactory):
    """A PDF added to the post's current revision, decided as that revision was (pending, approved, refused)."""

    class Meta:
        model = discussion_models.Attachment

    post = factory.SubFactory(PostFactory)
    file = factory.django.FileField(data=PDF_BYTES, filename="report.pdf")
    original_name = "report.pdf"
    content_type = "application/pdf"
    size = len(PDF_BYTES)
    revision = factory.LazyAttribute(lambda o: _current(o.post)[1])
    status = factory.LazyAttribute(lambda o: FILE_STATUS_OF_POST[_current(o.post)[0]])


class ModerationDecisionFactory(factory.django.DjangoModelFactory):
    """A moderator of the space approving a pending post, as ``discussions.services.post_moderate`` records it.

    The post takes the decided state as the service leaves it: approved (its text and tags published and
    searchable, its pending files approved) or rejected (with the reason, its pending files refused); the audit
    log has the decision. No e-mail is sent.
    """

    class Meta:
        model = discussion_models.ModerationDecision

    post = factory.SubFactory(PostFactory)
    moderator = factory.LazyAttribute(lambda o: moderator_of(o.post.space))
    from_status = factory.LazyAttribute(lambda o: _current(o.post)[0])
    to_status = PostStatus.APPROVED
    reason = ""

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        decision = super()._create(model_class, *args, **kwargs)
        post = decision.post
        post.refresh_from_db()
        post.status = decision.to_status
        files = discussion_models.Attachment.objects.filter(post=post, status=FileStatus.PENDING)
        if decision.to_status == PostStatus.APPROVED:
            post.rejection_reason = ""
            post.approved_html, post.approved_text = post.html, post.text
            post.approved_at = post.approved_at or decision.created_at
            post.tags.set(post.submitted_tags.all())
            files.update(status=FileStatus.APPROVED)
        else:
            post.rejection_reason = decision.reason
            files.update(status=FileStatus.REFUSED)
        post.save(update_fields=["status", "rejection_reason", "approved_html", "approved_text", "approved_at"])
        discussion_search.index_posts(Post.objects.filter(pk=post.pk))
        audit_record(actor=decision.moderator, action=AuditAction.MODERATION, target=post, detail=decision.to_status)
        return decision


def _first_refusal(post):
    decision = post.decisions.filter(to_status=PostStatus.REJECTED).order_by("-created_at", "-pk").first()
    return decision.moderator if decision else None


class AppealFactory(factory.django.DjangoModelFactory):
    """The author of a refused post asking for a second review, as ``discussions.services.appeal_create`` does."""

    class Meta:
        model = discussion_models.Appeal

    post = factory.SubFactory(PostFactory, rejected=True)
    revision = factory.LazyAttribute(lambda o: _current(o.post)[1])
    reason = "It is on topic."
    first_moderator = factory.LazyAttribute(lambda o: _first_refusal(o.post))
    outcome = AppealOutcome.OPEN


class SubscriptionFactory(factory.django.DjangoModelFactory):
    """A person following a whole space, sent everything approved until now."""

    class Meta:
        model = discussion_models.Subscription

    user = _person()
    space = factory.SubFactory(SpaceFactory)
    question = None


class AnalysisPaperFactory(factory.django.DjangoModelFactory):
    """A space's analysis paper, still a draft."""

    class Meta:
        model = discussion_models.AnalysisPaper

    space = factory.SubFactory(SpaceFactory)
    synthesis = "A draft synthesis."
    synthesis_en = factory.SelfAttribute("synthesis")


class TranslationFactory(factory.django.DjangoModelFactory):
    """A person's translation into French of the published text of an approved English post."""

    class Meta:
        model = portal_models.Translation
        exclude = ["post"]

    post = factory.SubFactory(PostFactory, approved=True)
    content_type = factory.LazyAttribute(lambda o: ContentType.objects.get_for_model(o.post))
    object_id = factory.SelfAttribute("post.pk")
    field = "approved_text"
    source_language = factory.SelfAttribute("post.language")
    language = "fr"
    source_digest = factory.LazyAttribute(lambda o: digest(Post.objects.get(pk=o.post.pk).approved_text))
    text = "Ce qui marche, c’est de travailler ensemble."
    kind = TranslationKind.HUMAN
    translator = _person()


# --- funding -----------------------------------------------------------------------------------------------


class CallFactory(factory.django.DjangoModelFactory):
    """A published call, open since yesterday and closing in 10 days; ``consultations=[...]``: the events it funds."""

    class Meta:
        model = funding_models.Call
        skip_postgeneration_save = True

    cycle = factory.SubFactory(ReviewCycleFactory)
    title = factory.Sequence(lambda n: f"Travel funding call {n}")
    budget = Decimal("3000")
    opens_at = _now_plus(days=-1)
    closes_at = _now_plus(days=10)
    published = True

    @factory.post_generation
    def consultations(self, create, extracted, **kwargs):
        if create and extracted:
            self.consultations.add(*extracted)


def application_data(consultation, **overrides) -> dict:
    """A complete application, as ``funding.services.application_save`` takes it."""
    data = {
        "consultation": consultation,
        "travelling_from": "KE",
        "travel_cost": Decimal("600"),
        "accommodation_cost": Decimal("300"),
        "daily_allowance": Decimal("100"),
        "justification": "We run the migrant workers' helpline in Nairobi.",
        "representation": "",
        "self_identification": [],
    }
    data.update(overrides)
    return data


# The states ApplicationFactory makes, each with the steps the services take to reach it.
APPLICATION_PATHS = {
    State.DRAFT: (("", State.DRAFT),),
    State.WITHDRAWN: (("", State.DRAFT), (State.DRAFT, State.WITHDRAWN)),
    State.SUBMITTED: (("", State.DRAFT), (State.DRAFT, State.SUBMITTED)),
    State.ELIGIBLE: (("", State.DRAFT), (State.DRAFT, State.SUBMITTED), (State.SUBMITTED, State.ELIGIBLE)),
    State.INELIGIBLE: (("", State.DRAFT), (State.DRAFT, State.SUBMITTED), (State.SUBMITTED, State.INELIGIBLE)),
}
SCREENING_REASON = "Travel from within the host country is not funded."


def _path(state: str):
    if state not in APPLICATION_PATHS:
        raise ValueError(
            f"ApplicationFactory makes {sorted(APPLICATION_PATHS)}: a {state} application comes from "
            "RecommendationFactory or funding.services"
        )
    return APPLICATION_PATHS[state]


def _consultation_of(call):
    return call.consultations.order_by("pk").first() or ConsultationFactory(event__cycle=call.cycle)


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A complete draft as ``funding.services.application_save`` writes it (with its first state change).

    ``state=submitted``, ``withdrawn``, ``eligible`` or ``ineligible``: as the services leave it, each step a
    state change by the person the workflow names (the applicant, then the secretariat, who is also in the
    audit log) and one revision more; a submitted one has its submission time. No e-mail is sent. The
    consultation is one the call funds.
    """

    class Meta:
        model = funding_models.Application
        skip_postgeneration_save = True

    call = factory.SubFactory(CallFactory)
    applicant = _person()
    consultation = factory.LazyAttribute(lambda o: _consultation_of(o.call))
    travelling_from = "KE"
    travel_cost = Decimal("600")
    accommodation_cost = Decimal("300")
    daily_allowance = Decimal("100")
    justification = "We run the migrant workers' helpline in Nairobi."
    state = State.DRAFT
    submitted_at = factory.LazyAttribute(
        lambda o: None if _path(o.state)[-1][1] in (State.DRAFT, State.WITHDRAWN) else timezone.now()
    )
    revision = factory.LazyAttribute(lambda o: len(_path(o.state)))

    @factory.post_generation
    def history(self, create, extracted, **kwargs):
        """The state changes the services wrote on the way (``history=False``: none)."""
        if not create or extracted is False:
            return
        screener = None
        for source, target in _path(self.state):
            if target in (State.ELIGIBLE, State.INELIGIBLE):
                screener = screener or make_user(Role.SECRETARIAT)
                reason = SCREENING_REASON if target == State.INELIGIBLE else ""
                funding_models.Transition.objects.create(
                    application=self, actor=screener, source=source, target=target, reason=reason
                )
                audit_record(
                    actor=screener, action=AuditAction.FUNDING_DECISION, target=self, detail=f"{source} → {target}"
                )
            else:
                funding_models.Transition.objects.create(
                    application=self, actor=self.applicant, source=source, target=target
                )


class TransitionFactory(factory.django.DjangoModelFactory):
    """One state change of an application: by default its submission by the applicant.

    An application's whole history comes with ``ApplicationFactory``; this one adds a single row to it.
    """

    class Meta:
        model = funding_models.Transition

    application = factory.SubFactory(ApplicationFactory, state=State.SUBMITTED, history=False)
    actor = factory.SelfAttribute("application.applicant")
    source = State.DRAFT
    target = State.SUBMITTED


class RecommendationFactory(factory.django.DjangoModelFactory):
    """An Executive Committee member recommending a screened application, as
    ``funding.services.recommendation_record`` records it.

    An application waiting for recommendations (eligible, recommended or not) follows the majority as the
    service makes it: its state (with the state change), its recommended amount, one revision more.
    """

    class Meta:
        model = funding_models.Recommendation

    application = factory.SubFactory(ApplicationFactory, state=State.ELIGIBLE)
    member = _person(Role.EXECUTIVE_COMMITTEE)
    recommend = True
    amount = factory.LazyAttribute(lambda o: Decimal("500") if o.recommend else None)
    comment = "A strong case for the region's migrant workers."

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        recommendation = super()._create(model_class, *args, **kwargs)
        application = recommendation.application
        application.refresh_from_db()
        if application.state not in (State.ELIGIBLE, State.RECOMMENDED, State.NOT_RECOMMENDED):
            return recommendation
        votes = list(application.recommendations.values_list("recommend", "amount"))
        yes = [amount for recommend, amount in votes if recommend]
        target = State.RECOMMENDED if len(yes) * 2 >= len(votes) else State.NOT_RECOMMENDED
        application.recommended_amount = (sum(yes) / len(yes)).quantize(Decimal("0.01")) if yes else None
        if target != application.state:
            funding_models.Transition.objects.create(
                application=application,
                actor=recommendation.member,
                source=application.state,
                target=target,
                reason=recommendation.comment,
                amount=recommendation.amount,
            )
            application.state = target
        application.revision += 1
        application.save(update_fields=["state", "recommended_amount", "revision"])
        audit_record(
            actor=recommendation.member,
            action=AuditAction.FUNDING_DECISION,
            target=application,
            detail="recommended" if recommendation.recommend else "not recommended",
        )
        return recommendation


class ConflictFactory(factory.django.DjangoModelFactory):
    """An Executive Committee member declaring a conflict with an organisation (its key is derived)."""

    class Meta:
        model = funding_models.Conflict

    member = _person(Role.EXECUTIVE_COMMITTEE)
    organisation = factory.Sequence(lambda n: f"Organisation {n}")
    note = "I sit on its board."


class FundingExportLogFactory(factory.django.DjangoModelFactory):
    """A secretariat member's CSV export of a call's applications, in the audit log as
    ``funding.services.export_log`` puts it."""

    class Meta:
        model = funding_models.ExportLog
        skip_postgeneration_save = True

    call = factory.SubFactory(CallFactory)
    user = _person(Role.SECRETARIAT)
    file_format = "csv"

    @factory.post_generation
    def audited(self, create, extracted, **kwargs):
        if create:
            detail = f"applications, {self.file_format}, {self.rows} rows"
            audit_record(actor=self.user, action=AuditAction.EXPORT, target=self.call, detail=detail)


# --- reminders ---------------------------------------------------------------------------------------------


def _registration_deadline_reminder_day(target: str):
    kind, _sep, pk = target.partition(":")
    deadline = Consultation.objects.filter(pk=pk).values_list("registration_deadline", flat=True).first()
    if kind != "consultation" or deadline is None:
        return timezone.localdate()
    return timezone.localdate(deadline) - DEADLINE_NOTICE


class ReminderFactory(factory.django.DjangoModelFactory):
    """A reminder of a consultation's registration deadline, due three days before it, waiting to be sent."""

    class Meta:
        model = reminder_models.Reminder

    recipient = _person()
    kind = "registration_deadline"
    target = factory.LazyFunction(lambda: f"consultation:{ConsultationFactory().pk}")
    due_on = factory.LazyAttribute(lambda o: _registration_deadline_reminder_day(o.target))
    state = ReminderState.PENDING


class PreferenceFactory(factory.django.DjangoModelFactory):
    """A person who turned the registration-deadline reminders off."""

    class Meta:
        model = reminder_models.Preference

    user = _person()
    kind = "registration_deadline"
    enabled = False


# --- what a page shows ---------------------------------------------------------------------------------------


def shown(obj) -> int:
    """The revision of ``obj`` as a decider's page shows it now (a post or a funding application)."""
    return type(obj).objects.values_list("revision", flat=True).get(pk=obj.pk)


def shown_versions(post_ids) -> dict[int, int]:
    """The revisions of these posts as the moderation queue shows them now."""

    return dict(Post.objects.filter(pk__in=list(post_ids)).values_list("pk", "revision"))


def shown_registrations(registrations) -> dict[int, str]:
    """The accreditation queue's versions of these registrations as it shows them now."""

    current = Registration.objects.filter(pk__in=[r.pk for r in registrations])
    return {r.pk: accreditation_version(registration=r) for r in current}
