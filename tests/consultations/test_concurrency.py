"""Capacity under simultaneous sign-ups, on real PostgreSQL with real threads and connections."""

import pytest
from django.core import mail

from consultations import services
from consultations.enums import RegistrationStatus
from consultations.models import Registration
from portal.enums import Role
from tests.concurrency import run_at_once
from tests.factories import make_consultation, make_user

# transactional: every test races sign-ups or cancellations in threads, each on its own PostgreSQL connection
pytestmark = pytest.mark.django_db(transaction=True)


def sign_up_all(consultation, users):
    return run_at_once(
        [
            lambda user=user: services.registration_create(consultation=consultation, user=user, attendance="in_person")
            for user in users
        ]
    )


def test_200_simultaneous_sign_ups_for_50_places():
    consultation = make_consultation(capacity_in_person=50)
    users = [make_user(Role.STAKEHOLDER) for _ in range(200)]

    errors = sign_up_all(consultation, users)

    assert errors == []
    statuses = list(Registration.objects.filter(consultation=consultation).values_list("status", flat=True))
    assert (statuses.count(RegistrationStatus.REGISTERED), statuses.count(RegistrationStatus.WAITLISTED)) == (50, 150)
    # Arrival order is strict and the waiting list follows it.
    arrivals = list(
        Registration.objects.filter(consultation=consultation).order_by("arrival").values_list("arrival", "status")
    )
    assert [a for a, _s in arrivals] == list(range(1, 201))
    assert {s for _a, s in arrivals[:50]} == {RegistrationStatus.REGISTERED}
    assert {s for _a, s in arrivals[50:]} == {RegistrationStatus.WAITLISTED}


def test_control_without_the_lock_the_race_overfills(settings):
    settings.CONSULTATIONS_LOCK_PLACES = False
    consultation = make_consultation(capacity_in_person=50)
    users = [make_user(Role.STAKEHOLDER) for _ in range(200)]

    sign_up_all(consultation, users)

    registered = Registration.objects.filter(consultation=consultation, status=RegistrationStatus.REGISTERED).count()
    assert registered > 50  # the test above would catch this


def test_simultaneous_cancellations_promote_each_waiting_person_once():
    consultation = make_consultation(capacity_in_person=20)
    users = [make_user(Role.STAKEHOLDER) for _ in range(40)]
    for user in users:
        services.registration_create(consultation=consultation, user=user, attendance="in_person")
    leaving = list(Registration.objects.filter(consultation=consultation, status=RegistrationStatus.REGISTERED)[:10])

    mail.outbox.clear()

    errors = run_at_once([lambda r=r: services.registration_cancel(registration=r) for r in leaving])

    assert errors == []
    registrations = list(Registration.objects.filter(consultation=consultation).order_by("arrival"))
    registered = [r for r in registrations if r.status == RegistrationStatus.REGISTERED]
    promoted = [r for r in registrations if r.promoted_at]
    assert len(registered) == 20
    assert [r.arrival for r in promoted] == list(range(21, 31))  # the first ten waiting, each once
    assert sum(r.status == RegistrationStatus.WAITLISTED for r in registrations) == 10
    told = sorted(m.to[0] for m in mail.outbox if "A place has become free" in m.body)
    assert told == sorted(r.user.email for r in promoted)
