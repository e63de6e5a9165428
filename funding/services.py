"""Applications and their review. Views, the admin and tasks all go through here."""

from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from consultations.enums import ConsultationStatus
from consultations.services import ConsultationError, registration_confirm_funded
from funding import workflow
from funding.enums import State
from funding.models import Application, Call, Conflict, ExportLog, Recommendation, Transition
from funding.selectors import conflicted_ids, reviewable
from funding.tasks import send_decision, send_received
from portal import content_translation, integrity
from portal.enums import AuditAction
from portal.permissions import can
from portal.services import audit_record
from portal.tasks import enqueue


class FundingError(Exception):
    """A rule stopped the action. ``errors`` maps form fields to messages when fields are at fault."""

    def __init__(self, message: str = "", errors: dict[str, str] | None = None):
        self.message = str(message)
        self.errors = {field: str(text) for field, text in (errors or {}).items()}
        super().__init__(self.message or " ".join(self.errors.values()))

    def add_to(self, form) -> None:
        """Show the error on the form: each message next to its field, the general one above."""
        for field, text in self.errors.items():
            form.add_error(field if field in form.fields else None, text)
        if self.message:
            form.add_error(None, self.message)


DRAFT_FIELDS = (
    "consultation",
    "travelling_from",
    "travel_cost",
    "accommodation_cost",
    "daily_allowance",
    "language",
    "justification",
    "representation",
    "self_identification",
)


def _move(application: Application, target: str, *, actor, reason: str = "", amount=None, note: str = "") -> Transition:
    """Change state along an allowed transition, by the role the workflow names, and audit it (with ``note``)."""
    step = workflow.find(application.state, target)
    if step is None:
        raise FundingError(
            _("An application that is “%(state)s” cannot become “%(target)s”.")
            % {"state": application.get_state_display(), "target": State(target).label}
        )
    if step.actor == workflow.APPLICANT:
        if actor.pk != application.applicant_id:
            raise FundingError(_("Only the applicant can do this."))
    elif not can(actor, step.actor):
        raise FundingError(_("Your role does not allow this step."))
    if step.needs_reason and not reason.strip():
        raise FundingError(_("Please give the reason."), {"reason": _("Please give the reason.")})
    record = Transition.objects.create(
        application=application,
        actor=actor,
        source=application.state,
        target=target,
        reason=reason.strip(),
        amount=amount,
    )
    if step.actor != workflow.APPLICANT:
        detail = f"{record.source} → {target}" + (f"; {note}" if note else "")
        audit_record(actor=actor, action=AuditAction.FUNDING_DECISION, target=application, detail=detail)
    application.state = target
    application.revision += 1
    return record


def _locked(application: Application) -> Application:
    return Application.objects.select_for_update(of=("self",)).select_related("call").get(pk=application.pk)


def _notify(application: Application) -> None:

    transaction.on_commit(lambda: enqueue(send_decision.s(application_id=application.pk)))


def application_save(*, call: Call, applicant, data: dict, application: Application | None = None) -> Application:
    """Create or update a draft. Nothing is checked but the values themselves: a draft may be incomplete."""
    if not can(applicant, "funding.apply"):
        raise FundingError(_("Only stakeholders can apply for funding."))
    if not call.published:
        raise FundingError(_("This call is not published."))
    consultation = data.get("consultation")
    if consultation is not None and (
        consultation.status == ConsultationStatus.DRAFT
        or (call.consultations.exists() and not call.consultations.filter(pk=consultation.pk).exists())
    ):
        raise FundingError(errors={"consultation": _("This call does not fund that consultation.")})
    with transaction.atomic():
        if application is None:
            try:
                with transaction.atomic():
                    application = Application.objects.create(
                        call=call, applicant=applicant, **{k: data.get(k) for k in DRAFT_FIELDS if k in data}
                    )
            except IntegrityError as exc:
                raise FundingError(_("You already have an application in this call.")) from exc
            Transition.objects.create(application=application, actor=applicant, source="", target=State.DRAFT)
            return application
        application = _locked(application)
        if application.applicant_id != applicant.pk:
            raise FundingError(_("Only the applicant can do this."))
        if application.state != State.DRAFT:
            raise FundingError(_("A submitted application cannot be changed."))
        for field in DRAFT_FIELDS:
            if field in data:
                setattr(application, field, data[field])
        application.revision += 1
        application.save()
        # A reviewer's machine translation is of the text they read: one of an earlier draft goes.
        for field in TRANSLATED_FIELDS:
            content_translation.original_changed(application, field, getattr(application, field))
        return application


