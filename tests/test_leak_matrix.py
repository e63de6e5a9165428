"""The leak matrix over the whole portal: every path × every kind of viewer × every private state.

Unique markers are written into every private field (post text, author name,
attachment name and bytes, rejection reason; application justification,
amount, applicant name, organisation and e-mail, committee comment, conflict
note; registrant and speaker name, organisation, e-mail, topic and statement).
Each path is fetched as each viewer and every marker the viewer may not see
must be absent from the body: HTML, streamed CSV, XLSX cells, unfolded iCal,
the HTML a PDF is made from, e-mails. File URLs must not answer 200. Where
the viewer may see a field and the page is meant to show it, the marker must
be there, so the matrix proves it can fail.

Viewers: anonymous; stakeholder (a different one); owner (the post's author,
the applicant, the registrant or the person who offered to speak);
member_state; un_system; other_moderator (moderates another space);
space_moderator; secretariat; excom (Executive Committee member, who declared a
conflict with the "conflicted" application); chair (MPTF Steering Committee); task_team and focal_point (of the
consultation's region, Africa); focal_point_elsewhere (of another region).

Who may see what, and why:

Discussion posts (002 "Concept of the online Discussion Space")
  approved version: text, attachment   every signed-in viewer (thread, search, published list); the secretariat in
                                       the CSV; followers in digests. Reason: 002, viewing is for registered users.
  pending / rejected post, pending or  the owner and the space's moderators only (thread, attachment URL; the owner's
  rejected edit: text, author name,    edit page; the space moderators' queue and admin). Never search, published
  attachment, rejection reason         list, CSV, digest, analysis. Reason: 002, every comment is approved by a
                                       moderator before anyone sees it; DOMAIN "never show unapproved content".
  other moderators                     like any reader. Reason: a moderator decides only in their assigned spaces.
  analysis paper (draft), figures      secretariat and the space's moderators; counts approved posts only.

Funding applications (001 "Financial implications")
  draft, withdrawn draft (never        the applicant only. Reason: the committees work on submitted applications
  submitted)                           ("a draft is not considered", funding.selectors.reviewable).
  submitted and later states           the applicant; secretariat (screens, exports, admin); chair (decides); excom
                                       (recommends) unless they declared a conflict. Reason: 001, the Executive
                                       Committee recommends and the Chair decides; conflicted members step aside.
  committee recommendation comment     secretariat, chair, non-conflicted excom; never the applicant. Reason: internal
                                       deliberation (funding.views.application_detail blanks it).
  conflict note                        the secretariat in the administration only.
  dashboard                            secretariat, aggregates only: no name, text or single amount.

Consultation registrations and offers to speak (001 Annex 2, 004)
  who registered (name, organisation,  the registrant, the secretariat and the region's focal point (CSV/XLSX
                                       export, admin).
  e-mail, country, gender)             Reason: DOMAIN, the secretariat runs registrations and exports lists;
                                       "collect the least personal data that serves".
  offer to speak (topic, statement)    the person who offered (consultation page), the secretariat and the
                                       region's focal point (admin); name and topic to the region's task team
                                       (speakers' page, 001 Annex 2). A focal point of another region: nothing.
  selected speaker's organisation      everyone, on the public agenda (control).
  declined offer put on a session      nobody on the public agenda: the person was told they are not speaking.
  an XLSX export file                  only the secretariat member who made it.

GCM Talks and side events; requests for a briefing (000, 001, 003)
  talk waiting for a decision: title,  its proposer (talk page, editing page, "Your proposals"), the secretariat and
  outline, pledge recorded on it       the region's focal point (talk pages, pledges CSV). Never the talks list or
                                       calendar. Reason: the secretariat approves talks before they are public.
  approved talk: pledge, summary       everyone, on the talk's page (control).
  pledges CSV                          the secretariat and the region's focal point.
  request for a briefing (topic,       its requester ("My requests", its page), the secretariat and the region's
  needs, network)                      focal point (its page, the queue). Reason: a network's needs are its own.

After a meeting (000, 004)
  rapporteur's report, draft           the rapporteur and the consultation's organisers (the secretariat, the region's
                                       focal point). Reason: a draft is not yet the rapporteur's word.
  published report                     everyone (control).
  feedback answer (comment)            the organisers, in aggregate, on the results page and in its CSV; never with
                                       the name of who answered, never to the person (their copy records only that
                                       they answered). Reason: 000 feedback, given anonymously.

Pages every app shares
  home, calendar and its iCal feeds,   none of the above, to anybody. Reason: public pages and feeds carry the
  regions, lists, talks, calls         calendar and published content only.
  profile, copy of one's data (JSON)   a person's own name, organisation, e-mail and what they wrote or were told;
                                       a moderator's own reasons, a committee member's own conflict note; never an
                                       applicant's committee comment. Reason: a copy of what is held about oneself.
  digest, private calendar feed        what the person follows: others' approved posts (digest), the deadlines of
                                       the consultations and the closing of the phases; nothing of a question in
                                       preparation, nobody's registration. Reason: what a reader sees on the pages.
  admin audit and reminder logs        none of the above. Reason: they record who acted, not the content.
  admin user list                      the secretariat: names and e-mails. Reason: it manages accounts.
"""

import io
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

import factory
import pytest
import weasyprint
from django.core.cache import cache
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import TestCase
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from consultations import feedback, reports
from consultations import services as consultation_services
from consultations.certificates import certificate_token
from consultations.enums import InterestStatus
from consultations.exports import COLUMNS
from consultations.letters import letter_token
from consultations.models import Consultation, ExpressionOfInterest, Follow, PersonalFeed
from consultations.tasks import export_xlsx
from discussions import services as discussion_services
from discussions.analysis import PDF_FOLDER
from discussions.models import Phase, Space, SpaceLink, Subscription
from funding import services as funding_services
from funding.models import Call, Conflict
from portal import digest
from portal.enums import DigestFrequency, Role
from portal.models import Profile
from tests import worlds
from tests.factories import (
    BriefingRequestFactory,
    CertificateFactory,
    CheckInFactory,
    EventFactory,
    ExpressionOfInterestFactory,
    InputCallFactory,
    InvitationLetterFactory,
    ProposalFactory,
    RegionFactory,
    RegistrationFactory,
    SessionFactory,
    SpaceFactory,
    WrittenInputFactory,
    make_consultation,
    make_user,
    shown,
)

pytestmark = pytest.mark.django_db

VIEWERS = [
    "anonymous",
    "stakeholder",
    "owner",
    "member_state",
    "un_system",
    "other_moderator",
    "space_moderator",
    "secretariat",
    "excom",
    "chair",
    "task_team",
    "focal_point",
    "focal_point_elsewhere",
]
SIGNED_IN = frozenset(VIEWERS) - {"anonymous"}
# Who runs the consultation's registrations (dashboard, exports, admin): the secretariat, and the focal point of
# its region; a focal point of another region is like any reader there.
RUNS_REGISTRATIONS = ("secretariat", "focal_point")
# Who moderates the Africa spaces: their assigned moderator and the region's focal point.
MODERATES_HERE = ("space_moderator", "focal_point")


@dataclass
class Item:
    """One private thing in one state, with the marker written into each of its fields."""

    kind: str  # post, application, registration, offer
    state: str
    owner: object
    markers: dict[str, str]
    public: frozenset[str] = frozenset()  # fields that are public by design (controls)
    obj: object = None
    extra: dict = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.state}"


@dataclass
class World:
    users: dict
    items: list[Item]
    space: Space
    question: object
    consultation: object
    call: Call
    export_log: object

    def of(self, kinds) -> list[Item]:
        return [item for item in self.items if item.kind in kinds]

    def get(self, key: str) -> Item:
        return next(item for item in self.items if item.key == key)


def _pdf(name: str, body: str):
    return [(SimpleUploadedFile(name, f"%PDF-1.7 {body}".encode()), "application/pdf")]


