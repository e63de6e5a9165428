from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.core import context
from allauth.core.internal import ratelimit
from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from django import forms
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from django.utils.dates import WEEKDAYS
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portal import services
from portal.enums import ClaimedAffiliation, Constituency, Expertise, Gender
from portal.models import Profile
from portal.tasks import enqueue, send_second_factor_warning
from portal.timezones import time_zone_choices
from portal.validators import clean_name

PROFILE_FIELDS = [
    "display_name",
    "organisation",
    "constituency",
    "country",
    "gender",
    "preferred_language",
    "claimed_affiliation",
]


class ExpertiseField(forms.MultipleChoiceField):
    """Ticked areas of portal.enums.Expertise, kept as one text of codes (Profile.expertise)."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(choices=Expertise.choices, required=False, **kwargs)

    def prepare_value(self, value):
        return value.split(",") if isinstance(value, str) else value

    def clean(self, value):
        return ",".join(super().clean(value))


class ProfileFieldsMixin:
    """Shared cleaning of the profile's free-text fields."""

    def clean_display_name(self):
        value = clean_name(self.cleaned_data["display_name"])
        if not value:
            raise forms.ValidationError(_("Please enter the name to show with what you post."))
        return value

    def clean_organisation(self):
        return clean_name(self.cleaned_data.get("organisation", ""))


