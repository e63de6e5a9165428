"""Registration, waiting list, accreditation and offers to speak.

Every decision about places is taken under a row lock on the consultation
(``SELECT ... FOR UPDATE``), so concurrent sign-ups, cancellations and
capacity changes are decided one after another and the capacity is never
exceeded (001, Annex 2: "within physical meeting space or virtual meeting
capacity"). Mail is queued on commit.
"""

from datetime import date, datetime, time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from consultations import selectors
from consultations.enums import (
    HOLDS_PLACE,
    Attendance,
    BriefingKind,
    BriefingStatus,
    ConsultationStatus,
    ExportStatus,
    InputAuthor,
    InputStatus,
    InterestStatus,
    ProposalKind,
    ProposalStatus,
    RegistrationStatus,
    SessionKind,
    SpeakingRole,
    TalkRole,
)
from consultations.letters import letters_void
from consultations.models import (
    BriefingRequest,
    Consultation,
    ExportLog,
    ExpressionOfInterest,
    Follow,
    InputCall,
    Pledge,
    Proposal,
    Registration,
    SelectionCriteria,
    Session,
    TalkSpeaker,
    WrittenInput,
    private_storage,
)
from consultations.tasks import (
    export_xlsx,
    send_briefing_request_mail,
    send_input_mail,
    send_interest_decision,
    send_proposal_decision,
    send_registration_mail,
)
from portal import integrity
from portal.cache import live_settings, public_pages_changed
from portal.enums import AuditAction, Expertise, Role
from portal.permissions import can, can_in_region, roles_of
from portal.services import audit_record
from portal.tasks import enqueue
from portal.uploads import stored_file_name
from reviews.dates import StatedDate
from reviews.enums import EventKind, Modality
from reviews.models import Event, ReviewCycle

# The limits of a statement offering to speak, in words and (a wall of text in any script is refused too) in
# characters, are the portal's own choice, not a rule of the documents: live settings the secretariat changes in
# the administration (CONSTANCE_CONFIG in portal/settings/base.py). These two names hold their defaults;
# interest_limits() reads the values in force.
INTEREST_WORD_LIMIT = settings.CONSTANCE_CONFIG["INTEREST_WORD_LIMIT"][0]
INTEREST_MAX_CHARS = settings.CONSTANCE_CONFIG["INTEREST_MAX_CHARS"][0]
# How far ahead a GCM Talk or side event may be proposed: the review cycle under way and the next one, up to the
# end of the next IMRF cycle (every four years). A date further ahead is a mistyped year, not a plan, and would put
# the end of the calendar (9999) on the public feeds.
PROPOSAL_HORIZON_YEARS = 5


def interest_limits() -> tuple[int, int]:
    """The words and the characters a statement offering to speak may have now: one query, never per row."""
    values = live_settings("INTEREST_WORD_LIMIT", "INTEREST_MAX_CHARS")
    return values["INTEREST_WORD_LIMIT"], values["INTEREST_MAX_CHARS"]


class ConsultationError(Exception):
    """A rule stopped the action; the message is for the person, in their language."""


def _locked(consultation: Consultation) -> Consultation:
    queryset = Consultation.objects.all()
    if settings.CONSULTATIONS_LOCK_PLACES:
        queryset = queryset.select_for_update()
    return queryset.get(pk=consultation.pk)


def _taken(consultation: Consultation, attendance: str) -> int:
    return Registration.objects.filter(consultation=consultation, attendance=attendance, status__in=HOLDS_PLACE).count()


def consultation_places_left(*, consultation: Consultation) -> dict[str, int]:
    taken = dict(
        Registration.objects.filter(consultation=consultation, status__in=HOLDS_PLACE)
        .values_list("attendance")
        .annotate(n=Count("pk"))
    )
    return {a: max(consultation.capacity(a) - taken.get(a, 0), 0) for a, _label in consultation.attendance_choices}


def _notify(registration: Registration, reason: str) -> None:

    transaction.on_commit(lambda: enqueue(send_registration_mail.s(registration_id=registration.pk, reason=reason)))


# What registered people rely on: when the meeting changes any of these, each of them is told, with a new iCal file.
MEETING_DETAILS = frozenset({"starts_at", "ends_at", "time_zone", "venue", "join_link"})


def consultation_details_changed(*, consultation: Consultation, changed) -> int:
    """Tell everyone registered (with a place, waiting for accreditation or on the waiting list) that the
    meeting's time or place changed; returns how many are told. A draft has nobody to tell."""
    if consultation.status == ConsultationStatus.DRAFT or not MEETING_DETAILS & set(changed):
        return 0
    waiting = (*HOLDS_PLACE, RegistrationStatus.WAITLISTED)
    registrations = list(Registration.objects.filter(consultation=consultation, status__in=waiting))
    for registration in registrations:
        _notify(registration, "changed")
    return len(registrations)


def _place_status(consultation: Consultation) -> str:
    return RegistrationStatus.PENDING if consultation.accreditation_required else RegistrationStatus.REGISTERED


def _fill_places(consultation: Consultation, attendance: str) -> list[Registration]:
    """Move people from the waiting list, in arrival order, into the places that are free. Caller holds the lock."""
    free = consultation.capacity(attendance) - _taken(consultation, attendance)
    if free <= 0:
        return []
    waiting = list(
        Registration.objects.filter(
            consultation=consultation, attendance=attendance, status=RegistrationStatus.WAITLISTED
        ).order_by("arrival", "pk")[:free]
    )
    now = timezone.now()
    for registration in waiting:
        registration.status = _place_status(consultation)
        registration.promoted_at = now
        registration.save(update_fields=["status", "promoted_at"])
        _notify(registration, "promoted")
    return waiting


