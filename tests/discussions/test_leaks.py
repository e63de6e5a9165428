"""The leak matrix: every path × every kind of viewer × pending, rejected and approved posts with attachments."""

from datetime import timedelta

import pytest
from django.utils import timezone

from discussions import analysis, services
from discussions import services as discussion_services
from discussions.models import Space, Subscription
from portal import digest
from portal.enums import Role
from tests.factories import make_user, shown, shown_versions

VIEWERS = ["anonymous", "signed_in", "author", "other_moderator", "space_moderator"]
# Who sees what (002): approved → every signed-in reader; pending/rejected → author and the space moderators.
SEES = {
    "anonymous": {"approved": False, "pending": False, "rejected": False},
    "signed_in": {"approved": True, "pending": False, "rejected": False},
    "other_moderator": {"approved": True, "pending": False, "rejected": False},
    "space_moderator": {"approved": True, "pending": True, "rejected": True},
}


def login(client, viewer, state, posts, space_moderator, space):
    if viewer == "anonymous":
        return
    if viewer == "author":
        client.force_login(posts[state].author)
    elif viewer == "signed_in":
        client.force_login(make_user(Role.MEMBER_STATE))
    elif viewer == "other_moderator":
        other = make_user(Role.MODERATOR)
        Space.objects.create(
            region=space.region,
            cycle=type(space.cycle).objects.create(
                code="2028-2029", name="x", start_year=2028, end_year=2029, imrf_year=2030
            ),
            title="Other",
        ).moderators.add(other)
        client.force_login(other)
    else:
        client.force_login(space_moderator)


def expected(viewer, state):
    if viewer == "author":
        return True
    return SEES[viewer][state]


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["pending", "rejected", "approved"])
@pytest.mark.parametrize("viewer", VIEWERS)
def test_thread_space_counts_attachments_admin_and_queue(
    client, posts, space, question, space_moderator, viewer, state
):
    login(client, viewer, state, posts, space_moderator, space)
    post = posts[state]
    visible = expected(viewer, state)
    marker = f"SECRET-{state}"

    thread = client.get(f"/en/discussions/{space.pk}/questions/{question.pk}/")
    thread_html = thread.content.decode() if thread.status_code == 200 else ""
    assert (marker in thread_html) is visible, "thread page"

    space_html = client.get(f"/en/discussions/{space.pk}/").content.decode()
    assert marker not in space_html, "space page shows no post text"

    attachment = post.attachments.get()
    response = client.get(f"/en/discussions/attachments/{attachment.pk}/")
    # An attachment is served once its post is approved, or to its author and the space's moderators.
    assert (response.status_code == 200) is visible, "attachment URL"
    if response.status_code == 200:
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"

    queue_html = client.get("/en/discussions/moderation/").content.decode()
    assert (marker in queue_html) is (viewer == "space_moderator" and state == "pending"), "moderation page"

    admin_list = client.get("/en/admin/discussions/post/")
    admin_html = admin_list.content.decode() if admin_list.status_code == 200 else ""
    assert (f"Author {state}" in admin_html) is (viewer == "space_moderator"), "admin changelist"
    admin_change = client.get(f"/en/admin/discussions/post/{post.pk}/change/")
    assert (admin_change.status_code == 200) is (viewer == "space_moderator"), "admin change page"


@pytest.mark.django_db
def test_counts_on_the_space_page_count_only_what_the_viewer_may_see(client, posts, space):
    client.force_login(make_user(Role.STAKEHOLDER))

    html = client.get(f"/en/discussions/{space.pk}/").content.decode()

    assert "(1 post)" in html


@pytest.mark.django_db
def test_edit_of_an_approved_post_keeps_the_approved_version_public(client, posts, space, question, space_moderator):

    approved = posts["approved"]
    services.post_edit(post=approved, author=approved.author, text="EDITED-VERSION awaiting moderation")
    client.force_login(make_user(Role.STAKEHOLDER))

    html = client.get(f"/en/discussions/{space.pk}/questions/{question.pk}/").content.decode()

    assert "SECRET-approved" in html
    assert "EDITED-VERSION" not in html
    services.post_moderate(post=approved, shown_revision=shown(approved), by=space_moderator, approve=True)
    assert "EDITED-VERSION" in client.get(f"/en/discussions/{space.pk}/questions/{question.pk}/").content.decode()


@pytest.mark.django_db
def test_rejected_post_shows_its_reason_to_its_author_only(client, posts, space, question):
    url = f"/en/discussions/{space.pk}/questions/{question.pk}/"
    client.force_login(posts["rejected"].author)
    assert "Reason: Off topic" in client.get(url).content.decode()
    client.force_login(make_user(Role.STAKEHOLDER))
    assert "Off topic" not in client.get(url).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["pending", "rejected", "approved"])
@pytest.mark.parametrize("viewer", VIEWERS)
def test_search_analysis_export_and_digest(client, posts, space, question, space_moderator, viewer, state, mailoutbox):
    """Search, figures, PDF, CSV and digests read the approved version only, for every viewer, author included."""

    login(client, viewer, state, posts, space_moderator, space)
    marker = f"SECRET-{state}"
    published = state == "approved"

    search = client.get(f"/en/discussions/{space.pk}/posts/", {"q": marker})
    assert search.status_code == (302 if viewer == "anonymous" else 200)
    # The query is echoed in the search box; the post's text ends in " text".
    assert (f"{marker} text" in search.content.decode()) is (published and viewer != "anonymous"), "search"
    listing = client.get(f"/en/discussions/{space.pk}/posts/").content.decode()
    assert (marker in listing) is (published and viewer != "anonymous"), "list of published posts"

    by_phase = {figure.slug: figure.total for figure in analysis.figures(space)}
    assert by_phase == dict.fromkeys(["phase", "question", "constituency", "subregion", "language"], 1) | {
        "objective": 0
    }, "figures count the approved post only"
    paper = client.get(f"/en/discussions/{space.pk}/analysis/")
    assert paper.status_code == (200 if viewer == "space_moderator" else 404), "draft paper"
    assert marker not in paper.content.decode()

    export = client.get(f"/en/discussions/{space.pk}/export/")
    assert export.status_code in (302, 403), "export is for the secretariat"
    secretariat = make_user(Role.SECRETARIAT)
    client.force_login(secretariat)
    csv_text = b"".join(client.get(f"/en/discussions/{space.pk}/export/").streaming_content).decode()
    assert (marker in csv_text) is published, "CSV export"

    follower = make_user(Role.MEMBER_STATE)
    Subscription.objects.create(user=follower, space=space, sent_until=timezone.now() - timedelta(days=1))
    digest.send_all(now=timezone.now() + digest.MARGIN * 2)
    sent = "".join(m.body for m in mailoutbox if m.to == [follower.email])
    assert (marker in sent) is published, "digest"


@pytest.mark.django_db
def test_being_listed_as_a_spaces_moderator_without_the_role_shows_no_pending_post(client, space, posts):

    secretariat = make_user(Role.SECRETARIAT)
    space.moderators.add(secretariat)  # the secretariat manages the lists, itself included
    client.force_login(secretariat)

    queue = client.get("/en/discussions/moderation/").content.decode()

    assert "SECRET-pending" not in queue
    with pytest.raises(discussion_services.DiscussionError):
        discussion_services.posts_moderate(versions=shown_versions([posts["pending"].pk]), by=secretariat, approve=True)
