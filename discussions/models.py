import uuid

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from discussions.enums import AppealOutcome, AuthorLabel, FileStatus, LinkKind, PostStatus, QuestionStatus, TagKind
from portal.models import public_name


def private_storage():
    return storages["private"]


class Space(models.Model):
    """The online discussion space of one region for one review cycle (002)."""

    region = models.ForeignKey(
        "reviews.Region", on_delete=models.PROTECT, related_name="spaces", verbose_name=_("region")
    )
    cycle = models.ForeignKey(
        "reviews.ReviewCycle", on_delete=models.PROTECT, related_name="spaces", verbose_name=_("cycle")
    )
    title = models.CharField(_("title"), max_length=200)
    introduction = models.TextField(_("introduction"), blank=True, max_length=10_000)
    moderators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="moderated_spaces", verbose_name=_("moderators")
    )
    # Volunteer translators of the space's published posts (a role per space, given by the secretariat).
    translators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="translated_spaces",
        verbose_name=_("translators"),
        help_text=_("People who translate the published posts of this space into other languages."),
    )
    summary = models.TextField(_("published summary"), blank=True, max_length=50_000)
    summary_published_at = models.DateTimeField(_("summary published on"), null=True, blank=True)

    class Meta:
        ordering = ["region__position", "-cycle__start_year"]
        verbose_name = _("discussion space")
        verbose_name_plural = _("discussion spaces")
        constraints = [models.UniqueConstraint(fields=["region", "cycle"], name="one_space_per_region_and_cycle")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("discussions:space", kwargs={"pk": self.pk})

    def get_closing_url(self) -> str:
        return reverse("discussions:closing", kwargs={"pk": self.pk})

    @property
    def summary_is_published(self) -> bool:
        """Published from its day on: a day ahead is a plan, not a publication."""
        return self.summary_published_at is not None and self.summary_published_at <= timezone.now()


class Phase(models.Model):
    """Phase 1 (four weeks of inputs before the review) or phase 2 (feedback and next steps after it)."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="phases", verbose_name=_("space"))
    number = models.PositiveSmallIntegerField(
        _("phase"), choices=[(1, _("Phase 1: inputs")), (2, _("Phase 2: feedback and next steps"))]
    )
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(
        _("closes"), null=True, blank=True, help_text=_("Empty: open until further notice.")
    )

    class Meta:
        ordering = ["space", "number"]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        constraints = [
            models.UniqueConstraint(fields=["space", "number"], name="one_phase_number_per_space"),
            models.CheckConstraint(
                condition=models.Q(closes_at__isnull=True) | models.Q(closes_at__gt=models.F("opens_at")),
                name="phase_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return str(self.get_number_display())

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now and (self.closes_at is None or now < self.closes_at)


class GuidingQuestion(models.Model):
    """A question that focuses a phase's discussion (002), drafted and shared with the region's team first.

    ``status``: draft → shared for comments → published, and back to draft while not published; only a
    published question is seen, answered, followed or counted outside the team (``discussions.selectors``).
    ``revision`` counts the versions of the text: publishing binds to the version the publisher was shown.
    The default status is "published" because questions written in code (the seeded ones of 002, demo and
    test data) are published ones; every way of drafting one in the portal creates it as a draft.
    """

    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="questions", verbose_name=_("phase"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.TextField(_("question"), max_length=2000)
    status = models.CharField(
        _("status"), max_length=12, choices=QuestionStatus.choices, default=QuestionStatus.DRAFT, db_index=True
    )
    revision = models.PositiveIntegerField(_("version"), default=1, editable=False)
    shared_at = models.DateTimeField(_("shared on"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("published on"), null=True, blank=True, editable=False)
    # The team was e-mailed about the share of this moment (shared_at): a task run twice mails once.
    team_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["phase__number", "position", "pk"]
        verbose_name = _("guiding question")
        verbose_name_plural = _("guiding questions")

    def __str__(self) -> str:
        return self.text[:80]

    def get_absolute_url(self) -> str:
        return reverse("discussions:question", kwargs={"pk": self.phase.space_id, "question": self.pk})

    def get_draft_url(self) -> str:
        return reverse("discussions:draft", kwargs={"pk": self.pk})

    @property
    def is_published(self) -> bool:
        return self.status == QuestionStatus.PUBLISHED


class QuestionComment(models.Model):
    """A team member's comment on a guiding question being drafted: short, signed, in the order written."""

    question = models.ForeignKey(
        GuidingQuestion, on_delete=models.CASCADE, related_name="comments", verbose_name=_("guiding question")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="question_comments", verbose_name=_("by")
    )
    text = models.CharField(_("comment"), max_length=1000)
    # The version of the question the comment was written on: a later edit may have answered it.
    revision = models.PositiveIntegerField(_("on version"), default=1)
    created_at = models.DateTimeField(_("written on"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment on a guiding question")
        verbose_name_plural = _("comments on guiding questions")

    def __str__(self) -> str:
        return self.text[:60]


class SpaceLink(models.Model):
    """One output or link of a discussion space, shown on its closing summary (002: "consolidate in one place
    all outputs and links"): a web address, or a note where there is none (a document shared by e-mail)."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="links", verbose_name=_("space"))
    kind = models.CharField(_("kind"), max_length=20, choices=LinkKind.choices, default=LinkKind.REPORT)
    title = models.CharField(_("title"), max_length=300)
    url = models.URLField(_("web address"), blank=True, max_length=500)
    note = models.CharField(_("note"), blank=True, max_length=1000, help_text=_("Where there is no web address."))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("output or link")
        verbose_name_plural = _("outputs and links")
        constraints = [
            models.CheckConstraint(condition=~models.Q(url="") | ~models.Q(note=""), name="space_link_has_url_or_note")
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        super().clean()
        if not (self.url or "").strip() and not (self.note or "").strip():
            raise ValidationError(_("Give a web address, or a note saying where the output can be found."))


class Tag(models.Model):
    """One of the 23 GCM objectives or the 10 guiding principles."""

    kind = models.CharField(_("kind"), max_length=20, choices=TagKind.choices)
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=300)

    class Meta:
        ordering = ["kind", "number"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        constraints = [models.UniqueConstraint(fields=["kind", "number"], name="one_tag_per_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class Post(models.Model):
    """A contribution, pre-moderated: nobody but its author and the space's moderators sees it before approval.

    ``text``/``html``/``submitted_tags`` hold what the author last submitted,
    ``revision`` counts the submissions and ``status`` is the moderation state of
    the last one. ``approved_html`` and ``tags`` are the version the public sees:
    an edit of an approved post leaves them in place until the edit itself is
    approved. A moderator decides on the revision they were shown, never on a
    newer one.
    """

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="posts", verbose_name=_("space"))
    phase = models.ForeignKey(Phase, on_delete=models.PROTECT, related_name="posts", verbose_name=_("phase"))
    question = models.ForeignKey(
        GuidingQuestion, on_delete=models.PROTECT, related_name="posts", verbose_name=_("guiding question")
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies", verbose_name=_("in reply to")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posts", verbose_name=_("author")
    )
    author_label = models.CharField(
        _("post as"), max_length=20, choices=AuthorLabel.choices, default=AuthorLabel.DISPLAY_NAME
    )
    shown_name = models.CharField(_("shown as"), max_length=200, editable=False)
    language = models.CharField(_("language of the post"), max_length=8, choices=settings.LANGUAGES)
    text = models.TextField(_("text"), max_length=10_000)
    html = models.TextField(editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=PostStatus.choices, default=PostStatus.PENDING, db_index=True
    )
    rejection_reason = models.CharField(_("reason"), max_length=500, blank=True)
    approved_html = models.TextField(editable=False, blank=True)
    # Plain text of the approved version: what search, digests and exports read.
    approved_text = models.TextField(editable=False, blank=True)
    approved_at = models.DateTimeField(_("approved on"), null=True, blank=True, db_index=True)
    # The approved version as search reads it, written only by discussions.search.index_posts. PostgreSQL
    # only: migration 0007 gives it a GIN index there (not declared in Meta: SQLite cannot build one).
    search_vector = SearchVectorField(null=True, editable=False)
    submitted_at = models.DateTimeField(_("sent on"), default=timezone.now, db_index=True)
    is_moderator_note = models.BooleanField(_("moderator note"), default=False)
    revision = models.PositiveIntegerField(_("version"), default=1, editable=False)
    # The approved tags, the ones readers see and search; the submitted ones wait with their edit.
    tags = models.ManyToManyField(Tag, blank=True, related_name="posts", verbose_name=_("tags"))
    submitted_tags = models.ManyToManyField(
        Tag, blank=True, related_name="+", verbose_name=_("tags of the submitted version")
    )

    class Meta:
        ordering = ["approved_at", "submitted_at", "pk"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        permissions = [("moderate_post", _("Can moderate posts of the spaces they are assigned to"))]
        indexes = [
            models.Index(fields=["space", "status", "submitted_at"]),
            models.Index(fields=["space", "approved_at"]),
            # A thread: its posts in their order, counted and paged from the index alone (who may see which
            # is decided by the space, the approval and the author, all in it).
            models.Index(fields=["question", "approved_at", "submitted_at", "id", "space", "author"]),
        ]

    def __str__(self) -> str:
        return f"{self.shown_name}: {self.text[:60]}"

    @property
    def byline(self) -> str:
        """The name shown with the post; a neutral one once its author deleted their account."""
        return byline(self.shown_name)

    @property
    def is_public(self) -> bool:
        return self.approved_at is not None


def byline(shown_name: str) -> str:
    """The name shown with a post whose ``shown_name`` is given, for a page that reads it without the post: a
    neutral one once its author deleted their account."""
    return public_name(shown_name)


class PendingPost(Post):
    """The moderation queue in the admin."""

    class Meta:
        proxy = True
        verbose_name = _("post to moderate")
        verbose_name_plural = _("posts to moderate")


def _attachment_path(instance, filename: str) -> str:
    return f"discussions/{uuid.uuid4().hex}"


class Attachment(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("post"))
    file = models.FileField(_("file"), upload_to=_attachment_path, storage=private_storage)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField(default=0)
    # The file belongs to the submission that brought it: decided with it, and never decided again.
    revision = models.PositiveIntegerField(_("added in version"), default=1)
    status = models.CharField(
        _("status"), max_length=10, choices=FileStatus.choices, default=FileStatus.PENDING, db_index=True
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("discussions:attachment", kwargs={"pk": self.pk})

    @property
    def approved(self) -> bool:
        return self.status == FileStatus.APPROVED


class ModerationDecision(models.Model):
    """The audit of every moderation decision: who, when, from which state to which, why."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("post"))
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("moderator")
    )
    from_status = models.CharField(_("from"), max_length=20, choices=PostStatus.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=PostStatus.choices)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("on"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("moderation decision")
        verbose_name_plural = _("moderation decisions")

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class Appeal(models.Model):
    """The author of a post that was not approved asks, once, for a second review by another moderator.

    The moderator who refused the post cannot decide the appeal; another
    moderator of the space or the secretariat does, on the version that was
    refused (an edit withdraws the appeal: the edit goes to moderation anyway).
    """

    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="appeal", verbose_name=_("post"))
    revision = models.PositiveIntegerField(_("version appealed"))
    reason = models.CharField(_("why a second review"), max_length=1000)
    first_moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("moderator of the first decision"),
    )
    created_at = models.DateTimeField(_("asked on"), default=timezone.now)
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=AppealOutcome.choices, default=AppealOutcome.OPEN, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)
    note = models.CharField(_("note to the author"), max_length=500, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")

    def __str__(self) -> str:
        return f"{self.post_id}: {self.get_outcome_display()}"


class Subscription(models.Model):
    """A person follows a whole space (``question`` empty) or one question, and gets a digest of new posts."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="discussion_subscriptions"
    )
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="subscriptions")
    question = models.ForeignKey(
        GuidingQuestion, on_delete=models.CASCADE, null=True, blank=True, related_name="subscriptions"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Posts approved up to this moment have been sent (or were there before the subscription).
    sent_until = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "space"], condition=models.Q(question__isnull=True), name="one_space_subscription"
            ),
            models.UniqueConstraint(
                fields=["user", "question"],
                condition=models.Q(question__isnull=False),
                name="one_question_subscription",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.question or self.space}"


class AnalysisPaper(models.Model):
    """The analysis of a space's approved posts, shared at least two weeks before the review (002)."""

    space = models.OneToOneField(Space, on_delete=models.CASCADE, related_name="analysis", verbose_name=_("space"))
    synthesis = models.TextField(
        _("synthesis"),
        blank=True,
        max_length=50_000,
        help_text=_("Plain text; an empty line starts a new paragraph."),
    )
    published_at = models.DateTimeField(_("published on"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated on"), auto_now=True)

    class Meta:
        verbose_name = _("analysis paper")
        verbose_name_plural = _("analysis papers")

    def __str__(self) -> str:
        return str(self.space)

    def get_absolute_url(self) -> str:
        return reverse("discussions:analysis", kwargs={"pk": self.space_id})
