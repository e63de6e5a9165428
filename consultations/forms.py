from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from consultations.enums import SpeakingRole
from consultations.models import Proposal
from consultations.services import interest_limits, proposal_date_limit, proposal_date_refusal, statement_word_count
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
    topic = forms.CharField(label=_("Topic"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
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
