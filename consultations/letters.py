"""Visa invitation letters: asked by people with a confirmed place in the room (a funded traveller has one: the
Chair's approval confirms it), checked and decided by the secretariat, printed on the portal's letterhead in the
host country's language or English, verifiable through a signed link.

The passport details are the least a visa office needs (name as in the passport, nationality, number, expiry,
dates of stay); the requester and the secretariat alone read them, no export carries them, and they are erased
a set time after the meeting (settings.INVITATION_LETTER_RETENTION_DAYS, 30 days unless set).
"""

import re
from datetime import date, timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from consultations.attendance import AttendanceError
from consultations.documents import qr_data_uri, render_pdf
from consultations.enums import LETTER_OPEN, Attendance, LetterStatus, RegistrationStatus
from consultations.models import Consultation, InvitationLetter, Registration, UnmatchedAttendee
from consultations.tasks import send_letter_mail
from portal import integrity
from portal.enums import AuditAction
from portal.permissions import can_in_region
from portal.services import audit_record
from portal.tasks import enqueue

# The UN languages in which a host country's authorities work, when one of them is; English is always offered.
_HOST_LANGUAGES = {
    "ar": "AE BH DJ DZ EG IQ JO KM KW LB LY MA MR OM PS QA SA SD SO SY TD TN YE",
    "es": "AR BO CL CO CR CU DO EC ES GQ GT HN MX NI PA PE PY SV UY VE",
    "fr": "BE BF BI BJ CD CF CG CH CI CM DJ FR GA GN HT KM LU MC MG ML NE RW SC SN TD TG VU",
    "ru": "BY KG KZ RU",
    "zh-hans": "CN SG",
}
HOST_LANGUAGES = {
    country: [code for code, countries in _HOST_LANGUAGES.items() if country in countries.split()]
    for country in {c for countries in _HOST_LANGUAGES.values() for c in countries.split()}
}
# How long before the meeting a stay may begin and after it end, for the letter to be about the meeting.
STAY_MARGIN = timedelta(days=14)
PASSPORT_NUMBER = re.compile(r"^[A-Z0-9]{5,20}$")

_SIGNER = signing.Signer(salt="consultations.letter")


def letter_languages(consultation: Consultation) -> list[str]:
    """The languages a letter for this meeting may be written in: the host country's, then English."""
    codes = HOST_LANGUAGES.get(str(consultation.host_country or ""), [])
    return [*(code for code in codes if code != "en"), "en"]


def meeting_days(consultation: Consultation) -> tuple[date, date] | None:
    """The first and last day of the meeting, in its own time zone, or None while it has no time."""
    if consultation.starts_at is None:
        return None
    from zoneinfo import ZoneInfo  # noqa: PLC0415 - standard library, only here

    zone = ZoneInfo(consultation.time_zone)
    first = consultation.starts_at.astimezone(zone).date()
    last = (consultation.ends_at or consultation.starts_at).astimezone(zone).date()
    return first, last


def letter_refusal(*, registration: Registration) -> str | None:
    """Why the person of ``registration`` may not ask for a letter now; None if they may."""
    if registration.status != RegistrationStatus.REGISTERED or registration.attendance != Attendance.IN_PERSON:
        return _("Invitation letters are for people with a confirmed place in the room.")
    consultation = registration.consultation
    ended = consultation.ends_at or consultation.starts_at
    if ended and ended <= timezone.now():
        return _("The meeting is over.")
    if consultation.starts_at is None:
        return _("The meeting's dates are not set yet: you can ask for a letter once they are.")
    if InvitationLetter.objects.filter(registration=registration, status__in=LETTER_OPEN).exists():
        return _("You have already asked for a letter for this meeting.")
    return None


def letter_values_errors(*, consultation: Consultation, values: dict) -> dict[str, str]:
    """Field by field, what is wrong with the details of a request (empty when nothing is)."""
    errors = {}
    number = re.sub(r"[\s-]", "", values.get("passport_number", "")).upper()
    values["passport_number"] = number
    if not PASSPORT_NUMBER.match(number):
        errors["passport_number"] = _("Type the passport number as printed: 5 to 20 letters and digits.")
    days = meeting_days(consultation)
    stay_from, stay_to = values.get("stay_from"), values.get("stay_to")
    if days and stay_from and stay_to:
        first, last = days
        if stay_to < stay_from:
            errors["stay_to"] = _("The day you leave cannot come before the day you arrive.")
        elif stay_from > first or stay_to < last:
            errors["stay_from"] = _("Your stay must cover the meeting, from %(first)s to %(last)s.") % {
                "first": first.isoformat(),
                "last": last.isoformat(),
            }
        elif stay_from < first - STAY_MARGIN or stay_to > last + STAY_MARGIN:
            errors["stay_from"] = _("A letter covers at most two weeks before and after the meeting.")
    expiry = values.get("passport_expiry")
    if expiry and stay_to and expiry <= stay_to:
        errors["passport_expiry"] = _("The passport must be valid after the day you leave.")
    if values.get("language") not in letter_languages(consultation):
        errors["language"] = _("Choose one of the languages offered.")
    return errors


