from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from reviews.dates import DateParseError, StatedDate, parse


class StatedDateFormField(forms.CharField):
    """Typed as people write dates ("8 or 11 March 2024", "late 2024"); read into a StatedDate."""

    default_error_messages = {"invalid": _("Enter a date such as “11 March 2024” or “late 2024”.")}

    def __init__(self, *args, **kwargs):
        # The length limit belongs to the stored text, not to what people type.
        kwargs.pop("max_length", None)
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, StatedDate):
            return _input_text(value)
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        if isinstance(value, StatedDate):
            return value
        try:
            stated, _tentative = parse(value)
        except DateParseError as exc:
            raise ValidationError(str(exc), code="invalid") from exc
        return stated


def _input_text(value: StatedDate) -> str:
    """The English input form of a value, for editing it again."""
    if value.precision in ("day", "days"):
        days = [d.day for d in value.days]
        first = value.days[0]
        if all(d.month == first.month and d.year == first.year for d in value.days):
            return " or ".join(str(d) for d in days) + first.strftime(" %B %Y")
        return " or ".join(d.strftime("%-d %B %Y") for d in value.days)
    if value.precision == "week":
        return value.days[0].strftime("week of %-d %B %Y")
    if value.precision == "month":
        return value.earliest.strftime("%B %Y")
    if value.precision == "part":
        return f"{value.part} {value.year}"
    return str(value.year)


class StatedDateField(models.CharField):
    """Stores a :class:`StatedDate` as its canonical text."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 80)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_length") == 80:
            del kwargs["max_length"]
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        return StatedDate.from_canonical(value) if value else None

    def to_python(self, value):
        if value is None or value == "" or isinstance(value, StatedDate):
            return value or None
        try:
            return StatedDate.from_canonical(value)
        except DateParseError:
            try:
                return parse(value)[0]
            except DateParseError as exc:
                raise ValidationError(str(exc)) from exc

    def get_prep_value(self, value):
        if isinstance(value, StatedDate):
            return value.canonical()
        return value or ""

    def run_validators(self, value):
        super().run_validators(value.canonical() if isinstance(value, StatedDate) else value)

    def value_to_string(self, obj):
        value = self.value_from_object(obj)
        return value.canonical() if value else ""

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": StatedDateFormField, **kwargs})
