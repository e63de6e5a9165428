"""Attendance recorded once and trusted everywhere: at the door, from a meeting platform's report, or by hand.

One check-in per registration, kept by a database constraint and taken under a row lock on the registration, so
two staff scanning the same person at the same moment record one check-in and both are told so. Nobody records
their own attendance (it decides certificates and the MPTF's travel report): a staff member's own code is refused
at the door, and their own row of a platform report waits for a colleague.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from consultations.enums import Attendance, CheckInWay, RegistrationStatus
from consultations.models import CODE_ALPHABET, Certificate, CheckIn, Consultation, Registration, UnmatchedAttendee
from consultations.platform_reports import ReportError, read_participant_report
from portal.enums import AuditAction
from portal.permissions import can_in_region
from portal.services import audit_record


class AttendanceError(Exception):
    """A rule stopped the action; the message is for the person, in their language."""


# The door opens this long before the meeting starts (people queue for badges); no attendance before then.
CHECK_IN_OPENS_BEFORE = timedelta(hours=12)


def check_in_refusal(consultation: Consultation, now=None) -> str | None:
    """Why no attendance can be recorded for the meeting yet; None once it can."""
    if consultation.starts_at is None:
        return _("The meeting has no time yet: attendance is taken once it has one.")
    if (now or timezone.now()) < consultation.starts_at - CHECK_IN_OPENS_BEFORE:
        return _("The meeting has not begun: attendance is taken from twelve hours before it starts.")
    return None


# What the door page answers.
CHECKED_IN = "checked_in"
ALREADY = "already"
NOT_ADMITTED = "not_admitted"
NOT_FOUND = "not_found"
MATCHES = "matches"

# Letters people misread for the digits they look like, as Crockford's base 32 reads them.
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})
_NOT_CODE = re.compile(f"[^{CODE_ALPHABET}]")


def normalise_code(text: str) -> str:
    """A code as typed or scanned ("7kq2 m9xd", "7KQ2-M9XD") in its stored form, or "" if it cannot be one."""
    raw = _NOT_CODE.sub("", text.upper().translate(_READ_AS))
    return f"{raw[:4]}-{raw[4:]}" if len(raw) == 8 else ""


def may_take_attendance(user, consultation: Consultation) -> bool:
    """The secretariat everywhere; a focal point in their own regions."""
    return can_in_region(user, "consultations.attendance", consultation.event.region_id)


@dataclass
class DoorAnswer:
    outcome: str
    registration: Registration | None = None
    check_in: CheckIn | None = None
    warning: str = ""
    matches: tuple = ()


def _warning(registration: Registration) -> str:
    """Why this person is not admitted, or what staff should know before letting them in."""
    status = registration.status
    if status == RegistrationStatus.PENDING:
        return _("Accreditation is still pending: do not admit until the secretariat has accredited this person.")
    if status == RegistrationStatus.REJECTED:
        return _("The secretariat did not accredit this person.")
    if status == RegistrationStatus.WAITLISTED:
        return _("This person is on the waiting list and has no place.")
    if status == RegistrationStatus.CANCELLED:
        return _("This person cancelled their registration.")
    if registration.attendance == Attendance.VIRTUAL:
        return _("This person registered to take part online.")
    return ""


def check_in_record(
    *, registration: Registration, by, attended: str, way: str, minutes: int | None = None
) -> tuple[CheckIn, bool]:
    """Record that the person of ``registration`` attended; returns the check-in and whether it is new.

    Only a confirmed place counts (not one waiting for accreditation, on the waiting list or cancelled). A
    second record of the same person, at the same moment or later, returns the first one unchanged.
    """
    if by is not None and by.pk == registration.user_id:
        raise AttendanceError(_("You cannot record your own attendance: a colleague must."))
    try:
        with transaction.atomic():
            queryset = Registration.objects.all()
            if settings.CONSULTATIONS_LOCK_PLACES:
                queryset = queryset.select_for_update()
            locked = queryset.select_related("consultation__event").get(pk=registration.pk)
            refusal = check_in_refusal(locked.consultation)
            if refusal:
                raise AttendanceError(refusal)
            if locked.status != RegistrationStatus.REGISTERED:
                raise AttendanceError(_warning(locked) or _("This registration has no confirmed place."))
            existing = CheckIn.objects.filter(registration=locked).first()
            if existing:
                return existing, False
            check_in = CheckIn.objects.create(
                registration=locked, attended=attended, way=way, minutes=minutes, recorded_by=by
            )
            audit_record(
                actor=by,
                action=AuditAction.ATTENDANCE,
                target=locked,
                detail=f"present ({attended}, {way})",
                capability="consultations.attendance" if by is not None else "",
                region_id=locked.consultation.event.region_id,
            )
            return check_in, True
    except IntegrityError:
        # Without the lock (or across two databases' clocks) the constraint is what keeps it to one.
        return CheckIn.objects.get(registration=registration), False


def door_check_in(*, consultation: Consultation, text: str, by) -> DoorAnswer:
    """What staff at the door get for a scanned or typed code, or a name: the person checked in, a warning,
    or the people whose name matches (at most 20) to choose from."""
    text = text.strip()
    code = normalise_code(text)
    registration = None
    if code:
        registration = (
            Registration.objects.select_related("user__profile", "check_in")
            .filter(consultation=consultation, code=code)
            .first()
        )
    if registration is None:
        if len(text) < 2:
            return DoorAnswer(NOT_FOUND)
        # A name is never enough on its own: staff choose the person among those it matches, even one.
        matches = tuple(door_search(consultation=consultation, query=text))
        return DoorAnswer(MATCHES if matches else NOT_FOUND, matches=matches)
    return door_admit(registration=registration, by=by)


def door_admit(*, registration: Registration, by) -> DoorAnswer:
    if registration.status != RegistrationStatus.REGISTERED:
        return DoorAnswer(NOT_ADMITTED, registration, warning=_warning(registration))
    check_in, created = check_in_record(
        registration=registration, by=by, attended=Attendance.IN_PERSON, way=CheckInWay.DOOR
    )
    return DoorAnswer(CHECKED_IN if created else ALREADY, registration, check_in, warning=_warning(registration))


def door_search(*, consultation: Consultation, query: str, limit: int = 20) -> list[Registration]:
    """Registrations of the meeting whose name (or e-mail) contains ``query``, people with a place first."""
    query = query.strip()
    return list(
        Registration.objects.filter(consultation=consultation)
        .filter(Q(user__profile__display_name__icontains=query) | Q(user__email__iexact=query))
        .exclude(status=RegistrationStatus.CANCELLED)
        .select_related("user__profile", "check_in")
        .order_by("user__profile__display_name", "pk")[:limit]
    )


@transaction.atomic
def check_in_undo(*, registration: Registration, by) -> bool:
    """Withdraw a check-in recorded by mistake; a certificate issued on it is revoked with it."""
    if by is not None and by.pk == registration.user_id:
        raise AttendanceError(_("You cannot record your own attendance: a colleague must."))
    deleted, _rows = CheckIn.objects.filter(registration=registration).delete()
    if not deleted:
        return False
    Certificate.objects.filter(registration=registration, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=by, revoke_reason=_("The attendance it certified was withdrawn.")
    )
    audit_record(
        actor=by,
        action=AuditAction.ATTENDANCE,
        target=registration,
        detail="attendance withdrawn",
        capability="consultations.attendance",
        region_id=registration.consultation.event.region_id,
    )
    return True


@dataclass
class ImportResult:
    rows: int = 0
    checked_in: int = 0
    already: int = 0
    unmatched: int = 0


def _registrations_by_email(consultation: Consultation, emails: set[str]) -> dict[str, Registration]:
    """Registrations of the meeting whose person has one of ``emails``: the account's address or another
    address they confirmed. Two queries whatever the number."""
    from allauth.account.models import EmailAddress  # noqa: PLC0415 - allauth's model, read only here

    users = {
        email.lower(): user_id
        for email, user_id in EmailAddress.objects.filter(email__in=emails, verified=True).values_list(
            "email", "user_id"
        )
    }
    lowered = {e.lower() for e in emails}
    by_user = {
        r.user_id: r
        for r in Registration.objects.filter(consultation=consultation)
        .filter(Q(user_id__in=set(users.values())) | Q(user__email__in=emails))
        .select_related("user", "check_in")
    }
    found = {}
    for registration in by_user.values():
        if registration.user.email.lower() in lowered:
            found[registration.user.email.lower()] = registration
    for email, user_id in users.items():
        if user_id in by_user:
            found.setdefault(email, by_user[user_id])
    return found


def attendance_import(*, consultation: Consultation, data: bytes, by) -> ImportResult:
    """Take online attendance from the participant report Zoom, Teams or Webex exports.

    Rows are matched to people with a confirmed place by e-mail; people already checked in stay as they are
    (in the room beats online). Every other row waits on the attendance page for staff to resolve, and so does
    the importer's own row: nobody records their own attendance. Importing the same report again changes
    nothing.
    """
    refusal = check_in_refusal(consultation)
    if refusal:
        raise AttendanceError(refusal)
    attendees = read_participant_report(data)
    if not attendees:
        raise ReportError(_("Nobody is listed in this report: export the participant report after the meeting."))
    emails = {a.email for a in attendees if a.email}
    known = _registrations_by_email(consultation, emails)
    user_model = get_user_model()
    result = ImportResult(rows=len(attendees))
    for attendee in attendees:
        registration = known.get(attendee.email) if attendee.email else None
        usable = (
            registration is not None
            and registration.status == RegistrationStatus.REGISTERED
            and registration.user_id != getattr(by, "pk", None)
        )
        if usable:
            _check_in, created = check_in_record(
                registration=registration,
                by=by,
                attended=Attendance.VIRTUAL,
                way=CheckInWay.PLATFORM,
                minutes=attendee.minutes,
            )
            if created:
                result.checked_in += 1
            else:
                result.already += 1
            UnmatchedAttendee.objects.filter(consultation=consultation, email=attendee.email).delete()
            continue
        result.unmatched += 1
        UnmatchedAttendee.objects.update_or_create(
            consultation=consultation,
            email=attendee.email[: user_model._meta.get_field("email").max_length],
            name=attendee.name[:200],
            defaults={"minutes": attendee.minutes, "imported_at": timezone.now()},
        )
    return result


@transaction.atomic
def unmatched_resolve(*, row: UnmatchedAttendee, registration: Registration, by) -> CheckIn:
    """Staff say who an unmatched row of a platform report was: that person attended online."""
    if registration.consultation_id != row.consultation_id:
        raise AttendanceError(_("Choose someone registered for this meeting."))
    check_in, _created = check_in_record(
        registration=registration, by=by, attended=Attendance.VIRTUAL, way=CheckInWay.PLATFORM, minutes=row.minutes
    )
    row.delete()
    return check_in


def unmatched_dismiss(*, row: UnmatchedAttendee) -> None:
    """Staff say an unmatched row was nobody registered (a guest, a host, an interpreter)."""
    row.delete()


STATE_LABELS = {
    "present": gettext_lazy("Present"),
    "online_instead": gettext_lazy("Online instead"),
    "absent": gettext_lazy("Absent"),
    "pending": gettext_lazy("Not yet held"),
}


def attendance_state(registration: Registration) -> str:
    """Present, online instead, absent, or not known yet (the meeting has not ended), for one registration whose
    ``check_in`` is loaded."""
    check_in = getattr(registration, "check_in", None)
    if check_in is not None:
        if check_in.attended == Attendance.VIRTUAL and registration.attendance == Attendance.IN_PERSON:
            return "online_instead"
        return "present"
    ended = registration.consultation.ends_at or registration.consultation.starts_at
    if ended and ended <= timezone.now():
        return "absent"
    return "pending"
