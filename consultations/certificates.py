"""Certificates of attendance: issued to people who attended, verifiable by anyone, revocable by the secretariat.

The verification link carries the certificate's random number signed with the portal's secret key, so a number
typed or guessed is refused before any look-up; the page it opens shows the name printed on the certificate, the
meeting and whether the certificate still stands, nothing else.
"""

from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from consultations.attendance import AttendanceError
from consultations.documents import qr_data_uri, render_pdf
from consultations.models import Certificate, CheckIn, Registration
from portal import integrity
from portal.enums import AuditAction
from portal.permissions import can_in_region
from portal.services import audit_record

_SIGNER = signing.Signer(salt="consultations.certificate")


def certificate_token(certificate: Certificate) -> str:
    return _SIGNER.sign(certificate.serial)


def certificate_from_token(token: str) -> Certificate | None:
    """The certificate a verification link names, or None if the link was not made by the portal."""
    try:
        serial = _SIGNER.unsign(token)
    except signing.BadSignature:
        return None
    return (
        Certificate.objects.select_related("registration__consultation__event", "registration__check_in")
        .filter(serial=serial)
        .first()
    )


def verification_url(certificate: Certificate, base_url: str) -> str:
    return base_url.rstrip("/") + reverse("consultations:certificate_verify", args=[certificate_token(certificate)])


@transaction.atomic
def certificate_issue(*, registration: Registration) -> Certificate:
    """The person's certificate for a meeting they attended: made the first time it is asked for, the same one
    afterwards. Refused before any attendance is recorded, and once the secretariat revoked it."""
    locked = (
        Registration.objects.select_for_update(of=("self",)).select_related("user__profile").get(pk=registration.pk)
    )
    if not CheckIn.objects.filter(registration=locked).exists():
        raise AttendanceError(_("A certificate is issued once your attendance has been recorded."))
    certificate = Certificate.objects.filter(registration=locked).first()
    if certificate is None:
        certificate = Certificate.objects.create(registration=locked, name=locked.user.profile.public_name)
    if certificate.revoked_at:
        raise AttendanceError(_("Your certificate for this meeting was revoked: write to the secretariat."))
    return certificate


def certificate_pdf(*, certificate: Certificate, language: str, base_url: str) -> bytes:
    registration = certificate.registration
    with translation.override(language):  # the verification page opens in the certificate's language
        url = verification_url(certificate, base_url)
    return render_pdf(
        template="consultations/pdf/certificate_pdf.html",
        context={
            "certificate": certificate,
            "consultation": registration.consultation,
            "check_in": registration.check_in,
            "verify_url": url,
            "qr": qr_data_uri(url),
        },
        language=language,
    )


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, by, reason: str) -> Certificate:
    """Revoke a certificate (issued in error, or attendance disputed): its link then says so to anyone."""
    locked = (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("registration__user", "registration__consultation__event")
        .get(pk=certificate.pk)
    )
    region = locked.registration.consultation.event.region_id
    if not can_in_region(by, "consultations.certify", region):
        raise AttendanceError(_("Your role does not allow this decision."))
    integrity.check(decider=by, subject=locked.registration.user, error=AttendanceError)
    reason = reason.strip()
    if not reason:
        raise AttendanceError(_("Please give the reason for revoking."))
    if locked.revoked_at:
        raise AttendanceError(_("This certificate was already revoked."))
    locked.revoked_at, locked.revoked_by, locked.revoke_reason = timezone.now(), by, reason
    locked.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    audit_record(
        actor=by,
        action=AuditAction.CERTIFICATE_REVOCATION,
        target=locked,
        detail="certificate revoked",
        capability="consultations.certify",
        region_id=region,
    )
    return locked
