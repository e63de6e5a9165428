import uuid

from celery import shared_task
from django.conf import settings

from consultations.documents import qr_png
from consultations.enums import (
    Attendance,
    BriefingStatus,
    ExportStatus,
    InputStatus,
    LetterStatus,
    ProposalStatus,
    RegistrationStatus,
)
from consultations.exports import export_queryset, write_xlsx
from consultations.ical import consultation_ics
from consultations.models import (
    BriefingRequest,
    ExportLog,
    ExpressionOfInterest,
    InvitationLetter,
    Proposal,
    Registration,
    WrittenInput,
)
from portal.mail import language_of, mail_task, send_templated_mail


@mail_task
def send_registration_mail(*, registration_id: int, reason: str) -> None:
    """Tell a person, in their language, where their registration stands; with an iCal file once they have a place."""
    registration = (
        Registration.objects.select_related("user__profile", "consultation__event").filter(pk=registration_id).first()
    )
    if registration is None:
        return
    attachments = []
    if registration.status == RegistrationStatus.REGISTERED:
        attachments.append(("consultation.ics", consultation_ics(registration.consultation), "text/calendar"))
        if registration.attendance == Attendance.IN_PERSON:
            # The personal code to show at the door (also on "My registrations").
            attachments.append(("check-in-code.png", qr_png(registration.code), "image/png"))
    send_templated_mail(
        template="consultations/email/registration",
        to=[registration.user.email],
        language=language_of(registration.user),
        context={"registration": registration, "consultation": registration.consultation, "reason": reason},
        attachments=attachments,
    )


@mail_task
def send_interest_decision(*, interest_id: int, received: bool = False) -> None:
    """Tell a person that their offer to speak arrived (``received``), or whether they were selected."""

    interest = (
        ExpressionOfInterest.objects.select_related("user__profile", "consultation").filter(pk=interest_id).first()
    )
    if interest is None or (interest.status == "received") != received:
        return
    send_templated_mail(
        template="consultations/email/interest_received" if received else "consultations/email/interest_decision",
        to=[interest.user.email],
        language=language_of(interest.user),
        context={"interest": interest, "consultation": interest.consultation},
    )


@mail_task
def send_proposal_decision(*, proposal_id: int, received: bool = False) -> None:
    """Tell the proposer of a GCM Talk or side event, in their language, that it arrived or what was decided."""

    proposal = Proposal.objects.select_related("proposed_by__profile").filter(pk=proposal_id).first()
    if proposal is None:
        return
    # The receipt says it arrived even if a decision came before the mail left; a decision mail needs one.
    if not received and proposal.status == ProposalStatus.PENDING:
        return
    send_templated_mail(
        template="consultations/email/proposal_received" if received else "consultations/email/proposal_decision",
        to=[proposal.proposed_by.email],
        language=language_of(proposal.proposed_by),
        context={"proposal": proposal},
    )


@shared_task
def export_xlsx(*, log_id: int) -> None:
    """Build an XLSX registration list in the background, reporting progress on the log row."""

    log = ExportLog.objects.select_related("consultation").filter(pk=log_id).first()
    if log is None or log.status != ExportStatus.RUNNING:
        return
    folder = settings.PRIVATE_ROOT / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{uuid.uuid4().hex}.xlsx"
    queryset = export_queryset(
        log.consultation, statuses=log.filters.get("status", []), attendances=log.filters.get("attendance", [])
    )
    try:
        rows = write_xlsx(
            queryset,
            log.columns,
            folder / name,
            progress=lambda pct: ExportLog.objects.filter(pk=log_id).update(progress=pct),
            language=log.language or None,
        )
    except Exception:
        ExportLog.objects.filter(pk=log_id).update(status=ExportStatus.FAILED)
        raise
    ExportLog.objects.filter(pk=log_id).update(status=ExportStatus.READY, progress=100, rows=rows, file_name=name)


@mail_task
def send_input_mail(*, input_id: int) -> None:
    """Tell the sender of a written input, in their language, that it arrived or what the screening decided."""

    written = WrittenInput.objects.select_related("author__profile", "call").filter(pk=input_id).first()
    if written is None:
        return
    send_templated_mail(
        template="consultations/email/input_received"
        if written.status == InputStatus.SUBMITTED
        else "consultations/email/input_decision",
        to=[written.author.email],
        language=language_of(written.author),
        context={"written": written, "call": written.call},
    )


@mail_task
def send_briefing_request_mail(*, request_id: int) -> None:
    """Tell the requester of a briefing or consultation, in their language, that it arrived or what was decided."""

    request = (
        BriefingRequest.objects.select_related("requester__profile", "region", "consultation__event")
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        return
    received = request.status == BriefingStatus.PENDING
    send_templated_mail(
        template="consultations/email/briefing_received" if received else "consultations/email/briefing_decision",
        to=[request.requester.email],
        language=language_of(request.requester),
        context={"request": request},
    )


@mail_task
def send_letter_mail(*, letter_id: int, received: bool = False) -> None:
    """Tell the requester of a visa invitation letter, in their language, that the request arrived or what was
    decided. The mail carries no passport detail."""
    letter = (
        InvitationLetter.objects.select_related("registration__user__profile", "registration__consultation")
        .filter(pk=letter_id)
        .first()
    )
    if letter is None or letter.status == LetterStatus.WITHDRAWN:
        return
    if not received and letter.status == LetterStatus.REQUESTED:
        return
    user = letter.registration.user
    send_templated_mail(
        template="consultations/email/letter_received" if received else "consultations/email/letter_decision",
        to=[user.email],
        language=language_of(user),
        context={"letter": letter, "consultation": letter.registration.consultation},
    )


@shared_task
def erase_expired_letters() -> int:
    """Erase passport details a set time after their meeting (consultations.letters.letters_erase_expired)."""
    from consultations.letters import letters_erase_expired  # noqa: PLC0415 - the service imports this module

    return letters_erase_expired()