def _post_items(question, space_moderator) -> list[Item]:
    items = []
    for state in ("pending", "rejected"):
        upper = state.upper()
        markers = {
            "name": f"SECRET-NAME-{upper}",
            "text": f"SECRET-TEXT-{upper}",
            "file": f"secret-file-{state}.pdf",
            "filebody": f"SECRET-FILEBODY-{upper}",
        }
        author = make_user(Role.STAKEHOLDER, display_name=markers["name"])
        post = discussion_services.post_create(
            question=question,
            author=author,
            text=f"{markers['text']} zebra{state}",
            language="en",
            files=_pdf(markers["file"], markers["filebody"]),
        )
        if state == "rejected":
            markers["reason"] = "SECRET-REASON-REJECTED"
            discussion_services.post_moderate(
                post=post,
                shown_revision=shown(post),
                by=space_moderator,
                approve=False,
                reason=markers["reason"],
            )
        items.append(Item("post", state, author, markers, obj=post, extra={"search": f"zebra{state}"}))

    markers = {
        "text": "PUBLIC-TEXT-APPROVED",
        "file": "public-file-approved.pdf",
        "filebody": "PUBLIC-FILEBODY-APPROVED",
    }
    author = make_user(Role.STAKEHOLDER, display_name="Author of the approved post")
    post = discussion_services.post_create(
        question=question,
        author=author,
        text=f"{markers['text']} zebraapproved",
        language="en",
        files=_pdf(markers["file"], markers["filebody"]),
    )
    discussion_services.post_moderate(post=post, shown_revision=shown(post), by=space_moderator, approve=True)
    items.append(
        Item(
            "post", "approved", author, markers, public=frozenset(markers), obj=post, extra={"search": "zebraapproved"}
        )
    )

    # An approved post edited: the edit (text and a new file) waits, or was rejected; the approved version stays.
    for state in ("edit_pending", "edit_rejected"):
        upper = state.upper().replace("_", "")
        author = make_user(Role.STAKEHOLDER, display_name=f"Author of the {state} post")
        post = discussion_services.post_create(
            question=question, author=author, text=f"Published words zebrapublic{upper.lower()}", language="en"
        )
        discussion_services.post_moderate(post=post, shown_revision=shown(post), by=space_moderator, approve=True)
        markers = {
            "text": f"SECRET-TEXT-{upper}",
            "file": f"secret-file-{state}.pdf",
            "filebody": f"SECRET-FILEBODY-{upper}",
        }
        discussion_services.post_edit(
            post=post,
            author=author,
            text=f"{markers['text']} zebra{upper.lower()}",
            files=_pdf(markers["file"], markers["filebody"]),
        )
        if state == "edit_rejected":
            markers["reason"] = "SECRET-REASON-EDITREJECTED"
            discussion_services.post_moderate(
                post=post,
                shown_revision=shown(post),
                by=space_moderator,
                approve=False,
                reason=markers["reason"],
            )
        items.append(Item("post", state, author, markers, obj=post, extra={"search": f"zebra{upper.lower()}"}))
    return items


AMOUNTS = {
    "draft": "611.17",
    "withdrawn_draft": "622.17",
    "submitted": "633.17",
    "recommended": "644.17",
    "conflicted": "655.17",
}


def _application_items(call, consultation, users) -> list[Item]:
    items = []
    for state, amount in AMOUNTS.items():
        upper = state.upper().replace("_", "")
        markers = {
            "name": f"SECRET-NAME-{upper}",
            "org": f"SECRET-ORG-{upper}",
            "email": f"secret-email-{state.replace('_', '')}@example.org",
            "justification": f"SECRET-JUSTIFICATION-{upper}",
            "amount": amount,
        }
        applicant = make_user(
            Role.STAKEHOLDER, display_name=markers["name"], organisation=markers["org"], user__email=markers["email"]
        )
        application = funding_services.application_save(
            call=call,
            applicant=applicant,
            data={
                "consultation": consultation,
                "travelling_from": "KE",
                "travel_cost": Decimal(amount),
                "justification": markers["justification"],
            },
        )
        if state == "withdrawn_draft":
            funding_services.application_withdraw(application=application, applicant=applicant)
        elif state != "draft":
            application = funding_services.application_submit(application=application, applicant=applicant)
        if state in ("recommended", "conflicted"):
            funding_services.application_screen(
                application=application, shown_revision=shown(application), by=users["secretariat"], eligible=True
            )
        if state == "recommended":
            markers["comment"] = "SECRET-COMMENT-RECOMMENDED"
            funding_services.recommendation_record(
                application=application,
                shown_revision=shown(application),
                by=users["recommender"],
                recommend=True,
                amount=Decimal("500"),
                comment=markers["comment"],
            )
        if state == "conflicted":
            markers["note"] = "SECRET-NOTE-CONFLICTED"
            conflict = funding_services.conflict_declare(
                by=users["excom"], application=application, note=markers["note"]
            )
            items.append(Item("application", state, applicant, markers, obj=application, extra={"conflict": conflict}))
            continue
        items.append(Item("application", state, applicant, markers, obj=application))
    return items


def _consultation_items(consultation) -> list[Item]:
    markers = {
        "name": "SECRET-NAME-REGISTERED",
        "org": "SECRET-ORG-REGISTERED",
        "email": "secret-email-registered@example.org",
    }
    registrant = make_user(
        Role.STAKEHOLDER,
        display_name=markers["name"],
        organisation=markers["org"],
        user__email=markers["email"],
        gender="woman",
    )
    registration = consultation_services.registration_create(
        consultation=consultation, user=registrant, attendance="in_person"
    )
    items = [Item("registration", "registered", registrant, markers, obj=registration)]

    roundtable = SessionFactory(consultation=consultation, position=1, kind="roundtable", title="Roundtable")
    for state, status in (
        ("received", InterestStatus.RECEIVED),
        ("declined", InterestStatus.NOT_SELECTED),
        ("selected", InterestStatus.SELECTED),
    ):
        upper = state.upper()
        markers = {
            "name": f"SECRET-NAME-{upper}",
            "org": f"SECRET-ORG-{upper}",
            "email": f"secret-email-{state}@example.org",
            "topic": f"SECRET-TOPIC-{upper}",
            "statement": f"SECRET-STATEMENT-{upper}",
        }
        public = frozenset()
        if state == "selected":
            markers["org"] = "PUBLIC-ORG-SELECTED"
            public = frozenset({"org"})
        speaker = make_user(
            Role.STAKEHOLDER, display_name=markers["name"], organisation=markers["org"], user__email=markers["email"]
        )
        interest = consultation_services.interest_create(
            consultation=consultation,
            user=speaker,
            role="panel",
            session=roundtable,
            topic=markers["topic"],
            statement=markers["statement"],
        )
        ExpressionOfInterest.objects.filter(pk=interest.pk).update(status=status)
        if state != "received":
            # Put on the agenda by the secretariat; the declined one stayed there after the speakers' list was saved.
            roundtable.speakers.add(interest)
        items.append(Item("offer", state, speaker, markers, public=public, obj=interest))
    return items


def _input_items(consultation) -> list[Item]:
    """A written input to the region's call in each state of its screening (004)."""
    call = InputCallFactory(region=consultation.event.region, cycle=consultation.event.cycle, title="Inputs call")
    items = []
    for state in ("submitted", "declined", "published"):
        upper = state.upper()
        markers = {
            "title": f"SECRET-INPUT-TITLE-{upper}",
            "summary": f"SECRET-INPUT-SUMMARY-{upper}",
            "onbehalf": f"SECRET-INPUT-ORG-{upper}",
            "filebody": f"SECRET-INPUT-FILE-{upper}",
        }
        written = WrittenInputFactory(
            call=call,
            status=state,
            title=markers["title"],
            summary=markers["summary"],
            organisation=markers["onbehalf"],
            file=factory.django.FileField(data=f"%PDF-1.7 {markers['filebody']}".encode(), filename="input.pdf"),
        )
        public = frozenset(markers) if state == "published" else frozenset()
        items.append(Item("input", state, written.author, markers, public=public, obj=written))
    return items


def _talk_and_briefing_items(consultation, users) -> list[Item]:
    """A GCM Talk waiting for the secretariat, with a pledge its proposer recorded already; an approved one with
    its pledge and summary (public: the control); a request for a briefing waiting for an answer (000)."""
    region = consultation.event.region
    markers = {"title": "SECRET-TALK-TITLE", "outline": "SECRET-TALK-OUTLINE", "pledge": "SECRET-TALK-PLEDGE"}
    proposer = make_user(Role.STAKEHOLDER)
    pending = ProposalFactory(proposed_by=proposer, region=region, title=markers["title"], outline=markers["outline"])
    consultation_services.pledge_add(proposal=pending, by=proposer, pledged_by="A State", text=markers["pledge"])
    items = [Item("talk", "pending", proposer, markers, obj=pending)]

    markers = {"pledge": "PUBLIC-TALK-PLEDGE", "summary": "PUBLIC-TALK-SUMMARY"}
    proposer = make_user(Role.STAKEHOLDER)
    approved = consultation_services.proposal_decide(
        proposal=ProposalFactory(proposed_by=proposer, region=region, title="An approved talk"),
        by=users["secretariat"],
        approve=True,
    )
    consultation_services.pledge_add(proposal=approved, by=proposer, pledged_by="A State", text=markers["pledge"])
    consultation_services.talk_summary_post(proposal=approved, by=proposer, summary=markers["summary"])
    items.append(Item("talk", "approved", proposer, markers, public=frozenset(markers), obj=approved))

    markers = {
        "topic": "SECRET-BRIEFING-TOPIC",
        "needs": "SECRET-BRIEFING-NEEDS",
        "network": "SECRET-BRIEFING-NETWORK",
    }
    request = BriefingRequestFactory(
        region=region, topic=markers["topic"], needs=markers["needs"], network=markers["network"]
    )
    items.append(Item("briefing", "pending", request.requester, markers, obj=request))
    return items


