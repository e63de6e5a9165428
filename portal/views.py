import json

from allauth.account.utils import perform_login
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import translate_url
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token
from django.views.generic import UpdateView

from portal import privacy, services, sign_in
from portal.forms import PROFILE_FIELDS, AccountDeleteForm, ProfileForm
from portal.middleware import remember_preferred_language, set_language_cookie
from portal.models import Profile


class ProfileView(LoginRequiredMixin, UpdateView):
    form_class = ProfileForm
    template_name = "portal/profile.html"

    def get_object(self, queryset=None):
        profile = self.request.user.profile
        # Read before the form writes the submitted values onto the instance.
        self.saved_language = profile.preferred_language
        return profile

    def form_invalid(self, form):
        # 400, as every other form of the portal answers what it cannot take.
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def form_valid(self, form):
        # Read again from the database: validating the form wrote the submitted values onto its instance, and
        # the service compares the new affiliation and organisation with the ones saved.
        profile = services.profile_update(
            profile=Profile.objects.get(pk=form.instance.pk),
            **{name: form.cleaned_data[name] for name in PROFILE_FIELDS},
            expertise=form.cleaned_data["expertise"],
            time_zone=form.cleaned_data["time_zone"],
            plain_email=form.cleaned_data["plain_email"],
            digest=form.cleaned_data["digest"],
        )
        messages.success(self.request, _("Your profile has been saved."))
        if profile.preferred_language != self.saved_language:
            remember_preferred_language(self.request, profile.preferred_language)
        return redirect("portal:profile")


@login_required
def my_data(request):
    """What the person can do with their data: download a copy, or delete the account."""
    return render(request, "portal/my_data.html")


@login_required
def my_data_download(request):
    """A JSON copy of everything held about the person who asks, and nobody else."""
    body = json.dumps(privacy.personal_data(request.user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def account_delete(request):
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        privacy.account_delete(user=request.user)
        logout(request)
        messages.success(request, _("Your account has been deleted. A confirmation is on its way to your e-mail."))
        return redirect("portal:home")
    return render(request, "portal/account_delete.html", {"form": form}, status=400 if form.errors else 200)


def confirm_sign_in(request, token: str):
    """The link e-mailed to finish a sign-in from a new browser while the account is being guessed at.

    A GET shows a button (mail scanners that open links sign nobody in); the POST signs in through allauth's
    own steps, the second factor included, and marks this browser as known.
    """

    user = sign_in.user_from_confirmation(token)
    if user is None:
        return render(request, "portal/confirm_sign_in.html", {"invalid": True}, status=400)
    if request.method != "POST":
        return render(request, "portal/confirm_sign_in.html", {"email": user.email})
    return perform_login(request, user, email=user.email)


def switch_language(request):
    """The language switcher: the same page in another language.

    A GET form rather than Django's POST ``set_language``: public pages then
    carry no per-visitor CSRF token and can be cached whole (portal/cache.py).
    Only the language cookie changes, which is harmless to trigger from elsewhere.
    """
    language = request.GET.get("language", "")
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    if language not in dict(settings.LANGUAGES):
        return redirect(next_url)
    # translate_url resolves the path in the active language: use the one the path is in.
    with translation.override(translation.get_language_from_path(next_url) or translation.get_language()):
        response = redirect(translate_url(next_url, language))
    set_language_cookie(response, language)
    return response


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


@requires_csrf_token
def server_error(request):
    """A 500 page in the portal's layout, rendered with as little as possible."""
    template = loader.get_template("500.html")
    return HttpResponse(template.render({"request": request}), status=500)


def permission_denied(request, exception):
    # A reason given by the portal (a conflict of interest, say) is shown; Django's own carry none.
    reason = (
        exception.args[0] if exception is not None and exception.args and isinstance(exception.args[0], str) else ""
    )
    return render(request, "403.html", {"reason": reason}, status=403)


def page_not_found(request, exception):
    return render(request, "404.html", status=404)
