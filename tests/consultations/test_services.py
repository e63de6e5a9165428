from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from consultations import services
from consultations.enums import ConsultationStatus, RegistrationStatus
from consultations.models import ExpressionOfInterest, Follow, Registration
from portal.enums import AuditAction, Role
from portal.models import AuditEntry
from tests.factories import make_consultation, make_user, shown_registrations

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(django_capture_on_commit_callbacks):
    """Register someone as a request does: committed, so the mail queued on commit goes out at once."""

    def register(consultation, user=None, attendance="in_person"):
        with django_capture_on_commit_callbacks(execute=True):
            return services.registration_create(
                consultation=consultation, user=user or make_user(Role.STAKEHOLDER), attendance=attendance
            )

    return register


def test_confirmation_mail_in_the_person_language_with_ical(register):
    consultation = make_consultation()
    user = make_user(Role.STAKEHOLDER, preferred_language="fr")

    register(consultation, user)

    message = mail.outbox[-1]
    assert message.to == [user.email]
    assert "confirmée" in message.subject
    name, content, mimetype = message.attachments[0]
    assert (name, mimetype) == ("consultation.ics", "text/calendar")
    assert str(Calendar.from_ical(content).walk("VEVENT")[0]["summary"]) == consultation.title


def test_full_consultation_waitlists_in_arrival_order_per_attendance(register):
    consultation = make_consultation(capacity_in_person=1, capacity_virtual=1)

    first, second, online = register(consultation), register(consultation), register(consultation, attendance="virtual")

    assert [first.status, second.status, online.status] == ["registered", "waitlisted", "registered"]
    assert "waiting list" in mail.outbox[1].subject


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"status": ConsultationStatus.CLOSED}, "not open"),
        ({"registration_deadline": timezone.now() - timedelta(minutes=1)}, "deadline has passed"),
        ({"registration_opens_at": timezone.now() + timedelta(days=1)}, "not open"),
        ({"capacity_virtual": 0}, "no places of that kind"),
    ],
)
def test_registration_refused_with_a_clear_message(register, fields, message):
    consultation = make_consultation(**fields)

    with pytest.raises(services.ConsultationError, match=message):
        register(consultation, attendance="virtual")
    assert Registration.objects.count() == 0


def test_registering_twice_is_refused(register):
    consultation = make_consultation()
    user = make_user(Role.STAKEHOLDER)
    register(consultation, user)

    with pytest.raises(services.ConsultationError, match="already registered"):
        register(consultation, user)


def test_cancelled_person_may_register_again_at_the_end_of_the_line(register, django_capture_on_commit_callbacks):
    consultation = make_consultation(capacity_in_person=1)
    user = make_user(Role.STAKEHOLDER)
    first = register(consultation, user)
    waiting = register(consultation)
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=first)

    again = register(consultation, user)

    waiting.refresh_from_db()
    assert (waiting.status, again.status) == ("registered", "waitlisted")
    assert again.arrival > waiting.arrival


def test_lowering_capacity_below_places_taken_is_refused_with_the_numbers(register):
    consultation = make_consultation(capacity_in_person=5)
    for _ in range(3):
        register(consultation)

    with pytest.raises(services.ConsultationError) as error:
        services.consultation_set_capacity(consultation=consultation, in_person=2, virtual=10)

    assert str(error.value) == "3 people already hold a place in person; the capacity cannot be lowered to 2."


def test_raising_capacity_promotes_the_first_waiting_exactly(register, django_capture_on_commit_callbacks):
    consultation = make_consultation(capacity_in_person=1)
    regs = [register(consultation) for _ in range(4)]
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.consultation_set_capacity(consultation=consultation, in_person=3, virtual=10)

    assert [r.pk for r in promoted] == [regs[1].pk, regs[2].pk]
    assert Registration.objects.get(pk=regs[3].pk).status == RegistrationStatus.WAITLISTED
    assert len(mail.outbox) == 2


