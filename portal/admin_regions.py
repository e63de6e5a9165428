"""Administration pages whose rows belong to a region.

A regional focal point (portal.permissions.REGIONAL_ROLES) sees, edits and exports only the rows of their own
regions: every list, change page, deletion and choice of a related row goes through the queryset cut here, so a
row of another region answers as if it did not exist. Global roles see everything, as before.
"""

from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path

from portal.permissions import regions_for


class RegionRelatedFilter(admin.RelatedOnlyFieldListFilter):
    """A filter by a related row that lists only the rows seen, and still applies with one or none of them.

    Django drops a filter that offers fewer than two choices, and with it the parameter of a link such as
    "registrations to accredit for this consultation": the list would show every row instead.
    """

    def has_output(self) -> bool:
        return True


class RegionScopedAdmin:
    """Mix into a ModelAdmin (or an inline) before admin.ModelAdmin.

    ``region_path``: the lookup from the model to reviews.Region ("region", "event__region", …).
    ``region_choices``: for foreign keys the add and change forms offer, the lookup from the related model to its
    region ("pk" when the related model is the region itself).
    ``region_capability``: the capability whose regions count.
    """

    region_path: str = "region"
    region_choices: dict[str, str] = {}
    region_capability: str = "consultations.manage"

    def regions(self, request) -> frozenset[int] | None:
        return regions_for(request.user, self.region_capability)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        regions = self.regions(request)
        if regions is None:
            return queryset
        return queryset.filter(**{f"{self.region_path}__in": regions})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        regions = self.regions(request)
        lookup = self.region_choices.get(db_field.name)
        if field is not None and regions is not None and lookup:
            field.queryset = field.queryset.filter(**{f"{lookup}__in": regions})
            if db_field.name == self.region_path.split("__")[0]:
                # A regional role creates nothing without a region: the empty choice would make a global row.
                field.required = True
                field.help_text = ""
        return field

    def get_list_filter(self, request):
        # A regional role's filters by a related row (consultation, space, region) list only the values of
        # the rows it sees, so the filter names nothing of another region.
        filters = super().get_list_filter(request)
        if self.regions(request) is None:
            return filters
        return [
            (entry, RegionRelatedFilter)
            if isinstance(entry, str) and get_fields_from_path(self.model, entry)[-1].is_relation
            else entry
            for entry in filters
        ]
