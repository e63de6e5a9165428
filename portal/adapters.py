from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from portal import sign_in
from portal.models import Profile
from portal.security import client_ip
from portal.tasks import enqueue, send_prepared_mail


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request) -> str:
        """The same address django-axes locks (portal.security.client_ip), for allauth's rate limits."""

        return client_ip(request) or super().get_client_ip(request)

    def pre_authenticate(self, request, **credentials) -> None:
        """Before the password is checked: allauth's per-address limit, then the pause of portal/sign_in.py."""
        super().pre_authenticate(request, **credentials)
        if sign_in.paused_for(request, credentials.get("email")):
            sign_in.send_confirmation(request, credentials.get("email"), credentials.get("password", ""))
            raise forms.ValidationError(
                _(
                    "Failed sign-ins to this account came from several places, so signing in from a new browser "
                    "needs one more step for a while. If your password was right, we have sent you an e-mail "
                    "with a link that finishes signing in."
                ),
                code="sign_in_confirm_by_mail",
            )

    def post_login(self, request, user, **kwargs):
        """After a successful sign-in (second factor included), this browser is one the person is known to use."""
        response = super().post_login(request, user, **kwargs)
        sign_in.remember_device(response, user.email)
        return response

    def send_mail(self, template_prefix, email, context):
        """Account mail (verification, password reset), in the person's language, sent by a Celery task.

        The message is rendered here, in the preferred language when we know it (else the page's), and
        handed to a task that retries while the mail server is unreachable: a failing mail server never
        turns a sign-up or a password reset into an error page.
        """

        profile = Profile.objects.filter(user__email__iexact=email).only("preferred_language").first()
        language = profile.preferred_language if profile else translation.get_language()
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        with translation.override(language):
            # As allauth's own send_mail does, the site the mail speaks for: the portal's name and address.
            context = {"email": email, "current_site": _portal_site(), **context}
            message = self.render_mail(template_prefix, email, context)
        html = next((body for body, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"), "")
        enqueue(
            send_prepared_mail.s(
                subject=message.subject,
                body=message.body,
                html=html,
                to=list(message.to),
                from_email=message.from_email,
            )
        )


def _portal_site():
    """What allauth's mail templates call the site: the portal's name, in the mail's language, and its host."""

    return SimpleNamespace(name=str(settings.PORTAL_SITE_NAME), domain=urlsplit(settings.PORTAL_BASE_URL).netloc)


def user_display(user) -> str:
    """How allauth names an account in its pages and mail: by its address, never by a name its holder chose.

    A verification mail goes to whatever address was typed at sign-up, and quoted the display name chosen by
    whoever typed it: anybody could put a line of their own into a mail the portal sends to someone else.
    """
    return user.email
