"""Times typed in the administration in the zone of the thing they belong to (a meeting, a call).

A meeting's times are stated in its own zone (004: "10:00 – 15:00 CET"); the change page shows them, and reads
them back, in the zone chosen on the page, not in the server's.
"""

from datetime import UTC
from zoneinfo import ZoneInfo, available_timezones

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ZonedTimesForm(forms.ModelForm):
    """A model form whose ``zoned_fields`` are read in the zone named by its ``zone_field``."""

    zone_field = "time_zone"
    zoned_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.zoned_fields:
            if name in self.fields and not self.fields[name].help_text:
                self.fields[name].help_text = _("In the time zone chosen on this page.")

    def clean(self):
        data = super().clean()
        zone_name = data.get(self.zone_field)
        if zone_name in available_timezones():
            typed_in, zone = timezone.get_current_timezone(), ZoneInfo(zone_name)
            for name in self.zoned_fields:
                if data.get(name):
                    typed = timezone.make_naive(data[name], typed_in)
                    data[name] = timezone.make_aware(typed, zone)
                    if timezone.make_naive(data[name].astimezone(UTC), zone) != typed:
                        # A time skipped when the clocks go forward: say so, rather than save the hour after.
                        self.add_error(
                            name,
                            _("%(time)s does not exist in %(zone)s: the clocks go forward then. Choose another time.")
                            % {"time": typed.strftime("%H:%M"), "zone": zone_name},
                        )
        return data


class ZonedTimesAdminMixin:
    """Show (and read back) a change page in the zone of the object it edits; a new one in the server's zone
    until saved, its times then taken in the zone chosen on the page (ZonedTimesForm)."""

    zone_field = "time_zone"

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        obj = self.get_object(request, object_id) if object_id else None
        zone = ZoneInfo(getattr(obj, self.zone_field)) if obj else timezone.get_current_timezone()
        with timezone.override(zone):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            if hasattr(response, "render"):
                response.render()  # a TemplateResponse renders later, outside this time zone
            return response
