"""The thread and the moderation queue: what they cost does not grow with their posts, the post form still says
what is wrong next to the field, and what they keep in the shared cache (discussions.fragments) is what every
reader sees alike, always made from the data as it is now."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext

from discussions import post_translations, services, views
from discussions.models import Phase, Post, Tag
from portal import content_translation
from portal import kept as portal_kept
from portal.enums import Role
from portal.privacy import account_delete
from tests.discussions.conftest import pdf
from tests.factories import make_user, shown

THREAD = "/en/discussions/{space}/questions/{question}/"
QUEUE = "/en/discussions/moderation/"


@pytest.fixture
def thread(space, question):
    return THREAD.format(space=space.pk, question=question.pk)


@pytest.fixture
def tags(db):
    return [Tag.objects.create(kind="objective", number=n, name=f"Objective {n}") for n in (101, 102)]


@pytest.fixture
def translator(space):
    person = make_user(Role.STAKEHOLDER)
    space.translators.add(person)
    return person


def published(question, moderator, *, text="Published words", language="en", author=None, **fields):
    author = author or make_user(Role.STAKEHOLDER, display_name="Ama Mensah")
    post = services.post_create(question=question, author=author, text=text, language=language, **fields)
    services.post_moderate(post=post, by=moderator, approve=True, shown_revision=shown(post))
    return Post.objects.get(pk=post.pk)


def translate(post, translator, text="Translated by hand", language="en"):
    version = content_translation.digest(Post.objects.get(pk=post.pk).approved_text)
    return post_translations.post_translation_save(
        translator=translator, post=post, language=language, text=text, shown_digest=version
    )


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def article(page: str, post) -> str:
    start = page.index(f'id="post-{post.pk}"')
    return page[start : page.index("</article>", start)]


# --- What the pages cost --------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("viewer", ["reader", "author", "moderator", "translator"])
def test_thread_queries_are_the_same_at_1_and_20_posts(
    client, thread, question, space_moderator, translator, tags, viewer
):
    """Every kind of post a page can hold, at both sizes: replies, tags, files, a person's translation, and the
    author's own posts, refused and appealed (they come last in the thread: 10 of each kind fill the page)."""
    author = make_user(Role.STAKEHOLDER)
    first = published(question, space_moderator, language="fr")
    translate(first, translator)

    def add(n):
        for _ in range(n):
            reply = published(
                question, space_moderator, language="fr", tags=[tags[0]], files=[(pdf(), "application/pdf")]
            )
            Post.objects.filter(pk=reply.pk).update(parent=first)
            translate(reply, translator)
            mine = services.post_create(question=question, author=author, text="Mine", language="en", tags=[tags[1]])
            services.post_moderate(post=mine, by=space_moderator, approve=False, reason="No", shown_revision=1)
            services.appeal_create(post=mine, author=author, reason="Please")

    viewers = {
        "reader": make_user(Role.STAKEHOLDER),
        "author": author,
        "moderator": space_moderator,
        "translator": translator,
    }
    client.force_login(viewers[viewer])
    add(1)
    client.get(thread)  # what each process reads once (content types, the live settings) is read
    one = queries(client, thread)
    add(9)

    assert len(client.get(thread).context["posts"]) == (20 if viewer in ("author", "moderator") else 11)
    assert queries(client, thread) == one


