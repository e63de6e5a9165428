"""Reminders around a meeting (000): the organisers before the materials are due, registered people when the
materials appear, and those who had a place when the feedback form opens."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from consultations import feedback
from consultations.enums import DocumentKind, RegistrationStatus
from portal.enums import Role
from reminders.registry import rule
from tests.factories import (
    EventFactory,
    RegistrationFactory,
    SummaryDocumentFactory,
    africa,
    make_consultation,
    make_user,
    shared_cycle,
)
from tests.reminders.conftest import due

pytestmark = pytest.mark.django_db
D = date


def test_the_organisers_of_the_region_are_told_a_week_before_the_materials_are_due():
    consultation = make_consultation(materials_due=datetime(2027, 5, 20, 12, tzinfo=UTC))
    secretariat = make_user(Role.SECRETARIAT)
    focal_point = make_user(Role.FOCAL_POINT, regions=[africa()])
    make_user(Role.FOCAL_POINT, regions=[EventFactory(cycle=shared_cycle()).region])  # another region's
    make_user(Role.STAKEHOLDER)
    target = f"consultation:{consultation.pk}"

    assert due(D(2027, 5, 12), "materials_due") == set()
    assert due(D(2027, 5, 13), "materials_due") == {
        ("materials_due", target, D(2027, 5, 13), secretariat.pk),
        ("materials_due", target, D(2027, 5, 13), focal_point.pk),
    }
    with time_machine.travel(datetime(2027, 5, 13, 8, tzinfo=UTC)):
        assert "Publish the materials" in rule("materials_due").message(target).subject
    SummaryDocumentFactory(consultation=consultation, kind=DocumentKind.MATERIAL)
    assert due(D(2027, 5, 13), "materials_due") == set(), "materials are there: nothing to remind"
    assert rule("materials_due").message(target) is None


def test_registered_people_are_told_when_materials_appear():
    starts = datetime(2027, 6, 1, 8, tzinfo=UTC)
    consultation = make_consultation(starts_at=starts, ends_at=starts + timedelta(hours=6))
    registered = RegistrationFactory(consultation=consultation, status=RegistrationStatus.REGISTERED).user
    pending = RegistrationFactory(consultation=consultation, status=RegistrationStatus.PENDING).user
    RegistrationFactory(consultation=consultation, status=RegistrationStatus.WAITLISTED)
    RegistrationFactory(consultation=consultation, status=RegistrationStatus.CANCELLED)
    with time_machine.travel(datetime(2027, 5, 25, 9, tzinfo=UTC)):
        SummaryDocumentFactory(consultation=consultation, kind=DocumentKind.MATERIAL)
        SummaryDocumentFactory(consultation=consultation, kind=DocumentKind.MATERIAL, title="Second")
    target = f"consultation:{consultation.pk}"

    assert due(D(2027, 5, 25), "materials_published") == {
        ("materials_published", target, D(2027, 5, 25), registered.pk),
        ("materials_published", target, D(2027, 5, 25), pending.pk),
    }, "one notice per person for the documents of a day"
    with time_machine.travel(datetime(2027, 5, 25, 10, tzinfo=UTC)):
        assert "are published" in rule("materials_published").message(target).subject
    with time_machine.travel(datetime(2027, 6, 1, 9, tzinfo=UTC)):
        assert rule("materials_published").message(target) is None, "the meeting has begun"


def test_those_who_had_a_place_are_invited_to_the_feedback_form_until_they_answer():
    starts = datetime(2027, 6, 1, 8, tzinfo=UTC)
    consultation = make_consultation(starts_at=starts, ends_at=starts + timedelta(hours=6))
    attended = RegistrationFactory(consultation=consultation, status=RegistrationStatus.REGISTERED).user
    answered = RegistrationFactory(consultation=consultation, status=RegistrationStatus.REGISTERED).user
    RegistrationFactory(consultation=consultation, status=RegistrationStatus.WAITLISTED)
    target = f"consultation:{consultation.pk}"
    with time_machine.travel(datetime(2027, 6, 1, 15, tzinfo=UTC)):
        feedback.feedback_submit(consultation=consultation, user=answered, answers={"overall": 4})

        assert due(D(2027, 6, 1), "meeting_feedback") == {("meeting_feedback", target, D(2027, 6, 1), attended.pk)}
        message = rule("meeting_feedback").message(target)
        assert message.url == f"/en/consultations/{consultation.pk}/feedback/" or message.url.endswith(
            f"/consultations/{consultation.pk}/feedback/"
        )
        assert rule("meeting_feedback").still_needed_by(answered.pk, target) is False
    with time_machine.travel(datetime(2027, 6, 1, 12, tzinfo=UTC)):
        assert due(D(2027, 6, 1), "meeting_feedback") == set(), "not before the meeting ends"
    with time_machine.travel(datetime(2027, 7, 2, 15, tzinfo=UTC)):
        assert rule("meeting_feedback").message(target) is None, "the form has closed"