class SignupForm(ProfileFieldsMixin, AllauthSignupForm):
    """Sign-up collects the account and the profile in one step."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=80,
        help_text=_("Shown with what you post. It need not be your legal name."),
    )
    organisation = forms.CharField(label=_("Organisation (optional)"), max_length=200, required=False)
    constituency = forms.ChoiceField(label=_("Constituency"), choices=[("", "---------"), *Constituency.choices])
    # The model field's own form field: its country names are read in the language of each request.
    country = Profile._meta.get_field("country").formfield(label=_("Country"), help_text="")
    gender = forms.ChoiceField(
        label=_("Gender (optional)"),
        choices=[("", "---------"), *Gender.choices],
        required=False,
        help_text=_("Used only, in aggregate, to balance speakers and funding."),
    )
    preferred_language = forms.ChoiceField(label=_("Preferred language"), choices=settings.LANGUAGES)
    claimed_affiliation = forms.ChoiceField(
        label=_("I take part as"),
        choices=ClaimedAffiliation.choices,
        initial=ClaimedAffiliation.STAKEHOLDER,
        help_text=_("UN system and Member State affiliations are verified by the secretariat before they apply."),
    )
    privacy_consent = forms.BooleanField(label=_("I have read and accept the privacy notice."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preferred_language"].initial = translation.get_language()
        self.fields["privacy_consent"].help_text = format_html(
            '<a href="{}">{}</a>', reverse("portal:privacy"), _("Read the privacy notice")
        )
        for name in ("email", "password1", "password2"):
            self.fields[name].widget.attrs.pop("placeholder", None)

    def signup(self, request, user) -> None:
        services.profile_create(user=user, **{name: self.cleaned_data[name] for name in PROFILE_FIELDS})

    def try_save(self, request):
        """An address that already has an account gets the same answer as a new one, in the same time.

        allauth already answers both with the same page (and mails the owner of an existing address instead
        of creating an account); only a new account hashed the password, which made the existing address
        answer several times faster. Hashing it here too, and forgetting the hash, takes that difference away.
        """
        if self.account_already_exists:
            make_password(self.cleaned_data.get("password1"))
        return super().try_save(request)


class ProfileForm(ProfileFieldsMixin, forms.ModelForm):
    """A person's own profile. The view saves it with ``services.profile_update``, where a changed affiliation
    takes the role away until it is verified; never with ``save()``."""

    expertise = ExpertiseField(
        label=_("Areas of expertise (optional)"),
        help_text=_("Used, with sector, country and gender, to balance the speakers of a consultation."),
    )
    time_zone = forms.ChoiceField(
        label=_("Your time zone (optional)"),
        required=False,
        help_text=_(
            "Meeting times are shown in the meeting's zone and in yours, on pages and in e-mails. Not set: pages "
            "use your browser's zone and e-mails only the meeting's."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = [("", _("Not set")), *time_zone_choices()]
        # A page opened before the setting existed posts without it: the saved choice stays (a browser always
        # sends one of the radio buttons).
        self.fields["digest"].required = False
        self.fields["digest"].help_text = _(
            "One e-mail with the new posts in the discussion spaces and questions you follow, and the news and "
            "deadlines of the consultations you follow. Daily: each morning; weekly: on %(weekday)s. Nothing is "
            "sent when nothing is new. Reminders of single deadlines are set apart, under “Reminders by e-mail”."
        ) % {"weekday": WEEKDAYS[settings.DIGEST_WEEKDAY]}

    def clean_digest(self) -> str:
        return self.cleaned_data["digest"] or self.instance.digest

    class Meta:
        model = Profile
        fields = [*PROFILE_FIELDS, "expertise", "time_zone", "plain_email", "digest"]
        labels = {
            "organisation": _("Organisation (optional)"),
            "gender": _("Gender (optional)"),
            "claimed_affiliation": _("I take part as"),
            "digest": _("Digest of what you follow, by e-mail"),
        }
        help_texts = {
            "claimed_affiliation": _(
                "Changing your affiliation asks the secretariat to verify it; until then you can read but not "
                "post, register or apply."
            ),
        }
        widgets = {"digest": forms.RadioSelect}


class AccountDeleteForm(forms.Form):
    """Deleting an account cannot be undone, so it asks for the password and a plain yes."""

    password = forms.CharField(
        label=_("Your password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    confirm = forms.BooleanField(label=_("I understand that my account and personal data will be erased for good."))

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("This is not your password."))
        return password


class _CodeLimitPerAccount:
    """allauth's second-factor code form, also limited per account (``SECOND_FACTOR_CODE_LIMIT``).

    allauth counts wrong codes with the failed sign-ins, which the portal limits per network address only (so
    that nobody locks another person out): someone holding a staff password could then try codes from many
    addresses. Reaching the code step takes the right password, so this per-account limit stops only whoever
    has it; the owner waits a few minutes, or resets the password if it was not them.
    """

    def clean_code(self) -> str:

        request, key = context.request, f"second-factor:{self.user.pk}"
        limit = {"code": settings.SECOND_FACTOR_CODE_LIMIT}
        if not ratelimit.consume(request, app="portal", action="code", config=limit, key=key):
            _warn_owner(self.user)
            raise forms.ValidationError(
                _("Too many wrong codes for this account. Wait a few minutes before you try again."),
                code="second_factor_paused",
            )
        code = super().clean_code()
        ratelimit.clear(request, app="portal", action="code", config=limit, key=key)
        return code


def _warn_owner(user) -> None:
    """Tell the owner, once a day, that someone with their password is failing their second factor."""

    if cache.add(f"portal:second-factor-warning:{user.pk}", True, timeout=60 * 60 * 24):
        enqueue(send_second_factor_warning.s(user_id=user.pk))


class SecondFactorCodeForm(_CodeLimitPerAccount, AuthenticateForm):
    pass


class SecondFactorReauthenticateForm(_CodeLimitPerAccount, ReauthenticateForm):
    pass


class TranslationForm(forms.Form):
    """A person's translation of a published text into one language; left empty, it withdraws the translation."""

    language = forms.ChoiceField(label=_("Into"))
    text = forms.CharField(
        label=_("Translation"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Translate the whole text, faithfully. Leave it empty and save to withdraw your translation."),
    )
    shown_digest = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, source_language: str, languages: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [
            (code, name)
            for code, name in settings.LANGUAGES
            if code != source_language and (languages is None or code in languages)
        ]
