import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reviews.enums import EventKind
from reviews.models import Event, Region, ReviewCycle


class EventFilter(django_filters.FilterSet):
    region = django_filters.ModelChoiceFilter(
        label=_("Region"), queryset=Region.objects.all(), to_field_name="code", empty_label=_("All regions")
    )
    cycle = django_filters.ModelChoiceFilter(
        label=_("Review cycle"), queryset=ReviewCycle.objects.all(), to_field_name="code", empty_label=_("All cycles")
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=EventKind.choices, empty_label=_("All kinds"))
    when = django_filters.ChoiceFilter(
        label=_("When"),
        choices=[("upcoming", _("Upcoming")), ("past", _("Past"))],
        empty_label=_("Past and upcoming"),
        method="filter_when",
    )

    class Meta:
        model = Event
        fields = ["region", "cycle", "kind", "when"]

    def filter_when(self, queryset, name, value):
        today = timezone.localdate()
        if value == "upcoming":
            # An event whose date is not yet past, however imprecise, is still upcoming.
            return queryset.filter(start_latest__gte=today)
        if value == "past":
            return queryset.filter(start_latest__lt=today).order_by("-start_earliest", "-pk")
        return queryset