@pytest.mark.django_db
def test_queue_queries_are_the_same_at_1_and_20_posts(client, question, space, tags):
    """New posts and edits of published ones, with tags and files, one by someone of the moderator's organisation;
    and open appeals, at both sizes."""
    moderator = make_user(Role.MODERATOR, organisation="Caritas")
    space.moderators.add(moderator)
    colleague = make_user(Role.STAKEHOLDER, organisation="Caritas")
    other = make_user(Role.MODERATOR)
    space.moderators.add(other)

    def add(n):
        for _ in range(n):
            services.post_create(
                question=question,
                author=make_user(Role.STAKEHOLDER),
                text="New",
                language="fr",
                tags=[tags[0]],
                files=[(pdf(), "application/pdf")],
            )
            edited = published(question, other, tags=[tags[0]])
            services.post_edit(post=edited, author=edited.author, text="Edited", tags=[tags[1]])
            refused = services.post_create(
                question=question, author=make_user(Role.STAKEHOLDER), text="R", language="en"
            )
            services.post_moderate(post=refused, by=other, approve=False, reason="No", shown_revision=1)
            services.appeal_create(post=refused, author=refused.author, reason="Please")

    services.post_create(question=question, author=colleague, text="By a colleague", language="en")
    client.force_login(moderator)
    add(1)
    client.get(QUEUE)
    one = queries(client, QUEUE)
    add(19)

    assert queries(client, QUEUE) == one
    page = client.get(QUEUE).content.decode()
    assert "someone from your organisation" in page, "the refusal is still worded for the colleague's post"


