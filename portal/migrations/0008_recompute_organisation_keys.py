"""Organisation keys now also ignore accents and look-alike letters: recompute the stored ones."""

from django.db import migrations


def recompute(apps, schema_editor):
    from portal.integrity import organisation_key

    Profile = apps.get_model("portal", "Profile")
    OrganisationHistory = apps.get_model("portal", "OrganisationHistory")
    for profile in Profile.objects.exclude(organisation="").only("pk", "organisation").iterator():
        Profile.objects.filter(pk=profile.pk).update(organisation_key=organisation_key(profile.organisation))
    seen = set()
    for row in OrganisationHistory.objects.order_by("first_named_at", "pk").iterator():
        key = organisation_key(row.name)
        if (row.user_id, key) in seen or not key:
            row.delete()
            continue
        seen.add((row.user_id, key))
        OrganisationHistory.objects.filter(pk=row.pk).update(key=key)


class Migration(migrations.Migration):
    dependencies = [("portal", "0007_organisation_history")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
