from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def from_preferred_language(apps, schema_editor):
    """Applications written before: most likely in the language their applicant reads the portal in."""
    Application = apps.get_model("funding", "Application")
    Profile = apps.get_model("portal", "Profile")
    preferred = Profile.objects.filter(user=OuterRef("applicant")).values("preferred_language")[:1]
    Application.objects.filter(applicant__profile__isnull=False).update(language=Subquery(preferred))


class Migration(migrations.Migration):
    dependencies = [
        ("funding", "0006_decision_against_recommendation_reason"),
        ("portal", "0015_translation"),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="language",
            field=models.CharField(
                choices=[
                    ("ar", "العربية"),
                    ("zh-hans", "中文"),
                    ("en", "English"),
                    ("fr", "Français"),
                    ("ru", "Русский"),
                    ("es", "Español"),
                ],
                default="en",
                max_length=8,
                verbose_name="language of your answers",
            ),
        ),
        migrations.RunPython(from_preferred_language, migrations.RunPython.noop),
    ]
