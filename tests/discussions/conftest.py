from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from discussions import services
from discussions.models import Phase, Space
from discussions.seed import add_questions
from portal.enums import Role
from reviews.models import Region, ReviewCycle
from tests.factories import make_consultation, make_user, shown


@pytest.fixture
def space(db):
    make_consultation()  # region "africa" and the 2024-2025 cycle

    space = Space.objects.create(
        region=Region.objects.get(code="africa"), cycle=ReviewCycle.objects.get(), title="Africa space"
    )
    now = timezone.now()
    phase = Phase.objects.create(
        space=space, number=1, opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=20)
    )
    add_questions(phase, ["What works?", "What does not?"])
    return space


@pytest.fixture
def question(space):
    return space.phases.get(number=1).questions.first()


@pytest.fixture
def space_moderator(space):
    moderator = make_user(Role.MODERATOR)
    space.moderators.add(moderator)
    return moderator


def pdf(name="report.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.7 a report")


@pytest.fixture
def posts(question, space_moderator):
    """A pending, a rejected and an approved post, each by its own author and each with an attachment."""
    made = {}
    for state in ("pending", "rejected", "approved"):
        author = make_user(Role.STAKEHOLDER, display_name=f"Author {state}")
        post = services.post_create(
            question=question,
            author=author,
            text=f"SECRET-{state} text",
            language="en",
            files=[(pdf(f"{state}.pdf"), "application/pdf")],
        )
        if state != "pending":
            services.post_moderate(
                post=post,
                shown_revision=shown(post),
                by=space_moderator,
                approve=state == "approved",
                reason="Off topic",
            )
        made[state] = post
    return made