def _after_meeting_items(consultation) -> list[Item]:
    """Two consultations of the region held yesterday: one with its rapporteur's report in draft, one with it
    published; and a held meeting with three feedback answers, one of them with a comment (000, 004)."""
    event = consultation.event
    yesterday = timezone.now() - timedelta(days=1)
    items = []
    for state in ("draft", "published"):
        upper = state.upper()
        markers = {"text": f"SECRET-REPORT-TEXT-{upper}", "title": f"SECRET-REPORT-TITLE-{upper}"}
        held = make_consultation(
            event=EventFactory(region=event.region, cycle=event.cycle), title=f"Held {state}", starts_at=yesterday
        )
        rapporteur = make_user(Role.STAKEHOLDER)
        ExpressionOfInterestFactory(consultation=held, user=rapporteur, role="rapporteur", status="selected")
        report = reports.report_save(
            consultation=held,
            by=rapporteur,
            language="en",
            title=markers["title"],
            text=markers["text"],
            shown_revision=0,
        )
        if state == "published":
            reports.report_publish(report=report, by=rapporteur, shown_revision=1)
        public = frozenset(markers) if state == "published" else frozenset()
        items.append(Item("report", state, rapporteur, markers, public=public, obj=report))
    held = make_consultation(
        event=EventFactory(region=event.region, cycle=event.cycle),
        title="Held with feedback",
        starts_at=yesterday - timedelta(hours=5),
        ends_at=yesterday,
    )
    markers = {"comment": "SECRET-FEEDBACK-COMMENT", "name": "SECRET-FEEDBACK-NAME"}
    answerer = make_user(Role.STAKEHOLDER, display_name=markers["name"])
    for person in (answerer, make_user(Role.STAKEHOLDER), make_user(Role.STAKEHOLDER)):
        RegistrationFactory(consultation=held, user=person, status="registered")
        comment = markers["comment"] if person == answerer else ""
        feedback.feedback_submit(consultation=held, user=person, answers={"overall": 4, "comment": comment})
    items.append(Item("feedback", "answered", answerer, markers, obj=held))
    return items


def _attendance_items(consultation, users) -> list[Item]:
    """A person checked in at a meeting held yesterday, with a certificate; two requests for a visa invitation
    letter for the open consultation, one waiting and one approved, with passport details (attendance issue)."""
    event = consultation.event
    items = []
    markers = {"name": "SECRET-ATTENDEE-NAME"}
    attendee = make_user(Role.STAKEHOLDER, display_name=markers["name"])
    held = make_consultation(
        event=EventFactory(region=event.region, cycle=event.cycle),
        title="Held with attendance",
        starts_at=timezone.now() - timedelta(days=1, hours=5),
        ends_at=timezone.now() - timedelta(days=1),
    )
    registration = RegistrationFactory(consultation=held, user=attendee, status="registered", attendance="in_person")
    CheckInFactory(registration=registration, recorded_by=users["secretariat"])
    certificate = CertificateFactory(registration=registration)
    markers["code"] = registration.code
    items.append(Item("attendance", "present", attendee, markers, obj=registration, extra={"cert": certificate}))
    day = timezone.localdate() + timedelta(days=60)
    for state in ("requested", "approved"):
        upper = state.upper()
        markers = {"pname": f"SECRET-PASSPORT-NAME-{upper}", "pnumber": f"SECRETNO{upper[:6]}"}
        requester = make_user(Role.STAKEHOLDER)
        letter = InvitationLetterFactory(
            registration=RegistrationFactory(
                consultation=consultation, user=requester, status="registered", attendance="in_person"
            ),
            passport_name=markers["pname"],
            passport_number=markers["pnumber"],
            stay_from=day,
            stay_to=day + timedelta(days=3),
            status=state,
            decided_by=users["secretariat"] if state == "approved" else None,
        )
        items.append(Item("letter", state, requester, markers, obj=letter))
    return items


def _question_items(space, question, users) -> list[Item]:
    """Guiding questions in preparation (002: "shared with regional Network colleagues for feedback and comments
    before posting them"), each commented on by a member of the region's team; and the space's closing summary,
    written but not published."""
    region = space.region
    items = []
    for state, role in (("draft", Role.FOCAL_POINT), ("shared", Role.TASK_TEAM)):
        upper = state.upper()
        markers = {"text": f"SECRET-QUESTION-{upper}", "comment": f"SECRET-COMMENT-{upper}"}
        commenter = make_user(role, regions=[region])
        drafted = discussion_services.question_create(
            phase=question.phase, by=users["secretariat"], texts={"en": f"{markers['text']} zebraquestion?"}
        )
        if state == "shared":
            discussion_services.question_share(question=drafted, by=users["secretariat"], shown_revision=1)
        discussion_services.question_comment_create(question=drafted, author=commenter, text=markers["comment"])
        items.append(Item("question", state, commenter, markers, obj=drafted))
    markers = {"summary": "SECRET-CLOSING-SUMMARY", "link": "SECRET-CLOSING-LINK"}
    Space.objects.filter(pk=space.pk).update(summary=markers["summary"], summary_en=markers["summary"])
    SpaceLink.objects.create(space=space, title=markers["link"], title_en=markers["link"], note="On request.")
    items.append(Item("closing", "unpublished", make_user(Role.TASK_TEAM, regions=[region]), markers, obj=space))
    return items


def _build() -> World:
    users = {
        "stakeholder": make_user(Role.STAKEHOLDER),
        "member_state": make_user(Role.MEMBER_STATE),
        "un_system": make_user(Role.UN_SYSTEM),
        "other_moderator": make_user(Role.MODERATOR),
        "space_moderator": make_user(Role.MODERATOR),
        "secretariat": make_user(Role.SECRETARIAT),
        "excom": make_user(Role.EXECUTIVE_COMMITTEE),
        "chair": make_user(Role.MPTF_CHAIR),
        "recommender": make_user(Role.EXECUTIVE_COMMITTEE),
        "export_maker": make_user(Role.SECRETARIAT),
    }
    stage = worlds.stage(
        moderator=users["space_moderator"],
        questions=("What works?", "What does not?"),
        title="Consultation for Africa",
    )
    consultation, space, question, call = stage.consultation, stage.space, stage.question, stage.call
    region = consultation.event.region
    users["task_team"] = make_user(Role.TASK_TEAM, regions=[region])
    users["focal_point"] = make_user(Role.FOCAL_POINT, regions=[region])
    users["focal_point_elsewhere"] = make_user(Role.FOCAL_POINT, regions=[RegionFactory()])
    # The same region's space of another cycle, moderated by the other moderator.
    SpaceFactory(region=consultation.event.region, title="Another space", moderators=[users["other_moderator"]])

    items = [
        *_post_items(question, users["space_moderator"]),
        *_application_items(call, consultation, users),
        *_consultation_items(consultation),
        *_input_items(consultation),
        *_question_items(space, question, users),
        *_talk_and_briefing_items(consultation, users),
        *_after_meeting_items(consultation),
        *_attendance_items(consultation, users),
    ]
    # An XLSX registration list another secretariat member made: the file is theirs alone.
    log = consultation_services.export_log(
        consultation=consultation,
        user=users["export_maker"],
        file_format="xlsx",
        filters={},
        columns=list(COLUMNS),
        rows=1,
        running=True,
    )
    export_xlsx(log_id=log.pk)
    return World(users, items, space, question, consultation, call, log)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction that is rolled back at the end; each test runs in a savepoint."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _build()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


# --- Reading a response -------------------------------------------------------------------------------------


def body_of(response) -> str:
    """Everything a person would read in a response: streamed bodies joined, XLSX cells, unfolded iCal."""
    if response.status_code != 200:
        return ""
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    content_type = response.get("Content-Type", "")
    if "spreadsheetml" in content_type:
        workbook = load_workbook(io.BytesIO(raw), read_only=True)
        return "\n".join(
            str(value)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    if content_type == "application/pdf" and raw.rstrip().endswith(b"%%EOF"):
        # A PDF the portal made (a certificate, a letter): its text. Uploaded files are served as they are.
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(raw)).pages)
    text = raw.decode("utf-8-sig", errors="replace")
    if "text/calendar" in content_type:
        text = text.replace("\r\n ", "").replace("\r\n\t", "")
    return text


