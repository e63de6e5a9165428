"""Translations of posts by people: who may write them, what readers see, versions, and the person's data."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from discussions import post_translations, services
from discussions.models import Post
from portal import content_translation
from portal.content_translation import TranslationError
from portal.enums import Role, TranslationKind
from portal.models import Translation
from portal.privacy import account_delete, personal_data
from tests.factories import make_user, shown

ARABIC = "نرحب بالعمال المهاجرين في مدننا ونحمي حقوقهم."
IN_ENGLISH = "We welcome migrant workers in our cities and protect their rights."


def publish(question, moderator, text=ARABIC, *, language="ar"):
    post = services.post_create(
        question=question, author=make_user(Role.STAKEHOLDER), text=text, language=language, tags=()
    )
    services.post_moderate(post=post, shown_revision=shown(post), by=moderator, approve=True)
    post.refresh_from_db()
    return post


@pytest.fixture
def translator(space):
    person = make_user(Role.STAKEHOLDER)
    space.translators.add(person)
    return person


def version(post: Post) -> str:
    return content_translation.digest(Post.objects.get(pk=post.pk).approved_text)


def translate(post, translator, text=IN_ENGLISH, language="en"):
    return post_translations.post_translation_save(
        translator=translator, post=post, language=language, text=text, shown_digest=version(post)
    )


@pytest.mark.django_db
def test_reader_sees_the_translation_labelled_with_the_original_one_click_away(
    client, space, question, space_moderator, translator
):
    post = publish(question, space_moderator)
    translate(post, translator)
    client.force_login(make_user(Role.STAKEHOLDER))

    page = client.get(question.get_absolute_url()).content.decode()

    article = page[page.index(f'id="post-{post.pk}"') :]
    article = article[: article.index("</article>")]
    assert "Translated by a person" in article
    assert f'<div class="post-body" lang="en" dir="auto"><p>{IN_ENGLISH}</p></div>' in article
    assert "<summary>Show the original</summary>" in article
    assert ARABIC in article[article.index("Show the original") :]


@pytest.mark.django_db
def test_reader_in_another_language_sees_the_original(client, space, question, space_moderator, translator):
    post = publish(question, space_moderator)
    translate(post, translator)
    client.force_login(make_user(Role.STAKEHOLDER))

    page = client.get(f"/fr{question.get_absolute_url()[3:]}").content.decode()

    assert IN_ENGLISH not in page
    assert ARABIC in page
    assert "Translated by a person" not in page and "Traduit par une personne" not in page


@pytest.mark.django_db
def test_who_may_translate(client, space, question, space_moderator, translator):
    post = publish(question, space_moderator)
    other_space_translator = make_user(Role.STAKEHOLDER)
    url = f"/en/discussions/posts/{post.pk}/translate/"
    expected = {
        "anonymous": 302,
        "stakeholder": 403,
        "moderator of another space": 403,
        "translator of another space": 403,
        "translator of the space": 200,
        "moderator of the space": 200,
    }
    people = {
        "stakeholder": make_user(Role.STAKEHOLDER),
        "moderator of another space": make_user(Role.MODERATOR),
        "translator of another space": other_space_translator,
        "translator of the space": translator,
        "moderator of the space": space_moderator,
    }
    seen = {"anonymous": client.get(url).status_code}
    for name, person in people.items():
        client.force_login(person)
        seen[name] = client.get(url).status_code
    assert seen == expected


@pytest.mark.django_db
def test_a_post_under_moderation_is_not_translated_by_a_person(client, space, question, space_moderator, translator):
    pending = services.post_create(
        question=question, author=make_user(Role.STAKEHOLDER), text=ARABIC, language="ar", tags=()
    )
    client.force_login(translator)

    assert client.get(f"/en/discussions/posts/{pending.pk}/translate/").status_code == 404
    with pytest.raises(TranslationError):
        post_translations.post_translation_save(
            translator=translator,
            post=pending,
            language="en",
            text=IN_ENGLISH,
            shown_digest=content_translation.digest(pending.approved_text),
        )
    assert Translation.objects.count() == 0


@pytest.mark.django_db
def test_the_form_saves_and_thanks(client, space, question, space_moderator, translator):
    post = publish(question, space_moderator)
    client.force_login(translator)
    url = f"/en/discussions/posts/{post.pk}/translate/"

    form = client.get(url)
    response = client.post(
        url, {"language": "en", "shown_language": "en", "text": IN_ENGLISH, "shown_digest": version(post)}
    )

    assert form.status_code == 200 and ARABIC in form.content.decode()
    assert response.status_code == 302 and response["Location"].endswith(f"#post-{post.pk}")
    saved = Translation.objects.get()
    assert (saved.kind, saved.language, saved.source_language, saved.text, saved.translator) == (
        TranslationKind.HUMAN,
        "en",
        "ar",
        IN_ENGLISH,
        translator,
    )


@pytest.mark.django_db
def test_a_translation_of_a_text_that_changed_meanwhile_is_refused_and_kept_for_the_new_one(
    client, space, question, space_moderator, translator
):
    post = publish(question, space_moderator)
    shown_then = version(post)
    services.post_edit(post=post, author=post.author, text=ARABIC + " وندعو إلى المزيد.", tags=(), files=())
    services.post_moderate(post=post, shown_revision=shown(post), by=space_moderator, approve=True)
    client.force_login(translator)
    url = f"/en/discussions/posts/{post.pk}/translate/"

    refused = client.post(
        url, {"language": "en", "shown_language": "en", "text": IN_ENGLISH, "shown_digest": shown_then}
    )

    assert refused.status_code == 409
    page = refused.content.decode()
    assert "The original changed while you were translating it" in page
    assert IN_ENGLISH in page  # what was typed is not lost
    assert "وندعو إلى المزيد" in page  # the new original is shown
    assert Translation.objects.count() == 0
    again = client.post(
        url,
        {
            "language": "en",
            "shown_language": "en",
            "text": IN_ENGLISH + " We ask for more.",
            "shown_digest": version(post),
        },
    )
    assert again.status_code == 302
    assert Translation.objects.get().text == IN_ENGLISH + " We ask for more."


@pytest.mark.django_db
def test_an_edit_of_the_post_hides_the_translation_until_it_is_brought_up_to_date(
    client, space, question, space_moderator, translator
):
    post = publish(question, space_moderator)
    translate(post, translator)
    services.post_edit(post=post, author=post.author, text=ARABIC + " وندعو إلى المزيد.", tags=(), files=())
    client.force_login(make_user(Role.STAKEHOLDER))

    while_pending = client.get(question.get_absolute_url()).content.decode()
    services.post_moderate(post=post, shown_revision=shown(post), by=space_moderator, approve=True)
    after = client.get(question.get_absolute_url()).content.decode()
    client.force_login(translator)
    form = client.get(f"/en/discussions/posts/{post.pk}/translate/").content.decode()

    assert IN_ENGLISH in while_pending  # the published version has not changed yet
    assert IN_ENGLISH not in after
    assert Translation.objects.get().is_current is False
    assert "readers no longer see it" in form and IN_ENGLISH in form


@pytest.mark.django_db
def test_an_empty_translation_withdraws_it_and_the_original_language_is_refused(
    space, question, space_moderator, translator
):
    post = publish(question, space_moderator)
    translate(post, translator)

    translate(post, translator, text="  ")
    with pytest.raises(TranslationError):
        translate(post, translator, language="ar")

    assert Translation.objects.count() == 0


@pytest.mark.django_db
def test_thread_query_count_does_not_grow_with_translated_posts(client, space, question, space_moderator, translator):
    client.force_login(make_user(Role.STAKEHOLDER))
    translate(publish(question, space_moderator), translator)
    client.get(question.get_absolute_url())  # caches filled once per process (content types, settings)
    with CaptureQueriesContext(connection) as one:
        client.get(question.get_absolute_url())
    for _ in range(5):
        translate(publish(question, space_moderator), translator)
    with CaptureQueriesContext(connection) as six:
        client.get(question.get_absolute_url())

    assert len(six) == len(one)


@pytest.mark.django_db
def test_the_translator_finds_their_translations_in_their_data_and_erasure_keeps_them_unsigned(
    client, space, question, space_moderator, translator
):
    post = publish(question, space_moderator)
    translate(post, translator)

    copy = personal_data(translator)
    account_delete(user=translator)
    client.force_login(make_user(Role.STAKEHOLDER))
    page = client.get(question.get_absolute_url()).content.decode()

    [row] = copy["translations"]
    assert (row["text"], row["language"], row["object_id"]) == (IN_ENGLISH, "en", post.pk)
    assert Translation.objects.get().translator is None
    assert IN_ENGLISH in page


@pytest.mark.django_db
def test_erasing_the_author_deletes_translations_of_texts_that_go(space, question, space_moderator, translator):
    author = make_user(Role.STAKEHOLDER)
    pending = services.post_create(question=question, author=author, text=ARABIC, language="ar", tags=())
    content_translation.original_changed(pending, "text", pending.text)
    Translation.objects.create(
        content_type=ContentType.objects.get_for_model(Post),
        object_id=pending.pk,
        field="text",
        source_language="ar",
        language="en",
        source_digest=content_translation.digest(pending.text),
        text=IN_ENGLISH,
        kind=TranslationKind.MACHINE,
        engine="Test",
    )

    account_delete(user=author)

    assert Translation.objects.count() == 0


@pytest.mark.django_db
def test_choosing_another_language_before_saving_saves_nothing_and_keeps_the_text(
    client, space, question, space_moderator, translator
):
    post = publish(question, space_moderator)
    client.force_login(translator)
    url = f"/en/discussions/posts/{post.pk}/translate/"

    # The page was shown for English; the translator picks Spanish in the menu and presses "Save".
    response = client.post(
        url, {"language": "es", "shown_language": "en", "text": IN_ENGLISH, "shown_digest": version(post)}, follow=True
    )

    page = response.content.decode()
    assert Translation.objects.count() == 0
    assert "check that the text is in Spanish, then save it" in page
    assert IN_ENGLISH in page
    assert 'name="shown_language" value="es"' in page
