"""Reads of the reminder engine reused by its pages."""

from reminders.models import Preference


def kinds_turned_off(*, user) -> set[str]:
    """The kinds of reminder ``user`` turned off (no row means on)."""
    return set(Preference.objects.filter(user=user, enabled=False).values_list("kind", flat=True))
