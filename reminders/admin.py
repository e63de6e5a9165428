from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from reminders import registry, services
from reminders.enums import State
from reminders.models import Reminder


def _labels(request) -> dict[str, str]:
    """Every kind's label, read once per page, not once per row: some name a live setting's value."""
    if not hasattr(request, "_reminder_labels"):
        request._reminder_labels = registry.labels()
    return request._reminder_labels


class KindFilter(admin.SimpleListFilter):
    """The kinds by their labels, as each domain app declares them (reminders.registry)."""

    title = _("kind")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return list(_labels(request).items())

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


class ReminderChangeList(ChangeList):
    def get_results(self, request):
        super().get_results(request)
        labels = _labels(request)
        for reminder in self.result_list:
            reminder.kind_label = labels.get(reminder.kind, reminder.kind)


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    """The reminder log: what went out, to whom, when; failed ones can be sent again."""

    list_display = ["due_on", "kind_display", "recipient", "target", "state", "attempts", "sent_at"]
    list_filter = [KindFilter, "state", "due_on"]
    date_hierarchy = "due_on"
    list_select_related = ["recipient__profile"]
    search_fields = ["recipient__email", "target"]
    actions = ["resend"]
    exclude = ["kind"]  # shown by its label instead

    def get_changelist(self, request, **kwargs):
        return ReminderChangeList

    def get_readonly_fields(self, request, obj=None):
        return ["kind_display" if f.name == "kind" else f.name for f in self.model._meta.fields]

    @admin.display(description=_("kind"), ordering="kind")
    def kind_display(self, obj) -> str:
        return getattr(obj, "kind_label", None) or registry.label(obj.kind)

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Send the failed reminders again"))
    def resend(self, request, queryset):
        count = services.reminder_resend(reminder_ids=queryset.filter(state=State.FAILED).values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext("%(count)d reminder queued again.", "%(count)d reminders queued again.", count) % {"count": count},
            messages.SUCCESS,
        )