# What the applicant writes in their own words, which a reviewer may read in a machine translation.
TRANSLATED_FIELDS = ("justification", "representation")

# Lazy: translated when shown, in the language of the person submitting.
REQUIRED = {
    "consultation": gettext_lazy("Name the consultation you want to attend."),
    "travelling_from": gettext_lazy("Say where you would travel from."),
    "justification": gettext_lazy("Say why you should take part."),
}


def application_submit(*, application: Application, applicant, now=None) -> Application:
    """Submit before the call closes, checked on the server against the call's closing time."""
    now = now or timezone.now()
    with transaction.atomic():
        application = _locked(application)
        call = application.call
        if not (call.published and call.opens_at <= now):
            raise FundingError(_("This call is not open yet."))
        if now >= call.closes_at:
            raise FundingError(
                _("This call closed on %(date)s; applications can no longer be submitted.")
                % {
                    "date": formats.date_format(
                        timezone.localtime(call.closes_at, timezone=_zone(call)), "DATETIME_FORMAT"
                    )
                    + f" ({call.time_zone})"
                }
            )
        missing = {field: str(message) for field, message in REQUIRED.items() if not getattr(application, field)}
        if application.requested_amount <= 0:
            missing["travel_cost"] = _("Give at least one estimated cost.")
        if missing:
            raise FundingError(_("Some information is missing; your draft is saved."), missing)
        _move(application, State.SUBMITTED, actor=applicant)
        application.submitted_at = now
        application.save(update_fields=["state", "submitted_at", "revision"])
        transaction.on_commit(lambda: _enqueue_received(application.pk))
        return application


def _enqueue_received(application_id: int) -> None:

    enqueue(send_received.s(application_id=application_id))


def _zone(call: Call):

    return ZoneInfo(call.time_zone)


@transaction.atomic
def application_withdraw(*, application: Application, applicant) -> Application:
    application = _locked(application)
    _move(application, State.WITHDRAWN, actor=applicant)
    application.save(update_fields=["state", "revision"])
    return application


def _check_reviewer(application: Application, reviewer, shown_revision: int) -> None:
    """Refuse a reviewer who may not decide this application, or who decides on a version they were not shown.

    Caller holds the application's lock. The reason is always said: one's own
    application, one's organisation's, a declared conflict, or a newer version.
    """
    reason = conflict_reason(reviewer=reviewer, application=application)
    if reason:
        raise FundingError(reason)
    if shown_revision != application.revision:
        raise FundingError(
            _(
                "This application changed since you opened it (a decision or a recommendation was recorded). "
                "Read it again before you decide."
            )
        )


@transaction.atomic
def application_screen(
    *, application: Application, by, eligible: bool, shown_revision: int, reason: str = ""
) -> Application:
    application = _locked(application)
    _check_reviewer(application, by, shown_revision)
    _move(application, State.ELIGIBLE if eligible else State.INELIGIBLE, actor=by, reason=reason)
    application.save(update_fields=["state", "revision"])
    if not eligible:
        _notify(application)
    return application


def conflict_reason(*, reviewer, application: Application) -> str | None:
    """Why ``reviewer`` may not screen, recommend or decide ``application``; None if they may.

    Their own application, or one from their own organisation, without having to
    declare it (portal.integrity); or an application or organisation they declared
    a conflict with.
    """
    if reviewer is None or not reviewer.is_authenticated:
        return None
    reason = integrity.refusal(decider=reviewer, subject=application.applicant)
    if reason:
        return reason
    keys = list(integrity.organisations(application.applicant))
    condition = Q(application=application)
    if keys:
        condition |= Q(application__isnull=True, organisation_key__in=keys)
    if Conflict.objects.filter(condition, member=reviewer).exists():
        return _("You declared a conflict of interest with this application.")
    return None


def conflict_application_ids(*, member, call: Call) -> set[int]:
    """The applications of ``call`` a reviewer is conflicted with, in one query.

    Their own, their organisation's and those they declared a conflict with, by
    application or by organisation (funding.selectors.conflict_condition).
    """
    return conflicted_ids(member=member, call=call)


