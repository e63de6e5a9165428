"""Figures of the analysis paper: approved posts of a space counted six ways, drawn as SVG bar charts.

Every figure is one aggregate query, whatever the number of posts; only approved
contributions count (moderator notes do not), so nothing pending or rejected
ever shows up in a number.
"""

import hashlib
import os
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.files.storage import storages
from django.db.models import Count
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import get_language_bidi, gettext_lazy
from django.utils.translation import gettext as _

from discussions.enums import QuestionStatus, TagKind
from discussions.models import GuidingQuestion, Phase, Post, Space, Tag
from portal.enums import Constituency
from portal.m49 import SUBREGIONS
from reviews import planning
from reviews.enums import EventKind
from reviews.models import Event

# 002: the analysis paper is shared at least two weeks before the Regional Review (defined in reviews.planning).
PAPER_DUE_BEFORE_REVIEW = planning.SUMMARY_BEFORE_REVIEW
NOT_STATED = gettext_lazy("Not stated")


@dataclass
class Figure:
    slug: str
    title: str
    rows: list[tuple[str, int]]

    @property
    def total(self) -> int:
        return sum(count for _label, count in self.rows)

    def svg(self) -> SafeString:
        return bar_chart(self)


def counted_posts(space: Space):
    return Post.objects.filter(
        space=space, approved_at__isnull=False, is_moderator_note=False, question__status=QuestionStatus.PUBLISHED
    )


def _count(posts, field: str) -> dict:
    return dict(posts.values_list(field).annotate(n=Count("pk", distinct=True)).order_by())


def figures(space: Space) -> list[Figure]:
    posts = counted_posts(space)
    questions = list(
        GuidingQuestion.objects.filter(phase__space=space, status=QuestionStatus.PUBLISHED).select_related("phase")
    )
    by_phase = _count(posts, "phase__number")
    by_question = _count(posts, "question")
    by_objective = _count(posts.filter(tags__kind=TagKind.OBJECTIVE), "tags")
    objectives = Tag.objects.filter(kind=TagKind.OBJECTIVE, pk__in=by_objective)
    by_constituency = _count(posts, "author__profile__constituency")
    by_subregion = _count(posts, "author__profile__subregion")
    by_language = _count(posts, "language")
    languages = dict(settings.LANGUAGES)
    constituencies = dict(Constituency.choices)
    return [
        Figure(
            "phase",
            _("Posts by phase"),
            [(str(label), by_phase.get(number, 0)) for number, label in Phase._meta.get_field("number").choices],
        ),
        Figure(
            "question",
            _("Posts by guiding question"),
            [(f"{q.phase.number}.{i} {q.text}", by_question.get(q.pk, 0)) for i, q in enumerate(questions, 1)],
        ),
        Figure(
            "objective",
            _("Posts by GCM objective"),
            sorted(
                (
                    (_("Objective %(number)s: %(name)s") % {"number": t.number, "name": t.name}, by_objective[t.pk])
                    for t in objectives
                ),
                key=lambda row: -row[1],
            ),
        ),
        Figure(
            "constituency",
            _("Posts by constituency"),
            _sorted_rows(by_constituency, lambda key: constituencies.get(key, NOT_STATED)),
        ),
        Figure(
            "subregion",
            _("Posts by sub-region"),
            _sorted_rows(by_subregion, lambda key: SUBREGIONS.get(key, NOT_STATED)),
        ),
        Figure("language", _("Posts by language"), _sorted_rows(by_language, lambda key: languages.get(key, key))),
    ]


def _sorted_rows(counts: dict, label) -> list[tuple[str, int]]:
    return sorted(((str(label(key)), n) for key, n in counts.items()), key=lambda row: (-row[1], row[0]))


ROW_HEIGHT = 26
WIDTH = 640
LABEL_WIDTH = 300
BAR_WIDTH = 270


