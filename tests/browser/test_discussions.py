"""Posting with an attachment, approval in the admin, reading by another person; no script ever runs; axe."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from discussions import services
from discussions.models import Phase, Post, Space
from discussions.seed import add_questions
from portal.enums import Role
from reviews.models import Region, ReviewCycle
from tests.browser.conftest import assert_accessible
from tests.browser.test_consultations import new_page  # noqa: F401 - shared fixture
from tests.discussions.test_services import XSS
from tests.factories import make_consultation, make_user, shown


@pytest.fixture
def open_space(transactional_db):

    make_consultation()
    space = Space.objects.create(
        region=Region.objects.get(code="africa"), cycle=ReviewCycle.objects.get(), title="Africa space"
    )
    now = timezone.now()
    phase = Phase.objects.create(
        space=space, number=1, opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=9)
    )
    add_questions(phase, ["What works?"])
    moderator = make_user(Role.MODERATOR)
    space.moderators.add(moderator)
    return space, phase.questions.get(), moderator


def test_post_approve_read_with_axe(new_page, open_space, tmp_path):  # noqa: F811
    space, question, moderator = open_space
    url = f"/en/discussions/{space.pk}/questions/{question.pk}/"
    report = tmp_path / "report.pdf"
    report.write_bytes(b"%PDF-1.7 our findings")

    author = new_page(make_user(Role.STAKEHOLDER, display_name="Amina"))
    author.goto(url)
    assert_accessible(author)
    author.locator("#id_text").fill("Findings from our **survey** of 300 migrant workers.")
    author.locator("#id_files").set_input_files(str(report))
    author.locator("#post-form button[type=submit]").click()
    author.wait_for_load_state()
    assert author.locator(".invalid-feedback, .alert-danger").all_inner_texts() == []
    author.wait_for_url(re.compile(rf"{url}$"))
    assert author.get_by_text("Waiting for moderation", exact=True).is_visible()
    assert author.get_by_text("File waiting for moderation", exact=True).is_visible()
    assert_accessible(author)

    reader = new_page(make_user(Role.STAKEHOLDER))
    reader.goto(url)
    assert reader.get_by_text("300 migrant workers").count() == 0

    mod = new_page(moderator)
    mod.goto("/en/admin/discussions/pendingpost/")
    assert_accessible(mod)
    mod.locator("#action-toggle").check()
    mod.locator("select[name=action]").select_option("approve")
    mod.locator("button[name=index]").click()
    mod.wait_for_load_state()
    assert Post.objects.get().status == "pending", "first the moderator reads what they are approving"
    assert mod.get_by_text("300 migrant workers").is_visible()
    assert_accessible(mod)
    mod.locator("main form input[type=submit]").click()
    mod.wait_for_load_state()
    assert Post.objects.get().status == "approved"
    mod.goto("/en/discussions/moderation/")
    assert_accessible(mod)

    reader.reload()
    assert reader.get_by_text("300 migrant workers").is_visible()
    assert reader.get_by_role("link", name="report.pdf").is_visible()
    assert_accessible(reader)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_space_thread_and_queue_axe_and_no_script_runs(new_page, open_space, language):  # noqa: F811

    space, question, moderator = open_space
    for vector in XSS:
        post = services.post_create(question=question, author=make_user(Role.STAKEHOLDER), text=vector, language="en")
        if len(vector) % 2:
            services.post_moderate(post=post, shown_revision=shown(post), by=moderator, approve=True)
    moderator.profile.preferred_language = language
    moderator.profile.save(update_fields=["preferred_language"])
    page = new_page(moderator, language)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for path in [
        "discussions/",
        f"discussions/{space.pk}/",
        f"discussions/{space.pk}/questions/{question.pk}/",
        f"discussions/{space.pk}/questions/{question.pk}/?page=2",
        "discussions/moderation/",
        f"discussions/{space.pk}/posts/?q=script",
        f"discussions/{space.pk}/analysis/",
    ]:
        page.goto(f"/{language}/{path}")
        assert_accessible(page)
        assert page.locator(".post script, .post img, .post svg, .post iframe, .post [onerror]").count() == 0
    assert dialogs == []
