from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        """Account mail (verification, password reset), in the person's language, sent by a Celery task.

        The message is rendered here, in the preferred language when we know it (else the page's), and
        handed to a task that retries while the mail server is unreachable: a failing mail server never
        turns a sign-up or a password reset into an error page.
        """
        from django.utils import translation

        from portal.models import Profile
        from portal.tasks import enqueue, send_prepared_mail

        profile = Profile.objects.filter(user__email__iexact=email).only("preferred_language").first()
        language = profile.preferred_language if profile else translation.get_language()
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        with translation.override(language):
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