# --- Who may see what ------------------------------------------------------------------------------------------


def never(viewer, item, name) -> bool:
    """Public pages, feeds, logs and dashboards of aggregates: no private field, for anybody."""
    return False


def reads_current_post(viewer, item, name) -> bool:
    """The version last submitted: its author and the space's moderators; the approved one, every reader."""
    return viewer in ("owner", *MODERATES_HERE) or (name in item.public and viewer in SIGNED_IN)


def reads_published_post(viewer, item, name) -> bool:
    """Search, the published list and exports read the approved version only, for everybody."""
    return name in item.public and viewer in SIGNED_IN


def translates_published(viewer, item, name) -> bool:
    """The translator's page: the approved version, to those who translate the space (here its moderators)."""
    return viewer in MODERATES_HERE and name in item.public


def moderates_pending(viewer, item, name) -> bool:
    """The queue: what waits for a decision, to the moderators of its space."""
    return viewer in MODERATES_HERE and item.state in ("pending", "edit_pending")


def space_moderator(viewer, item, name) -> bool:
    """The posts admin: everything of a space, to its moderators (other moderators see their own spaces) and the
    region's focal point."""
    return viewer in MODERATES_HERE


def secretariat_reads_published(viewer, item, name) -> bool:
    """The CSV for the analysis: approved versions, for the secretariat."""
    return viewer == "secretariat" and name in item.public


def owner(viewer, item, name) -> bool:
    """Pages about one's own things (edit a post, my applications)."""
    return viewer == "owner"


def owner_of_draft(viewer, item, name) -> bool:
    """The application form holds the applicant's draft; once submitted it sends them to the application."""
    return viewer == "owner" and item.state == "draft"


def applicant_reads(viewer, item, name) -> bool:
    """The applicant reads what they sent, not the committee's comments nor conflicts."""
    return viewer == "owner" and name not in ("comment", "note")


REVIEWABLE = ("submitted", "recommended", "conflicted")

# The region's team of the Africa space: who drafts its guiding questions (the secretariat, its moderator, the
# region's focal point), and the region's task team, who reads and comments on the shared ones. The owner of a
# question item is the team member who commented on it (a focal point on the draft, a task team member on the
# shared one); the owner of the closing summary is a task team member of the region.
DRAFTS_HERE = ("secretariat", *MODERATES_HERE)
TEAM_HERE = (*DRAFTS_HERE, "task_team")


def reads_question_draft(viewer, item, name) -> bool:
    """A draft question is its drafters'; a shared one the region's team's (002). Nobody else's, ever."""
    if viewer == "owner":
        return True
    return viewer in (DRAFTS_HERE if item.state == "draft" else TEAM_HERE)


def reads_closing_draft(viewer, item, name) -> bool:
    """The closing summary before publication: the region's team's (002: prepared "with the support of the
    moderation team")."""
    return viewer == "owner" or viewer in TEAM_HERE


def reviews(viewer, item, name) -> bool:
    """Submitted applications: secretariat and chair; excom unless conflicted. Conflict notes are not shown."""
    if item.state not in REVIEWABLE or name == "note":
        return False
    return viewer in ("secretariat", "chair") or (viewer == "excom" and item.state != "conflicted")


def secretariat_on_submitted(viewer, item, name) -> bool:
    """Exports and the admin: submitted applications, for the secretariat."""
    return viewer == "secretariat" and item.state in REVIEWABLE


def secretariat_on_conflict(viewer, item, name) -> bool:
    """Declared conflicts: the secretariat, in the admin."""
    return viewer == "secretariat" and item.state == "conflicted"


def secretariat(viewer, item, name) -> bool:
    """Registrations and offers to speak: the secretariat and the region's focal point run them (exports, admin)."""
    return viewer in RUNS_REGISTRATIONS


def chooses_speakers(viewer, item, name) -> bool:
    """Offers to speak, on the speakers' page: the secretariat and the region's task team (001 Annex 2)."""
    return item.kind == "offer" and viewer in ("secretariat", "task_team") and name != "statement"


def reads_input(viewer, item, name) -> bool:
    """A written input: everybody once published; its sender and its screeners (the secretariat and the region's
    focal point) before. Reason: 004, inputs are "posted on the regional landing page" after screening."""
    return item.state == "published" or viewer == "owner" or viewer in RUNS_REGISTRATIONS


def input_call_page(viewer, item, name) -> bool:
    """The call's page lists published inputs; the sender sees the title of their own in any state."""
    return item.state == "published" or (viewer == "owner" and name == "title")


def screens_inputs(viewer, item, name) -> bool:
    """The administration's input lists: title and organisation, to the secretariat and the region's focal point."""
    return viewer in RUNS_REGISTRATIONS and name in ("title", "onbehalf")


def reads_report(viewer, item, name) -> bool:
    """A rapporteur's report: everybody once published; before, the rapporteur and the organisers (004)."""
    return item.state == "published" or viewer == "owner" or viewer in RUNS_REGISTRATIONS


def reads_feedback(viewer, item, name) -> bool:
    """Feedback answers: their comments to the organisers, never who wrote them (000)."""
    return viewer in RUNS_REGISTRATIONS and name == "comment"


def reads_talk(viewer, item, name) -> bool:
    """A GCM Talk or side event: everybody once approved; before, its proposer and those who decide on it (the
    secretariat, the region's focal point). Reason: 000, the secretariat approves talks before they are public."""
    return item.state == "approved" or viewer == "owner" or viewer in RUNS_REGISTRATIONS


def edits_talk(viewer, item, name) -> bool:
    """The talk's editing page: its proposer, the secretariat and the region's focal point."""
    return viewer == "owner" or viewer in RUNS_REGISTRATIONS


def exports_pledges(viewer, item, name) -> bool:
    """The pledges CSV: every pledge with its talk's title, for the secretariat and the region's focal point."""
    return viewer in RUNS_REGISTRATIONS and name in ("pledge", "title")


def reads_briefing(viewer, item, name) -> bool:
    """A request for a briefing: its requester and those who answer it (the secretariat, the region's focal
    point). Reason: 000, requests go to the Network secretariat; a network's needs are not published."""
    return viewer == "owner" or viewer in RUNS_REGISTRATIONS


def reads_letter(viewer, item, name) -> bool:
    """Passport details: the requester and the secretariat, nobody else (not the region's focal point)."""
    return viewer in ("owner", "secretariat")


def holds_verification_link(viewer, item, name) -> bool:
    """A verification page shows the name printed on the document to whoever holds its link (the visa office,
    an employer): a certificate's name, an approved letter's name as in the passport. Never a passport number."""
    if item.kind == "attendance":
        return name == "name"
    return item.state == "approved" and name == "pname"


def own_proposal_title(viewer, item, name) -> bool:
    """The talks page reminds the proposer of their own proposal waiting for a decision."""
    return viewer == "owner" and item.kind == "talk" and name == "title"


def public_field(viewer, item, name) -> bool:
    """The public agenda: a selected speaker's organisation, to everybody."""
    return name in item.public


def own_topic(viewer, item, name) -> bool:
    """The consultation page reminds a person of their own offer to speak."""
    return viewer == "owner" and name == "topic"


def own_identity(viewer, item, name) -> bool:
    """The profile pages: one's own name, organisation and e-mail."""
    return viewer == "owner" and name in ("name", "org", "email")


def own_data(viewer, item, name) -> bool:
    """A copy of one's data: what one wrote or was told, plus one's own records about others' items
    (a moderator's reasons, a committee member's conflict note). Not one's feedback answer: it is tied to nobody."""
    if viewer == "owner" and item.kind == "feedback":
        return name == "name"
    if viewer == "owner":
        return item.kind != "application" or applicant_reads(viewer, item, name)
    # The spaces a moderator moderates are listed in their copy, the space's summary being written included.
    if item.kind == "closing":
        return viewer == "space_moderator"
    return (viewer == "space_moderator" and name == "reason") or (viewer == "excom" and name == "note")


# --- The paths ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Path:
    url: Callable[[World, Item], str]
    kinds: tuple[str, ...]
    sees: Callable[[str, Item, str], bool]
    # "kind.field" pairs the page renders when the viewer may see them ("*.field": any kind).
    shows: frozenset[str] = frozenset()
    file: bool = False  # a file URL: 200 exactly for those who may see the file
    fetch: Callable | None = None
    shown_to: frozenset[str] | None = None  # viewers the page renders for at all (None: all who may see)

    def rendered(self, viewer: str, item: Item, name: str) -> bool:
        if self.shown_to is not None and viewer not in self.shown_to:
            return False
        return f"{item.kind}.{name}" in self.shows or f"*.{name}" in self.shows


