from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ConsultationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", pgettext_lazy("consultation", "Open for registration")
    CLOSED = "closed", pgettext_lazy("consultation", "Registration closed")
    HELD = "held", _("Held")
    SUMMARY_PUBLISHED = "summary_published", _("Summary published")


class Attendance(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIRTUAL = "virtual", _("Online")


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    PENDING = "pending", _("Waiting for accreditation")
    WAITLISTED = "waitlisted", _("On the waiting list")
    REJECTED = "rejected", _("Accreditation refused")
    CANCELLED = "cancelled", _("Cancelled")


# Statuses that hold a place: a registration waiting for accreditation keeps its place,
# so approving it can never exceed the capacity.
HOLDS_PLACE = (RegistrationStatus.REGISTERED, RegistrationStatus.PENDING)


class SpeakingRole(models.TextChoices):
    PANEL = "panel", _("Speaker on a panel")
    FLOOR = "floor", _("Intervention from the floor")
    MODERATOR = "moderator", _("Moderator of a roundtable")
    RAPPORTEUR = "rapporteur", _("Rapporteur")


class InterestStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    SELECTED = "selected", _("Selected")
    NOT_SELECTED = "not_selected", _("Not selected")


class ExportStatus(models.TextChoices):
    RUNNING = "running", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")
    # The file named someone who since erased their account: it is gone with their name.
    REMOVED = "removed", _("Removed")


class SessionKind(models.TextChoices):
    OPENING = "opening", _("Opening plenary")
    ROUNDTABLE = "roundtable", _("Roundtable")
    BREAK = "break", _("Break")
    CLOSING = "closing", _("Closing plenary")
    # 004: "A Rapporteur will report on the outcomes … during the opening segment of the intergovernmental meeting".
    RAPPORTEUR = "rapporteur", _("Rapporteur's briefing")


class ProposalKind(models.TextChoices):
    GCM_TALK = "gcm_talk", _("GCM Talk")
    SIDE_EVENT = "side_event", _("Side event")


class ProposalLevel(models.TextChoices):
    """001: GCM Talks and side events "at country, sub-regional, regional or global levels"."""

    COUNTRY = "country", _("Country")
    SUBREGIONAL = "subregional", _("Sub-regional")
    REGIONAL = "regional", _("Regional")
    GLOBAL = "global", _("Global")


class TalkRole(models.TextChoices):
    """003: talks "included Member States, UN entities, migrants, civil society … as panelists, moderators"."""

    PANELIST = "panelist", _("Panelist")
    MODERATOR = "moderator", pgettext_lazy("talk", "Moderator")


class BriefingKind(models.TextChoices):
    """000: "To request briefings and consultations for specific stakeholder networks"."""

    BRIEFING = "briefing", _("A briefing")
    CONSULTATION = "consultation", _("A consultation")


class BriefingStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the secretariat")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


class DocumentKind(models.TextChoices):
    MATERIAL = "material", _("Meeting material")
    SUMMARY = "summary", _("Summary document")


class InputStatus(models.TextChoices):
    """A written input to a review (004), screened before it is listed."""

    SUBMITTED = "submitted", _("Waiting for screening")
    PUBLISHED = "published", _("Published")
    DECLINED = "declined", _("Not published")


class InputAuthor(models.TextChoices):
    """Who a written input comes from: 004 asks "Member States and stakeholders"."""

    STAKEHOLDER = "stakeholder", _("Stakeholder")
    MEMBER_STATE = "member_state", _("Member State")


class ReportStatus(models.TextChoices):
    """A rapporteur's outcome report (004): written in the portal, public once published."""

    DRAFT = "draft", pgettext_lazy("report", "Draft")
    PUBLISHED = "published", pgettext_lazy("report", "Published")


class Rating(models.IntegerChoices):
    """How a question of the feedback form is answered (000: feedback "on the organizational aspects")."""

    VERY_POOR = 1, _("Very poor")
    POOR = 2, _("Poor")
    FAIR = 3, _("Fair")
    GOOD = 4, _("Good")
    VERY_GOOD = 5, _("Very good")


class CheckInWay(models.TextChoices):
    """How a person's attendance was recorded."""

    DOOR = "door", _("At the door")
    HAND = "hand", _("Marked by hand")
    PLATFORM = "platform", _("From the meeting platform's report")


class LetterStatus(models.TextChoices):
    """A request for a visa invitation letter: the secretariat checks each one (fraud happens)."""

    REQUESTED = "requested", _("Waiting for the secretariat")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REVOKED = "revoked", _("Revoked by the secretariat")


# A request still waiting or a letter given: one at a time per registration.
LETTER_OPEN = (LetterStatus.REQUESTED, LetterStatus.APPROVED)