def conflict_declare(*, by, application: Application | None = None, organisation: str = "", note: str = "") -> Conflict:
    if not (can(by, "funding.recommend") or can(by, "funding.decide")):
        raise FundingError(_("Only committee members declare conflicts of interest."))
    if application is None and not organisation.strip():
        raise FundingError(errors={"organisation": _("Name the organisation.")})
    with transaction.atomic():
        conflict = Conflict.objects.create(
            member=by, application=application, organisation=organisation.strip()[:200], note=note.strip()[:300]
        )
        key = integrity.organisation_key(conflict.organisation)
        # A recommendation made before the conflict was declared no longer counts while the Chair has not decided.
        withdrawn = Recommendation.objects.filter(
            member=by, application__state__in=(State.RECOMMENDED, State.NOT_RECOMMENDED)
        )
        if application is not None:
            withdrawn = withdrawn.filter(application=application)
        else:
            withdrawn = withdrawn.filter(application__applicant__organisation_history__key=key).distinct()
        for application_id in list(withdrawn.values_list("application_id", flat=True)):
            locked = _locked(Application(pk=application_id))
            Recommendation.objects.filter(member=by, application=locked).delete()
            _tally(locked, actor=by, reason=gettext_lazy("Conflict of interest declared"))
        return conflict


def recommendation_record(
    *, application: Application, by, recommend: bool, amount, comment: str, shown_revision: int
) -> Application:
    """Record one Executive Committee member's recommendation; the state follows the majority so far.

    001: the Network Executive Committee recommends. Each member records one
    recommendation (they may change it until the Chair decides); a tie counts as
    recommended, and the recommended amount is the mean of the amounts of those
    who recommend.
    """
    errors = {}
    if not comment.strip():
        errors["comment"] = _("Please add a comment.")
    if recommend and (amount is None or amount <= 0):
        errors["amount"] = _("Give the amount you recommend.")
    if errors:
        raise FundingError(errors=errors)
    with transaction.atomic():
        application = _locked(application)
        if not can(by, "funding.recommend"):
            raise FundingError(_("Your role does not allow this step."))
        _check_reviewer(application, by, shown_revision)
        if application.state not in (State.ELIGIBLE, State.RECOMMENDED, State.NOT_RECOMMENDED):
            raise FundingError(
                _("Recommendations are taken once an application is screened eligible and until the Chair decides.")
            )
        if recommend and amount > application.requested_amount:
            raise FundingError(
                errors={
                    "amount": _("More than the %(amount)s USD requested.") % {"amount": application.requested_amount}
                }
            )
        Recommendation.objects.update_or_create(
            application=application,
            member=by,
            defaults={"recommend": recommend, "amount": amount if recommend else None, "comment": comment.strip()},
        )
        audit_record(
            actor=by,
            action=AuditAction.FUNDING_DECISION,
            target=application,
            detail="recommended" if recommend else "not recommended",
        )
        _tally(application, actor=by, reason=comment, amount=amount)
        return application


def _tally(application: Application, *, actor, reason: str, amount=None) -> None:
    """Set the state and recommended amount from the recommendations now on record (application locked)."""
    votes = list(application.recommendations.values_list("recommend", "amount"))
    yes = [a for r, a in votes if r]
    target = State.RECOMMENDED if len(yes) * 2 >= len(votes) else State.NOT_RECOMMENDED
    if not votes:
        target = State.ELIGIBLE
    application.recommended_amount = (sum(yes) / len(yes)).quantize(Decimal("0.01")) if yes else None
    if target != application.state:
        _move(application, target, actor=actor, reason=reason, amount=amount)
    else:
        application.revision += 1  # a recommendation changed even if the state did not
    application.save(update_fields=["state", "recommended_amount", "revision"])


def _locked_call(call_id: int) -> Call:
    queryset = Call.objects.all()
    if settings.FUNDING_LOCK_BUDGET:
        queryset = queryset.select_for_update()
    return queryset.get(pk=call_id)


def call_approved_total(*, call: Call) -> Decimal:
    """What the Chair has approved so far in ``call``, against its budget."""
    total = call.applications.filter(state=State.APPROVED).aggregate(s=Sum("approved_amount"))["s"]
    return total or Decimal("0")


