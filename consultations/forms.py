from datetime import timedelta

from django import forms
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_countries import countries

from consultations import selectors
from consultations.enums import SessionKind, SpeakingRole, TalkRole
from consultations.letters import FIELDS as LETTER_FIELDS
from consultations.letters import letter_languages, letter_values_errors, meeting_days
from consultations.models import (
    BriefingRequest,
    FeedbackResponse,
    InvitationLetter,
    Proposal,
    SelectionCriteria,
    Session,
)
from consultations.platform_reports import MAX_BYTES as MAX_REPORT_BYTES
from consultations.services import (
    BRIEFING_FIELDS,
    INPUT_SUMMARY_WORDS,
    interest_limits,
    proposal_date_limit,
    proposal_date_refusal,
    statement_word_count,
)
from consultations.slate import DIMENSIONS
from portal.enums import Constituency, Expertise, Gender
from portal.m49 import SUBREGIONS
from portal.uploads import validate_document
from portal.validators import clean_name
from reviews.enums import Modality


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

    def __init__(self, *args, consultation=None, user=None, has_roundtables=None, **kwargs):
        """``has_roundtables``: whether the consultation has any, when the page already read its sessions."""
        super().__init__(*args, **kwargs)
        roundtables = (
            Session.objects.filter(consultation=consultation, kind=SessionKind.ROUNDTABLE).order_by("position", "pk")
            if consultation is not None
            else Session.objects.none()
        )
        self.fields["session"].queryset = roundtables
        self.fields["session"].empty_label = _("None: I offer to be the rapporteur")
        if has_roundtables is None:
            has_roundtables = consultation is not None and roundtables.exists()
        if not has_roundtables:
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


def _meeting_label(consultation) -> str:
    region = consultation.event.region.name if consultation.event.region_id else "—"
    return f"{consultation.title} ({region})"


class ProposalForm(forms.ModelForm):
    class Meta:
        model = Proposal
        fields = ["kind", "title", "topic", "outline", "level", "region", "meeting", "modality", "date", "organisers"]
        fields += ["link"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}), "outline": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = selectors.named_in_public().select_related("event__region")
        self.fields["meeting"].label_from_instance = _meeting_label
        self.fields["meeting"].empty_label = _("None, or not a side event")
        self.fields["modality"].choices = [("", _("Not decided yet")), *Modality.choices]
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

    def clean_topic(self):
        return clean_name(self.cleaned_data["topic"])


class TalkSpeakerForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=TalkRole.choices)
    name = forms.CharField(label=_("Name"), max_length=200)
    organisation = forms.CharField(label=_("Organisation (optional)"), max_length=200, required=False)

    def has_changed(self):
        # An empty row keeps its role's first choice selected: only a name makes it a person.
        return bool((self.data.get(self.add_prefix("name")) or "").strip()) or bool(self.initial)

    def clean_name(self):
        return clean_name(self.cleaned_data["name"])


TalkSpeakerFormSet = forms.formset_factory(TalkSpeakerForm, extra=2, can_delete=True, max_num=30, validate_max=True)


class TalkSummaryForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Public on the page of the GCM Talk or side event once posted."),
    )


