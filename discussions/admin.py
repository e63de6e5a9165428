from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline, TranslationTabularInline

from discussions import services
from discussions.enums import REJECTION_REASONS, PostStatus, QuestionStatus
from discussions.models import (
    AnalysisPaper,
    GuidingQuestion,
    ModerationDecision,
    PendingPost,
    Phase,
    Post,
    Space,
    SpaceLink,
    Tag,
)
from discussions.permissions import moderated_spaces
from portal import integrity
from portal.admin_decisions import Shown, confirmation_page, confirmed_versions
from portal.admin_regions import RegionScopedAdmin
from portal.enums import Role
from portal.models import User
from portal.validators import whole_number


class QuestionInline(TranslationStackedInline):
    """The questions of a phase. A question added here is a draft, shared and published on the space's drafting
    page (status and version are read-only here); a change to a question not yet published makes a new version,
    so a publisher who was shown the older one is asked to read it again."""

    model = GuidingQuestion
    extra = 0
    fields = ["position", "text", "status", "revision"]
    readonly_fields = ["status", "revision"]


@admin.register(Phase)
class PhaseAdmin(RegionScopedAdmin, admin.ModelAdmin):
    region_capability = "reviews.manage_calendar"
    region_path = "space__region"
    region_choices = {"space": "region"}

    list_display = ["space", "number", "opens_at", "closes_at"]
    inlines = [QuestionInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is not GuidingQuestion:
            return super().save_formset(request, form, formset, change)
        for inline_form in formset.forms:
            question = inline_form.instance
            if not inline_form.has_changed() or inline_form in formset.deleted_forms:
                continue
            if question.pk is None:
                question.status, question.revision = QuestionStatus.DRAFT, 1
            elif question.status != QuestionStatus.PUBLISHED:
                question.revision += 1
        return super().save_formset(request, form, formset, change)


class SpaceLinkInline(TranslationTabularInline):
    """The outputs and links of the space's closing summary: edited by those who edit the space (whose admin
    already keeps a focal point to their region's spaces)."""

    model = SpaceLink
    extra = 0
    fields = ["position", "kind", "title", "url", "note"]

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("discussions.view_space")

    def has_add_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("discussions.change_space")

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("discussions.change_space")

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("discussions.change_space")


@admin.register(Space)
class SpaceAdmin(RegionScopedAdmin, TranslationAdmin):
    region_capability = "reviews.manage_calendar"
    region_choices = {"region": "pk"}

    list_display = ["title", "region", "cycle"]
    inlines = [SpaceLinkInline]
    # Volunteers hold no role, so any account may be one: chosen by number (the look-up obeys the accounts'
    # own admin permissions), never from a list of every account by name.
    raw_id_fields = ["translators"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "moderators":
            # Only people who hold the moderator role: not every account of the portal, by name, to anyone who
            # edits a space.
            kwargs["queryset"] = User.objects.filter(groups__name=Role.MODERATOR, is_active=True).select_related(
                "profile"
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(AnalysisPaper)
class AnalysisPaperAdmin(RegionScopedAdmin, TranslationAdmin):
    """The synthesis is written here in each language; figures and publishing are on the paper's page."""

    region_capability = "reviews.manage_calendar"
    region_path = "space__region"
    region_choices = {"space": "region"}

    list_display = ["space", "published_at", "updated_at"]
    fields = ["space", "synthesis", "published_at"]
    readonly_fields = ["published_at"]

    def view_on_site(self, obj):
        return obj.get_absolute_url()


@admin.register(Tag)
class TagAdmin(TranslationAdmin):
    list_display = ["kind", "number", "name"]
    list_filter = ["kind"]


def moderated_posts(request, queryset):
    """Moderators see the posts of the spaces they are assigned to, focal points those of their regions."""
    if request.user.is_superuser:
        return queryset
    return queryset.filter(space__in=moderated_spaces(request.user))


class DecisionInline(admin.TabularInline):
    model = ModerationDecision
    extra = 0
    can_delete = False
    fields = ["created_at", "moderator", "from_status", "to_status", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class RejectionForm(ActionForm):
    reason_choice = forms.ChoiceField(
        label=_("Reason for not approving"), choices=[("", "---------"), *REJECTION_REASONS], required=False
    )
    reason_text = forms.CharField(label=_("Reason in your words"), max_length=500, required=False)


class AgeFilter(admin.SimpleListFilter):
    title = _("waiting for")
    parameter_name = "age"

    def lookups(self, request, model_admin):
        return [("1", _("more than a day")), ("2", _("more than two days"))]

    def queryset(self, request, queryset):

        if self.value() in ("1", "2"):
            return queryset.filter(submitted_at__lt=timezone.now() - timedelta(days=int(self.value())))
        return queryset


class PostAdminBase(admin.ModelAdmin):
    list_display = ["shown_name", "space", "phase", "language", "status", "submitted_at"]
    list_filter = ["space", "phase__number", "language", "status", AgeFilter]
    list_select_related = ["space", "phase"]
    search_fields = ["text", "shown_name"]
    readonly_fields = [
        "space",
        "phase",
        "question",
        "author",
        "shown_name",
        "language",
        "text",
        "status",
        "rejection_reason",
        "approved_at",
        "submitted_at",
    ]
    fields = readonly_fields
    inlines = [DecisionInline]
    action_form = RejectionForm
    actions = ["approve", "reject"]

    def get_queryset(self, request):
        return moderated_posts(request, super().get_queryset(request))

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def _decide(self, request, queryset, *, approve: bool, reason: str = ""):
        """Show the selected posts as they are now, then decide on exactly those versions once confirmed."""
        shown = confirmed_versions(request)
        posts = list(
            queryset.filter(status=PostStatus.PENDING)
            .select_related("space", "author__profile")
            .prefetch_related("tags", "submitted_tags", "attachments")
        )
        if shown is None:
            return self._confirmation(request, posts, approve=approve, reason=reason)
        versions = {post.pk: revision for post in posts if (revision := whole_number(shown.get(post.pk))) is not None}
        try:
            count = services.posts_moderate(versions=versions, by=request.user, approve=approve, reason=reason)
        except services.PostChanged as exc:
            # The new versions are shown again: the decision is taken on what the moderator reads now.
            self.message_user(request, str(exc), messages.WARNING)
            return self._confirmation(request, posts, approve=approve, reason=reason)
        except services.DiscussionError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return None
        message = (
            ngettext("%(count)d post approved.", "%(count)d posts approved.", count)
            if approve
            else ngettext("%(count)d post not approved.", "%(count)d posts not approved.", count)
        )
        self.message_user(request, message % {"count": count})
        return None

    def _confirmation(self, request, posts, *, approve: bool, reason: str):

        conflicted = integrity.conflicted(request.user, {post.author_id for post in posts})
        items = []
        for post in posts:
            tags = list(post.submitted_tags.all())
            items.append(
                Shown(
                    obj=post,
                    version=str(post.revision),
                    extra={
                        "tags": tags,
                        "tags_changed": post.approved_at is not None
                        and {t.pk for t in tags} != {t.pk for t in post.tags.all()},
                        "files": list(post.attachments.all()),
                        "refusal": services.post_decision_refusal(by=request.user, post=post)
                        if post.author_id in conflicted
                        else None,
                    },
                )
            )
        return confirmation_page(
            self,
            request,
            action="approve" if approve else "reject",
            heading=_("Approve these posts?") if approve else _("Do not approve these posts?"),
            question=_("Each post below is published exactly as shown: this version, its tags and its new files.")
            if approve
            else _("Each post below stays unpublished, with this reason sent to its author: %(reason)s")
            % {"reason": reason},
            button=_("Yes, approve") if approve else _("Yes, do not approve"),
            items=items,
            item_template="admin/discussions/_post_item.html",
            carry={
                "reason_choice": request.POST.get("reason_choice", ""),
                "reason_text": request.POST.get("reason_text", ""),
            },
        )

    @admin.action(description=_("Approve the selected posts"), permissions=["change"])
    def approve(self, request, queryset):
        return self._decide(request, queryset, approve=True)

    @admin.action(description=_("Do not approve the selected posts (give a reason)"), permissions=["change"])
    def reject(self, request, queryset):
        choice = request.POST.get("reason_choice", "")
        reason = str(dict(REJECTION_REASONS).get(choice, "")) or request.POST.get("reason_text", "").strip()
        if not reason:
            self.message_user(request, _("Please give the reason for not approving."), messages.ERROR)
            return None
        return self._decide(request, queryset, approve=False, reason=reason)


@admin.register(PendingPost)
class PendingPostAdmin(PostAdminBase):
    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=PostStatus.PENDING)


@admin.register(Post)
class PostAdmin(PostAdminBase):
    pass
