"""The consultations' part in a person's data: registrations, offers to speak, proposals, follows, exports.

Registered in :mod:`portal.privacy_registry`; the privacy notice says what erasure keeps and why.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from consultations.enums import (
    BriefingStatus,
    ExportStatus,
    InputStatus,
    InterestStatus,
    LetterStatus,
    ProposalStatus,
    RegistrationStatus,
    ReportStatus,
)
from consultations.letters import ERASED_PASSPORT
from consultations.models import (
    BriefingRequest,
    Certificate,
    ExportLog,
    ExpressionOfInterest,
    FeedbackGiven,
    Follow,
    InvitationLetter,
    PersonalFeed,
    Proposal,
    RapporteurReport,
    Registration,
    WrittenInput,
    private_storage,
)
from consultations.services import registration_cancel
from portal.models import User
from portal.privacy_registry import PersonalData, register


@register
class Consultations(PersonalData):
    # A registration is the registered person's, not the member of staff's who decided it (``decided_by``). An
    # export names the registrations of others: listed in the copy of who exported it, as what they did.
    owner = {
        "consultations.registration": "user",
        "consultations.exportlog": None,
        "consultations.selectioncriteria": None,
        "consultations.writteninput": "author",
        "consultations.briefingrequest": "requester",  # not decided_by
        "consultations.rapporteurreport": "author",
        "consultations.feedbackgiven": "user",
        # Attendance is the attendee's, not the staff member's who recorded it or revoked the certificate.
        "consultations.checkin": "registration__user",
        "consultations.certificate": "registration__user",
        "consultations.invitationletter": "registration__user",  # not decided_by
        "consultations.personalfeed": "user",
    }
    listed = {"consultations.exportlog": "user"}
    copied = (
        "consultations.registration",
        "consultations.expressionofinterest",
        "consultations.proposal",
        "consultations.follow",
        "consultations.exportlog",
        "consultations.writteninput",
        "consultations.briefingrequest",
        "consultations.rapporteurreport",
        "consultations.feedbackgiven",
        "consultations.checkin",
        "consultations.certificate",
        "consultations.invitationletter",
        "consultations.personalfeed",
    )
    not_copied = {
        "consultations.selectioncriteria": "A consultation's criteria, about nobody; who changed them is in the "
        "audit log.",
    }
    erasure = {
        "consultations.registration": "Places at consultations still ahead are cancelled (the first person waiting "
        "gets the place); the decision note of every registration is erased; the rows stay for the counts. "
        "Registrations of others the person decided as staff stay whole, linked to the emptied account.",
        "consultations.expressionofinterest": "Offers not yet decided are deleted; the statement of the others is "
        "erased.",
        "consultations.proposal": "Deleted unless approved (an approved one is on the calendar).",
        "consultations.writteninput": "Inputs not published yet, or declined, are deleted with their documents. "
        "Published ones stay listed, as public contributions to the review, under the organisation named on them; "
        "the person's name is not shown with them. Inputs the person screened as staff stay whole.",
        "consultations.selectioncriteria": "Kept: the criteria of a consultation, linked to the emptied account of "
        "the task team member or secretariat member who last changed them.",
        "consultations.follow": "Deleted.",
        "consultations.briefingrequest": "Requests waiting for an answer, or declined, are deleted. An accepted "
        "one stays with the meeting it became, its description of needs erased, linked to the emptied account. "
        "Requests the person answered as staff stay whole.",
        "consultations.rapporteurreport": "Drafts are deleted. A published report stays, as the public record of "
        "the consultation's outcomes, linked to the emptied account.",
        "consultations.feedbackgiven": "Deleted. The answer itself was never tied to the person: it stays in the "
        "anonymous counts.",
        "consultations.exportlog": "Registration lists exported to files that may list the person are deleted "
        "(they can be exported again) and marked removed; the record of who exported stays, linked to the "
        "emptied account of an exporter who erased theirs.",
        "consultations.personalfeed": "Deleted: its link stops working.",
        "consultations.checkin": "Kept, linked to the emptied account: attendance counts, and the travel the "
        "MPTF paid for is reported against it. Check-ins the person recorded as staff stay whole.",
        "consultations.certificate": "Deleted: the name printed on it goes, and its link no longer confirms it. "
        "Certificates the person revoked as staff stay whole.",
        "consultations.invitationletter": "Requests not approved, and letters for meetings still ahead (their place "
        "is given back), are deleted. Approved letters of past meetings keep their number and dates, so a visa "
        "office can still check them; the passport details are erased. Letters the person decided as staff stay "
        "whole.",
    }

    def erase(self, user: User) -> None:

        # Lists exported to files may name the person: they go (read before any registration changes).
        consultations = Registration.objects.filter(user=user).values("consultation_id")
        exports = ExportLog.objects.filter(consultation_id__in=consultations).exclude(file_name="")
        folder = settings.PRIVATE_ROOT / "exports"
        for name in list(exports.values_list("file_name", flat=True)):
            (folder / name).unlink(missing_ok=True)
        exports.update(file_name="", status=ExportStatus.REMOVED)

        # Places ahead are given back; what stays keeps its counts, not its words.
        ahead = models.Q(consultation__starts_at__isnull=True) | models.Q(consultation__starts_at__gte=timezone.now())
        upcoming = Registration.objects.filter(ahead, user=user).exclude(
            status__in=(RegistrationStatus.CANCELLED, RegistrationStatus.REJECTED)
        )
        for registration in upcoming.select_related("consultation"):
            registration_cancel(registration=registration, notify=False)
        Registration.objects.filter(user=user).update(decision_note="")
        ExpressionOfInterest.objects.filter(user=user, status=InterestStatus.RECEIVED).delete()
        ExpressionOfInterest.objects.filter(user=user).update(statement="")
        Follow.objects.filter(user=user).delete()
        unlisted = WrittenInput.objects.filter(author=user).exclude(status=InputStatus.PUBLISHED)
        names = list(unlisted.values_list("file", flat=True))
        unlisted.delete()
        transaction.on_commit(lambda: [private_storage().delete(name) for name in names])
        Proposal.objects.filter(proposed_by=user).exclude(status=ProposalStatus.APPROVED).delete()
        BriefingRequest.objects.filter(requester=user).exclude(status=BriefingStatus.ACCEPTED).delete()
        BriefingRequest.objects.filter(requester=user).update(needs="", decision_note="")
        RapporteurReport.objects.filter(author=user, status=ReportStatus.DRAFT).delete()
        FeedbackGiven.objects.filter(user=user).delete()
        PersonalFeed.objects.filter(user=user).delete()
        Certificate.objects.filter(registration__user=user).delete()
        InvitationLetter.objects.filter(registration__user=user).exclude(status=LetterStatus.APPROVED).delete()
        InvitationLetter.objects.filter(registration__user=user, erased_at__isnull=True).update(
            **ERASED_PASSPORT, erased_at=timezone.now()
        )
