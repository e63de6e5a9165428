"""Guiding questions drafted, shared with the region's team for comments, then published (002: "first developed
and shared with regional Network colleagues for feedback and comments before posting them")."""

import pytest
from django.test import TestCase

from discussions import analysis, services
from discussions.enums import QuestionStatus
from discussions.models import GuidingQuestion, QuestionComment, Subscription
from discussions.seed import add_questions
from portal import privacy
from portal.enums import AuditAction, Role
from portal.models import AuditEntry
from tests.factories import RegionFactory, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(space, space_moderator):
    """Everyone who may or may not take part in drafting the questions of the Africa space."""
    region = space.region
    return {
        "secretariat": make_user(Role.SECRETARIAT),
        "moderator": space_moderator,
        "focal_point": make_user(Role.FOCAL_POINT, regions=[region]),
        "task_team": make_user(Role.TASK_TEAM, regions=[region]),
        "task_team_elsewhere": make_user(Role.TASK_TEAM, regions=[RegionFactory()]),
        "focal_point_elsewhere": make_user(Role.FOCAL_POINT, regions=[RegionFactory()]),
        "other_moderator": make_user(Role.MODERATOR),
        "stakeholder": make_user(Role.STAKEHOLDER),
        "member_state": make_user(Role.MEMBER_STATE),
    }


@pytest.fixture
def phase(space):
    return space.phases.get(number=1)


def draft_of(phase, by, text="Which practices should the review hear about?"):
    return services.question_create(phase=phase, by=by, texts={"en": text, "fr": f"FR {text}"})


def shared_of(phase, by, text="Which gaps remain?"):
    question = draft_of(phase, by, text)
    services.question_share(question=question, by=by, shown_revision=question.revision)
    question.refresh_from_db()
    return question


# --- Services -------------------------------------------------------------------------------------------------


def test_seeded_questions_are_published(question):
    assert (question.status, question.revision) == (QuestionStatus.PUBLISHED, 1)


@pytest.mark.parametrize("drafter", ["secretariat", "moderator", "focal_point"])
def test_question_create_makes_a_draft_last_in_its_phase(phase, team, drafter):
    question = draft_of(phase, team[drafter])

    assert (question.status, question.revision, question.position) == (QuestionStatus.DRAFT, 1, 3)
    assert (question.text_en, question.text_fr, question.text) == (
        "Which practices should the review hear about?",
        "FR Which practices should the review hear about?",
        "Which practices should the review hear about?",
    )


@pytest.mark.parametrize(
    "person", ["task_team", "task_team_elsewhere", "focal_point_elsewhere", "other_moderator", "stakeholder"]
)
def test_question_create_is_refused_to_those_who_do_not_draft(phase, team, person):
    with pytest.raises(services.DiscussionError, match="draft guiding questions"):
        draft_of(phase, team[person])

    assert GuidingQuestion.objects.filter(status=QuestionStatus.DRAFT).count() == 0


def test_question_create_requires_the_english_text(phase, team):
    with pytest.raises(services.DiscussionError, match="in English at least"):
        services.question_create(phase=phase, by=team["secretariat"], texts={"fr": "Seulement en français"})


def test_question_create_refuses_a_text_over_the_limit(phase, team):
    with pytest.raises(services.DiscussionError, match="2000 characters"):
        services.question_create(phase=phase, by=team["secretariat"], texts={"en": "x" * 2001})


@pytest.mark.parametrize("state", ["draft", "shared"])
def test_post_create_refuses_a_question_not_published(phase, team, state):
    question = draft_of(phase, team["secretariat"]) if state == "draft" else shared_of(phase, team["secretariat"])

    with pytest.raises(services.DiscussionError, match="not published"):
        services.post_create(question=question, author=team["stakeholder"], text="An answer", language="en")
    with pytest.raises(services.DiscussionError, match="not published"):
        services.post_create(
            question=question, author=team["moderator"], text="A note", language="en", moderator_note=True
        )


def test_subscription_create_refuses_a_question_not_published(space, phase, team):
    question = shared_of(phase, team["secretariat"])

    with pytest.raises(services.DiscussionError, match="not published"):
        services.subscription_create(user=team["stakeholder"], space=space, question=question)
    assert Subscription.objects.count() == 0


