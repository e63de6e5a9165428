import pytest
from constance import config
from constance.test import override_config
from django.core.files.uploadedfile import SimpleUploadedFile

from discussions import services
from discussions.models import Post, Subscription
from discussions.permissions import CONCEPT_NOTE, PRACTICAL_GUIDE
from portal.cache import version as cache_version
from portal.enums import Role
from reviews.enums import EventKind
from tests.factories import EventFactory, PhaseFactory, SpaceFactory, make_user, shown


@pytest.mark.django_db
def test_stakeholder_posts_with_attachment_and_sees_it_pending(client, question, space):
    author = make_user(Role.STAKEHOLDER)
    client.force_login(author)

    response = client.post(
        f"/en/discussions/{space.pk}/questions/{question.pk}/post/",
        {
            "text": "Our report <b>here</b>",
            "language": "fr",
            "author_label": "display_name",
            "files": [SimpleUploadedFile("r.pdf", b"%PDF-1.4 x")],
        },
        follow=True,
    )

    post = Post.objects.get()
    assert (post.status, post.language, post.attachments.count()) == ("pending", "fr", 1)
    html = response.content.decode()
    assert "Waiting for moderation" in html
    assert "&lt;b&gt;here&lt;/b&gt;" in html


@pytest.mark.django_db
def test_bad_file_is_refused_naming_the_limit_and_text_is_kept(client, question, space):
    client.force_login(make_user(Role.STAKEHOLDER))

    response = client.post(
        f"/en/discussions/{space.pk}/questions/{question.pk}/post/",
        {
            "text": "Keep this text",
            "language": "en",
            "author_label": "display_name",
            "files": [SimpleUploadedFile("report.pdf", b"MZ\x90 executable")],
        },
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "report.pdf" in html and "not a PDF" in html
    assert "Keep this text" in html
    assert Post.objects.count() == 0


@pytest.mark.django_db
def test_public_sees_questions_but_not_threads(client, question, space):
    assert question.text in client.get(f"/en/discussions/{space.pk}/").content.decode()
    assert client.get(f"/en/discussions/{space.pk}/questions/{question.pk}/").status_code == 302


@pytest.mark.django_db
def test_moderation_page_rejects_with_a_listed_reason(client, question, space, space_moderator):
    post = services.post_create(question=question, author=make_user(Role.STAKEHOLDER), text="x", language="en")
    client.force_login(space_moderator)

    client.post(
        f"/en/discussions/moderation/{post.pk}/", {"decision": "reject", "reason_choice": "spam", "revision": "1"}
    )

    post.refresh_from_db()
    assert (post.status, post.rejection_reason) == ("rejected", "Advertising or spam")


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["thread", "/en/discussions/moderation/", "/en/admin/discussions/pendingpost/"])
def test_query_counts_same_at_1_and_50_posts(client, question, space, space_moderator, query_count, url):
    if url == "thread":
        url = f"/en/discussions/{space.pk}/questions/{question.pk}/"
    client.force_login(space_moderator)

    def add(n):
        for _ in range(n):
            services.post_create(
                question=question,
                author=make_user(Role.STAKEHOLDER),
                text="t",
                language="en",
                files=[(SimpleUploadedFile("a.pdf", b"%PDF-1 x"), "application/pdf")],
            )

    add(1)
    client.get(url)
    one = query_count(lambda: client.get(url))
    add(49)

    assert query_count(lambda: client.get(url)) == one


@pytest.mark.django_db
def test_admin_bulk_approve(client, question, space, space_moderator, django_capture_on_commit_callbacks):
    made = [
        services.post_create(question=question, author=make_user(Role.STAKEHOLDER), text="t", language="en")
        for _ in range(3)
    ]
    client.force_login(space_moderator)

    selection = {"action": "approve", "_selected_action": [p.pk for p in made]}
    page = client.post("/en/admin/discussions/pendingpost/", selection)
    assert set(Post.objects.values_list("status", flat=True)) == {"pending"}, "first the posts are shown"
    assert [item.obj.pk for item in page.context["items"]] == [p.pk for p in made]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/en/admin/discussions/pendingpost/",
            {**selection, "confirm_decision": "yes", **{f"shown-{p.pk}": "1" for p in made}},
        )

    assert set(Post.objects.values_list("status", flat=True)) == {"approved"}


