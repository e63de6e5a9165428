from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Constituency(models.TextChoices):
    """The stakeholders GCM paragraph 44 commits to work with."""

    MIGRANT = "migrant", _("Migrant")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    MIGRANT_DIASPORA_ORG = "migrant_diaspora_org", _("Migrant or diaspora organisation")
    FAITH_BASED = "faith_based", _("Faith-based organisation")
    LOCAL_AUTHORITY = "local_authority", _("Local authority or community")
    PRIVATE_SECTOR = "private_sector", _("Private sector")
    TRADE_UNION = "trade_union", _("Trade union")
    PARLIAMENTARIAN = "parliamentarian", _("Parliamentarian")
    NHRI = "nhri", _("National human rights institution")
    RED_CROSS = "red_cross", _("International Red Cross and Red Crescent Movement")
    ACADEMIA = "academia", _("Academia")
    MEDIA = "media", _("Media")
    OTHER = "other", _("Other relevant stakeholder")


class Expertise(models.TextChoices):
    """Areas of the GCM a person can speak to (001 Annex 2 balances speakers by expertise), grouped from its
    23 objectives into a short list people can find themselves in."""

    DATA = "data", _("Data and evidence")
    LABOUR = "labour", _("Labour migration and decent work")
    PATHWAYS = "pathways", _("Regular pathways and family reunification")
    PROTECTION = "protection", _("Human rights and migrants in vulnerable situations")
    CLIMATE = "climate", _("Climate change, disasters and displacement")
    BORDERS = "borders", _("Border governance, smuggling and trafficking")
    DETENTION = "detention", _("Alternatives to immigration detention")
    MISSING = "missing", _("Missing migrants and consular protection")
    INCLUSION = "inclusion", _("Inclusion, social cohesion and basic services")
    REMITTANCES = "remittances", _("Remittances, diaspora and development")
    RETURN = "return", _("Return, readmission and reintegration")
    GENDER_CHILDREN = "gender_children", _("Gender-responsive and child-sensitive approaches")


class Gender(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    NON_BINARY = "non_binary", _("Non-binary or another gender")
    UNDISCLOSED = "undisclosed", _("Prefer not to say")


class Role(models.TextChoices):
    """The portal's roles; each is a Group created by a data migration."""

    STAKEHOLDER = "stakeholder", _("Stakeholder")
    UN_SYSTEM = "un_system", _("UN system")
    MEMBER_STATE = "member_state", _("Member State")
    MODERATOR = "moderator", _("Moderator")
    SECRETARIAT = "secretariat", _("Secretariat")
    EXECUTIVE_COMMITTEE = "executive_committee", _("Executive Committee member")
    MPTF_CHAIR = "mptf_chair", _("MPTF Steering Committee Chair")
    # Held for one or more regions (portal.RegionalRole), never globally: 001 Annex 2's "regional stakeholder
    # mechanism or task team" and the Regional Networks' focal points.
    TASK_TEAM = "task_team", _("Regional task team member")
    FOCAL_POINT = "focal_point", _("Regional focal point")


class ClaimedAffiliation(models.TextChoices):
    """What a person says they are at sign-up. Only stakeholder is granted at once."""

    STAKEHOLDER = Role.STAKEHOLDER.value, _("Stakeholder (civil society, migrant, academia, …)")
    UN_SYSTEM = Role.UN_SYSTEM.value, _("UN system or intergovernmental organisation")
    MEMBER_STATE = Role.MEMBER_STATE.value, _("Member State representative")


class VerificationStatus(models.TextChoices):
    NOT_NEEDED = "not_needed", pgettext_lazy("verification", "Not needed")
    PENDING = "pending", pgettext_lazy("verification", "Waiting for verification")
    APPROVED = "approved", pgettext_lazy("verification", "Verified")
    REJECTED = "rejected", pgettext_lazy("verification", "Not verified")


class DigestFrequency(models.TextChoices):
    """How often a person gets the digest of what they follow (portal.digest): one e-mail a day, a week, or none."""

    NONE = "none", _("No digest")
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")


class AuditAction(models.TextChoices):
    """Staff actions that touch personal data, kept in the audit log the secretariat reads."""

    EXPORT = "export", _("Export of personal data")
    ROLE_CHANGE = "role_change", _("Role change")
    MODERATION = "moderation", _("Moderation decision")
    APPEAL = "appeal", _("Decision on an appeal")
    ACCREDITATION = "accreditation", _("Accreditation decision")
    SPEAKER_SELECTION = "speaker_selection", _("Speaker selection")
    SELECTION_CRITERIA = "selection_criteria", _("Speaker selection criteria")
    INPUT_SCREENING = "input_screening", _("Screening of a written input")
    PROPOSAL_DECISION = "proposal_decision", _("Decision on a GCM Talk or side event")
    BRIEFING_DECISION = "briefing_decision", _("Decision on a request for a briefing")
    SECOND_FACTOR_RESET = "second_factor_reset", _("Second factor reset")
    FUNDING_DECISION = "funding_decision", _("Funding decision")
    SIGN_IN_UNLOCK = "sign_in_unlock", _("Sign-in lock lifted")
    ACCOUNT_DELETION = "account_deletion", _("Account deleted")
    ANALYSIS_PUBLICATION = "analysis_publication", _("Publication of an analysis paper")
    QUESTION_PUBLICATION = "question_publication", _("Publication of a guiding question")
    ATTENDANCE = "attendance", _("Attendance recorded or withdrawn")
    CERTIFICATE_REVOCATION = "certificate_revocation", _("Certificate of attendance revoked")
    LETTER_DECISION = "letter_decision", _("Decision on a visa invitation letter")
    # A volunteer's translation is published at once, in place of what readers saw: who wrote or withdrew it.
    TRANSLATION = "translation", _("Translation published or withdrawn")


class TranslationKind(models.TextChoices):
    """Who put a text into another language: a person (shown as such), or an engine (a cache of its output)."""

    HUMAN = "human", _("by a person")
    MACHINE = "machine", _("by machine")
