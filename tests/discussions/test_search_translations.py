"""Search finds a post through a person's translation of it, read in the translation's language."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from discussions import post_translations, search, services
from discussions.models import Post
from portal import content_translation
from portal.enums import Role
from tests.factories import make_user, shown


def publish(question, moderator, text, *, language="en"):
    post = services.post_create(
        question=question, author=make_user(Role.STAKEHOLDER), text=text, language=language, tags=()
    )
    services.post_moderate(post=post, shown_revision=shown(post), by=moderator, approve=True)
    return Post.objects.get(pk=post.pk)


def translate(post, translator, text, language):
    return post_translations.post_translation_save(
        translator=translator,
        post=post,
        language=language,
        text=text,
        shown_digest=content_translation.digest(post.approved_text),
    )


def found(space, query) -> set[int]:
    return set(search.search(Post.objects.filter(space=space), query).values_list("pk", flat=True))


@pytest.fixture
def translator(space):
    person = make_user(Role.STAKEHOLDER)
    space.translators.add(person)
    return person


@pytest.mark.django_db
def test_a_query_in_french_finds_an_english_post_through_its_french_translation(
    space, question, space_moderator, translator
):
    remittances = publish(question, space_moderator, "Remittance costs fell for seasonal workers in Kenya.")
    publish(question, space_moderator, "Consular protection during return.")
    before = found(space, "travailleur saisonnier")

    translate(remittances, translator, "Le coût des envois de fonds a baissé pour les travailleurs saisonniers.", "fr")

    assert before == set()
    assert found(space, "travailleur saisonnier") == {remittances.pk}  # stemmed the French way
    assert found(space, "seasonal") == {remittances.pk}  # the original still matches


@pytest.mark.django_db
def test_a_chinese_word_finds_a_post_through_its_chinese_translation(space, question, space_moderator, translator):
    post = publish(question, space_moderator, "Migrant workers need written contracts.")
    translate(post, translator, "移民工人需要书面合同。", "zh-hans")

    assert found(space, "合同") == {post.pk}
    assert found(space, "移民局") == set()


@pytest.mark.django_db
def test_a_translation_no_longer_current_finds_nothing(space, question, space_moderator, translator):
    post = publish(question, space_moderator, "Remittance costs fell.")
    translate(post, translator, "Le coût des envois de fonds a baissé.", "fr")
    services.post_edit(post=post, author=post.author, text="Remittance costs rose.", tags=(), files=())
    services.post_moderate(post=post, shown_revision=shown(post), by=space_moderator, approve=True)

    assert found(space, "envois de fonds") == set()


@pytest.mark.django_db
def test_the_search_page_finds_through_translations_in_the_same_number_of_queries(
    client, space, question, space_moderator, translator
):
    client.force_login(make_user(Role.STAKEHOLDER))
    url = f"/fr/discussions/{space.pk}/posts/?q=saisonniers"
    first = publish(question, space_moderator, "Seasonal workers one.")
    translate(first, translator, "Travailleurs saisonniers, un.", "fr")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        page = client.get(url).content.decode()
    for number in range(5):
        post = publish(question, space_moderator, f"Seasonal workers {number}.")
        translate(post, translator, f"Travailleurs saisonniers {number}.", "fr")
    with CaptureQueriesContext(connection) as six:
        more = client.get(url).content.decode()

    assert "Travailleurs saisonniers, un." in page
    assert more.count("Traduit par une personne") == 6
    assert len(six) == len(one)
