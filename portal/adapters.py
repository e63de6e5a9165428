from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        # Account mail (verification, password reset) goes out in the person's
        # preferred language when we know it, else in the page's language.
        from django.utils import translation

        from portal.models import Profile

        profile = Profile.objects.filter(user__email__iexact=email).only("preferred_language").first()
        language = profile.preferred_language if profile else translation.get_language()
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        with translation.override(language):
            super().send_mail(template_prefix, email, context)