FIELDS = ("passport_name", "nationality", "passport_number", "passport_expiry", "stay_from", "stay_to", "language")


def letter_request(*, registration: Registration, user, values: dict) -> InvitationLetter:
    """Ask for a letter; the secretariat is told through its queue (and reminded after two working days)."""
    if registration.user_id != user.pk:
        raise AttendanceError(_("You can only ask for a letter for your own registration."))
    values = {key: values.get(key) for key in FIELDS}
    try:
        with transaction.atomic():
            locked = (
                Registration.objects.select_for_update(of=("self",))
                .select_related("consultation")
                .get(pk=registration.pk)
            )
            refusal = letter_refusal(registration=locked)
            if refusal:
                raise AttendanceError(refusal)
            errors = letter_values_errors(consultation=locked.consultation, values=values)
            if errors:
                raise AttendanceError(" ".join(errors.values()))
            letter = InvitationLetter.objects.create(registration=locked, **values)
    except IntegrityError as exc:
        raise AttendanceError(_("You have already asked for a letter for this meeting.")) from exc
    transaction.on_commit(lambda: enqueue(send_letter_mail.s(letter_id=letter.pk, received=True)))
    return letter


@transaction.atomic
def letter_withdraw(*, letter: InvitationLetter, user) -> None:
    """The requester takes back a request still waiting; its passport details go with it."""
    locked = InvitationLetter.objects.select_for_update(of=("self",)).select_related("registration").get(pk=letter.pk)
    if locked.registration.user_id != user.pk:
        raise AttendanceError(_("This is not your request."))
    if locked.status != LetterStatus.REQUESTED:
        raise AttendanceError(_("This request has already been answered."))
    _erase(locked, status=LetterStatus.WITHDRAWN)


def letter_decider(*, user, letter: InvitationLetter) -> bool:
    return can_in_region(user, "consultations.letters", letter.registration.consultation.event.region_id)


def _locked_for_decision(*, letter: InvitationLetter, by, shown_revision: int) -> InvitationLetter:
    """The request locked for a decision by ``by``: who holds the role, never about themselves or their
    organisation, on the version they read."""
    locked = (
        InvitationLetter.objects.select_for_update(of=("self",))
        .select_related("registration__user__profile", "registration__consultation__event")
        .get(pk=letter.pk)
    )
    if not letter_decider(user=by, letter=locked):
        raise AttendanceError(_("Your role does not allow this decision."))
    integrity.check(decider=by, subject=locked.registration.user, error=AttendanceError)
    if locked.revision != shown_revision:
        raise AttendanceError(_("This request changed since you opened it: read it again before you decide."))
    return locked


@transaction.atomic
def letter_decide(
    *, letter: InvitationLetter, by, approve: bool, shown_revision: int, reason: str = ""
) -> InvitationLetter:
    """Approve or refuse a request as the secretariat read it (``shown_revision``): a request changed since is
    refused and must be read again. Nobody decides their own request or their organisation's. A refusal says
    why; the requester is told in their language."""
    locked = _locked_for_decision(letter=letter, by=by, shown_revision=shown_revision)
    if locked.status != LetterStatus.REQUESTED:
        raise AttendanceError(_("This request has already been answered."))
    consultation = locked.registration.consultation
    ended = consultation.ends_at or consultation.starts_at
    if locked.erased_at or (ended and ended <= timezone.now()):
        raise AttendanceError(_("The meeting is over: this request can no longer be decided."))
    if locked.registration.status != RegistrationStatus.REGISTERED:
        raise AttendanceError(_("The requester no longer has a place at this meeting."))
    reason = reason.strip()
    if not approve and not reason:
        raise AttendanceError(_("Please give the reason for refusing."))
    locked.status = LetterStatus.APPROVED if approve else LetterStatus.REFUSED
    locked.decision_note = reason
    locked.decided_by, locked.decided_at = by, timezone.now()
    locked.revision += 1
    locked.save()
    audit_record(
        actor=by,
        action=AuditAction.LETTER_DECISION,
        target=locked,
        detail=f"letter {locked.status} (version {shown_revision})",
        capability="consultations.letters",
        region_id=locked.registration.consultation.event.region_id,
    )
    transaction.on_commit(lambda: enqueue(send_letter_mail.s(letter_id=locked.pk)))
    return locked


