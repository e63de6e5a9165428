"""``{{ form|crispy_kept }}``: crispy-forms' rendering of an unbound form, kept in the process by what it shows.

crispy-forms renders a template per field and per widget: several milliseconds for a form of a few fields, on
every signed-in page that offers one. An unbound form is rendered from its fields alone (names, labels, help
texts, widgets and their attributes, initial values, choices, ids), so the rendering is kept under a digest of
all of those and the language: two forms share a rendering only when they would render the same bytes. A bound
form (what someone typed, its errors) is rendered every time, and so is a form whose description cannot be read
exactly (anything the digest does not know how to spell out).
"""

import hashlib
from collections import OrderedDict
from threading import Lock

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django import forms, template
from django.utils.translation import get_language

register = template.Library()

KEPT = 512  # renderings kept per process, the least recently used dropped first
_kept: OrderedDict[str, str] = OrderedDict()
_lock = Lock()


class Unreadable(Exception):
    """Something in the form the digest cannot spell out exactly: render it afresh."""


def _spell(value) -> str:
    """An exact, stable spelling of a value that can reach the rendering, or Unreadable."""
    if hasattr(value, "__html__"):  # a safe string is shown as it is, a plain one escaped: never the same key
        return "safe:" + repr(str(value))
    if value is None or isinstance(value, bool | int | float | str):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ",".join(_spell(v) for v in value) + "]"
    if isinstance(value, dict):
        items = sorted(value.items(), key=lambda item: str(item[0]))
        return "{" + ",".join(f"{_spell(k)}:{_spell(v)}" for k, v in items) + "}"
    if isinstance(value, forms.models.ModelChoiceIteratorValue):
        return _spell(value.value)
    if type(value).__name__ == "__proxy__":  # a lazy translation, read in the current language
        return repr(str(value))
    raise Unreadable(type(value).__name__)


def digest(form: forms.BaseForm) -> str:
    parts = [type(form).__module__, type(form).__qualname__, _spell(form.prefix), _spell(form.auto_id), get_language()]
    parts += [_spell(form.label_suffix), _spell(form.use_required_attribute)]
    for bound in form:
        field, widget = bound.field, bound.field.widget
        parts += [
            bound.name,
            type(field).__qualname__,
            type(widget).__qualname__,
            _spell(widget.template_name),
            _spell(bound.label),
            _spell(bound.help_text),
            _spell(field.required),
            _spell(field.disabled),
            _spell(field.show_hidden_initial),
            _spell(widget.attrs),
            _spell(getattr(widget, "input_type", None)),
            _spell(getattr(widget, "format", None)),
            _spell(bound.value()),
            _spell(bound.auto_id),
        ]
        if hasattr(widget, "choices"):
            parts.append(_spell([(value, str(label)) for value, label in widget.choices]))
        if hasattr(widget, "widgets"):  # a MultiWidget
            parts.append(_spell([(type(w).__qualname__, w.attrs) for w in widget.widgets]))
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


@register.filter
def crispy_kept(form):
    if form.is_bound or not isinstance(form, forms.BaseForm):
        return as_crispy_form(form)
    try:
        key = digest(form)
    except Unreadable:
        return as_crispy_form(form)
    with _lock:
        html = _kept.get(key)
        if html is not None:
            _kept.move_to_end(key)
            return html
    html = as_crispy_form(form)
    with _lock:
        _kept[key] = html
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    return html
