"""A focal point drafts a guiding question and shares it, a task team member comments, the focal point publishes
it; the closing summary as the team sees it before publication; axe on every new page."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from discussions.enums import QuestionStatus
from discussions.models import GuidingQuestion, Phase, QuestionComment, Space, SpaceLink
from discussions.seed import add_questions
from portal.enums import Role
from reviews.models import Region, ReviewCycle
from tests.browser.conftest import assert_accessible
from tests.browser.test_consultations import new_page  # noqa: F401 - shared fixture
from tests.factories import make_consultation, make_user


@pytest.fixture
def africa_space(transactional_db):
    make_consultation()
    space = Space.objects.create(
        region=Region.objects.get(code="africa"), cycle=ReviewCycle.objects.get(), title="Africa space"
    )
    now = timezone.now()
    phase = Phase.objects.create(
        space=space, number=1, opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=9)
    )
    add_questions(phase, ["What works?"])
    return space


def test_focal_point_drafts_shares_task_team_comments_and_it_is_published(new_page, africa_space):  # noqa: F811
    space = africa_space
    focal_point = make_user(Role.FOCAL_POINT, regions=[space.region])
    task_team = make_user(Role.TASK_TEAM, regions=[space.region], display_name="Tariq")
    drafting = f"/en/discussions/{space.pk}/drafting/"

    fp = new_page(focal_point)
    fp.goto(drafting)
    assert_accessible(fp)
    fp.get_by_label("Question in English").fill("Which regional partnerships should the review hear about?")
    fp.get_by_role("button", name="Save as a draft").click()
    fp.wait_for_url(re.compile(r"/drafting/questions/\d+/$"))
    question = GuidingQuestion.objects.get(status=QuestionStatus.DRAFT)
    assert_accessible(fp)
    fp.get_by_role("button", name="Share with the team for comments").click()
    fp.wait_for_load_state()
    assert GuidingQuestion.objects.get(pk=question.pk).status == QuestionStatus.SHARED

    tt = new_page(task_team)
    tt.goto(drafting)
    tt.get_by_role("link", name="Which regional partnerships should the review hear about?").click()
    tt.wait_for_url(re.compile(rf"/drafting/questions/{question.pk}/$"))
    assert tt.get_by_role("button", name=re.compile("Publish")).count() == 0
    tt.get_by_label("Your comment").fill("Add the sub-regional economic communities.")
    tt.get_by_role("button", name="Add the comment").click()
    tt.wait_for_load_state()
    assert tt.get_by_text("Add the sub-regional economic communities.").is_visible()
    assert QuestionComment.objects.get().author == task_team
    assert_accessible(tt)

    stakeholder = new_page(make_user(Role.STAKEHOLDER))
    stakeholder.goto(f"/en/discussions/{space.pk}/")
    assert stakeholder.get_by_text("Which regional partnerships").count() == 0

    fp.reload()
    assert fp.get_by_text("Add the sub-regional economic communities.").is_visible()
    fp.get_by_role("button", name="Publish version 1").click()
    fp.wait_for_url(re.compile(rf"{drafting}$"))
    assert GuidingQuestion.objects.get(pk=question.pk).status == QuestionStatus.PUBLISHED
    assert_accessible(fp)

    stakeholder.reload()
    assert stakeholder.get_by_role(
        "link", name="Which regional partnerships should the review hear about?"
    ).is_visible()


def test_closing_summary_for_the_team_before_publication(new_page, africa_space):  # noqa: F811
    space = africa_space
    Space.objects.filter(pk=space.pk).update(summary="What we heard.", summary_en="What we heard.")
    SpaceLink.objects.create(space=space, title="Recording", title_en="Recording", url="https://example.org/r")
    task_team = make_user(Role.TASK_TEAM, regions=[space.region])

    page = new_page(task_team)
    page.goto(f"/en/discussions/{space.pk}/closing/")

    assert page.get_by_role("heading", name="Closing summary").is_visible()
    assert page.get_by_text("What we heard.").is_visible()
    assert page.get_by_role("link", name="Recording").is_visible()
    assert_accessible(page)
