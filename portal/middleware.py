from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import translate_url
from django.utils.translation import gettext as _

from portal.permissions import is_staff_member

SESSION_KEY = "_portal_apply_language"


def remember_preferred_language(request, language: str) -> None:
    """Ask the middleware to switch to ``language`` on this request's response."""
    if language in dict(settings.LANGUAGES):
        request.session[SESSION_KEY] = language


def set_language_cookie(response, language: str) -> None:
    """Remember the language for later visits to un-prefixed URLs."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


class PreferredLanguageMiddleware:
    """Applies a person's preferred language when they sign in or change it.

    The redirect that follows the sign-in is rewritten to the same page in the
    preferred language, and the language cookie is set so later visits to
    un-prefixed URLs land in it too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        language = session.pop(SESSION_KEY, None) if session is not None else None
        if language:
            if response.status_code in (301, 302, 303, 307, 308) and response.get("Location"):
                response["Location"] = translate_url(response["Location"], language)
            set_language_cookie(response, language)
        return response


# What a staff member without a second factor may still open: setting one up, signing out, the language.
ENROLMENT_URL_NAMES = frozenset(
    {
        "metrics",  # answered only inside the deployment, whoever's session comes with it
        "mfa_index",
        "mfa_activate_totp",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
        "mfa_list_webauthn",
        "mfa_add_webauthn",
        "mfa_reauthenticate_webauthn",
        "mfa_reauthenticate",
        "account_reauthenticate",
        "account_logout",
        "switch_language",
        "set_language",
        "healthz",
        "portal:privacy",
    }
)


def has_second_factor(user) -> bool:

    return Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()


class SecondFactorRequiredMiddleware:
    """Staff use a second factor: until they set one up, every other page sends them to the set-up page.

    Staff are every role that opens the administration, and superusers
    (portal.permissions.is_staff_member), so a staff role added later is covered
    without a change here. The check reads one indexed row per staff request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):

        match = request.resolver_match
        name = match.view_name if match else ""
        if name in ENROLMENT_URL_NAMES or not is_staff_member(request.user) or has_second_factor(request.user):
            return None
        messages.warning(
            request,
            _(
                "Your account decides for others, so it needs a second factor: set up an authenticator app "
                "(or a security key) to continue."
            ),
        )
        return redirect("mfa_index")
