from django.conf import settings
from django.urls import translate_url

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
