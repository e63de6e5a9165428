"""Machine translation of posts with real engines: Debian's Apertium, and a recording LibreTranslate that is not on
the portal's own machines (declared remote), to prove that text under moderation never reaches it."""

import pytest

from discussions import services
from portal.enums import Role, TranslationKind
from portal.models import Translation
from tests.factories import make_user, shown

ENGLISH = "Migrant workers have the right to decent work."
SECRET = "Our shelter in the border town is full; please do not share this yet."


def publish(question, moderator, text=ENGLISH, *, language="en"):
    post = services.post_create(
        question=question, author=make_user(Role.STAKEHOLDER), text=text, language=language, tags=()
    )
    services.post_moderate(post=post, shown_revision=shown(post), by=moderator, approve=True)
    post.refresh_from_db()
    return post


def page_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.mark.django_db
def test_a_reader_shows_a_labelled_machine_translation_made_once_per_version(
    client, apertium, space, question, space_moderator
):
    post = publish(question, space_moderator)
    client.force_login(make_user(Role.STAKEHOLDER))
    url = f"/es/discussions/posts/{post.pk}/machine-translation/?language=es"

    thread = page_of(client, f"/es{question.get_absolute_url()[3:]}")
    first = page_of(client, url)
    Translation.objects.update(text="Texto guardado")  # the next reading must come from the cache
    second = page_of(client, url)

    assert f'href="/es/discussions/posts/{post.pk}/machine-translation/?language=es"' in thread
    assert "trabajadores" in first and "Apertium" in first
    assert ENGLISH in first  # the original, on the same page
    assert "Texto guardado" in second
    row = Translation.objects.get()
    assert (row.kind, row.field, row.language, row.engine) == (
        TranslationKind.MACHINE,
        "approved_text",
        "es",
        "Apertium",
    )


@pytest.mark.django_db
def test_an_edit_drops_the_cached_machine_translation(client, apertium, space, question, space_moderator):
    post = publish(question, space_moderator)
    client.force_login(make_user(Role.STAKEHOLDER))
    page_of(client, f"/es/discussions/posts/{post.pk}/machine-translation/?language=es")

    services.post_edit(post=post, author=post.author, text="Migrant women need safe housing.", tags=(), files=())
    while_pending = Translation.objects.filter(field="approved_text").count()
    services.post_moderate(post=post, shown_revision=shown(post), by=space_moderator, approve=True)

    assert while_pending == 1  # the public version has not changed yet
    assert Translation.objects.filter(field="approved_text").count() == 0
    assert "mujeres" in page_of(client, f"/es/discussions/posts/{post.pk}/machine-translation/?language=es")


@pytest.mark.django_db
def test_a_moderator_reads_a_pending_post_translated_on_the_portals_own_machine(
    client, apertium, space, question, space_moderator
):
    pending = services.post_create(
        question=question, author=make_user(Role.STAKEHOLDER), text="Los trabajadores migrantes.", language="es"
    )
    client.force_login(space_moderator)

    queue = page_of(client, "/en/discussions/moderation/")
    page = page_of(client, f"/en/discussions/posts/{pending.pk}/machine-translation/?language=en")

    assert f"/en/discussions/posts/{pending.pk}/machine-translation/?language=en" in queue
    assert "workers" in page and "Not published" in page
    assert Translation.objects.get().field == "text"


@pytest.mark.django_db
def test_nobody_else_gets_a_machine_translation_of_a_pending_post(client, apertium, space, question):
    author = make_user(Role.STAKEHOLDER)
    pending = services.post_create(question=question, author=author, text=ENGLISH, language="en")
    url = f"/es/discussions/posts/{pending.pk}/machine-translation/?language=es"
    seen = {}
    for name, person in {
        "author": author,
        "stakeholder": make_user(Role.STAKEHOLDER),
        "moderator of another space": make_user(Role.MODERATOR),
        "secretariat": make_user(Role.SECRETARIAT),
    }.items():
        client.force_login(person)
        seen[name] = client.get(url).status_code

    assert seen == {"author": 404, "stakeholder": 404, "moderator of another space": 404, "secretariat": 404}
    assert Translation.objects.count() == 0


@pytest.mark.django_db
def test_pending_text_never_reaches_a_remote_engine_and_published_text_does(
    client, remote_engine, space, question, space_moderator
):
    pending = services.post_create(question=question, author=make_user(Role.STAKEHOLDER), text=SECRET, language="en")
    published = publish(question, space_moderator)
    client.force_login(space_moderator)

    queue = page_of(client, "/en/discussions/moderation/")
    refused = client.get(f"/fr/discussions/posts/{pending.pk}/machine-translation/?language=fr")
    client.force_login(make_user(Role.STAKEHOLDER))
    shown_to_reader = page_of(client, f"/fr/discussions/posts/{published.pk}/machine-translation/?language=fr")

    assert "machine-translation" not in queue
    assert refused.status_code == 404
    assert f"&lt;fr&gt; {ENGLISH}" in shown_to_reader
    assert remote_engine.texts == [ENGLISH]
    assert SECRET not in str(remote_engine.requests)


@pytest.mark.django_db
def test_an_engine_that_fails_says_so_and_shows_the_original(client, remote_engine, space, question, space_moderator):
    post = publish(question, space_moderator)
    remote_engine.answer = "error"
    client.force_login(make_user(Role.STAKEHOLDER))

    response = client.get(f"/fr/discussions/posts/{post.pk}/machine-translation/?language=fr")

    assert response.status_code == 503
    assert ENGLISH in response.content.decode()
    assert Translation.objects.count() == 0


@pytest.mark.django_db
def test_without_an_engine_nothing_is_offered(client, space, question, space_moderator):
    post = publish(question, space_moderator)
    client.force_login(make_user(Role.STAKEHOLDER))

    thread = page_of(client, f"/es{question.get_absolute_url()[3:]}")

    assert "machine-translation" not in thread
    assert client.get(f"/es/discussions/posts/{post.pk}/machine-translation/?language=es").status_code == 404


@pytest.mark.django_db
def test_a_translator_starts_from_a_machine_translation(client, apertium, space, question, space_moderator):
    post = publish(question, space_moderator)
    translator = make_user(Role.STAKEHOLDER)
    space.translators.add(translator)
    client.force_login(translator)

    offer = page_of(client, f"/en/discussions/posts/{post.pk}/translate/?language=es")
    form = page_of(client, f"/en/discussions/posts/{post.pk}/translate/?language=es&suggest=1")

    assert "Start from a machine translation" in offer
    assert "trabajadores" in form[form.index("<textarea") :]
    assert not Translation.objects.filter(kind=TranslationKind.HUMAN).exists()  # nothing is saved until they do