def registration_create(*, consultation: Consultation, user, attendance: str) -> Registration:
    """Register ``user``: a place while places remain, else the end of the waiting list."""
    try:
        with transaction.atomic():
            consultation = _locked(consultation)
            now = timezone.now()
            if consultation.status != ConsultationStatus.OPEN or now < consultation.registration_opens_at:
                raise ConsultationError(_("Registration for this consultation is not open."))
            if now > consultation.registration_deadline:
                raise ConsultationError(_("The registration deadline has passed."))
            if consultation.starts_at and now >= consultation.starts_at:
                raise ConsultationError(_("The meeting has begun: registration is closed."))
            if attendance not in dict(consultation.attendance_choices):
                raise ConsultationError(_("This consultation has no places of that kind."))
            existing = Registration.objects.filter(consultation=consultation, user=user).first()
            if existing and existing.status == RegistrationStatus.REJECTED:
                raise ConsultationError(
                    _("The secretariat could not accredit you for this consultation; write to it if this is a mistake.")
                )
            if existing and existing.status != RegistrationStatus.CANCELLED:
                raise ConsultationError(_("You are already registered for this consultation."))
            arrival = (Registration.objects.filter(consultation=consultation).aggregate(m=Max("arrival"))["m"] or 0) + 1
            full = _taken(consultation, attendance) >= consultation.capacity(attendance)
            registration = existing or Registration(consultation=consultation, user=user)
            registration.attendance = attendance
            registration.status = RegistrationStatus.WAITLISTED if full else _place_status(consultation)
            registration.arrival = arrival
            registration.created_at = now
            registration.cancelled_at = registration.promoted_at = registration.decided_at = None
            registration.decision_note = ""
            registration.save()
            _notify(registration, "created")
            return registration
    except IntegrityError as exc:
        # Two submissions of the same person at the same moment: the second meets the unique constraint.
        raise ConsultationError(_("You are already registered for this consultation.")) from exc


@transaction.atomic
def registration_cancel(*, registration: Registration, notify: bool = True) -> list[Registration]:
    """Cancel; a freed place goes to the first person waiting, exactly once. Returns those promoted.

    The person gets a confirmation by e-mail, unless the cancellation is part of erasing their account
    (``notify=False``: that erasure sends its own one message).
    """
    consultation = _locked(registration.consultation)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status in (RegistrationStatus.CANCELLED, RegistrationStatus.REJECTED):
        return []
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "cancelled_at"])
    letters_void(registration=registration)
    if notify:
        _notify(registration, "cancelled")
    return _fill_places(consultation, registration.attendance)


@transaction.atomic
def consultation_set_capacity(*, consultation: Consultation, in_person: int, virtual: int) -> list[Registration]:
    """Change the capacity; refuses to go below the places already taken. Raising it promotes people waiting."""
    consultation = _locked(consultation)
    for attendance, wanted in ((Attendance.IN_PERSON, in_person), (Attendance.VIRTUAL, virtual)):
        taken = _taken(consultation, attendance)
        if wanted < taken:
            raise ConsultationError(
                _("%(taken)d people already hold a place %(attendance)s; the capacity cannot be lowered to %(wanted)d.")
                % {"taken": taken, "attendance": Attendance(attendance).label.lower(), "wanted": wanted}
            )
    consultation.capacity_in_person, consultation.capacity_virtual = in_person, virtual
    consultation.save(update_fields=["capacity_in_person", "capacity_virtual"])
    promoted = []
    for attendance in (Attendance.IN_PERSON, Attendance.VIRTUAL):
        promoted += _fill_places(consultation, attendance)
    return promoted


def _check_manager(by, region_ids=(), capability: str = "consultations.manage") -> None:
    """Refuse unless ``by`` may do ``capability`` in every region of ``region_ids`` (a focal point: their own)."""
    if not can(by, capability) or not all(can_in_region(by, capability, region) for region in region_ids):
        raise ConsultationError(_("Your role does not allow this decision."))


def _check_subjects(by, people) -> None:
    """Refuse the whole decision, naming the person, if ``by`` may not decide about one of ``people``."""
    conflicted = integrity.conflicted(by, {person.pk for person in people})
    for person in people:
        if person.pk in conflicted:
            reason = integrity.refusal(decider=by, subject=person)
            name = person.profile.public_name if hasattr(person, "profile") else str(person)
            raise ConsultationError(f"{name}: {reason}")


def accreditation_version(*, registration: Registration) -> str:
    """What an accreditation decision binds to: this registration, made at this moment, for this attendance.

    Cancelling and registering again gives a new arrival number, so a decision taken on the list shown
    before never lands on the new registration.
    """
    return f"{registration.arrival}:{registration.attendance}"


@transaction.atomic
def accreditation_decide(*, registrations, by, approve: bool, versions: dict[int, str], reason: str = "") -> int:
    """Approve or refuse registrations waiting for accreditation; a refusal frees the place for the waiting list.

    Each decision applies to the registration as the decider was shown it (``versions``, by registration,
    from :func:`accreditation_version`): one that changed since is refused, and nothing changes. Nobody
    accredits themselves or someone of their own organisation: the whole decision is refused, naming the
    person.
    """
    _check_manager(by)
    if not approve and not reason.strip():
        raise ConsultationError(_("Please give the reason for refusing."))
    ids = [registration.pk for registration in registrations]
    current = list(
        Registration.objects.filter(pk__in=ids).select_related("user__profile", "consultation__event").order_by("pk")
    )
    _check_manager(by, {r.consultation.event.region_id for r in current})
    _check_subjects(by, [r.user for r in current])
    changed = [r for r in current if versions.get(r.pk) != accreditation_version(registration=r)]
    if changed:
        raise ConsultationError(
            _("The registration of %(name)s changed since you opened the list: read it again before you decide.")
            % {"name": changed[0].user.profile.public_name}
        )
    decided = 0
    by_consultation: dict[int, list[int]] = {}
    for consultation_id, pk in Registration.objects.filter(pk__in=ids).values_list("consultation_id", "pk"):
        by_consultation.setdefault(consultation_id, []).append(pk)
    regions = {r.consultation_id: r.consultation.event.region_id for r in current}
    for consultation_id, pks in sorted(by_consultation.items()):
        consultation = _locked(Consultation(pk=consultation_id))
        pending = Registration.objects.select_for_update().filter(pk__in=pks, status=RegistrationStatus.PENDING)
        freed = set()
        for registration in pending:
            registration.status = RegistrationStatus.REGISTERED if approve else RegistrationStatus.REJECTED
            registration.decision_note = "" if approve else reason.strip()
            registration.decided_by, registration.decided_at = by, timezone.now()
            registration.save(update_fields=["status", "decision_note", "decided_by", "decided_at"])
            audit_record(
                actor=by,
                action=AuditAction.ACCREDITATION,
                target=registration,
                detail=registration.status,
                capability="consultations.manage",
                region_id=regions[consultation_id],
            )
            _notify(registration, "decided")
            freed.add(registration.attendance)
            decided += 1
        if not approve:
            for attendance in sorted(freed):
                _fill_places(consultation, attendance)
    return decided


