"""``crispy_kept``: an unbound form's rendering kept by everything it shows, never shared between forms that would
render differently, and a bound form always rendered afresh."""

from collections import OrderedDict

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django import forms
from django.utils import translation
from django.utils.safestring import mark_safe

from portal import kept
from portal.templatetags import kept_forms


class Offer(forms.Form):
    role = forms.ChoiceField(label="Role", choices=[("panel", "Panelist"), ("floor", "From the floor")])
    topic = forms.CharField(label="Topic", max_length=200, help_text="One line.")


@pytest.fixture
def renders(monkeypatch):
    """How many times crispy-forms really renders (the real rendering every time)."""
    monkeypatch.setattr(kept, "_kept", OrderedDict())
    calls = []

    def counted(form):
        calls.append(form)
        return as_crispy_form(form)

    monkeypatch.setattr(kept_forms, "as_crispy_form", counted)
    return calls


def test_an_unbound_form_is_rendered_once_and_the_same(renders):
    first, second = kept_forms.crispy_kept(Offer()), kept_forms.crispy_kept(Offer())
    assert first == second == as_crispy_form(Offer())
    assert len(renders) == 1


@pytest.mark.parametrize(
    "change",
    [
        lambda f: f.fields["topic"].__setattr__("initial", "Decent work for Jane Doe"),  # a person's own value
        lambda f: f.fields["role"].__setattr__("choices", [("panel", "Panelist")]),
        lambda f: f.fields["topic"].__setattr__("label", "Subject"),
        lambda f: f.fields["topic"].__setattr__("help_text", "Two lines."),
        lambda f: f.fields["topic"].__setattr__("required", False),
        lambda f: f.fields["topic"].widget.attrs.update({"maxlength": "20"}),
        lambda f: f.__setattr__("prefix", "other"),
    ],
)
def test_a_form_that_shows_anything_else_gets_its_own_rendering(renders, change):
    plain = kept_forms.crispy_kept(Offer())
    changed = Offer()
    change(changed)
    expected = as_crispy_form(changed)
    assert kept_forms.crispy_kept(changed) == expected != plain
    assert len(renders) == 2


def test_each_language_has_its_own_rendering(renders):
    class Translated(forms.Form):
        text = forms.CharField(label=translation.gettext_lazy("Text"))

    with translation.override("en"):
        english = kept_forms.crispy_kept(Translated())
    with translation.override("fr"):
        french = kept_forms.crispy_kept(Translated())
    assert len(renders) == 2
    assert english != french


def test_a_bound_form_is_rendered_every_time_with_what_was_typed(renders):
    for _ in range(2):
        bound = Offer(data={"role": "panel", "topic": ""})
        bound.is_valid()
        html = kept_forms.crispy_kept(bound)
        assert "This field is required." in html
    assert len(renders) == 2
    typed = Offer(data={"role": "floor", "topic": "Remittances"})
    assert 'value="Remittances"' in kept_forms.crispy_kept(typed)


def test_a_value_the_digest_cannot_spell_is_rendered_afresh(renders):
    class Opaque:
        def __str__(self):
            return "opaque"

    form = Offer(initial={"topic": Opaque()})
    kept_forms.crispy_kept(form)
    kept_forms.crispy_kept(Offer(initial={"topic": Opaque()}))
    assert len(renders) == 2


def test_a_safe_text_and_the_same_plain_text_never_share_a_rendering(renders):
    plain, safe = Offer(), Offer()
    plain.fields["topic"].label = "<b>Topic</b>"
    safe.fields["topic"].label = mark_safe("<b>Topic</b>")
    assert kept_forms.digest(plain) != kept_forms.digest(safe)
    kept_forms.crispy_kept(plain)
    kept_forms.crispy_kept(safe)
    assert len(renders) == 2
