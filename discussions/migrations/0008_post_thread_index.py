"""An index for a thread: a question's posts in their order (approved first, by approval, then the others by when
they were sent), with the space and the author that decide who sees which. The thread's page counts and reads
its posts from it alone, however many the question has and however far the page."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("discussions", "0007_post_search_vector"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="post",
            index=models.Index(
                fields=["question", "approved_at", "submitted_at", "id", "space", "author"],
                name="discussions_questio_a9b727_idx",
            ),
        ),
    ]