def _refused_post(client, world: World, item: Item) -> str:
    """A post refused by the form comes back with the thread (status 400): the same posts as the thread."""
    response = client.post(f"{_d(world)}/questions/{world.question.pk}/post/", {"text": ""})
    return response.content.decode() if response.status_code == 400 else body_of(response)


def _xlsx_registrations(client, world: World, item: Item) -> str:
    """Ask for the XLSX list (built by Celery on commit), follow to the status page and download the file."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        started = client.post(
            f"/en/consultations/{world.consultation.pk}/registrations.xlsx", {"columns": list(COLUMNS)}
        )
    if started.status_code != 302 or "/exports/" not in started["Location"]:
        return body_of(started)
    status_page = client.get(started["Location"])
    download = client.get(started["Location"].rstrip("/") + "/download/")
    assert download.status_code == 200, "the secretariat downloads its own export"
    return body_of(status_page) + body_of(download)


ALL_KINDS = (
    "post",
    "application",
    "registration",
    "offer",
    "input",
    "question",
    "closing",
    "talk",
    "briefing",
    "report",
    "feedback",
    "attendance",
    "letter",
)
REPORT = ("report",)
ATTENDANCE = ("attendance",)
LETTER = ("letter",)
ATTENDANCE_AND_LETTERS = (*ATTENDANCE, *LETTER)
FEEDBACK = ("feedback",)
TALK = ("talk",)
BRIEFING = ("briefing",)
POST = ("post",)
APPLICATION = ("application",)
PEOPLE = ("registration", "offer")
INPUT = ("input",)
QUESTION = ("question",)
CLOSING = ("closing",)


def _d(world, item=None) -> str:
    return f"/en/discussions/{world.space.pk}"


def _f(world, item=None) -> str:
    return f"/en/funding/calls/{world.call.pk}"


def _c(world, item=None) -> str:
    return f"/en/consultations/{world.consultation.pk}"


def _sweep(url: str, sees=never, shows=frozenset()) -> Path:
    return Path(lambda w, i: url.format(w=w), ALL_KINDS, sees, frozenset(shows))


PATHS: dict[str, Path] = {
    # Discussion spaces
    "discussions/thread": Path(
        lambda w, i: f"{_d(w)}/questions/{w.question.pk}/",
        POST,
        reads_current_post,
        frozenset({"post.text", "post.name", "post.file", "post.reason"}),
    ),
    "discussions/thread-after-refused-post": Path(
        lambda w, i: f"{_d(w)}/questions/{w.question.pk}/post/",
        POST,
        reads_current_post,
        frozenset({"post.text", "post.name", "post.file", "post.reason"}),
        fetch=_refused_post,
        # Only those who may post get a form back (002); others are refused before the form is read.
        shown_to=frozenset({"stakeholder", "un_system", "owner", "space_moderator"}),
    ),
    "discussions/space": Path(lambda w, i: f"{_d(w)}/", POST, never),
    "discussions/search": Path(
        lambda w, i: f"{_d(w)}/posts/?q={i.extra['search']}",
        POST,
        reads_published_post,
        frozenset({"post.text", "post.file"}),
    ),
    "discussions/published-list": Path(
        lambda w, i: f"{_d(w)}/posts/", POST, reads_published_post, frozenset({"post.text", "post.file"})
    ),
    "discussions/attachment-url": Path(
        lambda w, i: f"/en/discussions/attachments/{i.obj.attachments.order_by('-pk').first().pk}/",
        POST,
        reads_current_post,
        frozenset({"post.filebody"}),
        file=True,
    ),
    "discussions/moderation-queue": Path(
        lambda w, i: "/en/discussions/moderation/",
        POST,
        moderates_pending,
        frozenset({"post.text", "post.name", "post.file"}),
    ),
    "discussions/edit-page": Path(
        lambda w, i: f"/en/discussions/posts/{i.obj.pk}/edit/", POST, owner, frozenset({"post.text", "post.reason"})
    ),
    "discussions/translate-page": Path(
        lambda w, i: f"/en/discussions/posts/{i.obj.pk}/translate/?language=fr",
        POST,
        translates_published,
        frozenset({"post.text"}),
    ),
    "discussions/csv-export": Path(
        lambda w, i: f"{_d(w)}/export/", POST, secretariat_reads_published, frozenset({"post.text"})
    ),
    "admin/post-changelist": Path(
        lambda w, i: "/en/admin/discussions/post/", POST, space_moderator, frozenset({"post.name"})
    ),
    "admin/pendingpost-changelist": Path(
        lambda w, i: "/en/admin/discussions/pendingpost/", POST, moderates_pending, frozenset({"post.name"})
    ),
    "admin/post-change": Path(
        lambda w, i: f"/en/admin/discussions/post/{i.obj.pk}/change/",
        POST,
        space_moderator,
        frozenset({"post.text", "post.name", "post.reason"}),
    ),
    "admin/post-history": Path(
        lambda w, i: f"/en/admin/discussions/post/{i.obj.pk}/history/", POST, space_moderator, frozenset({"post.name"})
    ),
    # Guiding questions in preparation and the closing summary (002)
    "discussions/drafting": Path(
        lambda w, i: f"{_d(w)}/drafting/", QUESTION, reads_question_draft, frozenset({"question.text"})
    ),
    "discussions/draft": Path(
        lambda w, i: i.obj.get_draft_url(),
        QUESTION,
        reads_question_draft,
        frozenset({"question.text", "question.comment"}),
    ),
    "discussions/question-page-of-a-draft": Path(lambda w, i: f"{_d(w)}/questions/{i.obj.pk}/", QUESTION, never),
    "discussions/space-with-drafts": Path(lambda w, i: f"{_d(w)}/", (*QUESTION, *CLOSING), never),
    # The search's question filter offers published questions only.
    "discussions/search-with-drafts": Path(lambda w, i: f"{_d(w)}/posts/?q=zebraquestion", QUESTION, never),
    "discussions/analysis-with-drafts": Path(lambda w, i: f"{_d(w)}/analysis/", QUESTION, never),
    "discussions/closing": Path(
        lambda w, i: f"{_d(w)}/closing/",
        (*QUESTION, *CLOSING),
        lambda v, i, n: i.kind == "closing" and reads_closing_draft(v, i, n),
        frozenset({"closing.summary", "closing.link"}),
    ),
    # Funding
    "funding/call": Path(lambda w, i: f"{_f(w)}/", APPLICATION, never),
    "funding/apply-page": Path(
        lambda w, i: f"{_f(w)}/apply/",
        APPLICATION,
        owner_of_draft,
        frozenset({"application.justification", "application.amount"}),
    ),
    "funding/my-applications": Path(lambda w, i: "/en/funding/applications/", APPLICATION, owner),
    "funding/application-detail": Path(
        lambda w, i: f"/en/funding/applications/{i.obj.pk}/",
        APPLICATION,
        applicant_reads,
        frozenset({"application.justification", "application.amount"}),
    ),
    "funding/review-list": Path(
        lambda w, i: f"{_f(w)}/review/",
        APPLICATION,
        reviews,
        frozenset({"application.name", "application.org", "application.amount"}),
    ),
    "funding/review-detail": Path(
        lambda w, i: f"/en/funding/applications/{i.obj.pk}/review/",
        APPLICATION,
        reviews,
        frozenset(
            {
                "application.name",
                "application.org",
                "application.justification",
                "application.amount",
                "application.comment",
            }
        ),
    ),
    "funding/dashboard": Path(lambda w, i: f"{_f(w)}/dashboard/", APPLICATION, never),
    "funding/csv-export": Path(
        lambda w, i: f"{_f(w)}/export.csv",
        APPLICATION,
        secretariat_on_submitted,
        frozenset({"application.name", "application.org", "application.amount"}),
    ),
    "funding/xlsx-export": Path(
        lambda w, i: f"{_f(w)}/export.xlsx",
        APPLICATION,
        secretariat_on_submitted,
        frozenset({"application.name", "application.org", "application.amount"}),
    ),
    "admin/application-changelist": Path(
        lambda w, i: "/en/admin/funding/application/",
        APPLICATION,
        secretariat_on_submitted,
        frozenset({"application.name"}),
    ),
    "admin/application-change": Path(
        lambda w, i: f"/en/admin/funding/application/{i.obj.pk}/change/",
        APPLICATION,
        lambda v, i, n: secretariat_on_submitted(v, i, n) and n != "note",
        # The committee's comment is in the state changes, which the secretariat may read on the review page;
        # the admin shows them only to those with the view permission on state changes.
        frozenset({"application.name", "application.justification", "application.amount"}),
    ),
    "admin/application-history": Path(
        lambda w, i: f"/en/admin/funding/application/{i.obj.pk}/history/",
        APPLICATION,
        lambda v, i, n: secretariat_on_submitted(v, i, n) and n == "name",
        frozenset({"application.name"}),
    ),
    "admin/conflict-changelist": Path(
        lambda w, i: "/en/admin/funding/conflict/",
        APPLICATION,
        lambda v, i, n: secretariat_on_conflict(v, i, n) and n == "name",
        frozenset({"application.name"}),
    ),
    "admin/conflict-change": Path(
        lambda w, i: f"/en/admin/funding/conflict/{w.get('application:conflicted').extra['conflict'].pk}/change/",
        APPLICATION,
        lambda v, i, n: secretariat_on_conflict(v, i, n) and n in ("note", "name"),
        frozenset({"application.note"}),
    ),
    # Consultations: registrations and offers to speak
    "consultations/detail": Path(lambda w, i: f"{_c(w)}/", PEOPLE, own_topic, frozenset({"offer.topic"})),
    "consultations/agenda": Path(lambda w, i: f"{_c(w)}/agenda/", PEOPLE, public_field, frozenset({"offer.org"})),
    # The organisers' dashboard counts; names and topics of offers are on the speakers' page.
    "consultations/dashboard": Path(lambda w, i: f"{_c(w)}/dashboard/", PEOPLE, never),
    "consultations/speakers": Path(
        lambda w, i: f"{_c(w)}/speakers/", PEOPLE, chooses_speakers, frozenset({"offer.name", "offer.topic"})
    ),
    "reviews/workspace": Path(
        lambda w, i: f"/en/regions/{w.consultation.event.region.code}/{w.consultation.event.cycle.code}/workspace/",
        ALL_KINDS,
        never,
    ),
    "consultations/csv-export": Path(
        lambda w, i: f"{_c(w)}/registrations.csv?" + "&".join(f"columns={c}" for c in COLUMNS),
        PEOPLE,
        lambda v, i, n: secretariat(v, i, n) or (i.kind == "offer" and public_field(v, i, n)),
        frozenset({"registration.name", "registration.org", "registration.email"}),
    ),
    "consultations/xlsx-export": Path(
        lambda w, i: f"{_c(w)}/registrations.xlsx",
        PEOPLE,
        lambda v, i, n: secretariat(v, i, n) or public_field(v, i, n),
        frozenset({"registration.name", "registration.org", "registration.email"}),
        fetch=_xlsx_registrations,
    ),
    "consultations/export-file-of-another": Path(
        lambda w, i: f"/en/consultations/exports/{w.export_log.pk}/download/",
        PEOPLE,
        never,
        file=True,
    ),
    "consultations/export-status-of-another": Path(
        lambda w, i: f"/en/consultations/exports/{w.export_log.pk}/", PEOPLE, never
    ),
    "admin/registration-changelist": Path(
        lambda w, i: "/en/admin/consultations/registration/", PEOPLE, secretariat, frozenset({"registration.name"})
    ),
    "admin/registration-change": Path(
        lambda w, i: f"/en/admin/consultations/registration/{i.obj.pk}/change/",
        ("registration",),
        secretariat,
        frozenset({"registration.name"}),
    ),
    "admin/offer-changelist": Path(
        lambda w, i: "/en/admin/consultations/expressionofinterest/",
        PEOPLE,
        secretariat,
        frozenset({"offer.name", "offer.topic"}),
    ),
    "admin/offer-change": Path(
        lambda w, i: f"/en/admin/consultations/expressionofinterest/{i.obj.pk}/change/",
        ("offer",),
        secretariat,
        frozenset({"offer.statement", "offer.topic"}),
    ),
    # Written inputs (004)
    "consultations/input-call": Path(
        lambda w, i: i.obj.call.get_absolute_url(),
        INPUT,
        input_call_page,
        frozenset({"input.title", "input.summary", "input.onbehalf"}),
    ),
    "consultations/input-file": Path(
        lambda w, i: f"/en/consultations/inputs/documents/{i.obj.pk}/",
        INPUT,
        reads_input,
        frozenset({"input.filebody"}),
        file=True,
    ),
    "admin/pendinginput-changelist": Path(
        lambda w, i: "/en/admin/consultations/pendinginput/",
        INPUT,
        lambda v, i, n: screens_inputs(v, i, n) and i.state == "submitted",
        frozenset({"input.title"}),
    ),
    "admin/writteninput-changelist": Path(
        lambda w, i: "/en/admin/consultations/writteninput/", INPUT, screens_inputs, frozenset({"input.title"})
    ),
    # GCM Talks and side events; requests for a briefing (000)
    "consultations/talk": Path(
        lambda w, i: f"/en/consultations/talks/{i.obj.pk}/",
        TALK,
        reads_talk,
        frozenset({"talk.title", "talk.outline", "talk.pledge", "talk.summary"}),
    ),
    "consultations/talk-manage": Path(
        lambda w, i: f"/en/consultations/talks/{i.obj.pk}/manage/",
        TALK,
        edits_talk,
        frozenset({"talk.title", "talk.pledge", "talk.summary"}),
    ),
    "consultations/pledges-csv": Path(
        lambda w, i: "/en/consultations/talks/pledges.csv", TALK, exports_pledges, frozenset({"talk.pledge"})
    ),
    "consultations/briefing-request": Path(
        lambda w, i: f"/en/consultations/briefings/{i.obj.pk}/",
        BRIEFING,
        reads_briefing,
        frozenset({"briefing.topic", "briefing.needs", "briefing.network"}),
    ),
    "consultations/briefing-queue": Path(
        lambda w, i: "/en/consultations/briefings/queue/",
        BRIEFING,
        lambda v, i, n: v in RUNS_REGISTRATIONS and n in ("topic", "network"),
        frozenset({"briefing.topic", "briefing.network"}),
    ),
    "consultations/my-briefing-requests": Path(
        lambda w, i: "/en/consultations/briefings/",
        BRIEFING,
        lambda v, i, n: v == "owner" and n == "topic",
        frozenset({"briefing.topic"}),
    ),
    # After a meeting (000, 004)
    "consultations/report": Path(
        lambda w, i: f"/en/consultations/{i.obj.consultation_id}/report/",
        REPORT,
        reads_report,
        frozenset({"report.text", "report.title"}),
    ),
    "consultations/report-edit": Path(
        lambda w, i: f"/en/consultations/{i.obj.consultation_id}/report/edit/",
        REPORT,
        lambda v, i, n: v == "owner",
        frozenset({"report.text", "report.title"}),
    ),
    "consultations/held-detail": Path(lambda w, i: f"/en/consultations/{i.obj.pk}/", FEEDBACK, never),
    "consultations/feedback-results": Path(
        lambda w, i: f"/en/consultations/{i.obj.pk}/feedback/results/",
        FEEDBACK,
        reads_feedback,
        frozenset({"feedback.comment"}),
    ),
    "consultations/feedback-csv": Path(
        lambda w, i: f"/en/consultations/{i.obj.pk}/feedback.csv",
        FEEDBACK,
        reads_feedback,
        frozenset({"feedback.comment"}),
    ),
    "discussions/closing-reports": Path(lambda w, i: f"/en/discussions/{w.space.pk}/closing/", REPORT, never),
    # Attendance, certificates and visa invitation letters: never public; one's own; passport details for the
    # secretariat alone; never in an export.
    "consultations/my-registrations": Path(
        lambda w, i: "/en/consultations/mine/",
        ATTENDANCE_AND_LETTERS,
        lambda v, i, n: v == "owner" and i.kind == "attendance" and n == "code",
        frozenset({"attendance.code"}),
    ),
    "consultations/attendance-list": Path(
        lambda w, i: f"/en/consultations/{i.obj.consultation_id}/attendance/",
        ATTENDANCE,
        lambda v, i, n: v in RUNS_REGISTRATIONS and n == "name",
        frozenset({"attendance.name"}),
    ),
    "consultations/check-in-page": Path(
        lambda w, i: f"/en/consultations/{i.obj.consultation_id}/check-in/", ATTENDANCE, never
    ),
    "consultations/certificate-pdf": Path(
        lambda w, i: f"/en/consultations/{i.obj.consultation_id}/certificate.pdf",
        ATTENDANCE,
        lambda v, i, n: v == "owner" and n == "name",
        frozenset({"attendance.name"}),
    ),
    "consultations/certificate-verify": Path(
        lambda w, i: f"/en/consultations/verify/certificate/{certificate_token(i.extra['cert'])}/",
        ATTENDANCE,
        holds_verification_link,
        frozenset({"attendance.name"}),
    ),
    "consultations/letter-page": Path(
        lambda w, i: f"/en/consultations/{i.obj.registration.consultation_id}/letter/",
        LETTER,
        lambda v, i, n: v == "owner",
        frozenset({"letter.pname", "letter.pnumber"}),
    ),
    "consultations/letter-queue": Path(
        lambda w, i: f"/en/consultations/letters/?status={i.state}",
        LETTER,
        lambda v, i, n: v == "secretariat",
        frozenset({"letter.pname", "letter.pnumber"}),
    ),
    "consultations/letter-pdf": Path(
        lambda w, i: f"/en/consultations/letters/{i.obj.pk}.pdf",
        LETTER,
        lambda v, i, n: i.state == "approved" and reads_letter(v, i, n),
        frozenset({"letter.pname", "letter.pnumber"}),
    ),
    "consultations/letter-verify": Path(
        lambda w, i: f"/en/consultations/verify/letter/{letter_token(i.obj)}/",
        LETTER,
        holds_verification_link,
        frozenset({"letter.pname"}),
    ),
    "consultations/dashboard-attendance": Path(
        lambda w, i: f"/en/consultations/{i.obj.consultation_id}/dashboard/", ATTENDANCE, never
    ),
    "funding/travel-csv": Path(lambda w, i: f"{_f(w)}/travel.csv", (*APPLICATION, *ATTENDANCE_AND_LETTERS), never),
    "funding/travel-xlsx": Path(lambda w, i: f"{_f(w)}/travel.xlsx", (*APPLICATION, *ATTENDANCE_AND_LETTERS), never),
    # Pages every app shares, and public feeds: nothing private, ever
    "home": _sweep("/en/"),
    "calendar": _sweep("/en/calendar/"),
    "calendar.ics": _sweep("/en/calendar.ics"),
    "region": _sweep("/en/regions/africa/"),
    "region.ics": _sweep("/en/regions/africa/calendar.ics"),
    "event": _sweep("/en/calendar/events/{w.consultation.event_id}/"),
    "event.ics": _sweep("/en/calendar/events/{w.consultation.event_id}.ics"),
    "consultations/list": _sweep("/en/consultations/"),
    "consultations/talks": _sweep("/en/consultations/talks/", own_proposal_title, {"talk.title"}),
    "discussions/list": _sweep("/en/discussions/"),
    "funding/list": _sweep("/en/funding/"),
    "reminders/preferences": _sweep("/en/reminders/preferences/"),
    "admin/index": _sweep("/en/admin/"),
    "admin/audit-log": _sweep("/en/admin/portal/auditentry/"),
    "admin/reminder-log": _sweep("/en/admin/reminders/reminder/"),
    # The secretariat manages accounts: it sees who has one, never what they posted or applied for here.
    "admin/user-changelist": _sweep(
        "/en/admin/portal/user/", lambda v, i, n: v == "secretariat" and n in ("name", "email"), {"*.name"}
    ),
    "profile": _sweep("/en/profile/", own_identity, {"*.name", "*.org", "*.email"}),
    "profile/my-data": _sweep("/en/profile/data/", own_identity),
    "profile/my-data-download": _sweep(
        "/en/profile/data/download/",
        own_data,
        {
            "*.name",
            "*.org",
            "*.email",
            "post.text",
            "application.justification",
            "offer.topic",
            "offer.statement",
            "input.title",
            "input.summary",
            "attendance.code",
            "letter.pname",
            "letter.pnumber",
        },
    ),
    "profile/delete": _sweep("/en/profile/delete/", own_identity),
}


def _login(client, world: World, viewer: str, item: Item | None = None) -> None:
    client.logout()
    if viewer == "owner":
        client.force_login(item.owner)
    elif viewer != "anonymous":
        client.force_login(world.users[viewer])


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("path", list(PATHS))
def test_private_fields_reach_only_who_may_see_them(client, world, path, viewer):
    check = PATHS[path]
    failures = []
    bodies: dict[str, tuple[int, str]] = {}
    items = world.of(check.kinds)
    if viewer != "owner":
        _login(client, world, viewer)
    elif check.sees is never:
        # Nobody sees anything here: the first owner of each kind stands for the others (and keeps the run short).
        firsts: dict[str, Item] = {}
        for item in items:
            firsts.setdefault(item.kind, item)
        items = list(firsts.values())
    for item in items:
        if viewer == "owner":
            _login(client, world, viewer, item)
            bodies = {}
        url = check.url(world, item)
        if url not in bodies:
            if check.fetch:
                bodies[url] = (200, check.fetch(client, world, item))
            else:
                response = client.get(url)
                bodies[url] = (response.status_code, body_of(response))
        status, body = bodies[url]
        for name, marker in item.markers.items():
            allowed = check.sees(viewer, item, name)
            present = marker in body
            if present and not allowed:
                failures.append(f"LEAK {item.key}.{name} ({marker}) at {url} [{status}]")
            elif allowed and not present and check.rendered(viewer, item, name):
                failures.append(f"MISSING {item.key}.{name} ({marker}) at {url} [{status}]: the check cannot fail")
        if check.file:
            may = any(check.sees(viewer, item, name) for name in item.markers)
            if (status == 200) is not may:
                failures.append(f"FILE {item.key} at {url}: status {status}, may see: {may}")
    assert not failures, f"{path} as {viewer}:\n" + "\n".join(failures)


# --- Renderings kept for every reader (discussions.fragments) ---------------------------------------------------

# Who reads a version of a post that others may not: its owner and the space's moderators.
SEES_MORE = ("owner", *MODERATES_HERE)


def _thread_body(client, world: World, check: Path, item: Item) -> str:
    return check.fetch(client, world, item) if check.fetch else body_of(client.get(check.url(world, item)))


@pytest.mark.parametrize("order", ["who sees more first", "who sees more last"])
@pytest.mark.parametrize("path", ["discussions/thread", "discussions/thread-after-refused-post"])
def test_a_thread_rendered_for_one_viewer_is_never_served_to_another(client, world, path, order):
    """The thread keeps what every reader of a language sees alike in the shared cache. Rendered for the owner or a
    moderator of the space, and for every other kind of reader, from an empty cache, in both orders: each sees
    exactly what the matrix allows them, whoever filled the cache first."""
    check = PATHS[path]
    failures = []
    # And an edit of a published post that changes its words only: the versions differ in nothing else.
    author = make_user(Role.STAKEHOLDER, display_name="Author of the words-only edit")
    post = discussion_services.post_create(question=world.question, author=author, text="Words", language="en")
    discussion_services.post_moderate(
        post=post, shown_revision=shown(post), by=world.users["space_moderator"], approve=True
    )
    discussion_services.post_edit(post=post, author=author, text="SECRET-TEXT-WORDSONLY")
    words_only = Item("post", "edit_words_only", author, {"text": "SECRET-TEXT-WORDSONLY"}, obj=post)
    for item in [*world.of(POST), words_only]:
        for privileged in SEES_MORE:
            for reader in sorted(SIGNED_IN - set(SEES_MORE)):
                pair = (privileged, reader) if order == "who sees more first" else (reader, privileged)
                cache.clear()
                for viewer in pair:
                    _login(client, world, viewer, item)
                    body = _thread_body(client, world, check, item)
                    for name, marker in item.markers.items():
                        allowed = check.sees(viewer, item, name)
                        if marker in body and not allowed:
                            failures.append(f"LEAK {item.key}.{name} to {viewer}, after {pair[0]}")
                        elif allowed and marker not in body and check.rendered(viewer, item, name):
                            failures.append(f"MISSING {item.key}.{name} for {viewer}, after {pair[0]}")
    assert not failures, f"{path}, {order}:\n" + "\n".join(sorted(set(failures)))


# --- Machine translation --------------------------------------------------------------------------------------


def test_unpublished_text_never_reaches_a_remote_engine(client, world, remote_engine):
    """With an engine that is not on the portal's own machines, everyone asks for a machine translation of every
    post, on the thread, the queue and the translation page: only published versions are ever sent to it."""
    for viewer in VIEWERS:
        for item in world.of(POST):
            _login(client, world, viewer, item if viewer == "owner" else None)
            client.get(f"/fr/discussions/posts/{item.obj.pk}/machine-translation/?language=fr")
            client.get(f"/fr/discussions/posts/{item.obj.pk}/translate/?language=fr&suggest=1")
        client.get(f"/fr/discussions/{world.space.pk}/questions/{world.question.pk}/")
        client.get("/fr/discussions/moderation/")
    sent = "\n".join(remote_engine.texts)
    leaks = [
        f"{item.key}.{name}"
        for item in world.of(POST)
        for name, marker in item.markers.items()
        if marker in sent and name not in item.public
    ]
    assert leaks == []
    assert "PUBLIC-TEXT-APPROVED" in sent  # the control: published text does reach the engine


# --- Digests, the analysis paper and e-mails -------------------------------------------------------------------


def _follow_everything(world, follower, *, whole_space: bool) -> None:
    """``follower`` follows the consultation, and the space (``whole_space``) or its published question; and the
    questions in preparation too, as if they had followed them before they were taken back to draft (no page
    lets anyone follow one). Nobody else follows anything."""
    Subscription.objects.all().delete()
    Follow.objects.all().delete()
    Profile.objects.filter(user=follower).update(digest=DigestFrequency.DAILY, digest_sent_until=None)
    since = timezone.now() - timedelta(days=1)
    if whole_space:
        Subscription.objects.create(user=follower, space=world.space, sent_until=since)
    else:
        Subscription.objects.create(user=follower, space=world.space, question=world.question, sent_until=since)
    for item in world.of(QUESTION):
        Subscription.objects.create(user=follower, space=world.space, question=item.obj, sent_until=since)
    consultation_services.follow_create(user=follower, consultation=world.consultation)


# What a digest or the private feed could carry: posts, questions in preparation, the unpublished closing summary,
# registrations and offers to speak of the followed consultation.
FOLLOWED_KINDS = (*POST, *QUESTION, *CLOSING, *PEOPLE)


def _allowed_to_follower(item, name, follower) -> bool:
    """Others' approved versions of posts (never one's own, though the greeting names the follower); the selected
    speaker's organisation is public. Nothing else of these items."""
    own = item.owner == follower
    if item.kind == "post":
        return (name in item.public and not own) or (own and name == "name")
    return name in item.public