def test_question_share_mails_the_team_once_each_in_their_language(phase, team, mailoutbox):
    team["task_team"].profile.preferred_language = "fr"
    team["task_team"].profile.save()
    question = draft_of(phase, team["focal_point"])

    with TestCase.captureOnCommitCallbacks(execute=True):
        shared = services.question_share(question=question, by=team["focal_point"], shown_revision=1)

    assert shared is True
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        team[who].email for who in ("secretariat", "moderator", "task_team")
    )
    by_person = {m.to[0]: m for m in mailoutbox}
    assert f"/fr/discussions/drafting/questions/{question.pk}/" in by_person[team["task_team"].email].body
    assert f"/en/discussions/drafting/questions/{question.pk}/" in by_person[team["secretariat"].email].body
    assert "FR Which practices" in by_person[team["task_team"].email].body

    mailoutbox.clear()
    assert services.question_team_notify(question_id=question.pk, by_id=team["focal_point"].pk) == 0
    with TestCase.captureOnCommitCallbacks(execute=True):
        again = services.question_share(question=question, by=team["focal_point"], shown_revision=1)
    assert (again, mailoutbox) == (False, [])


def test_question_comment_create_mails_nobody(phase, team, mailoutbox):
    question = shared_of(phase, team["secretariat"])

    with TestCase.captureOnCommitCallbacks(execute=True):
        comment = services.question_comment_create(question=question, author=team["task_team"], text="  Shorter? ")

    assert (comment.text, comment.revision, comment.author) == ("Shorter?", 1, team["task_team"])
    assert mailoutbox == []


@pytest.mark.parametrize("person", ["secretariat", "moderator", "focal_point", "task_team"])
def test_the_regions_team_comments_on_a_shared_draft(phase, team, person):
    question = shared_of(phase, team["secretariat"])

    services.question_comment_create(question=question, author=team[person], text="Looks right.")

    assert QuestionComment.objects.filter(question=question, author=team[person]).count() == 1


@pytest.mark.parametrize(
    "person", ["task_team_elsewhere", "focal_point_elsewhere", "other_moderator", "stakeholder", "member_state"]
)
def test_nobody_outside_the_team_comments(phase, team, person):
    question = shared_of(phase, team["secretariat"])

    with pytest.raises(services.DiscussionError, match="region's team"):
        services.question_comment_create(question=question, author=team[person], text="Me too.")


def test_a_draft_not_yet_shared_is_not_the_task_teams_to_comment(phase, team):
    question = draft_of(phase, team["secretariat"])

    with pytest.raises(services.DiscussionError, match="region's team"):
        services.question_comment_create(question=question, author=team["task_team"], text="Early words.")


@pytest.mark.parametrize(("text", "message"), [("   ", "write your comment"), ("x" * 1001, "1000 characters")])
def test_question_comment_create_refuses_an_empty_or_long_comment(phase, team, text, message):
    question = shared_of(phase, team["secretariat"])

    with pytest.raises(services.DiscussionError, match=message):
        services.question_comment_create(question=question, author=team["task_team"], text=text)


def test_question_edit_makes_a_new_version(phase, team):
    question = shared_of(phase, team["secretariat"])

    edited = services.question_edit(
        question=question, by=team["moderator"], texts={"en": "Which gaps remain, and why?"}, shown_revision=1
    )

    assert (edited.revision, edited.text_en, edited.text_fr, edited.status) == (
        2,
        "Which gaps remain, and why?",
        "",
        QuestionStatus.SHARED,
    )


def test_question_edit_without_change_keeps_the_version(phase, team):
    question = draft_of(phase, team["secretariat"], "Same?")

    edited = services.question_edit(
        question=question, by=team["secretariat"], texts={"en": "Same?", "fr": "FR Same?"}, shown_revision=1
    )

    assert edited.revision == 1


def test_question_edit_refuses_an_older_version(phase, team):
    question = draft_of(phase, team["secretariat"])
    services.question_edit(question=question, by=team["secretariat"], texts={"en": "First edit"}, shown_revision=1)

    with pytest.raises(services.QuestionChanged):
        services.question_edit(question=question, by=team["moderator"], texts={"en": "Second"}, shown_revision=1)

    question.refresh_from_db()
    assert (question.text_en, question.revision) == ("First edit", 2)