def statement_word_count(*, text: str) -> int:
    """The words of a statement: runs of characters between white space (hence the limit in characters too)."""
    return len(text.split())


def offer_refusal(*, consultation: Consultation, user, criteria: SelectionCriteria | None = None) -> str | None:
    """Why ``user`` may not offer to speak at ``consultation``; None if they may.

    The speaking slots are for stakeholders (001 Annex 2: "stakeholder speakers"; 004: stakeholders "express
    their interest in providing speakers and moderators for each of the roundtables"); UN system members too
    when the consultation's criteria say so; Member States never, the intergovernmental meeting is theirs.
    """
    roles = roles_of(user)
    if Role.STAKEHOLDER in roles:
        return None
    criteria = criteria or selectors.criteria_of(consultation)
    if Role.UN_SYSTEM in roles and criteria.un_system_may_offer:
        return None
    if Role.UN_SYSTEM in roles:
        return _("The speaking slots of this consultation are for stakeholders.")
    return _("Offers to speak are for stakeholders.")


@transaction.atomic
def interest_create(
    *,
    consultation: Consultation,
    user,
    role: str,
    topic: str,
    statement: str,
    session: Session | None = None,
    expertise: str = "",
) -> ExpressionOfInterest:
    """Record an offer to speak, time-stamped on arrival (Annex 2: first come); the person gets a receipt.

    A panelist, moderator or speaker from the floor offers for one roundtable (004: "for each of the
    roundtables"); the rapporteur reports on the whole consultation, so that offer names none.
    """
    now = timezone.now()
    if (refusal := offer_refusal(consultation=consultation, user=user)) is not None:
        raise ConsultationError(refusal)
    roundtables = Session.objects.filter(consultation=consultation, kind=SessionKind.ROUNDTABLE)
    if role == SpeakingRole.RAPPORTEUR:
        session = None
    elif session is not None and not roundtables.filter(pk=session.pk).exists():
        raise ConsultationError(_("Choose one of this consultation's roundtables."))
    elif session is None and roundtables.exists():
        raise ConsultationError(_("Choose the roundtable you offer to speak at."))
    if expertise and expertise not in Expertise.values:
        raise ConsultationError(_("Choose an area of expertise from the list."))
    if consultation.interest_deadline and now > consultation.interest_deadline:
        raise ConsultationError(_("The deadline to offer to speak has passed."))
    if consultation.starts_at and now >= consultation.starts_at:
        raise ConsultationError(_("The meeting has begun: offers to speak are closed."))
    if not consultation.takes_offers:
        raise ConsultationError(_("This meeting takes no offers to speak: its organisers name its panel."))
    if consultation.status != ConsultationStatus.OPEN:
        raise ConsultationError(_("This consultation does not take offers to speak now."))
    word_limit, char_limit = interest_limits()
    if len(statement) > char_limit or statement_word_count(text=statement) > word_limit:
        raise ConsultationError(
            _("Please keep your statement to %(words)d words and %(chars)d characters.")
            % {"words": word_limit, "chars": char_limit}
        )
    if ExpressionOfInterest.objects.filter(consultation=consultation, user=user, role=role, session=session).exists():
        raise ConsultationError(_("You have already made this offer."))

    interest = ExpressionOfInterest.objects.create(
        consultation=consultation,
        user=user,
        role=role,
        session=session,
        expertise=expertise,
        topic=topic,
        statement=statement,
        submitted_at=now,
    )
    transaction.on_commit(lambda: enqueue(send_interest_decision.s(interest_id=interest.pk, received=True)))
    return interest


@transaction.atomic
def criteria_set(*, consultation: Consultation, by, shown_version: int, **values) -> SelectionCriteria:
    """Set how the speakers of ``consultation`` are chosen: limits per dimension, order of preference, and
    whether UN system members may offer (001 Annex 2: "agreed upon criteria by the regional stakeholder
    mechanism or task team with support from the Network Executive Committee and Secretariat").

    Only the region's task team and the secretariat set them. ``shown_version`` is the version the form was
    read at: if someone changed the criteria since, nothing is saved and the new ones must be read.
    """
    _check_manager(by, {consultation.event.region_id}, capability="consultations.select_speakers")
    criteria, _created = SelectionCriteria.objects.select_for_update().get_or_create(consultation=consultation)
    if criteria.version != shown_version:
        raise ConsultationError(
            _("Someone changed these criteria since you opened the page: read them again before you save.")
        )
    for name, value in values.items():
        setattr(criteria, name, value)
    criteria.full_clean(exclude=["consultation"])
    criteria.version += 1
    criteria.updated_by, criteria.updated_at = by, timezone.now()
    criteria.save()
    audit_record(
        actor=by,
        action=AuditAction.SELECTION_CRITERIA,
        target=criteria,
        detail=" ".join(f"{name}={value}" for name, value in sorted(values.items())),
        capability="consultations.select_speakers",
        region_id=consultation.event.region_id,
    )
    return criteria


