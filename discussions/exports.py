"""The published posts of a space as CSV: approved versions only, streamed, formula cells neutralised."""

import csv
from collections.abc import Iterator

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from consultations.exports import Echo, neutralise
from discussions.enums import QuestionStatus
from discussions.models import Post, Tag


def csv_rows(space) -> Iterator[str]:
    writer = csv.writer(Echo())
    yield "\ufeff" + writer.writerow(
        [
            _("Post"),
            _("Phase"),
            _("Guiding question"),
            _("Shown as"),
            _("Constituency"),
            _("Sub-region"),
            _("Language"),
            _("Tags"),
            _("Published on"),
            _("Text"),
        ]
    )
    posts = (
        Post.objects.filter(space=space, approved_at__isnull=False, question__status=QuestionStatus.PUBLISHED)
        .select_related("question", "phase", "author__profile")
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("kind", "number")))
        .order_by("approved_at", "pk")
    )
    for post in posts.iterator(chunk_size=1000):
        profile = getattr(post.author, "profile", None)
        yield writer.writerow(
            [
                neutralise(value)
                for value in (
                    post.pk,
                    post.phase.number,
                    post.question.text,
                    post.byline,
                    profile.get_constituency_display() if profile else "",
                    profile.get_subregion_display() if profile else "",
                    post.language,
                    "; ".join(f"{tag.kind} {tag.number}" for tag in post.tags.all()),
                    post.approved_at.isoformat(),
                    post.approved_text,
                )
            ]
        )
