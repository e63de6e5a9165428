import reviews.models
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0005_blank_unstated_modalities"),
    ]

    operations = [
        migrations.AddField(
            model_name="event",
            name="subregions",
            field=models.CharField(
                blank=True,
                help_text="For a sub-regional meeting: the sub-regions it gathers.",
                max_length=80,
                validators=[reviews.models.validate_subregions],
                verbose_name="sub-regions",
            ),
        ),
        migrations.AlterField(
            model_name="event",
            name="kind",
            field=models.CharField(
                choices=[
                    ("global_consultation", "Global stakeholder consultation"),
                    ("pre_consultation", "Stakeholder pre-consultation"),
                    ("multi_stakeholder_consultation", "Multi-stakeholder consultation"),
                    ("regional_review", "Regional Review meeting"),
                    ("discussion_space_opening", "Discussion space opens"),
                    ("discussion_phase_1", "Discussion space, phase 1: inputs"),
                    ("discussion_phase_2", "Discussion space, phase 2: feedback and next steps"),
                    ("summary_due", "Summary of the discussion space shared"),
                    ("briefing", "Briefing"),
                    ("gcm_talk", "GCM Talk"),
                    ("side_event", "Side event"),
                    ("imrf", "International Migration Review Forum"),
                ],
                max_length=40,
                verbose_name="kind",
            ),
        ),
    ]
