from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TabbedTranslationAdmin, TranslationStackedInline

from discussions import services
from discussions.enums import REJECTION_REASONS, PostStatus
from discussions.models import (
    AnalysisPaper,
    GuidingQuestion,
    ModerationDecision,
    PendingPost,
    Phase,
    Post,
    Space,
    Tag,
)


class QuestionInline(TranslationStackedInline):
    model = GuidingQuestion
    extra = 0


@admin.register(Phase)
class PhaseAdmin(admin.ModelAdmin):
    list_display = ["space", "number", "opens_at", "closes_at"]
    inlines = [QuestionInline]


@admin.register(Space)
class SpaceAdmin(TabbedTranslationAdmin):
    list_display = ["title", "region", "cycle"]


@admin.register(AnalysisPaper)
class AnalysisPaperAdmin(TabbedTranslationAdmin):
    """The synthesis is written here in each language; figures and publishing are on the paper's page."""

    list_display = ["space", "published_at", "updated_at"]
    fields = ["space", "synthesis", "published_at"]
    readonly_fields = ["published_at"]

    def view_on_site(self, obj):
        return obj.get_absolute_url()


@admin.register(Tag)
class TagAdmin(TabbedTranslationAdmin):
    list_display = ["kind", "number", "name"]
    list_filter = ["kind"]


def moderated_posts(request, queryset):
    """Moderators see the posts of the spaces they are assigned to, and no others."""
    if request.user.is_superuser:
        return queryset
    return queryset.filter(space__moderators=request.user)


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
        from datetime import timedelta

        from django.utils import timezone

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

    @admin.action(description=_("Approve the selected posts"), permissions=["change"])
    def approve(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        count = services.posts_moderate(post_ids=ids, moderator=request.user, approve=True)
        self.message_user(
            request, ngettext("%(count)d post approved.", "%(count)d posts approved.", count) % {"count": count}
        )

    @admin.action(description=_("Do not approve the selected posts (give a reason)"), permissions=["change"])
    def reject(self, request, queryset):
        choice = request.POST.get("reason_choice", "")
        reason = str(dict(REJECTION_REASONS).get(choice, "")) or request.POST.get("reason_text", "").strip()
        try:
            ids = list(queryset.values_list("pk", flat=True))
            count = services.posts_moderate(post_ids=ids, moderator=request.user, approve=False, reason=reason)
        except services.DiscussionError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        self.message_user(
            request, ngettext("%(count)d post not approved.", "%(count)d posts not approved.", count) % {"count": count}
        )


@admin.register(PendingPost)
class PendingPostAdmin(PostAdminBase):
    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=PostStatus.PENDING)


@admin.register(Post)
class PostAdmin(PostAdminBase):
    pass