@transaction.atomic
def slate_decide(*, consultation: Consultation, decisions: dict[int, bool], shown: dict[int, str], by) -> int:
    """Record the choice of speakers for the offers the decider was shown: selected or not; each person is told.

    ``decisions`` maps each offer shown with a tick box to whether it was ticked;
    offers not in it (arrived since, on another roundtable's form, or not the
    decider's to decide) keep their status. ``shown`` is the status each offer had
    on the page: if someone decided one of them since, the whole list is refused,
    naming the person, so two people saving at once never overwrite each other.
    Nobody selects themselves or someone of their own organisation, nor a person
    the consultation's criteria no longer let speak (a UN system member once the
    slots are kept for stakeholders): the whole list is refused and nothing changes
    (001 Annex 2: speakers chosen on agreed criteria, not by the candidates). The
    region's task team and the secretariat decide; a selected offer for a
    roundtable is put on that roundtable's agenda, and taken off when no longer
    selected.
    """

    region_id = consultation.event.region_id
    _check_manager(by, {region_id}, capability="consultations.select_speakers")
    offers = list(
        ExpressionOfInterest.objects.select_for_update(of=("self",))
        .select_related("user__profile")
        .filter(consultation=consultation, pk__in=list(decisions))
        .order_by("pk")
    )
    _check_subjects(by, [offer.user for offer in offers])
    moved = [offer for offer in offers if shown.get(offer.pk) != offer.status]
    if moved:
        raise ConsultationError(
            _(
                "The offer of %(name)s was decided by someone else since you opened the page: nothing was saved. "
                "Read the list again before you save."
            )
            % {"name": moved[0].user.profile.public_name}
        )
    criteria = selectors.criteria_of(consultation)
    for offer in offers:
        if decisions[offer.pk] and offer_refusal(consultation=consultation, user=offer.user, criteria=criteria):
            raise ConsultationError(
                _("%(name)s may not speak under this consultation's criteria: nothing was saved.")
                % {"name": offer.user.profile.public_name}
            )
    changed = 0
    for interest in offers:
        status = InterestStatus.SELECTED if decisions[interest.pk] else InterestStatus.NOT_SELECTED
        if interest.status != status:
            interest.status = status
            interest.save(update_fields=["status"])
            if interest.session_id:
                on_agenda = Session.speakers.through.objects.filter(
                    session_id=interest.session_id, expressionofinterest_id=interest.pk
                )
                if status == InterestStatus.SELECTED:
                    if not on_agenda.exists():
                        interest.session.speakers.add(interest)
                else:
                    on_agenda.delete()
            audit_record(
                actor=by,
                action=AuditAction.SPEAKER_SELECTION,
                target=interest,
                detail=status,
                capability="consultations.select_speakers",
                region_id=region_id,
            )
            transaction.on_commit(lambda pk=interest.pk: enqueue(send_interest_decision.s(interest_id=pk)))
            changed += 1
    return changed


def interests_decidable(*, by, interests) -> set[int]:
    """The offers to speak ``by`` is shown a tick box for on the dashboard: not theirs, nor their organisation's."""
    conflicted = integrity.conflicted(by, {interest.user_id for interest in interests})
    return {interest.pk for interest in interests if interest.user_id not in conflicted}


def export_log(
    *, consultation: Consultation, user, file_format: str, filters: dict, columns: list[str], rows: int, running=False
):
    """Log an export (who, when, which filter, how many rows); a running one is built by a Celery task on commit."""

    log = ExportLog.objects.create(
        consultation=consultation,
        user=user,
        file_format=file_format,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        filters=filters,
        columns=columns,
        rows=rows,
        status=ExportStatus.RUNNING if running else ExportStatus.READY,
        progress=0 if running else 100,
    )
    audit_record(
        actor=user,
        action=AuditAction.EXPORT,
        target=consultation,
        detail=f"registrations, {file_format}, {rows} rows",
    )
    if running:
        transaction.on_commit(lambda: _build_export(log.pk))
    return log


def _build_export(log_id: int) -> None:
    """Queue the XLSX build; with the broker unreachable, fail the export so its status page says so at once."""

    if not enqueue(export_xlsx.s(log_id=log_id), keep=False):
        ExportLog.objects.filter(pk=log_id, status=ExportStatus.RUNNING).update(status=ExportStatus.FAILED)


def follow_create(*, user, consultation: Consultation) -> Follow:
    """Follow a consultation, to be reminded of its registration and speaking deadlines; following twice is once."""
    follow, _created = Follow.objects.get_or_create(consultation=consultation, user=user)
    return follow


def follow_delete(*, user, consultation: Consultation) -> None:
    """Stop following a consultation: no more reminders of its deadlines."""
    Follow.objects.filter(consultation=consultation, user=user).delete()


def proposal_date_limit(*, today: date | None = None) -> date:
    """The latest day a GCM Talk or side event may be proposed for: ``PROPOSAL_HORIZON_YEARS`` from today."""
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year + PROPOSAL_HORIZON_YEARS)
    except ValueError:  # 29 February, in a year that has none
        return today.replace(year=today.year + PROPOSAL_HORIZON_YEARS, day=28)


def proposal_date_refusal(*, day: date) -> str | None:
    """Why ``day`` cannot be proposed for a GCM Talk or side event (passed, or too far ahead), or None."""
    today = timezone.localdate()
    if day < today:
        return _("The date has passed; propose a date to come.")
    limit = proposal_date_limit(today=today)
    if day > limit:
        return _("The date is too far ahead: propose a date no later than %(date)s.") % {
            "date": date_format(limit, "DATE_FORMAT")
        }
    return None


