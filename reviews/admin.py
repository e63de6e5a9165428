from django import forms
from django.contrib import admin
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from portal.admin_regions import RegionScopedAdmin
from portal.m49 import SUBREGIONS
from reviews import selectors, services
from reviews.models import DateChange, DateStatement, Event, Region, ReviewCycle, Source


def _rules_html(region, cycle):
    if region is None or cycle is None:
        return "—"
    return render_to_string("reviews/_rules.html", {"results": selectors.rule_results(region=region, cycle=cycle)})


@admin.register(Region)
class RegionAdmin(TranslationAdmin):
    list_display = ["name", "commission_acronym", "contact_email", "position"]
    search_fields = ["name", "commission", "contact_email"]
    ordering = ["position"]
    readonly_fields = ["rule_status"]

    def has_add_permission(self, request) -> bool:
        # The five UN regions are fixed; they are loaded by `manage.py load_seed_calendar`.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("Engagement rules, current cycle"))
    def rule_status(self, obj):
        return _rules_html(obj, selectors.current_cycle())


@admin.register(ReviewCycle)
class ReviewCycleAdmin(TranslationAdmin):
    list_display = ["name", "start_year", "end_year", "imrf_year"]


@admin.register(Source)
class SourceAdmin(TranslationAdmin):
    list_display = ["code", "title", "as_of", "as_of_note", "sequence"]
    ordering = ["-sequence"]


class DateStatementInline(admin.StackedInline):
    # Stacked: the tabular layout leaves its inputs without labels (WCAG 1.3.1, 4.1.2).
    model = DateStatement
    extra = 0
    fields = ["which", "source", "wording", "value", "tentative"]


class DateChangeInline(admin.TabularInline):
    model = DateChange
    extra = 0
    can_delete = False
    fields = ["which", "old_value", "new_value", "changed_by", "changed_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class EventForm(forms.ModelForm):
    """The sub-regions of a sub-regional meeting are ticked, and stored as their M49 codes."""

    subregions = forms.MultipleChoiceField(
        label=_("sub-regions"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For a sub-regional meeting (000): the sub-regions it gathers. None for a regional one."),
    )

    class Meta:
        model = Event
        fields = "__all__"  # noqa: DJ007 - the admin chooses the fields it shows

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subregions"].choices = sorted(SUBREGIONS.items(), key=lambda item: str(item[1]))
        if self.instance.pk:
            self.initial["subregions"] = self.instance.subregion_codes

    def clean_subregions(self) -> str:
        return ",".join(sorted(self.cleaned_data["subregions"]))


@admin.register(Event)
class EventAdmin(RegionScopedAdmin, TranslationAdmin):
    region_capability = "reviews.manage_calendar"
    region_choices = {"region": "pk"}
    form = EventForm

    list_display = ["__str__", "date", "cycle", "region", "kind", "modality"]
    list_filter = ["cycle", "region", "kind"]
    list_select_related = ["region", "cycle"]
    search_fields = ["title", "description", "place"]
    inlines = [DateStatementInline, DateChangeInline]
    readonly_fields = ["rule_status"]
    fieldsets = [
        (None, {"fields": ["cycle", "region", "kind", "subregions", "title", "description"]}),
        (_("Date"), {"fields": ["start", "start_tentative", "end"]}),
        (_("Where"), {"fields": ["place", "modality", "link"]}),
        (_("Engagement rules for this region and cycle"), {"fields": ["rule_status"]}),
    ]

    @admin.display(description=_("date"), ordering="start_earliest")
    def date(self, obj):
        return obj.start.display()

    @admin.display(description=_("status"))
    def rule_status(self, obj):
        return _rules_html(obj.region if obj.pk else None, obj.cycle if obj.pk else None)

    def save_model(self, request, obj, form, change):
        services.event_save(event=obj, by=request.user)
