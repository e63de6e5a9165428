from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Kind(models.TextChoices):
    PRE_CONSULTATION_OPENS = "pre_consultation_opens", _("Pre-consultation window opens (16 weeks before the review)")
    PRE_CONSULTATION_CLOSING = "pre_consultation_closing", _("Pre-consultation window closes in two weeks")
    DISCUSSION_SPACE_DUE = "discussion_space_due", _("Discussion space must open 8 weeks before the review")
    ANALYSIS_PAPER_DUE = "analysis_paper_due", _("Analysis paper due 2 weeks before the review")
    PHASE_CLOSING = "phase_closing", _("A discussion phase is about to close")
    MODERATION_BACKLOG = "moderation_backlog", _("Posts waiting for moderation for more than 48 hours")
    REGISTRATION_DEADLINE = "registration_deadline", _("Registration deadline of a consultation you follow")
    INTEREST_DEADLINE = "interest_deadline", _("Deadline to offer to speak at a consultation you follow")
    CONSULTATION_WEEK = "consultation_week", _("Your consultation in 7 days")
    CONSULTATION_DAY = "consultation_day", _("Your consultation tomorrow")
    PHASE_OPENING = "phase_opening", _("A discussion phase opens in your region")
    FUNDING_DRAFT = "funding_draft", _("A funding call closes and your draft is not submitted")


class State(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    SKIPPED = "skipped", _("Not needed any more")
    FAILED = "failed", pgettext_lazy("a reminder that could not be sent", "Failed")