@transaction.atomic
def proposal_create(
    *,
    proposed_by,
    kind: str,
    title: str,
    level: str,
    region,
    date,
    organisers: str,
    link: str = "",
    topic: str = "",
    outline: str = "",
    modality: str = "",
    meeting: Consultation | None = None,
):
    """Record a proposed GCM Talk or side event, waiting for the secretariat's decision; the proposer gets a receipt.

    The date is checked as the form checks it (:func:`proposal_date_refusal`), for any other caller; a side event's
    meeting must be a public consultation of its region (001: side events "during the meetings").
    """
    if refusal := proposal_date_refusal(day=date):
        raise ConsultationError(refusal)
    if meeting is not None and (
        kind != ProposalKind.SIDE_EVENT
        or region is None
        or meeting.event.region_id != region.pk
        or not selectors.named_in_public().filter(pk=meeting.pk).exists()
    ):
        raise ConsultationError(_("Choose a meeting of the side event's region."))
    proposal = Proposal.objects.create(
        proposed_by=proposed_by,
        kind=kind,
        title=title,
        level=level,
        region=region,
        date=date,
        organisers=organisers,
        link=link,
        topic=topic,
        outline=outline,
        modality=modality,
        meeting=meeting if kind == ProposalKind.SIDE_EVENT else None,
    )
    transaction.on_commit(lambda: enqueue(send_proposal_decision.s(proposal_id=proposal.pk, received=True)))
    return proposal


@transaction.atomic
def proposal_decide(*, proposal, by, approve: bool, reason: str = ""):
    """Approve a GCM Talk or side event (it then appears on the calendar) or decline it with a reason.

    The proposer is told in their language. Nobody decides on their own proposal or their organisation's.
    """

    _check_manager(by)
    proposal = (
        Proposal.objects.select_for_update(of=("self",)).select_related("proposed_by__profile").get(pk=proposal.pk)
    )
    _check_subjects(by, [proposal.proposed_by])
    if proposal.status != ProposalStatus.PENDING:
        return proposal
    if not approve and not reason.strip():
        raise ConsultationError(_("Please give the reason for declining."))
    if approve and proposal.date > (limit := proposal_date_limit()):
        # A proposal sent before the form refused such dates: it never reaches the calendar.
        raise ConsultationError(
            _("Its date, %(date)s, is too far ahead for the calendar (after %(limit)s): decline it with the reason.")
            % {"date": date_format(proposal.date, "DATE_FORMAT"), "limit": date_format(limit, "DATE_FORMAT")}
        )
    proposal.status = ProposalStatus.APPROVED if approve else ProposalStatus.DECLINED
    proposal.decision_note = reason.strip()
    if approve:
        cycle = (
            ReviewCycle.objects.filter(start_year__lte=proposal.date.year, end_year__gte=proposal.date.year).first()
            or ReviewCycle.objects.order_by("-start_year").first()
        )
        event = Event(
            cycle=cycle,
            region=proposal.region,
            kind=EventKind.GCM_TALK if proposal.kind == "gcm_talk" else EventKind.SIDE_EVENT,
            title=proposal.title,
            link=proposal.link,
            modality=proposal.modality,
            start=StatedDate(precision="day", days=(proposal.date,)),
        )
        event.save()
        proposal.event = event
    proposal.save()
    audit_record(actor=by, action=AuditAction.PROPOSAL_DECISION, target=proposal, detail=proposal.status)
    transaction.on_commit(lambda: enqueue(send_proposal_decision.s(proposal_id=proposal.pk)))
    return proposal


@transaction.atomic
def proposal_delete(*, proposal: Proposal, by) -> None:
    """Delete a proposal (the administration's delete), audited with who deleted it and the state it was in.

    The calendar event of an approved proposal stays: it is the secretariat's, changed in the calendar. Nobody
    deletes their own proposal or their organisation's, as nobody decides on it.
    """
    _check_manager(by)
    _check_subjects(by, [proposal.proposed_by])
    audit_record(actor=by, action=AuditAction.PROPOSAL_DECISION, target=proposal, detail=f"deleted ({proposal.status})")
    proposal.delete()


@transaction.atomic
def interest_delete(*, interest: ExpressionOfInterest, by) -> None:
    """Delete an offer to speak (the administration's delete), audited with who deleted it and its state then."""
    _check_manager(by)
    _check_subjects(by, [interest.user])
    audit_record(actor=by, action=AuditAction.SPEAKER_SELECTION, target=interest, detail=f"deleted ({interest.status})")
    interest.delete()


def registration_confirm_funded(*, consultation: Consultation, user, by) -> Registration:
    """Give a funded traveller a confirmed place in the room, under the same lock as every registration.

    A person already holding an in-person place is confirmed (accreditation
    included: the funding decision is the check). Anyone else takes a free
    in-person place; when none is left the decision is refused, never overbooked.
    A person whose accreditation the secretariat refused is refused too: the
    Chair's decision never overturns it. Caller runs inside a transaction.
    """
    consultation = _locked(consultation)
    if consultation.capacity(Attendance.IN_PERSON) <= 0:
        raise ConsultationError(_("This consultation has no places in the room."))
    registration = Registration.objects.select_for_update().filter(consultation=consultation, user=user).first()
    if registration is not None and registration.status == RegistrationStatus.REJECTED:
        # The secretariat refused this person's accreditation: funding cannot give them the place back.
        raise ConsultationError(
            _(
                "The secretariat refused this person's accreditation for this consultation (%(reason)s): "
                "funding cannot give them a place. Ask the secretariat first."
            )
            % {"reason": registration.decision_note or "—"}
        )
    holds_room_place = (
        registration is not None
        and registration.attendance == Attendance.IN_PERSON
        and registration.status in HOLDS_PLACE
    )
    if not holds_room_place and _taken(consultation, Attendance.IN_PERSON) >= consultation.capacity(
        Attendance.IN_PERSON
    ):
        raise ConsultationError(_("No place is left in the room for this consultation."))
    now = timezone.now()
    if registration is None:
        arrival = (Registration.objects.filter(consultation=consultation).aggregate(m=Max("arrival"))["m"] or 0) + 1
        registration = Registration(consultation=consultation, user=user, arrival=arrival, created_at=now)
    freed = registration.attendance if registration.pk and registration.status in HOLDS_PLACE else None
    registration.attendance = Attendance.IN_PERSON
    registration.status = RegistrationStatus.REGISTERED
    registration.decided_by, registration.decided_at = by, now
    registration.cancelled_at = None
    registration.save()
    if freed and freed != Attendance.IN_PERSON:
        _fill_places(consultation, freed)  # the online place they leave goes to the next person waiting
    _notify(registration, "decided")
    return registration