@pytest.mark.parametrize("viewer", sorted(SIGNED_IN))
def test_digest_sends_followers_the_approved_version_only(client, world, viewer, mailoutbox):
    """The combined digest to a follower of the space (or of its question) and of the consultation: approved versions
    of others' posts, never a pending or rejected text, nothing of a question in preparation or of the unpublished
    closing summary, nobody's registration or offer to speak; and the consultation's deadline (the control)."""
    failures = []
    followers = [item.owner for item in world.of(POST)] if viewer == "owner" else [world.users[viewer]]
    # A deadline of each kind before the next digest: the consultation's, and the closing of the phase, which
    # every question followed (in preparation or not) would bring into the digest if it were let in.
    Consultation.objects.filter(pk=world.consultation.pk).update(
        registration_deadline=timezone.now() + timedelta(hours=12)
    )
    Phase.objects.filter(pk=world.question.phase_id).update(closes_at=timezone.now() + timedelta(hours=12))
    for follower in followers:
        for whole_space in (True, False):
            _follow_everything(world, follower, whole_space=whole_space)
            mailoutbox.clear()
            digest.send_all(now=timezone.now() + digest.MARGIN * 2)
            assert {tuple(m.to) for m in mailoutbox} == {(follower.email,)}
            sent = "\n".join(m.subject + m.body + "".join(str(a[0]) for a in m.alternatives) for m in mailoutbox)
            controls = (f"* {world.consultation.title}", "Phase 1: inputs — closes on")
            failures.extend(f"MISSING {control} to {follower}" for control in controls if control not in sent)
            for item in world.of(FOLLOWED_KINDS):
                for name, marker in item.markers.items():
                    allowed = _allowed_to_follower(item, name, follower)
                    present = marker in sent
                    if present and not allowed:
                        failures.append(f"LEAK {item.key}.{name} ({marker}) to {follower}")
                    elif allowed and not present and item.kind == "post" and name == "text":
                        failures.append(f"MISSING {item.key}.{name} ({marker}) to {follower}")
    assert not failures, f"digest to {viewer}:\n" + "\n".join(failures)


