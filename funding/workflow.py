"""The review workflow of a funding application, declared once: states, transitions, who may make each.

001: an open application process; the Network Executive Committee recommends and
the Chair of the Migration MPTF Steering Committee decides. The secretariat
screens for eligibility first. Services check every change against this table;
pages read it to offer only the actions a person may take.
"""

from dataclasses import dataclass

from funding.enums import State

APPLICANT = "applicant"  # the person who applied, not a role
# The steps whose reason the applicant reads (their page, their copy of their data): screening out, the Chair's
# decision and their own withdrawal. The reason of the other steps is a committee member's comment, internal.
REASON_GIVEN = frozenset({State.INELIGIBLE, State.APPROVED, State.REJECTED, State.WITHDRAWN})


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    actor: str  # a capability in portal.permissions, or APPLICANT
    needs_reason: bool = False


TRANSITIONS: tuple[Transition, ...] = (
    Transition(State.DRAFT, State.SUBMITTED, APPLICANT),
    *(
        Transition(source, State.WITHDRAWN, APPLICANT)
        for source in (State.DRAFT, State.SUBMITTED, State.ELIGIBLE, State.RECOMMENDED, State.NOT_RECOMMENDED)
    ),
    Transition(State.SUBMITTED, State.ELIGIBLE, "funding.screen"),
    Transition(State.SUBMITTED, State.INELIGIBLE, "funding.screen", needs_reason=True),
    # Each committee member records a recommendation; the state follows the majority so far.
    Transition(State.ELIGIBLE, State.RECOMMENDED, "funding.recommend"),
    Transition(State.ELIGIBLE, State.NOT_RECOMMENDED, "funding.recommend"),
    Transition(State.RECOMMENDED, State.NOT_RECOMMENDED, "funding.recommend"),
    Transition(State.NOT_RECOMMENDED, State.RECOMMENDED, "funding.recommend"),
    # The last recommendation withdrawn (its member declared a conflict): back to waiting for one.
    Transition(State.RECOMMENDED, State.ELIGIBLE, "funding.recommend"),
    Transition(State.NOT_RECOMMENDED, State.ELIGIBLE, "funding.recommend"),
    Transition(State.RECOMMENDED, State.APPROVED, "funding.decide"),
    Transition(State.RECOMMENDED, State.REJECTED, "funding.decide", needs_reason=True),
    Transition(State.NOT_RECOMMENDED, State.APPROVED, "funding.decide"),
    Transition(State.NOT_RECOMMENDED, State.REJECTED, "funding.decide", needs_reason=True),
)


def find(source: str, target: str) -> Transition | None:
    return next((t for t in TRANSITIONS if t.source == source and t.target == target), None)


def allowed_targets(source: str, actor: str) -> list[str]:
    return [t.target for t in TRANSITIONS if t.source == source and t.actor == actor]