# --- Written inputs (004) ----------------------------------------------------------------------------------

# The short summary that goes with a written input: the portal's own limit, so the list stays readable.
INPUT_SUMMARY_WORDS = 200


def input_refusal(*, call: InputCall, user) -> str | None:
    """Why ``user`` may not send a written input to ``call`` now; None if they may.

    004: "Member States and stakeholders are invited to submit voluntary inputs" by the call's deadline. A
    Member State's role is verified by the secretariat first; one input per person and call.
    """
    if not call.is_open():
        return _("This call for written inputs is closed.")
    if not can(user, "consultations.send_input"):
        return _("Written inputs come from stakeholders and Member States.")
    if WrittenInput.objects.filter(call=call, author=user).exists():
        return _("You have already sent a written input to this call.")
    return None


@transaction.atomic
def written_input_create(
    *, call: InputCall, author, title: str, summary: str, language: str, organisation: str, upload, content_type: str
) -> WrittenInput:
    """Receive a written input: checked, stored under a generated name, waiting for screening; a receipt by mail.

    ``upload`` was checked by its content (portal.uploads.validate_document, which gave ``content_type``).
    """
    InputCall.objects.select_for_update().filter(pk=call.pk).first()
    if (refusal := input_refusal(call=call, user=author)) is not None:
        raise ConsultationError(refusal)
    if statement_word_count(text=summary) > INPUT_SUMMARY_WORDS:
        raise ConsultationError(_("Please keep the summary to %(words)d words.") % {"words": INPUT_SUMMARY_WORDS})
    member_state = Role.MEMBER_STATE in roles_of(author) and Role.STAKEHOLDER not in roles_of(author)
    written = WrittenInput(
        call=call,
        author=author,
        submitted_as=InputAuthor.MEMBER_STATE if member_state else InputAuthor.STAKEHOLDER,
        constituency="member_state" if member_state else author.profile.constituency,
        organisation=organisation,
        title=title,
        summary=summary,
        language=language,
        content_type=content_type,
        # The name a download is offered under, with the extension of what the file really is.
        original_name=stored_file_name(upload.name, content_type),
    )
    written.file.save(upload.name, upload, save=False)
    written.save()
    transaction.on_commit(lambda: enqueue(send_input_mail.s(input_id=written.pk)))
    return written


def written_input_version(*, written: WrittenInput) -> str:
    """What a screening decision binds to: this input as sent (its title, summary and file)."""
    return f"{written.submitted_at.isoformat()}:{written.file.name}:{len(written.summary)}:{written.title}"