def test_question_publish_binds_to_the_version_shown(phase, team):
    question = shared_of(phase, team["secretariat"])
    shown = question.revision
    services.question_edit(question=question, by=team["moderator"], texts={"en": "Edited meanwhile"}, shown_revision=1)

    with pytest.raises(services.QuestionChanged, match="read the new version"):
        services.question_publish(question=question, by=team["focal_point"], shown_revision=shown)
    question.refresh_from_db()
    assert question.status == QuestionStatus.SHARED

    assert services.question_publish(question=question, by=team["focal_point"], shown_revision=2) is True
    question.refresh_from_db()
    assert (question.status, question.published_at is not None) == (QuestionStatus.PUBLISHED, True)
    entries = list(
        AuditEntry.objects.filter(target_id=str(question.pk), action=AuditAction.QUESTION_PUBLICATION)
        .order_by("pk")
        .values_list("detail", "role", "region_id", "actor")
    )
    assert entries == [
        ("shared with the team (version 1)", Role.SECRETARIAT, phase.space.region_id, team["secretariat"].pk),
        ("published (version 2)", Role.FOCAL_POINT, phase.space.region_id, team["focal_point"].pk),
    ]


def test_question_publish_twice_changes_nothing(phase, team):
    question = draft_of(phase, team["secretariat"])
    assert services.question_publish(question=question, by=team["secretariat"], shown_revision=1) is True

    assert services.question_publish(question=question, by=team["secretariat"], shown_revision=1) is False
    assert AuditEntry.objects.filter(action=AuditAction.QUESTION_PUBLICATION).count() == 1


def test_a_published_question_stays_published(phase, team):
    question = draft_of(phase, team["secretariat"])
    services.question_publish(question=question, by=team["secretariat"], shown_revision=1)

    with pytest.raises(services.DiscussionError, match="stays published"):
        services.question_return_to_draft(question=question, by=team["secretariat"])
    with pytest.raises(services.DiscussionError, match="no longer be changed"):
        services.question_edit(question=question, by=team["secretariat"], texts={"en": "New"}, shown_revision=1)
    with pytest.raises(services.DiscussionError, match="comments on it are closed"):
        services.question_comment_create(question=question, author=team["task_team"], text="Late.")


def test_question_return_to_draft_takes_a_shared_question_back(phase, team):
    question = shared_of(phase, team["secretariat"])

    assert services.question_return_to_draft(question=question, by=team["moderator"]) is True
    assert services.question_return_to_draft(question=question, by=team["moderator"]) is False
    question.refresh_from_db()
    assert question.status == QuestionStatus.DRAFT


@pytest.mark.parametrize("person", ["task_team", "stakeholder", "focal_point_elsewhere"])
def test_only_drafters_share_publish_or_take_back(phase, team, person):
    question = draft_of(phase, team["secretariat"])

    for step in (services.question_share, services.question_publish):
        with pytest.raises(services.DiscussionError, match="draft guiding questions"):
            step(question=question, by=team[person], shown_revision=1)
    with pytest.raises(services.DiscussionError, match="draft guiding questions"):
        services.question_return_to_draft(question=question, by=team[person])


def test_analysis_and_filters_leave_unpublished_questions_out(space, phase, team):
    shared_of(phase, team["secretariat"], "SECRET shared question")

    figure = next(f for f in analysis.figures(space) if f.slug == "question")

    assert [label for label, _count in figure.rows] == ["1.1 What works?", "1.2 What does not?"]


def test_add_questions_publishes_again_a_question_it_seeds(phase):
    add_questions(phase, ["What works?"])

    assert set(phase.questions.values_list("status", flat=True)) == {QuestionStatus.PUBLISHED}


# --- Personal data ---------------------------------------------------------------------------------------------


def test_comments_are_in_their_authors_copy_and_erased_with_the_account(phase, team):
    question = shared_of(phase, team["secretariat"])
    services.question_comment_create(question=question, author=team["task_team"], text="MY-OWN-COMMENT")
    services.question_comment_create(question=question, author=team["moderator"], text="SOMEONE-ELSES")

    copy = str(privacy.personal_data(team["task_team"]))
    assert "MY-OWN-COMMENT" in copy
    assert "SOMEONE-ELSES" not in copy

    privacy.account_delete(user=team["task_team"])
    assert list(QuestionComment.objects.values_list("text", flat=True)) == ["SOMEONE-ELSES"]
