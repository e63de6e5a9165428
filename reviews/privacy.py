"""The reviews' part in a person's data: the calendar dates they changed as staff.

Registered in :mod:`portal.privacy_registry`.
"""

from __future__ import annotations

from portal.models import User
from portal.privacy_registry import PersonalData, register


@register
class Reviews(PersonalData):
    # A date change is the calendar's, not the changer's own: listed in their copy, as what they did.
    owner = {"reviews.datechange": None}
    listed = {"reviews.datechange": "changed_by"}
    copied = ("reviews.datechange",)
    erasure = {
        "reviews.datechange": "Kept: the calendar's history of its dates, linked to the emptied account.",
    }

    def erase(self, user: User) -> None:
        """Nothing to erase: the history keeps the link to the account, which is emptied."""
