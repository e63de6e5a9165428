"""The seeded calendar guessed modalities no source states; blank them, so the pages say "not stated yet".

Only where the event still holds the seeded guess and nobody changed its modality in the administration since:
a modality the secretariat set or confirmed is theirs, not a guess.
"""

from django.db import migrations

# The seeded events whose modality no source states, with the guess the seed gave them (reviews.seed_calendar).
GUESSED = {
    "2024-gcm-talks": "hybrid",
    "2024-ece-review": "in_person",
    "2024-africa-review": "in_person",
    "2024-arab-review": "in_person",
    "2024-lac-review": "in_person",
    "2024-ap-review": "in_person",
    "2020-ece-msc": "virtual",
}


def blank_unstated_modalities(apps, schema_editor):
    Event = apps.get_model("reviews", "Event")
    LogEntry = apps.get_model("admin", "LogEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type = ContentType.objects.filter(app_label="reviews", model="event").first()
    for key, guess in GUESSED.items():
        event = Event.objects.filter(key=key, modality=guess).first()
        if event is None:
            continue
        # The admin's history names a changed field by its label, untranslated (construct_change_message).
        changed_by_hand = (
            content_type is not None
            and LogEntry.objects.filter(
                content_type=content_type, object_id=str(event.pk), change_message__contains='"Modality"'
            ).exists()
        )
        if not changed_by_hand:
            Event.objects.filter(pk=event.pk).update(modality="")


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0004_text_length_limits"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(blank_unstated_modalities, migrations.RunPython.noop)]