@pytest.mark.parametrize("viewer", sorted(SIGNED_IN))
def test_private_feed_lists_the_followed_deadlines_and_nothing_private(client, world, viewer):
    """The private calendar feed of the same follower: the consultation's deadline and the closing of the followed
    space's phase (the controls), nothing of the posts, the questions in preparation, the closing summary or the
    people registered or offering to speak."""
    failures = []
    followers = [item.owner for item in world.of(POST)] if viewer == "owner" else [world.users[viewer]]
    for follower in followers:
        for whole_space in (True, False):
            _follow_everything(world, follower, whole_space=whole_space)
            PersonalFeed.objects.filter(user=follower).delete()
            feed = PersonalFeed.objects.create(user=follower)
            client.logout()
            sent = body_of(client.get(f"/en/consultations/calendar/{feed.token}.ics"))
            controls = (f"Registration closes: {world.consultation.title}", "Discussion closes: Africa space")
            failures.extend(f"MISSING {control} to {follower}" for control in controls if control not in sent)
            for item in world.of(FOLLOWED_KINDS):
                for name, marker in item.markers.items():
                    if marker in sent and name not in item.public:
                        failures.append(f"LEAK {item.key}.{name} ({marker}) to {follower}")
    assert not failures, f"feed of {viewer}:\n" + "\n".join(failures)


