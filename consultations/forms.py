from django import forms
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from consultations.enums import SessionKind, SpeakingRole
from consultations.models import Proposal, SelectionCriteria, Session
from consultations.services import (
    INPUT_SUMMARY_WORDS,
    interest_limits,
    proposal_date_limit,
    proposal_date_refusal,
    statement_word_count,
)
from consultations.slate import DIMENSIONS
from portal.enums import Expertise
from portal.uploads import validate_document
from portal.validators import clean_name


class RegistrationForm(forms.Form):
    attendance = forms.ChoiceField(label=_("How will you take part?"), widget=forms.RadioSelect)

    def __init__(self, *args, consultation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendance"].choices = consultation.attendance_choices
        if len(consultation.attendance_choices) == 1:
            self.fields["attendance"].initial = consultation.attendance_choices[0][0]


class InterestForm(forms.Form):
    role = forms.ChoiceField(label=_("I offer to be"), choices=SpeakingRole.choices)
    session = forms.ModelChoiceField(
        label=_("Roundtable"),
        queryset=Session.objects.none(),
        required=False,
        help_text=_(
            "Panelists, moderators and speakers from the floor offer for one roundtable; the rapporteur "
            "reports on the whole consultation."
        ),
    )
    expertise = forms.ChoiceField(
        label=_("Area of expertise (optional)"),
        choices=[("", "---------"), *Expertise.choices],
        required=False,
        help_text=_("The area you would speak to; the speakers' list is balanced by expertise too."),
    )
    topic = forms.CharField(label=_("Topic"), max_length=200)

    def __init__(self, *args, consultation=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        roundtables = (
            Session.objects.filter(consultation=consultation, kind=SessionKind.ROUNDTABLE).order_by("position", "pk")
            if consultation is not None
            else Session.objects.none()
        )
        self.fields["session"].queryset = roundtables
        self.fields["session"].empty_label = _("None: I offer to be the rapporteur")
        if consultation is None or not roundtables.exists():
            del self.fields["session"]
        profile = getattr(user, "profile", None) if user is not None and user.is_authenticated else None
        if profile is not None and profile.expertise_codes:
            self.fields["expertise"].initial = profile.expertise_codes[0]
        # Built here: the limits are live settings, and the help is formatted in the language of the request
        # (formatted at import it stayed in English).
        self.word_limit, char_limit = interest_limits()
        self.fields["statement"] = forms.CharField(
            label=_("Short statement"),
            max_length=char_limit,
            widget=forms.Textarea(attrs={"rows": 6}),
            help_text=_("What you would say and the experience you bring, in at most %(limit)d words.")
            % {"limit": self.word_limit},
        )

    def clean(self):
        cleaned = super().clean()
        if "session" in self.fields:
            role, session = cleaned.get("role"), cleaned.get("session")
            if role == SpeakingRole.RAPPORTEUR:
                cleaned["session"] = None
            elif role and session is None and "session" not in self.errors:
                self.add_error("session", _("Choose the roundtable you offer to speak at."))
        return cleaned

    def clean_topic(self):
        return clean_name(self.cleaned_data["topic"])

    def clean_statement(self):
        statement = self.cleaned_data["statement"].strip()
        over = statement_word_count(text=statement) - self.word_limit
        if over > 0:
            raise forms.ValidationError(
                ngettext(
                    "Please shorten your statement by %(over)d word (limit: %(limit)d).",
                    "Please shorten your statement by %(over)d words (limit: %(limit)d).",
                    over,
                )
                % {"over": over, "limit": self.word_limit}
            )
        return statement


class ProposalForm(forms.ModelForm):
    class Meta:
        model = Proposal
        fields = ["kind", "title", "level", "region", "date", "organisers", "link"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The browser's date picker offers only the days the form takes; the server checks them all the same.
        today = timezone.localdate()
        self.fields["date"].widget.attrs.update(
            {"min": today.isoformat(), "max": proposal_date_limit(today=today).isoformat()}
        )

    def clean_title(self):
        return clean_name(self.cleaned_data["title"])

    def clean_organisers(self):
        return clean_name(self.cleaned_data["organisers"])

    def clean_date(self):
        # The service's rule, so the error sits next to the field: not passed, not beyond the horizon.
        date = self.cleaned_data["date"]
        if refusal := proposal_date_refusal(day=date):
            raise forms.ValidationError(refusal)
        return date


class CriteriaForm(forms.ModelForm):
    """The selection criteria of one consultation: limits per dimension, their order, and who may offer."""

    SAVED = [*(f"max_{dim}" for dim in DIMENSIONS), "preference", "un_system_may_offer"]
    RANKS = (
        _("Kept longest (most important)"),
        _("Second"),
        _("Third"),
        _("Fourth"),
        _("Let go first (least important)"),
    )

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    class Meta:
        model = SelectionCriteria
        fields = [*(f"max_{dim}" for dim in DIMENSIONS), "un_system_may_offer"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dimension_labels()
        self.fields["version"].initial = self.instance.version
        order = self.instance.order
        for index, label in enumerate(self.RANKS):
            self.fields[f"rank_{index}"] = forms.ChoiceField(
                label=label, choices=list(labels.items()), initial=order[index] if index < len(order) else None
            )
        for dim in DIMENSIONS:
            # The model's bounds (1 % to 100 %), checked once with one message, and in the page too.
            self.fields[f"max_{dim}"] = forms.IntegerField(
                label=_("%(dimension)s: largest share of the list (%%)") % {"dimension": labels[dim]},
                min_value=1,
                max_value=100,
            )

    def clean(self):
        cleaned = super().clean()
        ranks = [cleaned.get(f"rank_{index}") for index in range(len(self.RANKS))]
        if None not in ranks:
            if sorted(ranks) != sorted(DIMENSIONS):
                raise forms.ValidationError(_("Put each dimension once in the order of preference."))
            cleaned["preference"] = ",".join(ranks)
        return cleaned


def dimension_labels() -> dict[str, str]:
    """The balance dimensions of 001 Annex 2 as the pages name them."""
    return {
        "expertise": _("Expertise"),
        "constituency": _("Sector"),
        "country": _("Country"),
        "subregion": _("Sub-region"),
        "gender": _("Gender"),
    }


class WrittenInputForm(forms.Form):
    """A written input to a call (004): on whose behalf, a title, a short summary, its language and the document."""

    organisation = forms.CharField(
        label=_("On behalf of"),
        max_length=200,
        help_text=_("The organisation, network or government the input is from. It is shown with the input."),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Short summary"),
        max_length=2_000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    language = forms.ChoiceField(label=_("Language of the document"), choices=settings.LANGUAGES)
    document = forms.FileField(
        label=_("Document"),
        help_text=_("A PDF or an office document (Word, OpenDocument), at most 20 MB."),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["summary"].help_text = _("What the input says, in at most %(words)d words.") % {
            "words": INPUT_SUMMARY_WORDS
        }
        self.fields["document"].max_length = None
        profile = getattr(user, "profile", None) if user is not None and user.is_authenticated else None
        if profile is not None:
            self.fields["organisation"].initial = profile.organisation
        self.fields["language"].initial = translation.get_language()
        self.content_type = ""

    def clean_organisation(self):
        return clean_name(self.cleaned_data["organisation"])

    def clean_title(self):
        return clean_name(self.cleaned_data["title"])

    def clean_summary(self):
        summary = self.cleaned_data["summary"].strip()
        over = statement_word_count(text=summary) - INPUT_SUMMARY_WORDS
        if over > 0:
            raise forms.ValidationError(
                ngettext(
                    "Please shorten the summary by %(over)d word (limit: %(limit)d).",
                    "Please shorten the summary by %(over)d words (limit: %(limit)d).",
                    over,
                )
                % {"over": over, "limit": INPUT_SUMMARY_WORDS}
            )
        return summary

    def clean_document(self):
        upload = self.cleaned_data["document"]
        self.content_type = validate_document(upload)
        return upload
