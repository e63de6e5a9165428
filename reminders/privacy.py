"""The reminders' part in a person's data: the reminders written to them and the kinds they turned off.

Registered in :mod:`portal.privacy_registry`.
"""

from __future__ import annotations

from portal.models import User
from portal.privacy_registry import PersonalData, register
from reminders.models import Preference, Reminder


@register
class Reminders(PersonalData):
    copied = ("reminders.reminder", "reminders.preference")
    erasure = {
        "reminders.reminder": "Deleted, sent or not.",
        "reminders.preference": "Deleted.",
    }

    def erase(self, user: User) -> None:
        Preference.objects.filter(user=user).delete()
        Reminder.objects.filter(recipient=user).delete()
