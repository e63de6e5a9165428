from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from reminders import registry, selectors, services


class PreferencesForm(forms.Form):
    def __init__(self, *args, off: set[str], labels: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in labels.items():
            self.fields[kind] = forms.BooleanField(label=label, required=False, initial=kind not in off)


@login_required
def preferences(request):
    """Each kind of optional reminder the person can receive, on or off; account and security e-mails cannot be
    turned off. Kinds for other roles (the secretariat's, the moderators') are neither shown nor changed."""
    rules = registry.rules_for(request.user)
    off = selectors.kinds_turned_off(user=request.user)
    form = PreferencesForm(request.POST or None, off=off, labels={kind: rule.title() for kind, rule in rules.items()})
    if request.method == "POST" and form.is_valid():
        for kind in rules:
            services.preference_set(user=request.user, kind=kind, enabled=form.cleaned_data[kind])
        messages.success(request, _("Your reminder settings are saved."))
        return redirect("reminders:preferences")
    fields = [(form[kind], rule.audience) for kind, rule in rules.items()]
    return render(request, "reminders/preferences.html", {"form": form, "fields": fields})


@csrf_exempt  # the signed token is the credential; mail clients send one-click unsubscribes without a session
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """One click, no sign-in: the link in each reminder turns that kind of reminder off for its recipient.

    GET shows the question (a link scanner changes nothing), POST answers it. The link of an account since
    erased or deactivated leads nowhere: nothing is written for it.
    """
    found = services.unsubscribe_token_read(token=token)
    if found is None:
        raise Http404
    user_id, kind = found
    user = get_object_or_404(get_user_model(), pk=user_id, is_active=True)
    done = False
    if request.method == "POST":
        services.preference_set(user=user, kind=kind, enabled=False)
        done = True
    return render(request, "reminders/unsubscribe.html", {"kind": registry.label(kind), "done": done, "token": token})
