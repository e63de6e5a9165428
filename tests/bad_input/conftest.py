from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from discussions.models import Phase, Space
from discussions.seed import add_questions
from funding.models import Call
from portal.enums import Role
from tests.factories import make_consultation, make_user


@pytest.fixture
def consultation(db):
    return make_consultation(interest_deadline=timezone.now() + timedelta(days=5))


@pytest.fixture
def space(consultation):
    event = consultation.event
    space = Space.objects.create(region=event.region, cycle=event.cycle, title="Africa space")
    now = timezone.now()
    phase = Phase.objects.create(
        space=space, number=1, opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=20)
    )
    add_questions(phase, ["What works?"])
    return space


@pytest.fixture
def question(space):
    return space.phases.get(number=1).questions.get()


@pytest.fixture
def space_moderator(space):
    moderator = make_user(Role.MODERATOR)
    space.moderators.add(moderator)
    return moderator


@pytest.fixture
def call(consultation):

    call = Call.objects.create(
        cycle=consultation.event.cycle,
        title="Travel to the Africa consultation",
        budget=Decimal("3000"),
        opens_at=timezone.now() - timedelta(days=1),
        closes_at=timezone.now() + timedelta(days=10),
        time_zone="Africa/Addis_Ababa",
        published=True,
    )
    call.consultations.add(consultation)
    return call
