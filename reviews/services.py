"""Writes to the calendar. The admin and the seed loader both go through here."""

from django.db import transaction

from reviews.enums import DateField
from reviews.models import DateChange, Event


@transaction.atomic
def event_save(*, event: Event, by=None) -> Event:
    """Save ``event`` and record each change of its dates (old value, new value, who, when).

    The history is written in the same transaction as the change, from the row
    as it is in the database under a lock, so two editors cannot lose one
    another's change from the record.
    """
    previous = Event.objects.select_for_update().filter(pk=event.pk).first() if event.pk else None
    event.save()
    if previous is None:
        return event
    changes = []
    for which, value, tentative, old_value, old_tentative in (
        (DateField.START, event.start, event.start_tentative, previous.start, previous.start_tentative),
        (DateField.END, event.end, False, previous.end, False),
    ):
        old = DateChange.describe(old_value, old_tentative)
        new = DateChange.describe(value, tentative)
        if old != new:
            changes.append(DateChange(event=event, which=which, old_value=old, new_value=new, changed_by=by))
    DateChange.objects.bulk_create(changes)
    return event
