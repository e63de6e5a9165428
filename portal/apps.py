from constance.apps import ConstanceConfig
from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Accounts and roles")

    def ready(self) -> None:
        from portal import receivers  # noqa: F401, PLC0415 - connects signal receivers once models are ready
        from portal.cache import connect_signals  # noqa: PLC0415 - models load once the app registry is ready

        connect_signals()
        # Each app's part in a person's copy and in the erasure of their account (portal.privacy_registry), in
        # the digest of what a person follows (portal.digest) and in their private calendar feed
        # (portal.personal_calendar).
        autodiscover_modules("privacy")
        autodiscover_modules("digest")
        autodiscover_modules("ical")
        # Each app's content that volunteers may translate (portal.content_translation).
        autodiscover_modules("translating")


class PortalAdminConfig(AdminConfig):
    default_site = "portal.admin_site.PortalAdminSite"

    def ready(self) -> None:
        super().ready()  # autodiscovers every app's admin module
        from allauth.mfa.models import Authenticator  # noqa: PLC0415 - models load once the app registry is ready
        from django.contrib import admin  # noqa: PLC0415 - the site exists once every admin module is loaded

        # Second factors are removed only through the audited reset (portal.services.second_factor_reset),
        # never edited or deleted in the admin, where a superuser could also remove their own.
        if admin.site.is_registered(Authenticator):
            admin.site.unregister(Authenticator)


class LiveSettingsConfig(ConstanceConfig):
    """django-constance, under a name the secretariat reads in the administration's index."""

    verbose_name = _("Live settings")


# Words of django-constance's page that its own catalogue lacks in some UN languages: marked here so that
# `make messages` keeps them in ours, which Django reads first (LOCALE_PATHS).
LIVE_SETTINGS_PAGE_WORDS = (
    gettext_noop("config"),
    gettext_noop("Reset to default"),
    gettext_noop("Live settings updated successfully."),
    gettext_noop("Failed to update live settings."),
    gettext_noop("Default"),
    gettext_noop("Value"),
    gettext_noop("Is modified"),
)