@pytest.mark.parametrize("viewer", VIEWERS)
def test_analysis_page_and_pdf_count_approved_posts_only(client, world, viewer, monkeypatch):
    """The draft paper: secretariat and the space's moderators (the region's focal point too); figures over the 3
    approved posts, no post text."""

    rendered = []
    real_html = weasyprint.HTML

    def spy(*args, **kwargs):
        rendered.append(kwargs.get("string", ""))
        return real_html(*args, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", spy)
    may = viewer in ("secretariat", *MODERATES_HERE)
    owners = [item.owner for item in world.of(POST)] if viewer == "owner" else [None]
    for person in owners:
        client.logout()
        if person is not None:
            client.force_login(person)
        elif viewer != "anonymous":
            client.force_login(world.users[viewer])
        page = client.get(f"{_d(world)}/analysis/")
        # The PDF is kept once laid out (per version of its HTML): dropped here so each viewer's is laid out and
        # its HTML read.
        shutil.rmtree(storages["private"].path(PDF_FOLDER), ignore_errors=True)
        pdf = client.get(f"{_d(world)}/analysis/pdf/")
        assert (page.status_code, pdf.status_code) == ((200, 200) if may else (404, 404))
        # A PDF's text is compressed: the HTML it is made from is what is read, with the raw bytes for good measure.
        texts = [body_of(page), *rendered, pdf.content.decode("latin-1") if pdf.status_code == 200 else ""]
        for text in texts:
            for item in world.of(POST):
                for marker in item.markers.values():
                    assert marker not in text, f"{item.key} in the analysis paper seen by {viewer}"
        if may:
            assert "Posts by phase: 3 in all" in body_of(page)
            assert len(rendered) == 1 and "Posts by phase: 3 in all" in rendered[0]


def test_decision_emails_go_to_their_person_alone(world, mailoutbox):
    """Moderation decisions to the post's author, funding decisions to the applicant (no committee comment),
    registration confirmations to the registrant."""
    by_state = {item.key: item for item in world.items}
    moderator = world.users["space_moderator"]

    with TestCase.captureOnCommitCallbacks(execute=True):
        discussion_services.post_moderate(
            post=by_state["post:pending"].obj,
            shown_revision=shown(by_state["post:pending"].obj),
            by=moderator,
            approve=False,
            reason="SECRET-REASON-NEW",
        )
    assert [m.to for m in mailoutbox] == [[by_state["post:pending"].owner.email]]

    mailoutbox.clear()
    recommended = by_state["application:recommended"]
    with TestCase.captureOnCommitCallbacks(execute=True):
        funding_services.application_decide(
            application=recommended.obj,
            shown_revision=shown(recommended.obj),
            by=world.users["chair"],
            approve=True,
            amount=Decimal("500"),
        )
    # The decision, and the confirmation of the funded place: both to the applicant, neither with the comment.
    assert mailoutbox and {tuple(m.to) for m in mailoutbox} == {(recommended.owner.email,)}
    for message in mailoutbox:
        text = message.body + "".join(str(a[0]) for a in message.alternatives)
        assert recommended.markers["comment"] not in text

    mailoutbox.clear()
    newcomer = make_user(Role.STAKEHOLDER)
    with TestCase.captureOnCommitCallbacks(execute=True):
        consultation_services.registration_create(consultation=world.consultation, user=newcomer, attendance="virtual")
    assert [m.to for m in mailoutbox] == [[newcomer.email]]
    assert not any(marker in mailoutbox[0].body for item in world.of(PEOPLE) for marker in item.markers.values())


def test_conflict_fixture_is_in_place(world):
    """The excom viewer declared a conflict with the "conflicted" application only (guards the matrix's premise)."""
    assert list(Conflict.objects.values_list("member", "application__state")) == [(world.users["excom"].pk, "eligible")]
