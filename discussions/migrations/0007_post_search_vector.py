"""Search reads a stored vector of each post's approved version, made in the post's language
(discussions.search), instead of ``to_tsvector('simple', approved_text)`` computed on the fly.

The vector is filled for every approved post, in batches, then given a GIN index, and the expression index
of migration 0002 goes. The index is PostgreSQL's only, so it is made here rather than in ``Post.Meta``:
SQLite (embedded mode) cannot build a GIN index and has no full-text search; its vectors stay empty.
"""

import django.contrib.postgres.search
from django.db import migrations

BATCH = 1000
OLD_INDEX = (
    "CREATE INDEX IF NOT EXISTS discussions_post_search ON discussions_post "
    "USING gin (to_tsvector('simple'::regconfig, COALESCE(approved_text, '')))"
)
NEW_INDEX = "CREATE INDEX IF NOT EXISTS discussions_post_search_vector ON discussions_post USING gin (search_vector)"


def index_approved_posts(apps, schema_editor):
    from discussions.search import index_posts

    if schema_editor.connection.vendor != "postgresql":
        return
    Post = apps.get_model("discussions", "Post")
    ids = list(Post.objects.filter(approved_at__isnull=False).order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        index_posts(Post.objects.filter(pk__in=ids[start : start + BATCH]))


def use_the_vector_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS discussions_post_search")
        schema_editor.execute(NEW_INDEX)


def use_the_expression_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS discussions_post_search_vector")
        schema_editor.execute(OLD_INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("discussions", "0006_space_translators"),
    ]

    operations = [
        migrations.AddField(
            model_name="post",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(index_approved_posts, migrations.RunPython.noop),
        migrations.RunPython(use_the_vector_index, use_the_expression_index),
    ]
