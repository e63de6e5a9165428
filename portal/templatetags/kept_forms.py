"""``{{ form|crispy_kept }}``: crispy-forms' rendering of an unbound form, kept in the process by what it shows.

crispy-forms renders a template per field and per widget: several milliseconds for a form of a few fields, on
every signed-in page that offers one. An unbound form is rendered from its fields alone (names, labels, help
texts, widgets and their attributes, initial values, choices, ids), so the rendering is kept under a digest of
all of those and the language: two forms share a rendering only when they would render the same bytes. A bound
form (what someone typed, its errors) is rendered every time, and so is a form whose description cannot be read
exactly (anything the digest does not know how to spell out).
"""

import hashlib

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django import forms, template
from django.utils.translation import get_language

from portal.kept import Unreadable, kept, spell

register = template.Library()


def digest(form: forms.BaseForm) -> str:
    parts = [type(form).__module__, type(form).__qualname__, spell(form.prefix), spell(form.auto_id), get_language()]
    parts += [spell(form.label_suffix), spell(form.use_required_attribute)]
    for bound in form:
        field, widget = bound.field, bound.field.widget
        parts += [
            bound.name,
            type(field).__qualname__,
            type(widget).__qualname__,
            spell(widget.template_name),
            spell(bound.label),
            spell(bound.help_text),
            spell(field.required),
            spell(field.disabled),
            spell(field.show_hidden_initial),
            spell(widget.attrs),
            spell(getattr(widget, "input_type", None)),
            spell(getattr(widget, "format", None)),
            spell(bound.value()),
            spell(bound.auto_id),
        ]
        if hasattr(widget, "choices"):
            parts.append(spell([(value, str(label)) for value, label in widget.choices]))
        if hasattr(widget, "widgets"):  # a MultiWidget
            parts.append(spell([(type(w).__qualname__, w.attrs) for w in widget.widgets]))
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


@register.filter
def crispy_kept(form):
    if form.is_bound or not isinstance(form, forms.BaseForm):
        return as_crispy_form(form)
    try:
        key = digest(form)
    except Unreadable:
        return as_crispy_form(form)
    return kept(["form", key], lambda: as_crispy_form(form))