def test_accreditation_holds_the_place_then_refusal_frees_it(register, django_capture_on_commit_callbacks):
    consultation = make_consultation(capacity_in_person=1, accreditation_required=True)
    secretariat = make_user(Role.SECRETARIAT)
    pending, waiting = register(consultation), register(consultation)
    assert (pending.status, waiting.status) == ("pending", "waitlisted")

    with pytest.raises(services.ConsultationError, match="reason"):
        services.accreditation_decide(
            registrations=[pending], versions=shown_registrations([pending]), by=secretariat, approve=False
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.accreditation_decide(
            registrations=[pending],
            versions=shown_registrations([pending]),
            by=secretariat,
            approve=False,
            reason="Not eligible",
        )

    pending.refresh_from_db()
    waiting.refresh_from_db()
    assert (pending.status, pending.decision_note, waiting.status) == ("rejected", "Not eligible", "pending")
    assert any("Not eligible" in m.body for m in mail.outbox)


def test_bulk_accreditation(register, django_capture_on_commit_callbacks):
    consultation = make_consultation(accreditation_required=True)
    secretariat = make_user(Role.SECRETARIAT)
    regs = [register(consultation) for _ in range(3)]

    with django_capture_on_commit_callbacks(execute=True):
        count = services.accreditation_decide(
            registrations=regs, versions=shown_registrations(regs), by=secretariat, approve=True
        )

    assert count == 3
    assert set(Registration.objects.values_list("status", flat=True)) == {"registered"}


def test_interest_is_time_stamped_and_refused_after_deadline():
    consultation = make_consultation(interest_deadline=timezone.now() - timedelta(minutes=1))

    with pytest.raises(services.ConsultationError, match="deadline"):
        services.interest_create(
            consultation=consultation, user=make_user(Role.STAKEHOLDER), role="panel", topic="t", statement="s"
        )


def _audit_of(target) -> list[tuple]:

    return list(
        AuditEntry.objects.filter(target_type=target._meta.label_lower, target_id=str(target.pk))
        .order_by("pk")
        .values_list("actor", "action", "detail")
    )


def test_slate_decision_audit_names_the_decider(django_capture_on_commit_callbacks):

    consultation = make_consultation()
    decider = make_user(Role.SECRETARIAT)
    chosen, passed_over = (
        services.interest_create(
            consultation=consultation, user=make_user(Role.STAKEHOLDER), role="panel", topic=topic, statement="s"
        )
        for topic in ("chosen", "passed over")
    )

    with django_capture_on_commit_callbacks(execute=True):
        changed = services.slate_decide(
            consultation=consultation,
            decisions={chosen.pk: True, passed_over.pk: False},
            shown={chosen.pk: "received", passed_over.pk: "received"},
            by=decider,
        )

    assert changed == 2
    assert _audit_of(chosen) == [(decider.pk, AuditAction.SPEAKER_SELECTION, "selected")]
    assert _audit_of(passed_over) == [(decider.pk, AuditAction.SPEAKER_SELECTION, "not_selected")]
    assert ExpressionOfInterest.objects.get(pk=chosen.pk).status == "selected"


def test_proposal_decision_audit_names_the_decider(django_capture_on_commit_callbacks):

    make_consultation()  # a review cycle for the calendar event
    decider = make_user(Role.SECRETARIAT)
    approved, declined = (
        services.proposal_create(
            proposed_by=make_user(Role.STAKEHOLDER),
            kind="side_event",
            title=title,
            level="regional",
            region=None,
            date=timezone.localdate() + timedelta(days=30),
            organisers="Migrant Forum",
        )
        for title in ("Approved", "Declined")
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_decide(proposal=approved, by=decider, approve=True)
        services.proposal_decide(proposal=declined, by=decider, approve=False, reason="Out of scope")

    assert _audit_of(approved) == [(decider.pk, AuditAction.PROPOSAL_DECISION, "approved")]
    assert _audit_of(declined) == [(decider.pk, AuditAction.PROPOSAL_DECISION, "declined")]


def test_proposal_create_waits_for_the_secretariat_and_sends_a_receipt(django_capture_on_commit_callbacks):
    proposer = make_user(Role.STAKEHOLDER)

    with django_capture_on_commit_callbacks(execute=True):
        proposal = services.proposal_create(
            proposed_by=proposer,
            kind="gcm_talk",
            title="Decent work",
            level="global",
            region=None,
            date=timezone.localdate() + timedelta(days=30),
            organisers="Us",
            link="https://example.org/talk",
        )

    proposal.refresh_from_db()
    assert (proposal.proposed_by, proposal.status, proposal.link) == (proposer, "pending", "https://example.org/talk")
    assert [message.to for message in mail.outbox] == [[proposer.email]]


def test_follow_create_twice_is_one_follow_and_follow_delete_ends_it():

    consultation = make_consultation()
    follower = make_user(Role.STAKEHOLDER)

    first = services.follow_create(user=follower, consultation=consultation)
    again = services.follow_create(user=follower, consultation=consultation)

    assert again.pk == first.pk
    assert Follow.objects.filter(consultation=consultation, user=follower).count() == 1
    services.follow_delete(user=follower, consultation=consultation)
    assert not Follow.objects.exists()
