from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    ELIGIBLE = "eligible", _("Screened: eligible")
    INELIGIBLE = "ineligible", _("Screened: not eligible")
    RECOMMENDED = "recommended", _("Recommended by the Executive Committee")
    NOT_RECOMMENDED = "not_recommended", _("Not recommended by the Executive Committee")
    APPROVED = "approved", _("Approved by the Chair")
    REJECTED = "rejected", _("Not approved by the Chair")


class SelfIdentification(models.TextChoices):
    """Optional, never required: how an applicant's participation adds to representation."""

    MIGRANT_LED = "migrant_led", _("Migrant-led or diaspora organisation")
    YOUTH = "youth", _("Youth organisation")
    WOMEN_LED = "women_led", _("Women-led organisation")
    DISABILITY = "disability", _("Organisation of persons with disabilities")
    INDIGENOUS = "indigenous", _("Indigenous peoples' organisation")
    FIRST_TIME = "first_time", _("First time taking part in a Regional Review")