def bar_chart(figure: Figure) -> SafeString:
    """A horizontal bar chart drawn on the server: no script, mirrored for right-to-left languages.

    The SVG is an image with the figure's title as its name; the table next to it
    carries the same numbers for screen readers and for copying.
    """
    rtl = get_language_bidi()
    highest = max((count for _label, count in figure.rows), default=0) or 1
    height = max(len(figure.rows), 1) * ROW_HEIGHT
    rows = []
    for index, (label, count) in enumerate(figure.rows):
        y = index * ROW_HEIGHT
        length = round(BAR_WIDTH * count / highest)
        # With direction="rtl" on the SVG, "start" anchors text at its right edge and it runs leftwards.
        anchor = "start"
        if rtl:
            label_x = WIDTH
            bar_x, count_x = WIDTH - LABEL_WIDTH - 10 - length, WIDTH - LABEL_WIDTH - 16 - length
        else:
            label_x = 0
            bar_x, count_x = LABEL_WIDTH + 10, LABEL_WIDTH + 16 + length
        rows.append(
            (
                label_x,
                y + 17,
                anchor,
                Truncator(label).chars(44),
                bar_x,
                y + 5,
                length,
                count_x,
                y + 17,
                anchor,
                count,
            )
        )
    body = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="{}" font-size="13">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="16" fill="#1f5f8b"></rect>'
        '<text x="{}" y="{}" text-anchor="{}" font-size="13" font-weight="bold">{}</text>',
        rows,
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-labelledby="chart-{}-title"'
        ' viewBox="0 0 {} {}" width="100%" direction="{}"><title id="chart-{}-title">{}</title>{}</svg>',
        figure.slug,
        WIDTH,
        height,
        "rtl" if rtl else "ltr",
        figure.slug,
        figure.title,
        body,
    )


@dataclass
class Timing:
    review: Event | None
    due: date | None
    late: bool
    overdue: bool


def timing(space: Space, paper=None, today: date | None = None) -> Timing:
    """When the paper is due (two weeks before the review's earliest possible day) and whether it is late."""
    review = (
        Event.objects.filter(region=space.region_id, cycle=space.cycle_id, kind=EventKind.REGIONAL_REVIEW)
        .order_by("start_earliest")
        .first()
    )
    if review is None:
        return Timing(None, None, False, False)
    # A review dated in the first days of the calendar (a mistyped year 0001) has no day two weeks before it.
    due = (
        review.start_earliest - PAPER_DUE_BEFORE_REVIEW
        if review.start_earliest > date.min + PAPER_DUE_BEFORE_REVIEW
        else date.min
    )
    published = paper.published_at if paper else None
    if published:
        return Timing(review, due, timezone.localdate(published) > due, False)
    today = today or timezone.localdate()
    return Timing(review, due, False, today > due)


PDF_FOLDER = "analysis-papers"


def paper_pdf(request, space: Space, paper, language: str) -> bytes:
    """The analysis paper as PDF, laid out once per version and language and kept in the private storage.

    The version is the SHA-256 of the HTML the PDF is made from, rendered for this request: any change that
    shows (the synthesis, its translation, a count, a label, the template) makes a new file, and a stored file
    is only ever served to a request whose own HTML is the same, so nothing can be served that this reader
    would not be shown. Older versions of the same language are deleted when a new one is kept.
    """
    from consultations.documents import html_to_pdf, render_html  # noqa: PLC0415 - WeasyPrint only when asked

    html = render_html(
        template="discussions/analysis_pdf.html",
        context={"space": space, "paper": paper, "figures": figures(space)},
        language=language,
        request=request,
    )
    version = hashlib.sha256(html.encode()).hexdigest()[:32]
    storage = storages["private"]
    folder = Path(storage.path(f"{PDF_FOLDER}/{space.pk}"))
    kept = folder / f"{language}-{version}.pdf"
    try:
        return kept.read_bytes()
    except FileNotFoundError:
        pass
    pdf = html_to_pdf(html)
    folder.mkdir(parents=True, exist_ok=True)
    # Written beside and renamed: a reader never gets half a file, and two requests laying out the same version
    # at once both write the same bytes.
    with tempfile.NamedTemporaryFile(dir=folder, suffix=".part", delete=False) as part:
        part.write(pdf)
    os.replace(part.name, kept)
    for older in folder.glob(f"{language}-*.pdf"):
        if older != kept:
            older.unlink(missing_ok=True)
    return pdf
