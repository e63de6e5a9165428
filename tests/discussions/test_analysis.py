"""The analysis paper: figures over approved posts, deadline two weeks before the review, PDF, publishing."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.files.storage import storages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from pypdf import PdfReader

from consultations import documents
from discussions import analysis, services
from discussions.enums import TagKind
from discussions.models import AnalysisPaper, Tag
from discussions.seed import seed_tags
from portal.enums import AuditAction, Constituency, Role
from portal.models import AuditEntry
from reviews.dates import parse, read
from reviews.models import Event
from tests.factories import AnalysisPaperFactory, make_user, shown


def publish(question, moderator, *, language="en", tags=(), **profile):
    post = services.post_create(
        question=question, author=make_user(Role.STAKEHOLDER, **profile), text="Input", language=language, tags=tags
    )
    services.post_moderate(post=post, shown_revision=shown(post), by=moderator, approve=True)
    return post


def review_on(space, day):
    event = Event(cycle=space.cycle, region=space.region, kind="regional_review", start=parse(day)[0])
    event.save()
    return event


@pytest.fixture
def secretariat(client, db):
    user = make_user(Role.SECRETARIAT)
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_figures_count_approved_posts_six_ways(space, question, space_moderator):
    seed_tags()
    objective = Tag.objects.get(kind=TagKind.OBJECTIVE, number=5)
    publish(question, space_moderator, tags=[objective], constituency=Constituency.MIGRANT, country="KE")
    publish(question, space_moderator, language="ar", constituency=Constituency.MIGRANT, country="EG")
    publish(question, space_moderator, language="ar", constituency=Constituency.ACADEMIA, country="EG")
    services.post_create(question=question, author=make_user(), text="pending", language="fr")
    services.post_create(question=question, author=space_moderator, text="note", language="en", moderator_note=True)

    figures = {figure.slug: dict(figure.rows) for figure in analysis.figures(space)}

    assert figures["phase"] == {"Phase 1: inputs": 3, "Phase 2: feedback and next steps": 0}
    assert figures["question"] == {"1.1 What works?": 3, "1.2 What does not?": 0}
    assert figures["objective"] == {f"Objective 5: {objective.name}": 1}
    assert figures["constituency"] == {"Migrant": 2, "Academia": 1}
    assert figures["subregion"] == {"Northern Africa": 2, "Eastern Africa": 1}
    assert figures["language"] == {"العربية": 2, "English": 1}  # languages are named in their own script


@pytest.mark.django_db
def test_chart_is_an_image_with_a_name_and_mirrors_in_arabic(space, question, space_moderator):

    publish(question, space_moderator)
    figure = analysis.figures(space)[0]
    svg = str(figure.svg())
    assert 'role="img"' in svg and "<title id=" in svg and "<script" not in svg
    assert '<text x="0" y="17"' in svg and 'direction="ltr"' in svg
    with translation.override("ar"):
        mirrored = str(analysis.figures(space)[0].svg())
    assert '<text x="640" y="17"' in mirrored and 'direction="rtl"' in mirrored


@pytest.mark.django_db
def test_analysis_page_query_count_does_not_grow_with_posts(secretariat, space, question, space_moderator):
    seed_tags()
    tags = list(Tag.objects.filter(kind=TagKind.OBJECTIVE)[:3])
    url = f"/en/discussions/{space.pk}/analysis/"
    secretariat.get(url)
    counts = []
    for total in (1, 50):
        while analysis.counted_posts(space).count() < total:
            publish(question, space_moderator, tags=tags)
        with CaptureQueriesContext(connection) as queries:
            assert secretariat.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.django_db
def test_publishing_late_warns_with_the_due_date(secretariat, space):
    review_on(space, "12 December 2026")
    AnalysisPaperFactory(space=space)
    response = secretariat.post(f"/en/discussions/{space.pk}/analysis/publish/", {"publish": "1"}, follow=True)
    assert AnalysisPaper.objects.get(space=space).published_at is not None
    assert (
        "Published later than two weeks before the Regional Review: it was due by 28 November 2026."
        in (response.content.decode())
        or timezone.localdate() <= analysis.timing(space).due
    )


@pytest.mark.django_db
def test_timing_against_the_review_date(space):
    review = review_on(space, "12 May 2027")
    assert analysis.timing(space).due == review.start_earliest - timedelta(weeks=2)
    paper = AnalysisPaper(space=space, published_at=timezone.make_aware(timezone.datetime(2027, 4, 28, 12)))
    assert analysis.timing(space, paper).late is False
    paper.published_at += timedelta(days=1)
    assert analysis.timing(space, paper).late is True
    assert analysis.timing(space, today=timezone.datetime(2027, 4, 29).date()).overdue is True
    assert analysis.timing(space, today=timezone.datetime(2027, 4, 28).date()).overdue is False


@pytest.mark.django_db
def test_draft_is_hidden_from_the_public_until_published(client, secretariat, space, question, space_moderator):

    publish(question, space_moderator)
    AnalysisPaper.objects.create(space=space, synthesis="Migrants asked for regular pathways.")
    public = Client()
    url = f"/en/discussions/{space.pk}/analysis/"
    assert public.get(url).status_code == 404
    assert "Analysis paper" not in public.get(f"/en/discussions/{space.pk}/").content.decode()
    secretariat.post(f"/en/discussions/{space.pk}/analysis/publish/", {"publish": "1"})
    page = public.get(url)
    assert page.status_code == 200
    assert "Migrants asked for regular pathways." in page.content.decode()
    assert "analysis/publish/" not in page.content.decode()
    assert "Analysis paper" in public.get(f"/en/discussions/{space.pk}/").content.decode()


@pytest.mark.django_db
def test_only_the_secretariat_publishes(client, space, space_moderator):
    client.force_login(space_moderator)
    assert client.post(f"/en/discussions/{space.pk}/analysis/publish/", {"publish": "1"}).status_code == 403
    assert not AnalysisPaper.objects.filter(published_at__isnull=False).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "ar", "zh-hans"])
def test_pdf_download(secretariat, space, question, space_moderator, language):
    publish(question, space_moderator)
    AnalysisPaper.objects.create(space=space, synthesis="Synthesis text.")
    response = secretariat.get(f"/{language}/discussions/{space.pk}/analysis/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content.startswith(b"%PDF-")


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def layouts(monkeypatch):
    """The number of times WeasyPrint lays the paper out (the real layout runs every time)."""
    calls = []
    real = documents.html_to_pdf

    def counted(html):
        calls.append(html)
        return real(html)

    monkeypatch.setattr(documents, "html_to_pdf", counted)
    return calls


@pytest.mark.django_db
def test_pdf_is_laid_out_once_per_version_and_language(secretariat, space, question, space_moderator, layouts):
    publish(question, space_moderator)
    paper = AnalysisPaper.objects.create(space=space, synthesis="Synthesis text.")
    url = f"/en/discussions/{space.pk}/analysis/pdf/"

    first, second = secretariat.get(url).content, secretariat.get(url).content
    assert len(layouts) == 1
    assert first == second
    assert "Synthesis text." in pdf_text(first)

    secretariat.get(f"/fr/discussions/{space.pk}/analysis/pdf/")
    assert len(layouts) == 2  # each language its own

    paper.synthesis_en = "A new synthesis."
    paper.save()
    changed = secretariat.get(url).content
    assert len(layouts) == 3
    assert "A new synthesis." in pdf_text(changed)

    publish(question, space_moderator)  # a count changes: a new version
    counted = secretariat.get(url).content
    assert len(layouts) == 4
    assert counted != changed
    folder = Path(storages["private"].path(f"analysis-papers/{space.pk}"))
    assert sorted(p.name.split("-")[0] for p in folder.glob("*.pdf")) == ["en", "fr"]  # older versions deleted
    assert not list(folder.glob("*.part"))


@pytest.mark.django_db
def test_a_kept_draft_pdf_is_not_served_to_the_public(client, secretariat, space, question, space_moderator, layouts):
    publish(question, space_moderator)
    AnalysisPaper.objects.create(space=space, synthesis="Draft synthesis only staff read.")
    url = f"/en/discussions/{space.pk}/analysis/pdf/"
    assert secretariat.get(url).status_code == 200

    assert Client().get(url).status_code == 404
    client.force_login(make_user(Role.STAKEHOLDER))
    assert client.get(url).status_code == 404
    assert len(layouts) == 1


@pytest.mark.django_db
def test_export_neutralises_formulas(secretariat, space, question, space_moderator):
    post = services.post_create(question=question, author=make_user(), text='=HYPERLINK("x")', language="en")
    services.post_moderate(post=post, shown_revision=shown(post), by=space_moderator, approve=True)
    content = b"".join(secretariat.get(f"/en/discussions/{space.pk}/export/").streaming_content).decode()
    assert "'=HYPERLINK" in content


@pytest.mark.django_db
def test_analysis_paper_publish_is_audited_with_the_publisher(space):

    publisher = make_user(Role.SECRETARIAT)
    paper = AnalysisPaperFactory(space=space)

    assert services.analysis_paper_publish(space=space, by=publisher) is True
    assert services.analysis_paper_unpublish(space=space, by=publisher) is True

    paper.refresh_from_db()
    assert paper.published_at is None
    assert list(
        AuditEntry.objects.order_by("pk").values_list("actor", "action", "target_type", "target_id", "detail")
    ) == [
        (publisher.pk, AuditAction.ANALYSIS_PUBLICATION, "discussions.analysispaper", str(paper.pk), "published"),
        (publisher.pk, AuditAction.ANALYSIS_PUBLICATION, "discussions.analysispaper", str(paper.pk), "back to draft"),
    ]


@pytest.mark.django_db
def test_analysis_paper_publish_refuses_a_moderator_and_changes_nothing(space, space_moderator):

    with pytest.raises(services.DiscussionError):
        services.analysis_paper_publish(space=space, by=space_moderator)

    assert not AnalysisPaper.objects.filter(published_at__isnull=False).exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_publishing_from_the_page_names_the_publisher_in_the_audit_log(client, space):

    publisher = make_user(Role.SECRETARIAT)
    AnalysisPaperFactory(space=space)
    client.force_login(publisher)

    client.post(f"/en/discussions/{space.pk}/analysis/publish/", {"publish": "1"})

    assert AuditEntry.objects.get(action=AuditAction.ANALYSIS_PUBLICATION).actor == publisher


def audit_details():
    return list(
        AuditEntry.objects.filter(action=AuditAction.ANALYSIS_PUBLICATION)
        .order_by("pk")
        .values_list("detail", flat=True)
    )


@pytest.mark.django_db
def test_publishing_again_keeps_the_first_date_and_is_not_audited_again(secretariat, space):
    """A second publish (a second click, an old tab) would make an on-time paper late: it changes nothing."""
    review = review_on(space, "12 December 2026")
    paper = AnalysisPaperFactory(space=space)
    url = f"/en/discussions/{space.pk}/analysis/publish/"
    due = review.start_earliest - timedelta(weeks=2)
    with time_machine.travel(timezone.make_aware(timezone.datetime(due.year, due.month, due.day, 9))):
        secretariat.post(url, {"publish": "1"})
    paper.refresh_from_db()
    first = paper.published_at

    with time_machine.travel(
        timezone.make_aware(timezone.datetime(due.year, due.month, due.day, 9)) + timedelta(days=5)
    ):
        page = secretariat.post(url, {"publish": "1"}, follow=True).content.decode()

    paper.refresh_from_db()
    assert paper.published_at == first
    assert analysis.timing(space, paper).late is False
    assert audit_details() == ["published"]
    assert "The analysis paper was already published, on" in page


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["", "2", "yes", "true", "0 "])
def test_only_publish_0_takes_the_paper_back_to_draft(secretariat, space, value):
    AnalysisPaperFactory(space=space)
    url = f"/en/discussions/{space.pk}/analysis/publish/"
    secretariat.post(url, {"publish": "1"})

    response = secretariat.post(url, {"publish": value} if value else {})

    assert response.status_code == 400
    assert AnalysisPaper.objects.get(space=space).published_at is not None
    assert audit_details() == ["published"]
    secretariat.post(url, {"publish": "0"})
    assert AnalysisPaper.objects.get(space=space).published_at is None
    assert audit_details() == ["published", "back to draft"]


@pytest.mark.django_db
def test_taking_a_draft_back_to_draft_changes_nothing(secretariat, space):
    AnalysisPaperFactory(space=space)

    page = secretariat.post(f"/en/discussions/{space.pk}/analysis/publish/", {"publish": "0"}, follow=True)

    assert "The analysis paper is not published: it is still a draft." in page.content.decode()
    assert audit_details() == []


@pytest.mark.django_db
@pytest.mark.parametrize("synthesis", [None, "", "   \n  ", "only in French"])
def test_a_paper_without_its_synthesis_is_not_published(secretariat, space, synthesis):
    """No paper yet, an empty or blank synthesis, or one with no English text every language falls back to."""
    if synthesis == "only in French":
        AnalysisPaper.objects.create(space=space, synthesis_en="", synthesis_fr="Synthèse en français.")
    elif synthesis is not None:
        AnalysisPaperFactory(space=space, synthesis=synthesis)

    page = secretariat.post(f"/en/discussions/{space.pk}/analysis/publish/", {"publish": "1"}, follow=True)

    assert "The analysis paper cannot be published without its synthesis." in page.content.decode()
    assert not AnalysisPaper.objects.filter(published_at__isnull=False).exists()
    assert audit_details() == []


@pytest.mark.django_db
def test_a_review_dated_in_the_year_1_does_not_break_the_paper_page(secretariat, space):
    """A mistyped year (0001) on the Regional Review, from before parse() refused it: the day two weeks before
    it does not exist."""
    Event(cycle=space.cycle, region=space.region, kind="regional_review", start=read("0001")[0]).save()
    AnalysisPaperFactory(space=space)

    assert secretariat.get(f"/en/discussions/{space.pk}/analysis/").status_code == 200
