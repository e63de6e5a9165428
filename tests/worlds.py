"""Worlds several test modules build alike, made of the shared factories: one place to change them.

``stage``: a consultation for Africa, the region's discussion space with phase 1 open, a moderator of the
space and a published funding call for the consultation (the permission matrix, the leak matrix, the XSS
sweep, the upload checks and the privacy tests stand on it).

``admin_records``: one record of each kind the administration lists and the portal's own pages do not make
on the way (the permission matrix and the CSRF sweep point their admin URLs at them).
"""

from dataclasses import dataclass

from consultations.models import Consultation
from discussions.models import GuidingQuestion, Phase, Space
from funding.models import Call
from portal.enums import Role
from portal.models import SignInLock, User
from tests.factories import (
    CallFactory,
    ConflictFactory,
    ExportLogFactory,
    FundingExportLogFactory,
    GuidingQuestionFactory,
    InputCallFactory,
    PhaseFactory,
    ProposalFactory,
    ReminderFactory,
    SpaceFactory,
    SummaryDocumentFactory,
    UnsentTaskFactory,
    WrittenInputFactory,
    make_consultation,
    make_user,
)


@dataclass
class Stage:
    consultation: Consultation
    space: Space
    phase: Phase
    questions: list[GuidingQuestion]
    moderator: User
    call: Call | None

    @property
    def question(self) -> GuidingQuestion:
        return self.questions[0]

    @property
    def event(self):
        return self.consultation.event


def stage(*, moderator: User | None = None, questions=("What works?",), call: bool = True, **consultation) -> Stage:
    """A consultation for Africa (``make_consultation(**consultation)``); the "Africa space" of its region and
    cycle, phase 1 open (since yesterday, for 20 days) with ``questions``, moderated by ``moderator`` (a new
    moderator if None); and, with ``call``, a published call open for 10 days that funds the consultation."""

    made = make_consultation(**consultation)
    event = made.event
    moderator = moderator or make_user(Role.MODERATOR)
    space = SpaceFactory(region=event.region, cycle=event.cycle, title="Africa space", moderators=[moderator])
    phase = PhaseFactory(space=space, number=1)
    asked = [
        GuidingQuestionFactory(phase=phase, position=position, text=text)
        for position, text in enumerate(questions, start=1)
    ]
    funding = None
    if call:
        funding = CallFactory(
            cycle=event.cycle,
            consultations=[made],
            title="Travel to the Africa consultation",
            time_zone="Africa/Addis_Ababa",
        )
    return Stage(made, space, phase, asked, moderator, funding)


def admin_records(*, consultation: Consultation, call: Call, person: User, exporter: User) -> dict[str, object]:
    """By admin label: a side event ``person`` proposed, the consultation's summary (a PDF), an XLSX export of
    its registrations by ``exporter`` with its file, a conflict another committee member declared, an export
    of the call, a reminder to ``person``, a task not yet queued and a paused sign-in."""

    return {
        "consultations.proposal": ProposalFactory(proposed_by=person, level="regional"),
        "consultations.writteninput": WrittenInputFactory(
            author=person, call=InputCallFactory(region=consultation.event.region, cycle=consultation.event.cycle)
        ),
        "consultations.summarydocument": SummaryDocumentFactory(consultation=consultation),
        "consultations.exportlog": ExportLogFactory(
            consultation=consultation, user=exporter, file_format="xlsx", file=b"PK not really"
        ),
        "funding.conflict": ConflictFactory(organisation="Somewhere else"),
        "funding.exportlog": FundingExportLogFactory(call=call, user=exporter),
        "reminders.reminder": ReminderFactory(recipient=person, target=f"consultation:{consultation.pk}"),
        "portal.unsenttask": UnsentTaskFactory(),
        "portal.signinlock": SignInLock.objects.create(
            username="someone@example.org",
            ip_address="192.0.2.1",
            failures_since_start=5,
            user_agent="test",
            http_accept="*/*",
            path_info="/en/accounts/login/",
            get_data="",
            post_data="",
        ),
    }