class PledgeForm(forms.Form):
    pledged_by = forms.CharField(
        label=_("Pledged by"), max_length=200, help_text=_("The organisation or Member State that pledges.")
    )
    text = forms.CharField(label=_("Pledge"), max_length=2_000, widget=forms.Textarea(attrs={"rows": 4}))
    objectives = forms.TypedMultipleChoiceField(
        label=_("GCM objectives it serves (optional)"),
        choices=[(n, _("Objective %(number)d") % {"number": n}) for n in range(1, 24)],
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    dashboard_link = forms.URLField(
        label=_("Pledging Dashboard entry (optional)"), required=False, max_length=200, assume_scheme="https"
    )

    def clean_pledged_by(self):
        return clean_name(self.cleaned_data["pledged_by"])


class TalkRegistrationForm(forms.Form):
    """Open registrations for an approved talk: a consultation with its places and deadline."""

    capacity_in_person = forms.IntegerField(label=_("Places in the room"), min_value=0, max_value=100_000, initial=0)
    capacity_virtual = forms.IntegerField(label=_("Places online"), min_value=0, max_value=100_000, initial=100)
    registration_deadline = forms.DateTimeField(
        label=_("Registration deadline"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("capacity_in_person", 0) + cleaned.get("capacity_virtual", 0) == 0 and not self.errors:
            raise forms.ValidationError(_("Give the number of places in the room, online, or both."))
        return cleaned


class BriefingRequestForm(forms.ModelForm):
    """A request for a briefing or a consultation for a stakeholder network (000)."""

    languages = forms.MultipleChoiceField(
        label=_("Languages"), choices=settings.LANGUAGES, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = BriefingRequest
        fields = list(BRIEFING_FIELDS)
        widgets = {
            "kind": forms.RadioSelect,
            "needs": forms.Textarea(attrs={"rows": 5}),
            "preferred_from": forms.DateInput(attrs={"type": "date"}),
            "preferred_to": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cycle"].required = False
        self.fields["cycle"].empty_label = _("Not sure")
        self.fields["needs"].help_text = _("What the meeting should cover, who would attend, any access needs.")
        today = timezone.localdate()
        for name in ("preferred_from", "preferred_to"):
            self.fields[name].widget.attrs.update({"min": today.isoformat()})
        if self.instance.pk:
            self.initial["languages"] = self.instance.languages.split(",")
        else:
            self.fields["languages"].initial = [translation.get_language()]
            profile = getattr(user, "profile", None) if user is not None and user.is_authenticated else None
            if profile is not None and profile.organisation:
                self.fields["network"].initial = profile.organisation

    def clean_network(self):
        return clean_name(self.cleaned_data["network"])

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("preferred_from"), cleaned.get("preferred_to")
        if start and start < timezone.localdate():
            self.add_error("preferred_from", _("The preferred period has started; choose one to come."))
        if start and end and end < start:
            self.add_error("preferred_to", _("The preferred period ends before it starts."))
        return cleaned

    def _post_clean(self):
        # The service writes the row (and its version); the model's checks are the service's.
        pass


class BriefingDecisionForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept: it becomes a meeting")), ("decline", _("Decline"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason (sent to the requester when declining)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


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


def value_label(dim: str, value: str) -> str:
    """What a balance value is called on the page: a label, never a code."""
    if not value:
        return str(_("Not given"))
    if dim == "expertise":
        return str(dict(Expertise.choices).get(value, value))
    if dim == "constituency":
        return str(dict(Constituency.choices).get(value, value))
    if dim == "country":
        return str(countries.name(value) or value)
    if dim == "subregion":
        return str(SUBREGIONS.get(value, value))
    return str(dict(Gender.choices).get(value, value))


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


class ReportForm(forms.Form):
    """The rapporteur's report in one language (consultations.reports)."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    text = forms.CharField(
        label=_("Report"),
        max_length=50_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text=_("Plain text; an empty line starts a new paragraph."),
    )


class FeedbackForm(forms.ModelForm):
    """The short form after a meeting (consultations.feedback): ratings of the organisation and one comment."""

    class Meta:
        model = FeedbackResponse
        fields = ["overall", "information", "access", "interpretation", "speaking_time", "comment"]
        widgets = {"comment": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("overall", "information", "access", "interpretation", "speaking_time"):
            field = self.fields[name]
            field.widget = forms.RadioSelect()
            choices = [choice for choice in field.choices if choice[0] != ""]
            if not field.required:
                choices.append(("", _("Does not apply / no answer")))
            field.choices = choices
        self.fields["comment"].help_text = _("Optional. Please do not name anyone: answers are anonymous.")


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=_("Code or name"),
        max_length=200,
        help_text=_("Scan the person's QR code, or type the code (for example 7KQ2-M9XD) or part of their name."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True, "autocapitalize": "characters"}),
    )


class AttendanceImportForm(forms.Form):
    report = forms.FileField(
        label=_("Participant report (CSV)"),
        help_text=_("The participant or attendance report exported from Zoom, Microsoft Teams or Webex, at most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv,text/plain"}),
    )

    def clean_report(self):
        report = self.cleaned_data["report"]
        if report.size > MAX_REPORT_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return report


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason for revoking"), max_length=500)


class LetterRequestForm(forms.ModelForm):
    """The least a visa office needs: checked against the meeting's days (consultations.letters)."""

    class Meta:
        model = InvitationLetter
        fields = list(LETTER_FIELDS)
        widgets = {
            "passport_expiry": forms.DateInput(attrs={"type": "date"}),
            "stay_from": forms.DateInput(attrs={"type": "date"}),
            "stay_to": forms.DateInput(attrs={"type": "date"}),
            "passport_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "passport_number": forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
        }

    def __init__(self, *args, consultation, **kwargs):
        super().__init__(*args, **kwargs)
        self.consultation = consultation
        names = dict(settings.LANGUAGES)
        self.fields["language"].choices = [(code, names[code]) for code in letter_languages(consultation)]
        for name in ("passport_name", "nationality", "passport_number", "passport_expiry"):
            self.fields[name].required = True
        days = meeting_days(consultation)
        if days and not self.is_bound:
            self.initial.setdefault("stay_from", days[0] - timedelta(days=1))
            self.initial.setdefault("stay_to", days[1] + timedelta(days=1))

    def clean_passport_name(self):
        return clean_name(self.cleaned_data["passport_name"])

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            for field, message in letter_values_errors(consultation=self.consultation, values=cleaned).items():
                self.add_error(field, message)
        return cleaned


class LetterDecisionForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve: issue the letter")), ("refuse", _("Refuse")), ("revoke", _("Revoke"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason (sent to the requester when refusing)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
