"""Content not yet translated shows in English, marked with lang="en" and a visible "in English"."""

import pytest
from django.template import Context, Template
from django.utils import translation

from discussions.models import Tag


def render(source: str, **context) -> str:
    return Template("{% load content %}" + source).render(Context(context))


@pytest.mark.django_db
def test_translated_content_shows_as_is_and_missing_content_is_marked():
    tag = Tag.objects.create(kind="objective", number=1, name_en="Collect data", name_fr="Collecter des données")
    with translation.override("fr"):
        assert render('{% content tag "name" %}', tag=tag) == "Collecter des données"
    with translation.override("ru"):
        html = render('{% content tag "name" %}', tag=tag)
    assert html.startswith('<span lang="en">Collect data</span> <span class="badge text-bg-light border in-english">')
    assert "in English" not in html, "the marker itself is translated"
    with translation.override("en"):
        assert render('{% content tag "name" %}', tag=tag) == "Collect data"


@pytest.mark.django_db
def test_long_content_is_escaped_and_marked():
    tag = Tag.objects.create(kind="objective", number=2, name_en="<b>Line one</b>\n\nLine two")
    with translation.override("ar"):
        html = render('{% content_block tag "name" %}', tag=tag)
    assert html.startswith(
        '<div lang="en"><p>&lt;b&gt;Line one&lt;/b&gt;</p>\n\n<p>Line two</p></div><p><span class="badge'
    )