def against_recommendation(*, application: Application, approve: bool, amount=None) -> str:
    """Why the Chair's decision goes against the Executive Committee's recommendation, or "" if it does not.

    Against it: approving an application the committee did not recommend, not approving one it recommended,
    or approving more than the amount it recommended (the mean of its members'). Approving less stays within
    the recommendation: the Chair allocates the call's budget (001).
    """
    if application.state == State.NOT_RECOMMENDED and approve:
        return _("The Executive Committee did not recommend this application: write why you approve it.")
    if application.state != State.RECOMMENDED:
        return ""
    if not approve:
        return _("The Executive Committee recommended this application: write why you do not approve it.")
    recommended = application.recommended_amount
    if recommended is not None and amount is not None and amount > recommended:
        return _("The Executive Committee recommended %(amount)s USD: write why you approve more.") % {
            "amount": recommended
        }
    return ""


def _check_against_recommendation(
    application: Application, *, approve: bool, amount, reason: str, explanation: str
) -> bool:
    """Refuse a decision against the recommendation without its written reason, with every reason missing at once.

    The reason to the applicant (required to refuse, funding.workflow) is asked in the same answer, so the Chair
    is not sent back twice.
    """
    errors = {}
    against = against_recommendation(application=application, approve=approve, amount=amount)
    if against and not explanation.strip():
        errors["reason_against_recommendation"] = against
    step = workflow.find(application.state, State.APPROVED if approve else State.REJECTED)
    if errors and step is not None and step.needs_reason and not reason.strip():
        errors["reason"] = _("Please give the reason.")
    if errors:
        raise FundingError(errors=errors)
    return bool(against)


def application_decide(
    *,
    application: Application,
    by,
    approve: bool,
    shown_revision: int,
    amount=None,
    reason: str = "",
    reason_against_recommendation: str = "",
) -> Application:
    """The Chair's decision (001). Approving takes budget and an in-person place, each under its lock.

    The call's row is locked first, so approved amounts never add up to more than
    the budget, even when decisions are made at the same moment; a decision that
    would exceed it is refused with the amount that remains. The consultation's
    row is locked next (as every registration does), so a funded traveller never
    takes a place that is not there.

    001 has the Chair decide "based on recommendations from the Network Executive
    Committee": a decision against them (:func:`against_recommendation`, judged on
    the version the Chair was shown) is refused without a written reason, which is
    kept for the committee and the secretariat. ``reason`` is the applicant's;
    ``reason_against_recommendation`` is the committee's, and is not kept for a
    decision in line with the recommendation.
    """
    if approve and (amount is None or amount <= 0):
        raise FundingError(errors={"amount": _("Give the amount you approve.")})
    with transaction.atomic():
        call = _locked_call(application.call_id)
        application = _locked(application)
        if not can(by, "funding.decide"):
            raise FundingError(_("Your role does not allow this step."))
        _check_reviewer(application, by, shown_revision)
        if approve and amount > application.requested_amount:
            raise FundingError(
                errors={
                    "amount": _("More than the %(amount)s USD requested.") % {"amount": application.requested_amount}
                }
            )
        against = _check_against_recommendation(
            application, approve=approve, amount=amount, reason=reason, explanation=reason_against_recommendation
        )
        application.reason_against_recommendation = reason_against_recommendation.strip() if against else ""
        note = "against the Executive Committee's recommendation" if against else ""
        if not approve:
            _move(application, State.REJECTED, actor=by, reason=reason, note=note)
            application.save(update_fields=["state", "revision", "reason_against_recommendation"])
            _notify(application)
            return application
        remaining = call.budget - call_approved_total(call=call)
        if amount > remaining:
            raise FundingError(
                _("This would exceed the call's budget: %(remaining)s USD remain.") % {"remaining": remaining},
                {"amount": _("%(remaining)s USD remain in the budget.") % {"remaining": remaining}},
            )
        _move(application, State.APPROVED, actor=by, reason=reason, amount=amount, note=note)
        if application.consultation_id:
            try:
                registration_confirm_funded(consultation=application.consultation, user=application.applicant, by=by)
            except ConsultationError as exc:
                raise FundingError(str(exc)) from exc
        application.approved_amount = amount
        application.save(update_fields=["state", "approved_amount", "revision", "reason_against_recommendation"])
        _notify(application)
        return application


@transaction.atomic
def export_log(*, call: Call, user, file_format: str) -> ExportLog:
    """Log an export of a call's applications (who, when, how many rows) and put it in the audit log."""

    rows = reviewable(call).count()
    audit_record(actor=user, action=AuditAction.EXPORT, target=call, detail=f"applications, {file_format}, {rows} rows")
    return ExportLog.objects.create(call=call, user=user, file_format=file_format, rows=rows)