@pytest.mark.django_db
def test_a_refused_reply_is_still_a_reply(client, question, space, posts):
    client.force_login(make_user(Role.STAKEHOLDER))
    parent = posts["approved"]

    response = client.post(
        f"/en/discussions/{space.pk}/questions/{question.pk}/post/",
        {
            "text": "My answer",
            "language": "en",
            "author_label": "display_name",
            "reply_to": parent.pk,
            "files": [SimpleUploadedFile("report.pdf", b"MZ\x90 executable")],
        },
    )

    assert response.status_code == 400
    assert f'name="reply_to" value="{parent.pk}"' in response.content.decode()


@pytest.mark.django_db
def test_an_edit_does_not_offer_what_it_cannot_change(client, posts):
    post = posts["approved"]
    client.force_login(post.author)

    form = client.get(f"/fr/discussions/posts/{post.pk}/edit/").context["form"]

    assert {"language", "author_label"}.isdisjoint(form.fields)
    assert "20 Mo au maximum" in str(form.fields["files"].help_text), "the help text follows the page's language"


@pytest.mark.django_db
def test_a_reply_does_not_name_the_author_of_an_unapproved_post(client, question, space, posts, space_moderator):
    pending = posts["pending"]
    reply = services.post_create(
        question=question, author=pending.author, text="Adding to my own point", language="en", parent=pending
    )
    services.post_moderate(post=reply, shown_revision=shown(reply), by=space_moderator, approve=True)
    client.force_login(make_user(Role.STAKEHOLDER))

    page = client.get(question.get_absolute_url()).content.decode()

    assert "Adding to my own point" in page
    assert "in reply to Author pending" not in page


@pytest.mark.django_db
def test_an_author_who_lost_the_right_to_post_cannot_send_edits(posts):
    post = posts["approved"]
    post.author.groups.clear()
    author = type(post.author).objects.get(pk=post.author_id)  # roles are read once per user object

    with pytest.raises(services.DiscussionError):
        services.post_edit(post=post, author=author, text="Changed")


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["²", "٣", "99999999999999999999999999999", "-1", "1e3"])
def test_numbers_in_query_strings_and_forms_that_are_no_ids_are_ignored(client, question, space, value):
    client.force_login(make_user(Role.STAKEHOLDER))
    thread = f"/en/discussions/{space.pk}/questions/{question.pk}/"

    assert client.get(f"{thread}?tag={value}").status_code == 200
    reply = client.post(
        f"{thread}post/", {"text": "A reply", "language": "en", "author_label": "display_name", "reply_to": value}
    )
    assert reply.status_code in (302, 400)


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["1e5", "-1", "٣", "²", "99999999999999999999999999999", " 1", "abc"])
@pytest.mark.parametrize("follow", ["1", "0"])
def test_following_a_question_that_is_no_id_is_refused_and_follows_nothing(client, question, space, value, follow):
    """Read as "no question", such an id would follow (or stop following) the whole space."""
    reader = make_user(Role.STAKEHOLDER)
    services.subscription_create(user=reader, space=space)
    client.force_login(reader)

    response = client.post(f"/en/discussions/{space.pk}/follow/", {"question": value, "follow": follow})

    assert response.status_code == 400
    assert list(Subscription.objects.values_list("user", "space", "question")) == [(reader.pk, space.pk, None)]


@pytest.mark.django_db
@pytest.mark.parametrize("follow", ["", "yes", "2", None])
def test_following_needs_follow_1_or_0(client, space, follow):
    client.force_login(make_user(Role.STAKEHOLDER))

    response = client.post(f"/en/discussions/{space.pk}/follow/", {} if follow is None else {"follow": follow})

    assert response.status_code == 400
    assert not Subscription.objects.exists()


