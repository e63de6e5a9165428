from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from funding import services
from funding.models import Application, Call
from portal.enums import Role
from tests.factories import application_data, make_consultation, make_user, shown


@pytest.fixture
def consultation(db):
    return make_consultation(capacity_in_person=10)


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


@pytest.fixture
def secretariat(db):
    return make_user(Role.SECRETARIAT)


@pytest.fixture
def member(db):
    return make_user(Role.EXECUTIVE_COMMITTEE)


@pytest.fixture
def chair(db):
    return make_user(Role.MPTF_CHAIR)


# A complete application, as the service takes it: the shared factory helper, under the name these tests use.
complete = application_data


def submitted(call, consultation, applicant=None, **profile) -> Application:
    applicant = applicant or make_user(Role.STAKEHOLDER, **profile)
    application = services.application_save(call=call, applicant=applicant, data=complete(consultation))
    return services.application_submit(application=application, applicant=applicant)


def recommended(call, consultation, secretariat, member, **profile) -> Application:
    application = submitted(call, consultation, **profile)
    services.application_screen(
        application=application, shown_revision=shown(application), by=secretariat, eligible=True
    )
    return services.recommendation_record(
        application=application,
        shown_revision=shown(application),
        by=member,
        recommend=True,
        amount=Decimal("1000"),
        comment="Strong case",
    )
