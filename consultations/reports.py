"""The rapporteur's outcome report of a consultation (004: "A Rapporteur will report on the outcomes of the
multi-stakeholder consultation … during the opening segment of the intergovernmental meeting").

The rapporteur is the person whose offer to be rapporteur was selected for the consultation. They write the
report in the portal, in any of the six languages (each a translated field of the report), keep it as a draft,
and publish it once the meeting has begun. A draft is read by its rapporteur and the consultation's organisers
only. Publishing binds to the version the rapporteur last saw: a report changed since (by the same person in
another tab) is refused and shown again.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from consultations.enums import InterestStatus, ReportStatus, SpeakingRole
from consultations.models import Consultation, ExpressionOfInterest, RapporteurReport
from portal.permissions import can_in_region

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


class ReportError(Exception):
    """A report change the rules refuse; the message says why, for the rapporteur."""


class StaleReport(ReportError):
    """The report changed since the version the rapporteur was shown."""


def field_suffix(language: str) -> str:
    """modeltranslation's suffix of ``language`` ("zh-hans" → "zh_hans")."""
    return language.replace("-", "_")


def rapporteur_of(consultation: Consultation):
    """The person selected as the consultation's rapporteur, or None (the earliest selected, if several)."""
    offer = (
        ExpressionOfInterest.objects.filter(
            consultation=consultation, role=SpeakingRole.RAPPORTEUR, status=InterestStatus.SELECTED
        )
        .select_related("user__profile")
        .order_by("submitted_at", "pk")
        .first()
    )
    return offer.user if offer else None


def is_rapporteur(user, consultation: Consultation) -> bool:
    return (
        bool(user and user.is_authenticated)
        and ExpressionOfInterest.objects.filter(
            consultation=consultation, user=user, role=SpeakingRole.RAPPORTEUR, status=InterestStatus.SELECTED
        ).exists()
    )


def may_read_draft(user, consultation: Consultation) -> bool:
    """A draft is read by the rapporteur and by those who run the consultation in its region."""
    return can_in_region(user, "consultations.manage", consultation.event.region_id) or is_rapporteur(
        user, consultation
    )


def meeting_has_begun(consultation: Consultation, now=None) -> bool:
    now = now or timezone.now()
    if consultation.starts_at:
        return consultation.starts_at <= now
    return consultation.event.start_earliest <= timezone.localdate(now)


@dataclass(frozen=True)
class Reading:
    """The report as one reader gets it: the title and text in their language, or in the original with a
    note of which language that is."""

    title: str
    text: str
    language: str
    is_original_language: bool


def reading(report: RapporteurReport, language: str | None = None) -> Reading:
    language = (language or get_language() or "en").lower()
    wanted = language if language in LANGUAGE_CODES else "en"
    text = getattr(report, f"text_{field_suffix(wanted)}", "") or ""
    if text.strip():
        title = getattr(report, f"title_{field_suffix(wanted)}", "") or ""
        return Reading(title, text, wanted, wanted == report.original_language)
    original = report.original_language
    return Reading(
        getattr(report, f"title_{field_suffix(original)}", "") or "",
        getattr(report, f"text_{field_suffix(original)}", "") or "",
        original,
        True,
    )


def written_languages(report: RapporteurReport) -> list[str]:
    return [code for code in LANGUAGE_CODES if (getattr(report, f"text_{field_suffix(code)}", "") or "").strip()]


def _locked(consultation: Consultation) -> RapporteurReport | None:
    return RapporteurReport.objects.select_for_update().filter(consultation=consultation).first()


def report_save(
    *, consultation: Consultation, by, language: str, title: str, text: str, shown_revision: int
) -> RapporteurReport:
    """Save the rapporteur's text in ``language`` (creating the report on the first save).

    Refused for anyone but the selected rapporteur, and when the report changed since the version shown.
    """
    if language not in LANGUAGE_CODES:
        raise ReportError(_("Choose one of the six languages."))
    if not is_rapporteur(by, consultation):
        raise ReportError(_("Only the consultation's rapporteur writes its report."))
    with transaction.atomic():
        Consultation.objects.select_for_update().filter(pk=consultation.pk).first()
        report = _locked(consultation)
        if report is None:
            if shown_revision != 0:
                raise StaleReport(_("The report changed since you opened it: here is the current version."))
            if not text.strip():
                raise ReportError(_("Write the report before saving it."))
            report = RapporteurReport(consultation=consultation, author=by, original_language=language, revision=0)
        elif report.revision != shown_revision:
            raise StaleReport(_("The report changed since you opened it: here is the current version."))
        elif language == report.original_language and not text.strip():
            raise ReportError(_("The report cannot be empty in the language it was first written in."))
        suffix = field_suffix(language)
        setattr(report, f"title_{suffix}", title.strip())
        setattr(report, f"text_{suffix}", text.strip())
        report.revision += 1
        report.updated_at = timezone.now()
        report.save()
    return report


def report_publish(*, report: RapporteurReport, by, shown_revision: int) -> RapporteurReport:
    """Publish the report as the rapporteur last saw it, once the meeting has begun."""
    consultation = report.consultation
    if not is_rapporteur(by, consultation):
        raise ReportError(_("Only the consultation's rapporteur publishes its report."))
    if not meeting_has_begun(consultation):
        raise ReportError(_("The report can be published once the meeting has begun."))
    with transaction.atomic():
        locked = _locked(consultation)
        if locked is None or locked.revision != shown_revision:
            raise StaleReport(_("The report changed since you opened it: here is the current version."))
        if locked.status == ReportStatus.PUBLISHED:
            return locked
        if locked.held_by_organisers:
            raise ReportError(
                _("The organisers took the report back to draft: it is published again once they release it.")
            )
        locked.status = ReportStatus.PUBLISHED
        locked.published_at = timezone.now()
        locked.save(update_fields=["status", "published_at"])
    return locked


def report_withdraw(*, report: RapporteurReport, by) -> RapporteurReport:
    """Take a published report back to draft: the rapporteur, or the organisers of its region, in which case it
    stays a draft until they release it (report_release)."""
    consultation = report.consultation
    if not may_read_draft(by, consultation):
        raise ReportError(_("Your role does not allow this."))
    with transaction.atomic():
        locked = _locked(consultation)
        locked.status = ReportStatus.DRAFT
        locked.published_at = None
        locked.held_by_organisers = not is_rapporteur(by, consultation)
        locked.revision += 1
        locked.save(update_fields=["status", "published_at", "held_by_organisers", "revision"])
    return locked


def report_release(*, report: RapporteurReport, by) -> RapporteurReport:
    """The organisers let the rapporteur publish a report they took back to draft."""
    consultation = report.consultation
    if is_rapporteur(by, consultation) or not can_in_region(by, "consultations.manage", consultation.event.region_id):
        raise ReportError(_("Your role does not allow this."))
    RapporteurReport.objects.filter(pk=report.pk).update(held_by_organisers=False)
    report.held_by_organisers = False
    return report
