"""Organisation keys now also ignore accents and look-alike letters: recompute the stored ones."""

from django.db import migrations


def recompute(apps, schema_editor):
    from portal.integrity import organisation_key

    Conflict = apps.get_model("funding", "Conflict")
    for conflict in Conflict.objects.exclude(organisation="").only("pk", "organisation").iterator():
        Conflict.objects.filter(pk=conflict.pk).update(organisation_key=organisation_key(conflict.organisation))


class Migration(migrations.Migration):
    dependencies = [("funding", "0003_text_length_limits"), ("portal", "0008_recompute_organisation_keys")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