@transaction.atomic
def written_inputs_screen(*, inputs, by, publish: bool, versions: dict[int, str], reason: str = "") -> int:
    """Publish written inputs on the region's page, or decline them with a reason; each sender is told.

    The secretariat screens every region's inputs, a focal point those of their region. Nobody screens their
    own input or one from their organisation; a decision binds to the input as it was shown (``versions``, from
    :func:`written_input_version`). The whole decision is refused, naming the input, when one fails.
    """
    reason = reason.strip()
    if not publish and not reason:
        raise ConsultationError(_("Please give the reason for not publishing."))
    ids = [written.pk for written in inputs]
    current = list(
        WrittenInput.objects.select_for_update(of=("self",))
        .select_related("author__profile", "call")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    _check_manager(by, {written.call.region_id for written in current})
    _check_subjects(by, [written.author for written in current])
    changed = [w for w in current if versions.get(w.pk) != written_input_version(written=w)]
    if changed:
        raise ConsultationError(
            _("The written input “%(title)s” changed since you opened the list: read it again before you decide.")
            % {"title": changed[0].title}
        )
    decided = 0
    for written in current:
        if written.status != InputStatus.SUBMITTED:
            continue
        written.status = InputStatus.PUBLISHED if publish else InputStatus.DECLINED
        written.decision_note = "" if publish else reason
        written.decided_by, written.decided_at = by, timezone.now()
        written.save(update_fields=["status", "decision_note", "decided_by", "decided_at"])
        audit_record(
            actor=by,
            action=AuditAction.INPUT_SCREENING,
            target=written,
            detail=written.status,
            capability="consultations.manage",
            region_id=written.call.region_id,
        )
        transaction.on_commit(lambda pk=written.pk: enqueue(send_input_mail.s(input_id=pk)))
        decided += 1
    return decided


@transaction.atomic
def written_input_withdraw(*, written: WrittenInput, author) -> None:
    """The sender takes back an input not screened yet; its file goes with it."""
    locked = WrittenInput.objects.select_for_update().filter(pk=written.pk, author=author).first()
    if locked is None or locked.status != InputStatus.SUBMITTED:
        raise ConsultationError(_("Only an input still waiting for screening can be withdrawn."))
    name = locked.file.name
    locked.delete()
    transaction.on_commit(lambda: private_storage().delete(name))


# --- GCM Talks and side events in depth (001, 003) ---------------------------------------------------------


def talk_editable_by(*, proposal: Proposal, user) -> bool:
    """Who edits a talk's panel, summary, pledges and registrations: its proposer, or who runs consultations
    in its region (the secretariat everywhere, a focal point in their region; a global talk: the secretariat)."""
    if user is None or not user.is_authenticated:
        return False
    return proposal.proposed_by_id == user.pk or can_in_region(user, "consultations.manage", proposal.region_id)


def _talk_locked(proposal: Proposal, by, *, approved: bool = True) -> Proposal:
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if not talk_editable_by(proposal=locked, user=by):
        raise ConsultationError(_("Only the proposer and the secretariat edit this GCM Talk or side event."))
    if approved and locked.status != ProposalStatus.APPROVED:
        raise ConsultationError(_("This can be done once the secretariat has approved the GCM Talk or side event."))
    return locked


@transaction.atomic
def talk_speakers_set(*, proposal: Proposal, by, speakers: list[tuple[str, str, str]]) -> list[TalkSpeaker]:
    """Replace the panelists and moderators of an approved talk with ``speakers`` ((role, name, organisation),
    in order). 003: talks have "panelists, moderators and participants"."""
    proposal = _talk_locked(proposal, by)
    if any(role not in TalkRole.values or not name.strip() for role, name, _organisation in speakers):
        raise ConsultationError(_("Give each panelist or moderator a name and a role."))
    TalkSpeaker.objects.filter(proposal=proposal).delete()
    public_pages_changed()  # bulk_create sends no signal: the talk's cached public page goes too
    return TalkSpeaker.objects.bulk_create(
        TalkSpeaker(proposal=proposal, role=role, name=name.strip(), organisation=organisation.strip(), position=n)
        for n, (role, name, organisation) in enumerate(speakers, start=1)
    )


@transaction.atomic
def talk_summary_post(*, proposal: Proposal, by, summary: str) -> Proposal:
    """Post (or correct) the summary of an approved talk: public from then on (003: "Summaries are posted")."""
    proposal = _talk_locked(proposal, by)
    summary = summary.strip()
    if not summary:
        raise ConsultationError(_("Write the summary before posting it."))
    proposal.summary = summary
    proposal.summary_posted_at = proposal.summary_posted_at or timezone.now()
    proposal.save(update_fields=["summary", "summary_posted_at"])
    return proposal


GCM_OBJECTIVES = range(1, 24)  # the Global Compact's 23 objectives, by number


@transaction.atomic
def pledge_add(
    *, proposal: Proposal, by, pledged_by: str, text: str, objectives: list[int] = (), dashboard_link: str = ""
) -> Pledge:
    """Record a pledge announced at a talk (000: the talks aim at "initiating pledges"), by its proposer or the
    secretariat. Listed on the talk's public page once the talk is approved."""
    proposal = _talk_locked(proposal, by, approved=False)
    if proposal.status == ProposalStatus.DECLINED:
        raise ConsultationError(_("This GCM Talk or side event was declined."))
    if not pledged_by.strip() or not text.strip():
        raise ConsultationError(_("Say who pledges and what."))
    if any(n not in GCM_OBJECTIVES for n in objectives):
        raise ConsultationError(_("The GCM has 23 objectives: choose from 1 to 23."))
    return Pledge.objects.create(
        proposal=proposal,
        pledged_by=pledged_by.strip(),
        text=text.strip(),
        objectives=",".join(str(n) for n in sorted(set(objectives))),
        dashboard_link=dashboard_link,
    )


@transaction.atomic
def talk_registration_open(
    *, proposal: Proposal, by, capacity_in_person: int, capacity_virtual: int, registration_deadline
) -> Consultation:
    """Open registrations for an approved talk: a consultation on its calendar event, so the places, the waiting
    list, accreditation and the reminders are those of every consultation (registration_create and the rest)."""
    proposal = _talk_locked(proposal, by)
    if proposal.event_id is None:
        raise ConsultationError(_("This GCM Talk or side event is not on the calendar."))
    if Consultation.objects.filter(event_id=proposal.event_id).exists():
        raise ConsultationError(_("Registrations are already open for this GCM Talk or side event."))
    if capacity_in_person < 0 or capacity_virtual < 0 or capacity_in_person + capacity_virtual == 0:
        raise ConsultationError(_("Give the number of places in the room, online, or both."))
    if registration_deadline <= timezone.now():
        raise ConsultationError(_("The registration deadline has passed; choose a later one."))
    if timezone.localdate(registration_deadline) > proposal.date:
        raise ConsultationError(_("Registration closes on or before the day of the talk: choose an earlier deadline."))
    consultation = Consultation.objects.create(
        event_id=proposal.event_id,
        title=proposal.title,
        description=proposal.outline,
        modality=proposal.modality or (Modality.VIRTUAL if not capacity_in_person else Modality.HYBRID),
        capacity_in_person=capacity_in_person,
        capacity_virtual=capacity_virtual,
        join_link=proposal.link,
        registration_deadline=registration_deadline,
        status=ConsultationStatus.OPEN,
    )
    audit_record(actor=by, action=AuditAction.PROPOSAL_DECISION, target=proposal, detail="registrations opened")
    return consultation


# --- Requests for a briefing or consultation (000) -----------------------------------------------------------

# Fields a requester sets and may change while the request waits.
BRIEFING_FIELDS = (
    "kind",
    "network",
    "region",
    "cycle",
    "topic",
    "needs",
    "preferred_from",
    "preferred_to",
    "languages",
    "expected_participants",
)


def briefing_request_refusal(*, user) -> str | None:
    """Why ``user`` may not ask for a briefing; None if they may (those who take part in consultations)."""
    if not can(user, "consultations.register"):
        return _("Briefings and consultations are requested by stakeholders for their networks.")
    return None


def _briefing_values(values: dict) -> dict:
    today = timezone.localdate()
    if values["preferred_from"] < today:
        raise ConsultationError(_("The preferred period has started; choose one to come."))
    if values["preferred_to"] < values["preferred_from"]:
        raise ConsultationError(_("The preferred period ends before it starts."))
    if values["preferred_from"] > proposal_date_limit(today=today):
        raise ConsultationError(_("The preferred period is too far ahead."))
    codes = list(values["languages"]) if not isinstance(values["languages"], str) else values["languages"].split(",")
    if not codes or any(code not in dict(settings.LANGUAGES) for code in codes):
        raise ConsultationError(_("Choose at least one of the six languages."))
    if values["kind"] not in BriefingKind.values:
        raise ConsultationError(_("Say whether you ask for a briefing or a consultation."))
    return {**values, "languages": ",".join(codes)}


@transaction.atomic
def briefing_request_create(*, requester, **values) -> BriefingRequest:
    """Record a request for a briefing or a consultation for a stakeholder network (000); the requester gets a
    receipt, and the secretariat and the region's focal points answer it."""
    if (refusal := briefing_request_refusal(user=requester)) is not None:
        raise ConsultationError(refusal)
    values = _briefing_values({name: values[name] for name in BRIEFING_FIELDS})
    request = BriefingRequest.objects.create(requester=requester, **values)
    transaction.on_commit(lambda: enqueue(send_briefing_request_mail.s(request_id=request.pk)))
    return request


@transaction.atomic
def briefing_request_update(*, request: BriefingRequest, requester, **values) -> BriefingRequest:
    """The requester changes a request still waiting: a new version, so a decision on the old one is refused."""
    locked = BriefingRequest.objects.select_for_update().filter(pk=request.pk, requester=requester).first()
    if locked is None or locked.status != BriefingStatus.PENDING:
        raise ConsultationError(_("Only a request still waiting for an answer can be changed."))
    values = _briefing_values({name: values[name] for name in BRIEFING_FIELDS})
    for name, value in values.items():
        setattr(locked, name, value)
    locked.revision += 1
    locked.updated_at = timezone.now()
    locked.save()
    return locked


def briefing_decider(*, user, request: BriefingRequest) -> bool:
    """Who answers a request: the secretariat, and the focal points of its region."""
    return can_in_region(user, "consultations.manage", request.region_id)


def briefing_requests_decidable(*, by, requests) -> set[int]:
    """The requests ``by`` is shown the decision form for: not theirs, nor their organisation's."""
    conflicted = integrity.conflicted(by, {request.requester_id for request in requests})
    return {request.pk for request in requests if request.requester_id not in conflicted}


def _cycle_for(day) -> ReviewCycle | None:
    return (
        ReviewCycle.objects.filter(start_year__lte=day.year, end_year__gte=day.year).order_by("start_year").first()
        or ReviewCycle.objects.order_by("-start_year").first()
    )


@transaction.atomic
def briefing_request_decide(
    *, request: BriefingRequest, by, accept: bool, shown_revision: int, reason: str = ""
) -> BriefingRequest:
    """Accept or decline a request for a briefing or consultation, as the decider read it.

    ``shown_revision`` is the version on the decider's page: a request changed since is refused and must be read
    again. Nobody answers their own request or their organisation's. Accepted, it becomes a meeting: a calendar
    event (a briefing, or a pre-consultation for a consultation) in the region and cycle, on the first day of
    the preferred period, to be confirmed, and a draft consultation on it that the secretariat completes and
    opens for registration. The requester is told in their language.
    """
    locked = (
        BriefingRequest.objects.select_for_update(of=("self",))
        .select_related("requester__profile", "region", "cycle")
        .get(pk=request.pk)
    )
    _check_manager(by, {locked.region_id})
    _check_subjects(by, [locked.requester])
    if locked.revision != shown_revision:
        raise ConsultationError(
            _("The request “%(topic)s” changed since you opened it: read it again before you decide.")
            % {"topic": locked.topic}
        )
    if locked.status != BriefingStatus.PENDING:
        raise ConsultationError(_("This request has already been answered."))
    reason = reason.strip()
    if not accept and not reason:
        raise ConsultationError(_("Please give the reason for declining."))
    if accept:
        day = max(locked.preferred_from, timezone.localdate())
        cycle = locked.cycle or _cycle_for(day)
        if cycle is None:
            raise ConsultationError(_("No review cycle is on the calendar yet."))
        event = Event(
            cycle=cycle,
            region=locked.region,
            kind=EventKind.BRIEFING if locked.kind == BriefingKind.BRIEFING else EventKind.PRE_CONSULTATION,
            # The public calendar names the kind and the region until the organisers give it a title: the
            # requester's own words stay on the request and the draft meeting.
            start=StatedDate(precision="day", days=(day,)),
            start_tentative=True,
        )
        event.save()
        locked.consultation = Consultation.objects.create(
            event=event,
            title=locked.topic,
            interpretation_languages=locked.languages,
            registration_deadline=timezone.make_aware(datetime.combine(day, time.min)),
            status=ConsultationStatus.DRAFT,
        )
    locked.status = BriefingStatus.ACCEPTED if accept else BriefingStatus.DECLINED
    locked.decision_note = reason
    locked.decided_by, locked.decided_at = by, timezone.now()
    locked.save()
    audit_record(
        actor=by,
        action=AuditAction.BRIEFING_DECISION,
        target=locked,
        detail=f"briefing request {locked.status} (version {shown_revision})",
        capability="consultations.manage",
        region_id=locked.region_id,
    )
    transaction.on_commit(lambda: enqueue(send_briefing_request_mail.s(request_id=locked.pk)))
    return locked
