from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TagKind(models.TextChoices):
    OBJECTIVE = "objective", _("GCM objective")
    PRINCIPLE = "principle", _("Guiding principle")


class PostStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for moderation")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Not approved")


class FileStatus(models.TextChoices):
    """A file is decided with the submission that brought it, and stays decided (a refused file stays refused)."""

    PENDING = "pending", _("File waiting for moderation")
    APPROVED = "approved", _("File approved")
    REFUSED = "refused", _("File not approved")


class AppealOutcome(models.TextChoices):
    OPEN = "open", _("Waiting for a second review")
    UPHELD = "upheld", _("Not approved after a second review")
    OVERTURNED = "overturned", _("Approved after a second review")
    WITHDRAWN = "withdrawn", _("Withdrawn: the post was edited")


class QuestionStatus(models.TextChoices):
    """002: guiding questions are "first developed and shared with regional Network colleagues for feedback and
    comments before posting them". Only a published question is seen outside the region's team."""

    DRAFT = "draft", pgettext_lazy("guiding question", "Draft")
    SHARED = "shared", _("Shared with the team for comments")
    PUBLISHED = "published", pgettext_lazy("guiding question", "Published")


class LinkKind(models.TextChoices):
    """What an output or link of a closed discussion space is (002: "consolidate in one place all outputs and
    links")."""

    REPORT = "report", _("Report or paper")
    STATEMENT = "statement", _("Statement or recommendations")
    RECORDING = "recording", _("Recording or presentation")
    WEB_PAGE = "web_page", _("Web page")
    OTHER = "other", _("Other output")


class AuthorLabel(models.TextChoices):
    DISPLAY_NAME = "display_name", _("My display name")
    ORGANISATION = "organisation", _("My organisation's name")


# Reasons a moderator can pick from; "other" takes a written reason.
REJECTION_REASONS = [
    ("off_topic", _("Not about the guiding questions of this space")),
    ("personal_data", _("It reveals personal data that could put someone at risk")),
    ("abuse", _("It contains abuse, hate speech or discrimination")),
    ("spam", _("Advertising or spam")),
    ("duplicate", _("It repeats a post already published")),
]
