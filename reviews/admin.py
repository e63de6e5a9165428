from django.contrib import admin
from modeltranslation.admin import TabbedTranslationAdmin

from reviews.models import Region


@admin.register(Region)
class RegionAdmin(TabbedTranslationAdmin):
    list_display = ["name", "commission_acronym", "contact_email", "position"]
    search_fields = ["name", "commission", "contact_email"]
    ordering = ["position"]

    def has_add_permission(self, request) -> bool:
        # The five UN regions are fixed; they are loaded by `manage.py seed`.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
