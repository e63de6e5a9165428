"""Funding's part in a person's data: their applications, and what they did as a reviewer.

Registered in :mod:`portal.privacy_registry`; the privacy notice says what erasure keeps and why.
"""

from __future__ import annotations

from funding.enums import State
from funding.models import Application
from funding.services import application_withdraw
from portal.models import User
from portal.privacy_registry import PersonalData, register

UNDER_REVIEW = (State.SUBMITTED, State.ELIGIBLE, State.RECOMMENDED, State.NOT_RECOMMENDED)


@register
class Funding(PersonalData):
    copied = (
        "funding.application",
        "funding.transition",
        "funding.recommendation",
        "funding.conflict",
        "funding.exportlog",
    )
    erasure = {
        "funding.application": "Drafts are deleted; applications under review are withdrawn; the justification and "
        "representation of every one are erased; decided ones keep their figures, for the rounds' counts.",
        "funding.transition": "Kept: the history of each application's state; it names the emptied account.",
        "funding.recommendation": "Kept: the Executive Committee's record of its decisions; it names the emptied "
        "account.",
        "funding.conflict": "Kept with the Committee's decisions it bears on; it names the emptied account.",
        "funding.exportlog": "Kept: the record of who exported which call; it names the emptied account.",
    }

    def erase(self, user: User) -> None:

        Application.objects.filter(applicant=user, state=State.DRAFT).delete()
        for application in Application.objects.filter(applicant=user, state__in=UNDER_REVIEW):
            application_withdraw(application=application, applicant=user)
        Application.objects.filter(applicant=user).update(justification="", representation="")
