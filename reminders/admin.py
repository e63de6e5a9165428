from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from reminders import services
from reminders.enums import State
from reminders.models import Reminder


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    """The reminder log: what went out, to whom, when; failed ones can be sent again."""

    list_display = ["due_on", "kind", "recipient", "target", "state", "attempts", "sent_at"]
    list_filter = ["kind", "state", "due_on"]
    date_hierarchy = "due_on"
    list_select_related = ["recipient__profile"]
    search_fields = ["recipient__email", "target"]
    actions = ["resend"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Send the failed reminders again"))
    def resend(self, request, queryset):
        count = services.resend(queryset.filter(state=State.FAILED).values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext("%(count)d reminder queued again.", "%(count)d reminders queued again.", count) % {"count": count},
            messages.SUCCESS,
        )
