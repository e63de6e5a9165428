from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from reminders import rules, services
from reminders.enums import Kind
from reminders.models import Preference


class PreferencesForm(forms.Form):
    def __init__(self, *args, off: set[str], **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in Kind.choices:
            self.fields[kind] = forms.BooleanField(label=label, required=False, initial=kind not in off)


@login_required
def preferences(request):
    """Each kind of optional reminder on or off; account and security e-mails cannot be turned off."""
    off = set(Preference.objects.filter(user=request.user, enabled=False).values_list("kind", flat=True))
    form = PreferencesForm(request.POST or None, off=off)
    if request.method == "POST" and form.is_valid():
        for kind in Kind.values:
            Preference.objects.update_or_create(
                user=request.user, kind=kind, defaults={"enabled": form.cleaned_data[kind]}
            )
        messages.success(request, _("Your reminder settings are saved."))
        return redirect("reminders:preferences")
    audiences = {kind: rule.audience for kind, rule in rules.rules().items()}
    fields = [(form[kind], audiences.get(kind, "")) for kind in Kind.values]
    return render(request, "reminders/preferences.html", {"form": form, "fields": fields})


@csrf_exempt  # the signed token is the credential; mail clients send one-click unsubscribes without a session
def unsubscribe(request, token: str):
    """One click, no sign-in: the link in each reminder turns that kind of reminder off for its recipient."""
    found = services.read_unsubscribe_token(token)
    if found is None:
        raise Http404
    user_id, kind = found
    done = False
    if request.method == "POST":
        services.turn_off(user_id, kind)
        done = True
    return render(request, "reminders/unsubscribe.html", {"kind": Kind(kind).label, "done": done, "token": token})
