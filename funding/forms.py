from decimal import Decimal

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from consultations.enums import ConsultationStatus
from consultations.models import Consultation
from funding.enums import SelfIdentification
from funding.models import MAX_AMOUNT, Application
from portal.validators import clean_name


class ApplicationForm(forms.ModelForm):
    """Every field may be empty in a draft; submitting checks what is required."""

    self_identification = forms.MultipleChoiceField(
        label=_("How you identify (optional, never required)"),
        choices=SelfIdentification.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Only the secretariat and the committees see this; it raises the priority of under-represented groups."
        ),
    )

    class Meta:
        model = Application
        fields = [
            "consultation",
            "travelling_from",
            "travel_cost",
            "accommodation_cost",
            "daily_allowance",
            "language",
            "justification",
            "representation",
            "self_identification",
        ]
        widgets = {
            "justification": forms.Textarea(attrs={"rows": 5}),
            "representation": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        # A consultation still in draft is the secretariat's alone: never offered, whatever the call names.
        consultations = call.consultations.all() if call.consultations.exists() else None
        if consultations is None:
            consultations = Consultation.objects.filter(event__cycle=call.cycle)
        self.fields["consultation"].queryset = consultations.exclude(status=ConsultationStatus.DRAFT).order_by("pk")
        for name in ("travel_cost", "accommodation_cost", "daily_allowance"):
            self.fields[name].widget.attrs.update({"min": "0", "step": "0.01", "inputmode": "decimal"})
            self.fields[name].help_text = _("Estimated, in US dollars.")
        if self.instance.pk is None:
            self.initial.setdefault("language", get_language())
        # Not sent (an older form, a script): the language the page is read in.
        self.fields["language"].required = False
        self.fields["language"].help_text = _(
            "Write in the language you are most at ease in: reviewers who read another can ask for a translation."
        )

    def clean_language(self) -> str:
        if chosen := self.cleaned_data.get("language"):
            return chosen
        return self.instance.language if self.instance.pk else get_language()


class BoundToRevision(forms.Form):
    """A reviewer's form names the revision of the application it was shown with (funding.services)."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class ScreeningForm(BoundToRevision):
    eligible = forms.TypedChoiceField(
        label=_("Screening"),
        choices=[("1", _("Eligible")), ("0", _("Not eligible"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason (required when not eligible)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def amount_field(label):
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=Decimal("0.01"),
        max_value=MAX_AMOUNT,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
    )


class RecommendationForm(BoundToRevision):
    recommend = forms.TypedChoiceField(
        label=_("Your recommendation"),
        choices=[("1", _("Recommend")), ("0", _("Do not recommend"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    amount = amount_field(_("Amount you recommend (USD)"))
    comment = forms.CharField(label=_("Comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(BoundToRevision):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Approve")), ("0", _("Do not approve"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    amount = amount_field(_("Approved amount (USD)"))
    reason = forms.CharField(
        label=_("Reason (required when not approving)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Sent to the applicant with the decision."),
    )
    reason_against_recommendation = forms.CharField(
        label=_("Why you decide against the Executive Committee's recommendation"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Required when you approve an application the committee did not recommend, approve more than the "
            "amount it recommended, or do not approve one it recommended. The committee and the secretariat read "
            "it with the application; it is not part of the decision sent to the applicant."
        ),
    )


class ConflictForm(forms.Form):
    organisation = forms.CharField(
        label=_("Or an organisation you are conflicted with"),
        required=False,
        max_length=200,
        help_text=_("Every application from this organisation is then hidden from you."),
    )
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=300)

    def clean_organisation(self):
        return clean_name(self.cleaned_data["organisation"])