# --- The post form --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_refused_post_shows_the_error_at_the_field_and_keeps_what_was_typed(client, space, question, thread, tags):
    client.force_login(make_user(Role.STAKEHOLDER))

    response = client.post(
        f"{thread}post/",
        {"text": "", "language": "fr", "author_label": "organisation", "tags": [tags[1].pk], "reply_to": "7"},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert 'for="id_text" class="form-label requiredField">' in page
    assert 'aria-invalid="true" aria-describedby="id_text_helptext id_text_error" id="id_text"' in page
    assert '<div id="id_text_error" class="invalid-feedback">' in page
    assert '<p id="error_1_id_text"><strong>This field is required.</strong></p>' in page
    assert '<a href="#id_text">Your contribution</a>: This field is required.' in page
    assert '<option value="fr" selected>' in page
    assert '<option value="organisation" selected>' in page
    assert f'<option value="{tags[1].pk}" selected>' in page
    assert '<input type="hidden" name="reply_to" value="7">' in page


@pytest.mark.django_db
def test_a_refused_post_keeps_its_text(client, thread, tags):
    client.force_login(make_user(Role.STAKEHOLDER))

    response = client.post(
        f"{thread}post/", {"text": "Words worth keeping", "language": "en", "author_label": "x", "tags": ["0"]}
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert ">\nWords worth keeping</textarea>" in page
    assert "Select a valid choice. x is not one of the available choices." in page
    assert "Select a valid choice. 0 is not one of the available choices." in page


def kept_forms() -> list[str]:
    """The post form's renderings in the shared cache (Redis, in the tests)."""
    client = cache._cache.get_client()
    return [cache.get(key.decode().split(":", 2)[2]) for key in client.keys("*discussions:post-form:*")]


def form_fields(page: str) -> str:
    start = page.index('<div id="div_id_text"')
    end = min(page.find(marker, start) % len(page) for marker in ('<div class="form-check mb-3">', "<button"))
    return page[start:end].strip()


@pytest.mark.django_db
def test_the_form_is_kept_per_language_without_anything_of_the_person(client, space, thread, space_moderator):
    """The form's rendering is shared; the CSRF token, the reply target and the moderator's checkbox are not in
    it, and the initial language follows the page's."""
    client.force_login(make_user(Role.STAKEHOLDER))
    first = client.get(f"{thread}?reply_to=5").content.decode()
    client.force_login(space_moderator)
    second = client.get(thread).content.decode()
    french = client.get(thread.replace("/en/", "/fr/")).content.decode()

    assert '<input type="hidden" name="reply_to" value="5">' in first
    assert 'name="moderator_note"' not in first and 'name="moderator_note"' in second
    assert form_fields(first) == form_fields(second)
    assert "csrfmiddlewaretoken" not in form_fields(first)
    assert '<option value="en" selected>' in form_fields(second)
    assert '<option value="fr" selected>' in form_fields(french)
    kept = kept_forms()
    assert len(kept) == 2, "one rendering per language"
    assert all("csrfmiddlewaretoken" not in html and "moderator_note" not in html for html in kept)


@pytest.mark.django_db
def test_a_renamed_tag_is_in_the_form_at_once(client, thread, tags):
    client.force_login(make_user(Role.STAKEHOLDER))
    client.get(thread)

    Tag.objects.filter(pk=tags[0].pk).update(name_en="Fair recruitment")
    page = client.get(thread).content.decode()

    assert f'<option value="{tags[0].pk}">101. Fair recruitment</option>' in page
    assert "Objective 101" not in page


# --- A post kept for every reader: always the published version as it is now ----------------------------------


@pytest.mark.django_db
def test_an_approved_edit_replaces_the_published_version_for_readers(client, question, thread, space_moderator):
    post = published(question, space_moderator, text="Before the edit")
    client.force_login(make_user(Role.STAKEHOLDER))
    client.get(thread)

    services.post_edit(post=post, author=post.author, text="After the edit")
    waiting = client.get(thread).content.decode()
    services.post_moderate(post=post, by=space_moderator, approve=True, shown_revision=shown(post))
    approved = client.get(thread).content.decode()

    assert "Before the edit" in waiting and "After the edit" not in waiting
    assert "After the edit" in approved and "Before the edit" not in approved


@pytest.mark.django_db
def test_a_refused_edit_leaves_the_published_version(client, question, thread, space_moderator):
    post = published(question, space_moderator, text="The published words")
    client.force_login(make_user(Role.STAKEHOLDER))
    client.get(thread)

    services.post_edit(post=post, author=post.author, text="Words never approved")
    services.post_moderate(post=post, by=space_moderator, approve=False, reason="Off topic", shown_revision=shown(post))
    page = client.get(thread).content.decode()

    assert "The published words" in page
    assert "Words never approved" not in page and "Off topic" not in page


@pytest.mark.django_db
def test_tags_follow_the_decision_on_their_version(client, question, thread, space_moderator, tags):
    post = published(question, space_moderator, tags=[tags[0]])
    client.force_login(make_user(Role.STAKEHOLDER))
    before = client.get(thread).content.decode()

    # The same words: only the tags change.
    services.post_edit(post=post, author=post.author, text="Published words", tags=[tags[1]])
    waiting = client.get(thread).content.decode()
    services.post_moderate(post=post, by=space_moderator, approve=True, shown_revision=shown(post))
    approved = article(client.get(thread).content.decode(), post)

    assert "GCM objective 101" in before and "GCM objective 101" in waiting and "GCM objective 102" not in waiting
    assert "GCM objective 102" in approved and "GCM objective 101" not in approved


@pytest.mark.django_db
def test_files_follow_the_decision_on_their_version(client, question, thread, space_moderator):
    post = published(question, space_moderator)
    client.force_login(make_user(Role.STAKEHOLDER))
    client.get(thread)

    # The same words: only a file is added.
    services.post_edit(
        post=post, author=post.author, text="Published words", files=[(pdf("new.pdf"), "application/pdf")]
    )
    waiting = client.get(thread).content.decode()
    services.post_moderate(post=post, by=space_moderator, approve=True, shown_revision=shown(post))
    approved = article(client.get(thread).content.decode(), post)

    assert "new.pdf" not in waiting
    assert "new.pdf" in approved


@pytest.mark.django_db
def test_a_refused_file_never_shows_to_readers(client, question, thread, space_moderator):
    post = published(question, space_moderator)
    client.force_login(make_user(Role.STAKEHOLDER))
    client.get(thread)

    services.post_edit(post=post, author=post.author, text="Edit", files=[(pdf("refused.pdf"), "application/pdf")])
    services.post_moderate(post=post, by=space_moderator, approve=False, reason="No", shown_revision=shown(post))

    assert "refused.pdf" not in client.get(thread).content.decode()


@pytest.mark.django_db
def test_a_translation_by_a_person_shows_once_saved_and_goes_once_withdrawn(
    client, question, thread, space_moderator, translator
):
    post = published(question, space_moderator, text="Nous accueillons", language="fr")
    client.force_login(make_user(Role.STAKEHOLDER))
    client.get(thread)

    translate(post, translator, text="We welcome")
    saved = article(client.get(thread).content.decode(), post)
    translate(post, translator, text="")
    withdrawn = article(client.get(thread).content.decode(), post)

    assert "Translated by a person" in saved and "We welcome" in saved
    assert "Translated by a person" not in withdrawn and "We welcome" not in withdrawn
    assert "Nous accueillons" in withdrawn


@pytest.mark.django_db
def test_an_erased_author_becomes_a_former_participant_in_their_posts_and_the_replies(
    client, question, thread, space_moderator
):
    author = make_user(Role.STAKEHOLDER, display_name="Kofi Boateng")
    post = published(question, space_moderator, author=author)
    reply = published(question, space_moderator, text="A reply")
    Post.objects.filter(pk=reply.pk).update(parent=post)
    client.force_login(make_user(Role.STAKEHOLDER))
    before = client.get(thread).content.decode()

    account_delete(user=author)
    after = client.get(thread).content.decode()

    assert "Kofi Boateng" in before
    assert "Kofi Boateng" not in after
    assert "<strong>Former participant</strong>" in article(after, post)
    assert "in reply to Former participant" in article(after, reply)


@pytest.mark.django_db
def test_each_language_has_its_own_rendering(client, question, thread, space_moderator):
    post = published(question, space_moderator, author=make_user(Role.STAKEHOLDER, display_name="Ana"))
    client.force_login(make_user(Role.STAKEHOLDER))
    english = article(client.get(thread).content.decode(), post)
    french = article(client.get(thread.replace("/en/", "/fr/")).content.decode(), post)

    with translation.override("fr"):
        reply = gettext("Reply to %(name)s") % {"name": "Ana"}
    assert "Reply to Ana" in english
    assert reply in french and reply != "Reply to Ana"


@pytest.mark.django_db
def test_the_offers_follow_the_reader_and_the_phase(client, space, question, thread, space_moderator, translator):
    """Whether the reader may reply or translate is part of what is kept: a translator's rendering is never
    another reader's, and a closed phase takes the replies away at once."""
    post = published(question, space_moderator)
    translate_link = f'href="/en/discussions/posts/{post.pk}/translate/"'
    client.force_login(translator)
    for_translator = article(client.get(thread).content.decode(), post)
    client.force_login(make_user(Role.STAKEHOLDER))
    for_reader = article(client.get(thread).content.decode(), post)
    client.force_login(make_user(Role.MEMBER_STATE))
    for_member_state = article(client.get(thread).content.decode(), post)

    Phase.objects.filter(pk=question.phase_id).update(closes_at=timezone.now() - timedelta(seconds=1))
    client.force_login(translator)
    closed = article(client.get(thread).content.decode(), post)

    assert translate_link in for_translator and translate_link not in for_reader
    assert "Reply to" in for_reader and "Reply to" not in for_member_state
    assert "Reply to" not in closed and translate_link in closed


@pytest.mark.django_db
@pytest.mark.parametrize("kept", [False, True], ids=["computed", "kept until a change"])
def test_what_the_moderators_and_the_author_see_is_never_kept_for_readers(
    client, settings, question, thread, space_moderator, translator, kept
):
    """The translator's name (moderators only), a post waiting and its file: rendered for whoever may see them,
    never served to another reader, in either order; with what a reader's page keeps until any row changes
    (discussions.fragments.with_data) kept, too."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60 if kept else 0
    translate(published(question, space_moderator, language="fr"), translator)
    translator.profile.display_name = "Name of the translator"
    translator.profile.save()
    waiting = services.post_create(
        question=question,
        author=make_user(Role.STAKEHOLDER),
        text="Waiting words",
        language="en",
        files=[(pdf("waiting.pdf"), "application/pdf")],
    )
    edited = published(question, space_moderator, text="Words everyone reads")
    # Its versions differ in their words only.
    services.post_edit(post=edited, author=edited.author, text="Edit waiting")
    reader = make_user(Role.STAKEHOLDER)
    private = ("Name of the translator", "Waiting words", "waiting.pdf", "Edit waiting")
    orders = [
        (space_moderator, reader),
        (reader, space_moderator),
        (waiting.author, reader),
        (reader, waiting.author),
        (edited.author, reader),
        (reader, edited.author),
    ]

    for first, then in orders:
        cache.clear()
        client.force_login(first)
        before = client.get(thread).content.decode()
        client.force_login(then)
        after = client.get(thread).content.decode()
        pages = {first.pk: before, then.pk: after}

        assert not any(secret in pages[reader.pk] for secret in private)
        assert "Words everyone reads" in pages[reader.pk]
        if space_moderator.pk in pages:
            assert all(secret in pages[space_moderator.pk] for secret in private)
        if waiting.author.pk in pages:
            assert all(secret in pages[waiting.author.pk] for secret in ("Waiting words", "waiting.pdf"))
        if edited.author.pk in pages:
            assert "Edit waiting" in pages[edited.author.pk]


# --- With the shared cache as in production: a reader's page kept until any row changes -----------------------


def edit_link(post) -> str:
    return f'href="/en/discussions/posts/{post.pk}/edit/"'


# transactional: what is tested is what a real commit does to what is kept
@pytest.mark.django_db(transaction=True)
def test_a_kept_page_of_a_thread_shows_an_approval_at_once(client, shared_cache, question, thread, space_moderator):
    published(question, space_moderator, text="First words")
    client.force_login(make_user(Role.STAKEHOLDER))
    first = queries(client, thread)
    again = queries(client, thread)
    before = client.get(thread).content.decode()

    published(question, space_moderator, text="Second words")
    client.force_login(make_user(Role.STAKEHOLDER))
    after = client.get(thread).content.decode()

    assert again < first, "the published part of the page is kept"
    assert "First words" in before and "Second words" not in before
    assert "First words" in after and "Second words" in after


# transactional: what is tested is what a real commit does to what is kept
@pytest.mark.django_db(transaction=True)
def test_a_kept_page_shows_the_author_their_own_posts_and_nobody_else(
    client, shared_cache, question, thread, space_moderator
):
    """The author's published post is theirs to edit, their post waiting comes after the published ones; a reader
    sees neither as theirs, whoever read the page first."""
    author = make_user(Role.STAKEHOLDER, display_name="Ama Mensah")
    mine = published(question, space_moderator, text="My published words", author=author)
    published(question, space_moderator, text="Words of someone else")
    services.post_create(question=question, author=author, text="My waiting words", language="en")
    reader = make_user(Role.STAKEHOLDER)

    for order in ((reader, author), (author, reader)):
        cache.clear()
        pages = {}
        for person in order:
            client.force_login(person)
            pages[person.pk] = client.get(thread).content.decode()

        assert "My published words" in pages[reader.pk] and edit_link(mine) not in pages[reader.pk]
        assert "My waiting words" not in pages[reader.pk]
        assert "My published words" in pages[author.pk] and edit_link(mine) in pages[author.pk]
        assert pages[author.pk].index("Words of someone else") < pages[author.pk].index("My waiting words")


# transactional: what is tested is what a real commit does to what is kept
@pytest.mark.django_db(transaction=True)
def test_a_kept_page_counts_the_author_s_own_posts_into_its_pages(
    client, shared_cache, monkeypatch, question, thread, space_moderator
):
    """Three published posts and two of the author's waiting, two posts a page: the reader has two pages, the
    author three, the second with the last published post and their first waiting one; a page past the last is
    the last."""
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    author = make_user(Role.STAKEHOLDER)
    for n in range(3):
        published(question, space_moderator, text=f"Published {n}")
    for n in range(2):
        services.post_create(question=question, author=author, text=f"Waiting {n}", language="en")
    client.force_login(make_user(Role.STAKEHOLDER))
    reader = [client.get(f"{thread}?page={n}").context for n in (1, 2, 9)]
    client.force_login(author)
    theirs = [client.get(f"{thread}?page={n}").content.decode() for n in (2, 3, 9)]

    assert [context["page"].paginator.num_pages for context in reader] == [2, 2, 2]
    assert [len(context["posts"]) for context in reader] == [2, 1, 1]
    assert "Published 2" in theirs[0] and "Waiting 0" in theirs[0] and "Published 1" not in theirs[0]
    assert "Waiting 1" in theirs[1] and "Waiting 0" not in theirs[1]
    assert "Page 3 of 3" in theirs[2] and "Waiting 1" in theirs[2] and "Waiting 0" not in theirs[2]


# transactional: what is tested is what a real commit does to what is kept
@pytest.mark.django_db(transaction=True)
def test_the_kept_count_of_the_queue_follows_new_posts_decisions_and_appeals(
    client, shared_cache, question, space_moderator
):
    def post(text):
        return services.post_create(question=question, author=make_user(Role.STAKEHOLDER), text=text, language="en")

    first = post("First")
    client.force_login(space_moderator)
    one = client.get(QUEUE).content.decode()
    post("Second")
    two = client.get(QUEUE).content.decode()
    services.post_moderate(post=first, by=space_moderator, approve=False, reason="No", shown_revision=1)
    back_to_one = client.get(QUEUE).content.decode()
    services.appeal_create(post=first, author=first.author, reason="Please look again")

    assert "1 post waiting" in one and "2 posts waiting" in two and "1 post waiting" in back_to_one
    assert "Please look again" in client.get(QUEUE).content.decode()


@pytest.mark.django_db
def test_a_row_of_the_queue_kept_in_the_process_is_never_another_moderator_s(client, question, space):
    """The same post to two moderators of the space, one of the author's organisation, in both orders: each sees
    their own row (the decision form, or why they may not decide), with the CSRF token of their own page."""
    colleague = make_user(Role.MODERATOR, organisation="Caritas")
    other = make_user(Role.MODERATOR)
    space.moderators.add(colleague, other)
    services.post_create(
        question=question, author=make_user(Role.STAKEHOLDER, organisation="Caritas"), text="Words", language="en"
    )

    for order in ((colleague, other), (other, colleague)):
        portal_kept._kept.clear()
        pages = {}
        for person in order:
            client.force_login(person)
            response = client.get(QUEUE)
            pages[person.pk] = (response.content.decode(), response.context["csrf_token"])

        page, token = pages[colleague.pk]
        assert "someone from your organisation" in page and 'name="decision"' not in page
        page, token = pages[other.pk]
        assert "someone from your organisation" not in page
        form = f'name="csrfmiddlewaretoken" value="{token}">\n        <input type="hidden" name="revision"'
        assert form in page
        assert "\x00" not in page


@pytest.mark.django_db
def test_the_queue_names_each_question_in_the_page_s_language_or_else_in_english(client, question, space):
    """The queue reads no model: the question's text in the page's language, with modeltranslation's fallback."""
    moderator = make_user(Role.MODERATOR)
    space.moderators.add(moderator)
    other = space.phases.get(number=1).questions.exclude(pk=question.pk).get()
    type(question).objects.filter(pk=question.pk).update(text_en="What works?", text_fr="Qu'est-ce qui marche ?")
    type(question).objects.filter(pk=other.pk).update(text_en="What does not?", text_fr="")
    for asked in (question, other):
        services.post_create(question=asked, author=make_user(Role.STAKEHOLDER), text="Words", language="en")
    client.force_login(moderator)

    page = client.get(QUEUE.replace("/en/", "/fr/")).content.decode()

    assert "Qu&#x27;est-ce qui marche ?" in page and "What works?" not in page
    assert "What does not?" in page
