from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from funding.models import Application, Call, Conflict, ExportLog, Transition
from funding.selectors import NEVER_SUBMITTED
from portal.admin_zones import ZonedTimesAdminMixin, ZonedTimesForm


class CallForm(ZonedTimesForm):
    """Opening and closing times are typed in the call's own time zone, as the call states them."""

    zoned_fields = ("opens_at", "closes_at")


@admin.register(Call)
class CallAdmin(ZonedTimesAdminMixin, TranslationAdmin):
    form = CallForm
    list_display = ["title", "cycle", "budget", "opens_at", "closes_at", "published"]
    list_filter = ["cycle", "published"]


class TransitionInline(admin.StackedInline):
    model = Transition
    extra = 0
    can_delete = False
    fields = ["created_at", "actor", "source", "target", "reason", "amount"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    """Read-only: every change of state goes through the review pages, where the workflow is checked."""

    list_display = ["pk", "call", "applicant", "state", "approved_amount", "submitted_at"]
    list_filter = ["call", "state"]
    list_select_related = ["call", "applicant"]
    inlines = [TransitionInline]

    def get_queryset(self, request):
        # A draft (or a draft withdrawn unsubmitted) is the applicant's alone, here as on the review pages.
        return super().get_queryset(request).exclude(NEVER_SUBMITTED)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Conflict)
class ConflictAdmin(admin.ModelAdmin):
    """Read-only: a conflict is declared by the committee member, in their words, on the review pages, where
    declaring it also withdraws their recommendations."""

    list_display = ["member", "application", "organisation", "created_at"]
    list_select_related = ["member", "application__call", "application__applicant"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(ExportLog)
class ExportLogAdmin(admin.ModelAdmin):
    list_display = ["call", "user", "file_format", "rows", "created_at"]
    list_select_related = ["call", "user"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