@pytest.mark.django_db
def test_following_the_question_of_another_space_is_not_found(client, question, space):
    other = SpaceFactory()
    client.force_login(make_user(Role.STAKEHOLDER))

    response = client.post(f"/en/discussions/{other.pk}/follow/", {"question": question.pk, "follow": "1"})

    assert response.status_code == 404
    assert not Subscription.objects.exists()


POST = {"text": "Our national report", "language": "en", "author_label": "display_name"}


@pytest.mark.django_db
def test_a_member_state_cannot_post_by_default_and_the_page_says_which_document_that_follows(client, question, space):
    client.force_login(make_user(Role.MEMBER_STATE))

    space_page = client.get(f"/en/discussions/{space.pk}/").content.decode()
    thread = client.get(f"/en/discussions/{space.pk}/questions/{question.pk}/").content.decode()
    refused = client.post(f"/en/discussions/{space.pk}/questions/{question.pk}/post/", POST)

    for html in (space_page, thread):
        text = " ".join(html.split())
        assert (
            "<strong>Who may post:</strong> verified stakeholders and UN system members. Member States and every "
            "other registered user may read the discussion." in text
        )
        assert (
            f'This follows <cite lang="en">{CONCEPT_NOTE}</cite>, the concept note of the discussion spaces, the more '
            f'specific document on who may post. <cite lang="en">{PRACTICAL_GUIDE}</cite>, a practical guide for '
            "migrants and other stakeholders, differs: it describes the spaces as open to input from Member States too."
            in text
        )
    assert 'id="post-form-heading"' in thread and "Send for moderation" not in thread
    assert refused.status_code == 403
    assert Post.objects.count() == 0


@pytest.mark.django_db
def test_a_member_state_posts_when_the_setting_follows_the_practical_guide_and_the_page_says_so(
    client, question, space
):
    client.force_login(make_user(Role.MEMBER_STATE))

    with override_config(MEMBER_STATES_MAY_POST=True):
        space_page = " ".join(client.get(f"/en/discussions/{space.pk}/").content.decode().split())
        thread = client.get(f"/en/discussions/{space.pk}/questions/{question.pk}/").content.decode()
        sent = client.post(f"/en/discussions/{space.pk}/questions/{question.pk}/post/", POST)

    assert "<strong>Who may post:</strong> verified stakeholders, UN system members and Member States." in space_page
    assert (
        f'This follows <cite lang="en">{PRACTICAL_GUIDE}</cite>, the practical guide for migrants and other '
        f'stakeholders, which has Member States share input in the spaces. <cite lang="en">{CONCEPT_NOTE}</cite>, '
        "the concept note of the discussion spaces, differs: it lets only stakeholders and UN system members post."
        in space_page
    )
    assert "Send for moderation" in thread
    assert sent.status_code == 302
    assert Post.objects.get().status == "pending"


@pytest.mark.django_db
def test_the_anonymous_copy_of_a_space_page_goes_when_the_setting_changes(django_capture_on_commit_callbacks):
    before = cache_version()

    with django_capture_on_commit_callbacks(execute=True):
        config.MEMBER_STATES_MAY_POST = True

    assert cache_version() != before


@pytest.mark.django_db
def test_phase_2_says_it_feeds_the_imrf_and_links_the_forum(client):
    """002: the second phase, after the Regional Review, "may then feed into preparatory processes for the IMRF"."""
    space = SpaceFactory()
    PhaseFactory(space=space, number=2)
    forum = EventFactory(cycle=space.cycle, region=None, kind=EventKind.IMRF)

    page = client.get(space.get_absolute_url()).content.decode()

    assert f"International Migration Review Forum {space.cycle.imrf_year}" in page
    assert f'href="{forum.get_absolute_url()}"' in page
