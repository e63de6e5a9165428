from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    """Every kind of event the planning documents name."""

    GLOBAL_CONSULTATION = "global_consultation", _("Global stakeholder consultation")
    PRE_CONSULTATION = "pre_consultation", _("Stakeholder pre-consultation")
    MULTI_STAKEHOLDER_CONSULTATION = "multi_stakeholder_consultation", _("Multi-stakeholder consultation")
    REGIONAL_REVIEW = "regional_review", _("Regional Review meeting")
    DISCUSSION_SPACE_OPENING = "discussion_space_opening", _("Discussion space opens")
    DISCUSSION_PHASE_1 = "discussion_phase_1", _("Discussion space, phase 1: inputs")
    DISCUSSION_PHASE_2 = "discussion_phase_2", _("Discussion space, phase 2: feedback and next steps")
    SUMMARY_DUE = "summary_due", _("Summary of the discussion space shared")
    # 000, 003 and 004 name briefings for stakeholders and Member States ahead of the review meeting.
    BRIEFING = "briefing", _("Briefing")
    GCM_TALK = "gcm_talk", _("GCM Talk")
    SIDE_EVENT = "side_event", _("Side event")
    IMRF = "imrf", _("International Migration Review Forum")


class Modality(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIRTUAL = "virtual", _("Virtual")
    HYBRID = "hybrid", _("Hybrid")


class DateField(models.TextChoices):
    """Which date of an event a statement or a change is about."""

    START = "start", _("start")
    END = "end", _("end")


class RuleStatus(models.TextChoices):
    """Whether a planning rule holds on the calendar (reviews.rules)."""

    MET = "met", _("Met")
    BROKEN = "broken", _("Broken")
    UNKNOWN = "unknown", _("Cannot tell yet")


class Precision(models.TextChoices):
    DAY = "day", _("Exact day")
    DAYS = "days", _("One of several days")
    WEEK = "week", _("Week")
    MONTH = "month", _("Month")
    PART = "part", _("Part of a year")
    YEAR = "year", _("Year")
