"""The drafting pages of guiding questions, and every public page leaving drafts and shared questions out."""

import pytest

from discussions import services
from discussions.enums import QuestionStatus
from discussions.models import GuidingQuestion, QuestionComment
from portal.enums import Role
from tests.factories import RegionFactory, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def phase(space):
    return space.phases.get(number=1)


@pytest.fixture
def secretariat():
    return make_user(Role.SECRETARIAT)


@pytest.fixture
def task_team(space):
    return make_user(Role.TASK_TEAM, regions=[space.region])


@pytest.fixture
def draft(phase, secretariat):
    return services.question_create(phase=phase, by=secretariat, texts={"en": "SECRET-DRAFT question?"})


@pytest.fixture
def shared(phase, secretariat):
    question = services.question_create(phase=phase, by=secretariat, texts={"en": "SECRET-SHARED question?"})
    services.question_share(question=question, by=secretariat, shown_revision=1)
    question.refresh_from_db()
    return question


def test_drafting_page_shows_drafts_to_drafters_and_shared_ones_to_the_task_team(
    client, space, draft, shared, secretariat, task_team
):
    client.force_login(secretariat)
    html = client.get(f"/en/discussions/{space.pk}/drafting/").content.decode()
    assert ("SECRET-DRAFT" in html, "SECRET-SHARED" in html, "Draft a new guiding question" in html) == (
        True,
        True,
        True,
    )

    client.force_login(task_team)
    response = client.get(f"/en/discussions/{space.pk}/drafting/")
    html = response.content.decode()
    assert (response.status_code, "SECRET-DRAFT" in html, "SECRET-SHARED" in html) == (200, False, True)
    assert "Draft a new guiding question" not in html
    assert client.get(draft.get_draft_url()).status_code == 404
    assert client.get(shared.get_draft_url()).status_code == 200


@pytest.mark.parametrize("role", [Role.STAKEHOLDER, Role.MEMBER_STATE, Role.MODERATOR])
def test_drafting_pages_do_not_exist_for_others(client, space, shared, role):
    client.force_login(make_user(role))

    assert client.get(f"/en/discussions/{space.pk}/drafting/").status_code == 404
    assert client.get(shared.get_draft_url()).status_code == 404


def test_a_task_team_member_of_another_region_is_not_in_the_team(client, space, shared):
    client.force_login(make_user(Role.TASK_TEAM, regions=[RegionFactory()]))

    assert client.get(shared.get_draft_url()).status_code == 404


def test_drafting_page_creates_a_draft_and_keeps_what_was_typed_when_refused(client, space, phase, secretariat):
    client.force_login(secretariat)
    url = f"/en/discussions/{space.pk}/drafting/"

    refused = client.post(url, {"phase": phase.pk, "text_fr": "Seulement en français", "text_en": ""})
    assert refused.status_code == 400
    assert "Seulement en français" in refused.content.decode()

    response = client.post(url, {"phase": phase.pk, "text_en": "What changed since 2021?", "text_fr": ""})
    question = GuidingQuestion.objects.get(text_en="What changed since 2021?")
    assert (response.status_code, response["Location"]) == (302, question.get_draft_url())
    assert question.status == QuestionStatus.DRAFT


def test_the_task_team_may_not_create_a_question(client, space, phase, task_team):
    client.force_login(task_team)

    response = client.post(f"/en/discussions/{space.pk}/drafting/", {"phase": phase.pk, "text_en": "Mine?"})

    assert response.status_code == 403
    assert not GuidingQuestion.objects.filter(text_en="Mine?").exists()


def test_comment_is_shown_in_order_and_a_refused_one_keeps_the_text(client, space, shared, task_team, secretariat):
    services.question_comment_create(question=shared, author=secretariat, text="FIRST comment")
    client.force_login(task_team)
    url = f"/en/discussions/drafting/questions/{shared.pk}/comment/"

    refused = client.post(url, {"text": "y" * 1001})
    assert refused.status_code == 400
    assert "y" * 1001 in refused.content.decode()

    response = client.post(url, {"text": "SECOND comment"}, follow=True)
    html = response.content.decode()
    assert html.index("FIRST comment") < html.index("SECOND comment")
    assert QuestionComment.objects.count() == 2


def test_publishing_a_changed_draft_is_refused_and_shows_the_new_version(client, space, shared, secretariat):
    moderator = make_user(Role.MODERATOR)
    space.moderators.add(moderator)
    services.question_edit(question=shared, by=moderator, texts={"en": "NEW-VERSION question?"}, shown_revision=1)
    client.force_login(secretariat)

    response = client.post(
        f"/en/discussions/drafting/questions/{shared.pk}/status/", {"action": "publish", "revision": "1"}, follow=True
    )

    html = response.content.decode()
    assert "changed since you opened it" in html
    assert "NEW-VERSION question?" in html
    assert 'name="revision" value="2"' in html
    shared.refresh_from_db()
    assert shared.status == QuestionStatus.SHARED

    client.post(f"/en/discussions/drafting/questions/{shared.pk}/status/", {"action": "publish", "revision": "2"})
    shared.refresh_from_db()
    assert shared.status == QuestionStatus.PUBLISHED


def test_an_edit_on_an_older_version_is_refused_and_keeps_the_typed_text(client, space, phase, shared, secretariat):
    services.question_edit(question=shared, by=secretariat, texts={"en": "Edited by someone else"}, shown_revision=1)
    client.force_login(secretariat)

    response = client.post(shared.get_draft_url(), {"phase": phase.pk, "text_en": "MY-TYPED-TEXT", "revision": "1"})

    html = response.content.decode()
    assert response.status_code == 400
    assert "MY-TYPED-TEXT" in html
    assert "Edited by someone else" in html
    shared.refresh_from_db()
    assert (shared.text_en, shared.revision) == ("Edited by someone else", 2)


def test_an_unknown_step_is_a_bad_request(client, space, shared, secretariat):
    client.force_login(secretariat)

    response = client.post(f"/en/discussions/drafting/questions/{shared.pk}/status/", {"action": "delete"})

    assert response.status_code == 400


# --- Public pages read published questions only -------------------------------------------------------------


def test_space_page_question_page_and_filters_leave_unpublished_questions_out(
    client, space, draft, shared, secretariat
):
    anonymous = client.get(f"/en/discussions/{space.pk}/").content.decode()
    assert "SECRET-" not in anonymous

    client.force_login(make_user(Role.STAKEHOLDER))
    space_page = client.get(f"/en/discussions/{space.pk}/").content.decode()
    search = client.get(f"/en/discussions/{space.pk}/posts/").content.decode()
    assert ("SECRET-" in space_page, "SECRET-" in search, "What works?" in search) == (False, False, True)
    for question in (draft, shared):
        assert client.get(f"/en/discussions/{space.pk}/questions/{question.pk}/").status_code == 404
        posted = client.post(
            f"/en/discussions/{space.pk}/questions/{question.pk}/post/",
            {"text": "An answer", "language": "en", "author_label": "display_name"},
        )
        assert posted.status_code == 404
        assert (
            client.post(f"/en/discussions/{space.pk}/follow/", {"follow": "1", "question": question.pk}).status_code
            == 404
        )

    client.force_login(secretariat)
    assert "Guiding questions in preparation" in client.get(f"/en/discussions/{space.pk}/").content.decode()


def test_a_published_question_appears_on_the_space_page(client, space, shared, secretariat):
    services.question_publish(question=shared, by=secretariat, shown_revision=1)

    assert "SECRET-SHARED question?" in client.get(f"/en/discussions/{space.pk}/").content.decode()
