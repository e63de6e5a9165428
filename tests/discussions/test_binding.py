"""A moderation decision applies to exactly the version the moderator was shown; a refused author may appeal once."""

import re

import pytest
from django.core import mail
from django.test import TestCase

from discussions import services
from discussions.enums import AppealOutcome, FileStatus, PostStatus
from discussions.models import Appeal, Attachment, ModerationDecision, Post, Tag
from portal.enums import AuditAction, Role
from portal.models import AuditEntry
from tests.discussions.conftest import pdf
from tests.factories import make_user, shown
from tests.fingerprint import changed_tables, fingerprint


@pytest.fixture
def tags(db):
    return [Tag.objects.create(kind="objective", number=n, name=f"Objective {n}") for n in (1, 2)]


@pytest.fixture
def author(db):
    return make_user(Role.STAKEHOLDER, preferred_language="fr")


def approved_post(question, author, moderator, **fields):
    post = services.post_create(question=question, author=author, text="First words", language="en", **fields)
    services.post_moderate(post=post, by=moderator, approve=True, shown_revision=shown(post))
    return Post.objects.get(pk=post.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("approve", [True, False])
def test_a_decision_on_an_older_version_is_refused_and_changes_nothing(question, author, space_moderator, approve):
    post = services.post_create(question=question, author=author, text="What I first wrote", language="en")
    opened = shown(post)  # the moderator opens the queue
    services.post_edit(post=post, author=author, text="What I wrote after")
    before = fingerprint()

    with pytest.raises(services.PostChanged, match="changed since you opened it") as refused:
        services.post_moderate(
            post=post, by=space_moderator, approve=approve, reason="Off topic", shown_revision=opened
        )

    assert refused.value.post_ids == [post.pk]
    assert changed_tables(before, fingerprint()) == []
    assert services.post_moderate(
        post=post, by=space_moderator, approve=approve, reason="Off topic", shown_revision=shown(post)
    )


@pytest.mark.django_db
def test_the_queue_refuses_a_stale_decision_and_shows_the_new_version(client, question, author, space_moderator):
    post = services.post_create(question=question, author=author, text="Version one", language="en")
    client.force_login(space_moderator)
    queue = client.get("/en/discussions/moderation/").content.decode()
    assert 'name="revision" value="1"' in queue
    services.post_edit(post=post, author=author, text="Version two, with a link to spam")

    response = client.post(f"/en/discussions/moderation/{post.pk}/", {"decision": "approve", "revision": "1"})
    page = client.get(response["Location"]).content.decode()

    assert response["Location"] == f"/en/discussions/moderation/#queue-{post.pk}"
    assert "This post changed since you opened it" in page
    assert "Version two, with a link to spam" in page and 'name="revision" value="2"' in page
    post.refresh_from_db()
    assert (post.status, post.approved_at) == (PostStatus.PENDING, None)


@pytest.mark.django_db
def test_the_admin_shows_the_text_before_deciding_and_shows_it_again_when_it_changed(
    client, question, author, space_moderator
):
    post = services.post_create(question=question, author=author, text="Shown to the moderator", language="en")
    other = services.post_create(question=question, author=make_user(Role.STAKEHOLDER), text="Other", language="en")
    client.force_login(space_moderator)
    selection = {"action": "approve", "_selected_action": [post.pk, other.pk]}
    confirmation = client.post("/en/admin/discussions/pendingpost/", selection).content.decode()
    assert "Shown to the moderator" in confirmation and f'name="shown-{post.pk}" value="1"' in confirmation
    services.post_edit(post=post, author=author, text="Changed behind the back of the moderator")

    again = client.post(
        "/en/admin/discussions/pendingpost/",
        {**selection, "confirm_decision": "yes", f"shown-{post.pk}": "1", f"shown-{other.pk}": "1"},
    ).content.decode()

    assert "This post changed since you opened it" in again
    assert "Changed behind the back of the moderator" in again and f'name="shown-{post.pk}" value="2"' in again
    assert set(Post.objects.values_list("status", flat=True)) == {PostStatus.PENDING}, "nothing decided"
    client.post(
        "/en/admin/discussions/pendingpost/",
        {**selection, "confirm_decision": "yes", f"shown-{post.pk}": "2", f"shown-{other.pk}": "1"},
    )
    assert set(Post.objects.values_list("status", flat=True)) == {PostStatus.APPROVED}


@pytest.mark.django_db
def test_a_refused_file_stays_refused_when_a_later_edit_is_approved(question, author, space_moderator):
    post = approved_post(question, author, space_moderator)
    services.post_edit(post=post, author=author, text="With a file", files=[(pdf("leak.pdf"), "application/pdf")])
    services.post_moderate(
        post=post, by=space_moderator, approve=False, reason="Personal data", shown_revision=shown(post)
    )
    services.post_edit(post=post, author=author, text="Without it now", files=[(pdf("report.pdf"), "application/pdf")])

    services.post_moderate(post=post, by=space_moderator, approve=True, shown_revision=shown(post))

    assert dict(Attachment.objects.values_list("original_name", "status")) == {
        "leak.pdf": FileStatus.REFUSED,
        "report.pdf": FileStatus.APPROVED,
    }
    assert dict(Attachment.objects.values_list("original_name", "revision")) == {"leak.pdf": 2, "report.pdf": 3}


@pytest.mark.django_db
def test_refused_files_are_invisible_to_readers_and_the_queue_marks_new_ones(client, question, author, space_moderator):
    post = approved_post(question, author, space_moderator, files=[(pdf("old.pdf"), "application/pdf")])
    services.post_edit(post=post, author=author, text="Edit", files=[(pdf("leak.pdf"), "application/pdf")])
    services.post_moderate(post=post, by=space_moderator, approve=False, reason="No", shown_revision=shown(post))
    services.post_edit(post=post, author=author, text="Edit again", files=[(pdf("new.pdf"), "application/pdf")])
    client.force_login(space_moderator)

    queue = client.get("/en/discussions/moderation/").content.decode()

    assert 'new.pdf</a>\n        <span class="badge text-bg-warning">New: decided with this version' in queue
    assert 'leak.pdf</a>\n        <span class="badge text-bg-danger">Refused earlier: stays unpublished' in queue
    assert 'old.pdf</a>\n        <span class="badge text-bg-light border">Published earlier' in queue
    leak = Attachment.objects.get(original_name="leak.pdf")
    client.force_login(make_user(Role.STAKEHOLDER))
    assert client.get(f"/en/discussions/attachments/{leak.pk}/").status_code == 404


def shown_tags(page: str) -> list[str]:
    """The tags the posts of a page show, in their order."""
    return re.findall(r'<span class="badge text-bg-light border">([^<]*)</span>', page)


@pytest.mark.django_db
def test_tags_changed_in_an_edit_wait_with_the_edit(client, question, space, author, space_moderator, tags):
    post = approved_post(question, author, space_moderator, tags=[tags[0]])
    services.post_edit(post=post, author=author, text="Now about objective 2", tags=[tags[1]])
    reader = make_user(Role.STAKEHOLDER)
    client.force_login(reader)
    thread = f"/en/discussions/{space.pk}/questions/{question.pk}/"

    before = client.get(thread).content.decode()
    by_tag = client.get(f"/en/discussions/{space.pk}/posts/?tag={tags[1].pk}").context["page"].paginator.count

    assert shown_tags(before) == ["GCM objective 1"]
    assert by_tag == 0, "search does not find the post by a tag not yet approved"
    client.force_login(author)
    assert shown_tags(client.get(thread).content.decode()) == ["GCM objective 2"], "the author sees theirs"
    services.post_moderate(post=post, by=space_moderator, approve=True, shown_revision=shown(post))
    client.force_login(reader)
    assert shown_tags(client.get(thread).content.decode()) == ["GCM objective 2"]


@pytest.mark.django_db
def test_the_queue_marks_tags_changed_in_an_edit(client, question, author, space_moderator, tags):
    post = approved_post(question, author, space_moderator, tags=[tags[0]])
    services.post_edit(post=post, author=author, text="Other tag", tags=[tags[1]])
    client.force_login(space_moderator)

    assert "Tags changed in this version" in client.get("/en/discussions/moderation/").content.decode()


# --- Appeals ------------------------------------------------------------------------------------------------


@pytest.fixture
def refused(question, author, space_moderator):
    post = services.post_create(question=question, author=author, text="Please read me again", language="en")
    services.post_moderate(post=post, by=space_moderator, approve=False, reason="Off topic", shown_revision=shown(post))
    return Post.objects.get(pk=post.pk)


@pytest.mark.django_db
def test_the_author_asks_once_for_a_second_review(client, refused, author, space, question):
    client.force_login(author)
    thread = client.get(f"/en/discussions/{space.pk}/questions/{question.pk}/").content.decode()
    assert f'href="/en/discussions/posts/{refused.pk}/appeal/"' in thread

    response = client.post(f"/en/discussions/posts/{refused.pk}/appeal/", {"reason": "It answers the question."})

    assert response.status_code == 302
    assert Appeal.objects.get().reason == "It answers the question."
    again = client.post(f"/en/discussions/posts/{refused.pk}/appeal/", {"reason": "Twice"})
    assert again.status_code == 400 and "it can be asked once" in again.content.decode()
    assert Appeal.objects.count() == 1
    thread = client.get(f"/en/discussions/{space.pk}/questions/{question.pk}/").content.decode()
    assert f'href="/en/discussions/posts/{refused.pk}/appeal/"' not in thread


@pytest.mark.django_db
def test_nobody_else_can_appeal_and_an_appeal_needs_a_short_reason(client, refused, author):
    with pytest.raises(services.DiscussionError, match="Only the author"):
        services.appeal_create(post=refused, author=make_user(Role.STAKEHOLDER), reason="Me too")
    with pytest.raises(services.DiscussionError, match="Please say briefly"):
        services.appeal_create(post=refused, author=author, reason="  ")
    client.force_login(author)
    response = client.post(f"/en/discussions/posts/{refused.pk}/appeal/", {"reason": "x" * 1001})
    assert response.status_code == 400
    assert Appeal.objects.count() == 0


@pytest.mark.django_db
def test_the_first_moderator_cannot_decide_the_appeal(refused, author, space_moderator):
    appeal = services.appeal_create(post=refused, author=author, reason="Please")
    before = fingerprint()

    with pytest.raises(services.DiscussionError, match="You took the first decision on this post"):
        services.appeal_decide(appeal=appeal, by=space_moderator, overturn=True, shown_revision=shown(refused))

    assert changed_tables(before, fingerprint()) == []


@pytest.mark.django_db
@pytest.mark.parametrize("overturn", [True, False])
def test_another_moderator_decides_the_appeal_audited_and_told_in_the_authors_language(
    refused, author, space, space_moderator, overturn, django_capture_on_commit_callbacks
):
    appeal = services.appeal_create(post=refused, author=author, reason="Please")
    second = make_user(Role.MODERATOR)
    space.moderators.add(second)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.appeal_decide(
            appeal=appeal,
            by=second,
            overturn=overturn,
            note="" if overturn else "Still off topic",
            shown_revision=shown(refused),
        )

    refused.refresh_from_db()
    appeal.refresh_from_db()
    assert appeal.outcome == (AppealOutcome.OVERTURNED if overturn else AppealOutcome.UPHELD)
    assert refused.status == (PostStatus.APPROVED if overturn else PostStatus.REJECTED)
    assert (refused.approved_at is not None) is overturn
    decisions = list(ModerationDecision.objects.filter(post=refused).order_by("created_at", "pk"))
    assert [(d.moderator, d.to_status) for d in decisions] == [
        (space_moderator, PostStatus.REJECTED),
        (second, PostStatus.APPROVED if overturn else PostStatus.REJECTED),
    ]
    assert list(AuditEntry.objects.filter(target_id=str(refused.pk)).values_list("actor", "action")) == [
        (space_moderator.pk, AuditAction.MODERATION),
        (second.pk, AuditAction.APPEAL),
    ] or list(AuditEntry.objects.filter(target_id=str(refused.pk)).values_list("actor", "action")) == [
        (second.pk, AuditAction.APPEAL),
        (space_moderator.pk, AuditAction.MODERATION),
    ]
    message = mail.outbox[-1]
    assert message.to == [author.email]
    assert message.subject == (
        "Votre contribution est publiée après un second examen"
        if overturn
        else "Le second examen de votre contribution"
    )


@pytest.mark.django_db
def test_the_secretariat_decides_an_appeal_from_the_queue(client, refused, author):
    appeal = services.appeal_create(post=refused, author=author, reason="It answers question one.")
    secretariat = make_user(Role.SECRETARIAT)
    client.force_login(secretariat)
    queue = client.get("/en/discussions/moderation/").content.decode()
    assert "It answers question one." in queue and "Please read me again" in queue

    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(
            f"/en/discussions/moderation/appeals/{appeal.pk}/",
            {"decision": "overturn", "note": "", "revision": str(shown(refused))},
        )

    refused.refresh_from_db()
    assert refused.status == PostStatus.APPROVED


@pytest.mark.django_db
def test_an_edit_withdraws_the_appeal_and_an_old_decision_on_it_is_refused(refused, author, space):
    appeal = services.appeal_create(post=refused, author=author, reason="Please")
    opened = shown(refused)
    services.post_edit(post=refused, author=author, text="Rewritten")
    second = make_user(Role.MODERATOR)
    space.moderators.add(second)

    assert services.appeal_decide(appeal=appeal, by=second, overturn=True, shown_revision=opened) is False

    appeal.refresh_from_db()
    refused.refresh_from_db()
    assert appeal.outcome == AppealOutcome.WITHDRAWN
    assert refused.status == PostStatus.PENDING
