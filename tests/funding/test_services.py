"""The funding workflow: every transition by every role, budget guard, conflicts, attendance, priority."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from consultations.enums import Attendance, RegistrationStatus
from consultations.models import Registration
from consultations.services import registration_create
from funding import priority, selectors, services, workflow
from funding.enums import SelfIdentification, State
from funding.models import Application, Call, Transition
from funding.tasks import send_decision
from portal.enums import Constituency, Gender, Role
from portal.models import AuditEntry
from tests.concurrency import run_at_once
from tests.factories import make_consultation, make_user, shown
from tests.fingerprint import changed_tables, fingerprint
from tests.funding.conftest import complete, recommended, submitted

ROLES = [Role.STAKEHOLDER, Role.SECRETARIAT, Role.EXECUTIVE_COMMITTEE, Role.MPTF_CHAIR, Role.MODERATOR]


def _attempt(application, target, user):
    """Try to move ``application`` to ``target`` as ``user`` through the service that makes that step."""
    if target == State.SUBMITTED:
        return services.application_submit(application=application, applicant=user)
    if target == State.WITHDRAWN:
        return services.application_withdraw(application=application, applicant=user)
    if target == State.ELIGIBLE and application.state in (State.RECOMMENDED, State.NOT_RECOMMENDED):
        # Back to eligible only when the last recommendation is withdrawn: its member declares a conflict.
        services.conflict_declare(by=user, application=application)
        application.refresh_from_db()
        if application.state != State.ELIGIBLE:
            raise services.FundingError("The recommendation was not withdrawn.")
        return application
    if target in (State.ELIGIBLE, State.INELIGIBLE):
        return services.application_screen(
            application=application,
            shown_revision=shown(application),
            by=user,
            eligible=target == State.ELIGIBLE,
            reason="Outside the region",
        )
    if target in (State.RECOMMENDED, State.NOT_RECOMMENDED):
        recommend = target == State.RECOMMENDED
        return services.recommendation_record(
            application=application,
            shown_revision=shown(application),
            by=user,
            recommend=recommend,
            amount=Decimal("500") if recommend else None,
            comment="Seen",
        )
    return services.application_decide(
        application=application,
        shown_revision=shown(application),
        by=user,
        approve=target == State.APPROVED,
        amount=Decimal("500"),
        reason="Budget",
        reason_against_recommendation="The committee's view was weighed",
    )


def _in_state(state, call, consultation, secretariat, member, chair):
    applicant = make_user(Role.STAKEHOLDER)
    application = services.application_save(call=call, applicant=applicant, data=complete(consultation))
    path = {
        State.DRAFT: [],
        State.SUBMITTED: [(State.SUBMITTED, applicant)],
        State.ELIGIBLE: [(State.SUBMITTED, applicant), (State.ELIGIBLE, secretariat)],
        State.RECOMMENDED: [(State.SUBMITTED, applicant), (State.ELIGIBLE, secretariat), (State.RECOMMENDED, member)],
        State.NOT_RECOMMENDED: [
            (State.SUBMITTED, applicant),
            (State.ELIGIBLE, secretariat),
            (State.NOT_RECOMMENDED, member),
        ],
    }[state]
    for target, user in path:
        application = _attempt(application, target, user)
    return Application.objects.get(pk=application.pk), applicant


NON_FINAL = [State.DRAFT, State.SUBMITTED, State.ELIGIBLE, State.RECOMMENDED, State.NOT_RECOMMENDED]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("source", "target"),
    [(source, target) for source in NON_FINAL for target in State.values if target not in (State.DRAFT, source)],
)
def test_every_transition_is_allowed_only_to_the_role_the_workflow_names(
    call, consultation, secretariat, member, chair, source, target
):
    step = workflow.find(source, target)
    for role in ROLES:
        application, applicant = _in_state(source, call, consultation, secretariat, member, chair)
        actor = {Role.SECRETARIAT: secretariat, Role.EXECUTIVE_COMMITTEE: member, Role.MPTF_CHAIR: chair}.get(role) or (
            applicant if role == Role.STAKEHOLDER else make_user(role)
        )
        expected_actor = step.actor if step else None
        allowed = step is not None and (
            (expected_actor == workflow.APPLICANT and actor == applicant)
            or (expected_actor != workflow.APPLICANT and actor.groups.filter(name=_role_of(expected_actor)).exists())
        )
        before = Transition.objects.filter(application=application).count()
        if allowed:
            assert _attempt(application, target, actor).state == target, (source, target, role)
            assert Transition.objects.filter(application=application).count() == before + 1
        else:
            with pytest.raises(services.FundingError):
                _attempt(application, target, actor)
            assert Application.objects.get(pk=application.pk).state == source, (source, target, role)


def _role_of(capability):
    return {
        "funding.screen": Role.SECRETARIAT,
        "funding.recommend": Role.EXECUTIVE_COMMITTEE,
        "funding.decide": Role.MPTF_CHAIR,
    }[capability]


@pytest.mark.django_db
def test_transition_records_who_when_why_and_amount(call, consultation, secretariat, member, chair):
    application = recommended(call, consultation, secretariat, member)
    services.application_decide(
        application=application,
        shown_revision=shown(application),
        by=chair,
        approve=True,
        amount=Decimal("900"),
        reason="Fits",
    )
    last = Transition.objects.filter(application=application).last()
    assert (last.actor, last.source, last.target, last.reason, last.amount) == (
        chair,
        State.RECOMMENDED,
        State.APPROVED,
        "Fits",
        Decimal("900.00"),
    )
    assert [t.target for t in application.transitions.all()] == [
        State.DRAFT,
        State.SUBMITTED,
        State.ELIGIBLE,
        State.RECOMMENDED,
        State.APPROVED,
    ]


@pytest.mark.django_db
def test_refusals_need_a_reason(call, consultation, secretariat):
    application = submitted(call, consultation)
    with pytest.raises(services.FundingError) as error:
        services.application_screen(
            application=application, shown_revision=shown(application), by=secretariat, eligible=False, reason=" "
        )
    assert error.value.errors == {"reason": "Please give the reason."}


@pytest.mark.django_db
def test_submission_checks_required_fields_and_keeps_the_draft(call, consultation):
    applicant = make_user(Role.STAKEHOLDER)
    draft = services.application_save(
        call=call, applicant=applicant, data={"justification": "", "travel_cost": None, "representation": "Youth-led"}
    )
    with pytest.raises(services.FundingError) as error:
        services.application_submit(application=draft, applicant=applicant)
    assert set(error.value.errors) == {"consultation", "travelling_from", "justification", "travel_cost"}
    draft.refresh_from_db()
    assert (draft.state, draft.representation) == (State.DRAFT, "Youth-led")


@pytest.mark.django_db
def test_submission_after_the_closing_time_is_refused(call, consultation):
    applicant = make_user(Role.STAKEHOLDER)
    draft = services.application_save(call=call, applicant=applicant, data=complete(consultation))
    with pytest.raises(services.FundingError, match="This call closed on"):
        services.application_submit(application=draft, applicant=applicant, now=call.closes_at)
    assert (
        services.application_submit(
            application=draft, applicant=applicant, now=call.closes_at - timedelta(seconds=1)
        ).state
        == State.SUBMITTED
    )


@pytest.mark.django_db
def test_submitted_application_cannot_be_edited(call, consultation):
    application = submitted(call, consultation)
    with pytest.raises(services.FundingError, match="cannot be changed"):
        services.application_save(
            call=call, applicant=application.applicant, data={"justification": "new"}, application=application
        )


@pytest.mark.django_db
def test_one_application_per_call(call, consultation):
    applicant = make_user(Role.STAKEHOLDER)
    services.application_save(call=call, applicant=applicant, data={})
    with pytest.raises(services.FundingError, match="already have an application"):
        services.application_save(call=call, applicant=applicant, data={})


@pytest.mark.django_db
def test_call_funds_only_its_consultations(call):
    elsewhere = make_consultation(title="Another")
    with pytest.raises(services.FundingError) as error:
        services.application_save(call=call, applicant=make_user(), data={"consultation": elsewhere})
    assert "consultation" in error.value.errors


@pytest.mark.django_db
def test_majority_of_recommendations_sets_the_state_and_the_mean_amount(call, consultation, secretariat):
    application = submitted(call, consultation)
    services.application_screen(
        application=application, shown_revision=shown(application), by=secretariat, eligible=True
    )
    members = [make_user(Role.EXECUTIVE_COMMITTEE) for _ in range(3)]

    def record(**kwargs):
        return services.recommendation_record(shown_revision=shown(application), **kwargs)

    assert record(application=application, by=members[0], recommend=False, amount=None, comment="Weak").state == (
        State.NOT_RECOMMENDED
    )
    assert (
        record(application=application, by=members[1], recommend=True, amount=Decimal("800"), comment="Good").state
        == State.RECOMMENDED
    )  # a tie counts as recommended
    result = record(application=application, by=members[2], recommend=True, amount=Decimal("900"), comment="Ok")
    assert (result.state, result.recommended_amount) == (State.RECOMMENDED, Decimal("850.00"))


@pytest.mark.django_db
def test_budget_guard_refuses_with_the_remaining_amount(call, consultation, secretariat, member, chair):
    first = recommended(call, consultation, secretariat, member)
    second = recommended(call, consultation, secretariat, member)
    services.application_decide(
        application=first, shown_revision=shown(first), by=chair, approve=True, amount=Decimal("1000")
    )
    call.budget = Decimal("1500")
    call.save()
    with pytest.raises(services.FundingError) as error:
        services.application_decide(
            application=second, shown_revision=shown(second), by=chair, approve=True, amount=Decimal("600")
        )
    assert error.value.message == "This would exceed the call's budget: 500.00 USD remain."
    assert services.application_decide(
        application=second, shown_revision=shown(second), by=chair, approve=True, amount=Decimal("500")
    ).state == (State.APPROVED)


@pytest.mark.django_db
@pytest.mark.parametrize("amount", ["-1", "0", "1000.01", "100000000"])
def test_absurd_amounts_are_refused(call, consultation, secretariat, member, chair, amount):
    application = recommended(call, consultation, secretariat, member)
    with pytest.raises(services.FundingError):
        services.application_decide(
            application=application, shown_revision=shown(application), by=chair, approve=True, amount=Decimal(amount)
        )


@pytest.mark.django_db
def test_approval_confirms_a_place_in_the_room(call, consultation, secretariat, member, chair):
    application = recommended(call, consultation, secretariat, member)
    registration_create(consultation=consultation, user=application.applicant, attendance=Attendance.VIRTUAL)
    services.application_decide(
        application=application, shown_revision=shown(application), by=chair, approve=True, amount=Decimal("900")
    )
    registration = Registration.objects.get(user=application.applicant)
    assert (registration.attendance, registration.status) == (Attendance.IN_PERSON, RegistrationStatus.REGISTERED)


@pytest.mark.django_db
def test_approval_is_refused_when_the_room_is_full(call, consultation, secretariat, member, chair):
    consultation.capacity_in_person = 1
    consultation.save()
    registration_create(consultation=consultation, user=make_user(), attendance=Attendance.IN_PERSON)
    application = recommended(call, consultation, secretariat, member)
    with pytest.raises(services.FundingError, match="No place is left in the room"):
        services.application_decide(
            application=application, shown_revision=shown(application), by=chair, approve=True, amount=Decimal("900")
        )
    assert Application.objects.get(pk=application.pk).state == State.RECOMMENDED
    assert services.call_approved_total(call=call) == 0


@pytest.mark.django_db
def test_conflicted_member_cannot_recommend(call, consultation, secretariat, member):
    application = submitted(call, consultation, organisation="Helpline Kenya")
    services.application_screen(
        application=application, shown_revision=shown(application), by=secretariat, eligible=True
    )
    services.conflict_declare(by=member, organisation="helpline kenya")
    with pytest.raises(services.FundingError, match="conflict of interest"):
        services.recommendation_record(
            application=application,
            shown_revision=shown(application),
            by=member,
            recommend=True,
            amount=Decimal("10"),
            comment="x",
        )
    assert services.conflict_application_ids(member=member, call=call) == {application.pk}


@pytest.mark.django_db
@pytest.mark.parametrize("by_organisation", [False, True])
def test_conflict_declared_after_recommending_withdraws_that_recommendation(
    call, consultation, secretariat, member, by_organisation
):
    application = submitted(call, consultation, organisation="Helpline Kenya")
    services.application_screen(
        application=application, shown_revision=shown(application), by=secretariat, eligible=True
    )
    other = make_user(Role.EXECUTIVE_COMMITTEE)
    services.recommendation_record(
        application=application,
        shown_revision=shown(application),
        by=member,
        recommend=True,
        amount=Decimal("400"),
        comment="Strong",
    )
    services.recommendation_record(
        application=application,
        shown_revision=shown(application),
        by=other,
        recommend=False,
        amount=None,
        comment="No",
    )
    assert Application.objects.get(pk=application.pk).state == State.RECOMMENDED, "a tie counts as recommended"

    if by_organisation:
        services.conflict_declare(by=member, organisation=" helpline KENYA ")
    else:
        services.conflict_declare(by=member, application=application)

    application.refresh_from_db()
    assert list(application.recommendations.values_list("member", flat=True)) == [other.pk]
    assert (application.state, application.recommended_amount) == (State.NOT_RECOMMENDED, None)

    services.conflict_declare(by=other, application=application)
    application.refresh_from_db()
    assert application.state == State.ELIGIBLE, "no recommendation left: waiting for one again"


@pytest.mark.django_db
def test_decision_mail_goes_once_in_the_applicants_language(
    call, consultation, secretariat, member, chair, mailoutbox, django_capture_on_commit_callbacks
):
    application = recommended(call, consultation, secretariat, member, preferred_language="es")
    with django_capture_on_commit_callbacks(execute=True):
        services.application_decide(
            application=application, shown_revision=shown(application), by=chair, approve=True, amount=Decimal("900")
        )
    funding_mail = [m for m in mailoutbox if "900" in m.body]
    assert len(funding_mail) == 1, [(m.subject, m.body) for m in mailoutbox]
    assert funding_mail[0].to == [application.applicant.email]
    assert funding_mail[0].subject.startswith("Your application for travel funding") is False, "in Spanish"

    send_decision(application_id=application.pk)
    assert len([m for m in mailoutbox if "900" in m.body]) == 1, "a second run sends nothing"
    assert Application.objects.get(pk=application.pk).notified_at is not None


def _values(constituency="migrant", subregion="014", gender="woman", identification=()):
    return priority.profile_values(constituency, subregion, gender, list(identification))


def _slate(*rows):
    slate = priority.Slate()
    for row in rows:
        slate.total += 1
        for name, value in row.items():
            slate.counts[name][value] += 1
    return slate


@pytest.mark.parametrize(
    ("applicant", "slate", "expected"),
    [
        # Nobody approved yet: every known dimension earns its whole weight.
        (_values(), _slate(), Decimal("75.0")),
        (
            _values(identification=[SelfIdentification.FIRST_TIME, SelfIdentification.MIGRANT_LED]),
            _slate(),
            Decimal("100.0"),
        ),
        # The same profile as the whole slate: nothing but the optional self-identification.
        (_values(), _slate(_values(), _values()), Decimal("0.0")),
        # Half the slate shares constituency only.
        (_values(), _slate(_values(), _values("academia", "011", "man")), Decimal("37.5")),
        # Gender not given: half its weight, whatever the slate.
        (_values(gender=Gender.UNDISCLOSED), _slate(_values(), _values()), Decimal("10.0")),
        (_values(gender=""), _slate(), Decimal("65.0")),
        # A first-time participant among first-timers earns nothing for it.
        (
            _values("academia", "011", "man", [SelfIdentification.FIRST_TIME]),
            _slate(_values(identification=[SelfIdentification.FIRST_TIME])),
            Decimal("75.0"),
        ),
    ],
)
def test_priority_score(applicant, slate, expected):
    result = priority.score(applicant, slate)
    assert result.value == expected
    assert priority.value(applicant, slate) == expected, "the fast path used for sorting agrees"
    assert len(result.lines) == 5


@pytest.mark.django_db
def test_priority_reads_the_approved_slate(call, consultation, secretariat, member, chair):
    first = recommended(call, consultation, secretariat, member, constituency=Constituency.MIGRANT, country="KE")
    services.application_decide(
        application=first, shown_revision=shown(first), by=chair, approve=True, amount=Decimal("500")
    )
    same = submitted(
        call, consultation, constituency=Constituency.MIGRANT, country="KE", gender=first.applicant.profile.gender
    )
    other = submitted(call, consultation, constituency=Constituency.ACADEMIA, country="NG", gender="man")
    slate = priority.Slate.of(call)
    assert priority.application_score(other, slate).value > priority.application_score(same, slate).value


# transactional: ten approvals race in their own threads and connections on the budget lock
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("locked", [True, False])
def test_ten_simultaneous_approvals_stay_within_budget(settings, locked):

    consultation = make_consultation(capacity_in_person=50)
    call = Call.objects.create(
        cycle=consultation.event.cycle,
        title="Race",
        budget=Decimal("3000"),
        opens_at=timezone.now() - timedelta(days=1),
        closes_at=timezone.now() + timedelta(days=1),
        published=True,
    )
    secretariat, member, chair = (make_user(r) for r in (Role.SECRETARIAT, Role.EXECUTIVE_COMMITTEE, Role.MPTF_CHAIR))
    applications = [recommended(call, consultation, secretariat, member) for _ in range(10)]
    settings.FUNDING_LOCK_BUDGET = locked
    outcomes = []

    def decide(application):
        try:
            services.application_decide(
                application=application,
                shown_revision=shown(application),
                by=chair,
                approve=True,
                amount=Decimal("1000"),
            )
            outcomes.append("approved")
        except services.FundingError as exc:
            outcomes.append(f"refused: {exc}")

    assert run_at_once([lambda a=a: decide(a) for a in applications]) == []

    approved = Application.objects.filter(call=call, state=State.APPROVED).count()
    if locked:
        assert (approved, len([o for o in outcomes if "budget" in o])) == (3, 7), outcomes
        assert services.call_approved_total(call=call) == Decimal("3000.00")
    else:
        assert approved > 3, ("without the lock the budget is overspent: the test can fail", outcomes)
        assert services.call_approved_total(call=call) > call.budget


@pytest.mark.django_db
def test_database_score_agrees_with_the_explained_score(call, consultation, secretariat, member, chair):
    """The review list sorts by a score the database computes; it must be the score each row explains."""
    profiles = [
        {"constituency": Constituency.MIGRANT, "country": "KE", "gender": "woman"},
        {"constituency": Constituency.MIGRANT, "country": "NG", "gender": Gender.UNDISCLOSED},
        {"constituency": Constituency.ACADEMIA, "country": "KE", "gender": ""},
        {"constituency": Constituency.ACADEMIA, "country": "FR", "gender": "man"},
    ]
    identifications = [[], [SelfIdentification.FIRST_TIME], [SelfIdentification.MIGRANT_LED, "youth"], ["youth"]]
    for profile, identification in zip(profiles[:2], identifications[1:3], strict=True):
        approved = recommended(call, consultation, secretariat, member, **profile)
        Application.objects.filter(pk=approved.pk).update(self_identification=identification)
        services.application_decide(
            application=approved, shown_revision=shown(approved), by=chair, approve=True, amount=Decimal("100")
        )
    for profile in profiles:
        for identification in identifications:
            application = submitted(call, consultation, **profile)
            Application.objects.filter(pk=application.pk).update(self_identification=identification)

    rows, slate = selectors.ranked(call)
    assert slate.total == 2
    scores = [(a.priority, priority.application_score(a, slate).value) for a in rows]
    assert len(scores) == 18
    assert all(in_sql == explained for in_sql, explained in scores), scores
    assert len({s for s, _ in scores}) > 5, "the profiles give different scores"
    assert [s for s, _ in scores] == sorted((s for s, _ in scores), reverse=True)


@pytest.mark.django_db
def test_missing_field_messages_are_in_the_applicants_language(call, consultation):

    applicant = make_user(Role.STAKEHOLDER)
    application = services.application_save(call=call, applicant=applicant, data={"consultation": consultation})
    with translation.override("fr"), pytest.raises(services.FundingError) as refused:
        services.application_submit(application=application, applicant=applicant)

    assert "Expliquez pourquoi vous devriez participer." in str(refused.value.errors)


# --- The Chair against the Executive Committee's recommendation (001) -------------------------------------


def not_recommended(call, consultation, secretariat, member) -> Application:
    application = submitted(call, consultation)
    services.application_screen(
        application=application, shown_revision=shown(application), by=secretariat, eligible=True
    )
    return services.recommendation_record(
        application=application,
        shown_revision=shown(application),
        by=member,
        recommend=False,
        amount=None,
        comment="Another application covers the same network",
    )


AGAINST = [
    pytest.param(
        "not_recommended",
        {"approve": True, "amount": Decimal("400")},
        "The Executive Committee did not recommend this application: write why you approve it.",
        id="approve-not-recommended",
    ),
    pytest.param(
        "recommended",
        {"approve": False, "reason": "The budget goes to first-time participants"},
        "The Executive Committee recommended this application: write why you do not approve it.",
        id="refuse-recommended",
    ),
]


def _application(which, call, consultation, secretariat, member):
    make = recommended if which == "recommended" else not_recommended
    return make(call, consultation, secretariat, member)


@pytest.mark.django_db
@pytest.mark.parametrize("reason_against", ["", "  \n "])
@pytest.mark.parametrize(("which", "decision", "message"), AGAINST)
def test_a_decision_against_the_recommendation_without_a_reason_is_refused(
    call, consultation, secretariat, member, chair, which, decision, message, reason_against
):
    application = _application(which, call, consultation, secretariat, member)
    before = fingerprint()

    with pytest.raises(services.FundingError) as error:
        services.application_decide(
            application=application,
            shown_revision=shown(application),
            by=chair,
            reason_against_recommendation=reason_against,
            **decision,
        )

    assert error.value.errors == {"reason_against_recommendation": message}
    assert changed_tables(before, fingerprint()) == []


@pytest.mark.django_db
def test_approving_more_than_the_recommended_amount_is_against_the_recommendation(
    call, consultation, secretariat, member, chair
):
    application = submitted(call, consultation)
    services.application_screen(
        application=application, shown_revision=shown(application), by=secretariat, eligible=True
    )
    services.recommendation_record(
        application=application,
        shown_revision=shown(application),
        by=member,
        recommend=True,
        amount=Decimal("600"),
        comment="Travel only",
    )

    with pytest.raises(services.FundingError) as error:
        services.application_decide(
            application=application, shown_revision=shown(application), by=chair, approve=True, amount=Decimal("600.01")
        )

    assert error.value.errors == {
        "reason_against_recommendation": "The Executive Committee recommended 600.00 USD: write why you approve more."
    }
    decided = services.application_decide(
        application=application,
        shown_revision=shown(application),
        by=chair,
        approve=True,
        amount=Decimal("1000"),
        reason_against_recommendation="The hotel near the venue is the only accessible one.",
    )
    assert (decided.state, decided.approved_amount, decided.reason_against_recommendation) == (
        State.APPROVED,
        Decimal("1000"),
        "The hotel near the venue is the only accessible one.",
    )


@pytest.mark.django_db
def test_refusing_a_recommended_application_asks_both_reasons_at_once(call, consultation, secretariat, member, chair):
    application = recommended(call, consultation, secretariat, member)

    with pytest.raises(services.FundingError) as error:
        services.application_decide(
            application=application, shown_revision=shown(application), by=chair, approve=False, reason=" "
        )

    assert error.value.errors == {
        "reason_against_recommendation": "The Executive Committee recommended this application: "
        "write why you do not approve it.",
        "reason": "Please give the reason.",
    }


@pytest.mark.django_db
@pytest.mark.parametrize(("which", "decision", "_message"), AGAINST)
def test_a_reason_against_the_recommendation_is_recorded_for_the_committee(
    call, consultation, secretariat, member, chair, which, decision, _message
):
    application = _application(which, call, consultation, secretariat, member)

    decided = services.application_decide(
        application=application,
        shown_revision=shown(application),
        by=chair,
        reason_against_recommendation="  The region has no other applicant from a migrant-led organisation.\n",
        **decision,
    )

    stored = Application.objects.get(pk=application.pk)
    assert stored.state == (State.APPROVED if decision["approve"] else State.REJECTED) == decided.state
    assert stored.reason_against_recommendation == "The region has no other applicant from a migrant-led organisation."
    audited = AuditEntry.objects.filter(target_type="funding.application", target_id=str(application.pk))
    target = "approved" if decision["approve"] else "rejected"
    assert audited.order_by("pk").values_list("detail", flat=True).last() == (
        f"{which} → {target}; against the Executive Committee's recommendation"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("which", "decision"),
    [
        ("recommended", {"approve": True, "amount": Decimal("1000")}),  # the amount recommended
        ("recommended", {"approve": True, "amount": Decimal("700")}),  # less: the Chair allocates the budget
        ("not_recommended", {"approve": False, "reason": "Not recommended by the committee"}),
    ],
)
def test_a_decision_in_line_with_the_recommendation_needs_no_reason(
    call, consultation, secretariat, member, chair, which, decision
):
    application = _application(which, call, consultation, secretariat, member)

    decided = services.application_decide(
        application=application,
        shown_revision=shown(application),
        by=chair,
        reason_against_recommendation="Typed by mistake",
        **decision,
    )

    assert decided.state == (State.APPROVED if decision["approve"] else State.REJECTED)
    assert Application.objects.get(pk=application.pk).reason_against_recommendation == ""
