"""Funding's part in a person's data: their applications and every decision about them, and their conflicts of
interest as a committee member.

Registered in :mod:`portal.privacy_registry`; the privacy notice says what erasure keeps and why.
"""

from __future__ import annotations

from django.db import models

from funding.enums import State
from funding.models import Application, Transition
from funding.services import application_withdraw
from funding.workflow import REASON_GIVEN
from portal import content_translation
from portal.models import User
from portal.privacy_registry import PersonalData, register, rows

UNDER_REVIEW = (State.SUBMITTED, State.ELIGIBLE, State.RECOMMENDED, State.NOT_RECOMMENDED)


@register
class Funding(PersonalData):
    # A step of an application is the applicant's, not the reviewer's who took it (``actor``). An export names
    # others' applications: listed in the copy of who exported it, as what they did. A recommendation is nobody's.
    owner = {
        "funding.transition": "application__applicant",
        "funding.recommendation": None,
        "funding.exportlog": None,
    }
    listed = {"funding.exportlog": "user"}
    copied = (
        "funding.application",
        "funding.transition",
        "funding.conflict",
        "funding.exportlog",
    )
    not_copied = {
        "funding.recommendation": "The Executive Committee's internal deliberation on an application: it names the "
        "member and another person's application, so it is neither in the member's copy nor in the applicant's; "
        "the applicant's copy holds the decisions about their application, without the members' comments.",
    }
    erasure = {
        "funding.application": "Drafts are deleted; applications under review are withdrawn; the justification and "
        "representation of every one are erased; decided ones keep their figures, for the rounds' counts.",
        "funding.transition": "Kept: the history of each application's state. Steps the person took as a reviewer "
        "on others' applications stay whole, linked to the emptied account.",
        "funding.recommendation": "Kept: the Executive Committee's record of its decisions, linked to the emptied "
        "account.",
        "funding.conflict": "Kept with the Committee's decisions it bears on, linked to the emptied account.",
        "funding.exportlog": "Kept: the record of who exported which call, linked to the emptied account.",
    }

    def copy(self, user: User) -> dict:
        data = super().copy(user)
        steps = self.owned(user)["funding.transition"]
        if steps.exists():
            data["funding.transition"] = _steps(steps)
        return data

    def erase(self, user: User) -> None:

        # The machine translations of the texts erased go with them.
        content_translation.forget(Application, Application.objects.filter(applicant=user).values_list("pk", flat=True))
        Application.objects.filter(applicant=user, state=State.DRAFT).delete()
        for application in Application.objects.filter(applicant=user, state__in=UNDER_REVIEW):
            application_withdraw(application=application, applicant=user)
        Application.objects.filter(applicant=user).update(justification="", representation="")


def _steps(queryset: models.QuerySet[Transition]) -> list[dict]:
    """Every change of state of the person's applications, as their own page shows it: the member of staff who
    took it left out, and the reason only where it was written to them."""
    found = rows(queryset, leave_out=("actor",))
    for step in found:
        if step["target"] not in REASON_GIVEN:
            step["reason"] = ""
    return found