@transaction.atomic
def letter_revoke(*, letter: InvitationLetter, by, shown_revision: int, reason: str) -> InvitationLetter:
    """Take back an issued letter (a fraud found after approval, say): its link then says it does not stand and
    its passport details are erased. The secretariat, never about itself or its organisation, with a reason, on
    the version it read; the requester is told why."""
    locked = _locked_for_decision(letter=letter, by=by, shown_revision=shown_revision)
    if locked.status != LetterStatus.APPROVED:
        raise AttendanceError(_("Only an issued letter can be revoked."))
    reason = reason.strip()
    if not reason:
        raise AttendanceError(_("Please give the reason for revoking."))
    locked.decision_note, locked.decided_by, locked.decided_at = reason, by, timezone.now()
    _erase(locked, status=LetterStatus.REVOKED)
    audit_record(
        actor=by,
        action=AuditAction.LETTER_DECISION,
        target=locked,
        detail=f"letter revoked (version {shown_revision})",
        capability="consultations.letters",
        region_id=locked.registration.consultation.event.region_id,
    )
    transaction.on_commit(lambda: enqueue(send_letter_mail.s(letter_id=locked.pk)))
    return locked


def letter_token(letter: InvitationLetter) -> str:
    return _SIGNER.sign(letter.serial)


def letter_from_token(token: str) -> InvitationLetter | None:
    try:
        serial = _SIGNER.unsign(token)
    except signing.BadSignature:
        return None
    return InvitationLetter.objects.select_related("registration__consultation__event").filter(serial=serial).first()


def letter_pdf(*, letter: InvitationLetter, base_url: str) -> bytes:
    """The approved letter, made from the details as they are now (nothing is stored, so erasure is whole)."""
    if letter.status != LetterStatus.APPROVED or letter.erased_at:
        raise AttendanceError(_("This letter is not available."))
    with translation.override(letter.language):  # the verification page opens in the letter's language
        url = base_url.rstrip("/") + reverse("consultations:letter_verify", args=[letter_token(letter)])
    return render_pdf(
        template="consultations/pdf/letter_pdf.html",
        context={
            "letter": letter,
            "consultation": letter.registration.consultation,
            "verify_url": url,
            "qr": qr_data_uri(url),
        },
        language=letter.language,
    )


# What erasing a letter's passport details leaves in its fields (here, and in the erasure of an account).
ERASED_PASSPORT = {"passport_name": "", "passport_number": "", "nationality": "", "passport_expiry": None}


def _erase(letter: InvitationLetter, *, status: str | None = None) -> None:
    for field, value in ERASED_PASSPORT.items():
        setattr(letter, field, value)
    letter.erased_at = timezone.now()
    if status:
        letter.status = status
    letter.revision += 1
    letter.save()


def letters_void(*, registration: Registration) -> int:
    """A place given up takes its letters with it: a request waiting or a letter issued no longer stands (its
    link says so) and its passport details are erased. Called under the registration's lock; returns how many."""
    letters = list(
        InvitationLetter.objects.select_for_update().filter(registration=registration, status__in=LETTER_OPEN)
    )
    for letter in letters:
        _erase(letter, status=LetterStatus.WITHDRAWN)
    return len(letters)


def retention_cutoff(now=None):
    """Meetings that ended before this moment have their passport details erased."""
    return (now or timezone.now()) - timedelta(days=settings.INVITATION_LETTER_RETENTION_DAYS)


@transaction.atomic
def letters_erase_expired(*, now=None) -> int:
    """Erase the passport details of letters for meetings that ended more than the retention period ago (and
    the unmatched rows of their platform reports, which may be anyone's name and address); returns how many
    letters. Safe to run twice."""
    cutoff = retention_cutoff(now)
    ended = Consultation.objects.filter(ends_at__lt=cutoff) | Consultation.objects.filter(
        ends_at__isnull=True, starts_at__lt=cutoff
    )
    letters = list(
        InvitationLetter.objects.select_for_update().filter(
            registration__consultation__in=ended.values("pk"), erased_at__isnull=True
        )
    )
    for letter in letters:
        # A request nobody decided before the meeting ended is closed with its details.
        _erase(letter, status=LetterStatus.WITHDRAWN if letter.status == LetterStatus.REQUESTED else None)
    UnmatchedAttendee.objects.filter(consultation__in=ended.values("pk")).delete()
    return len(letters)
