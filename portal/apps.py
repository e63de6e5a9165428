from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Accounts and roles")

    def ready(self) -> None:
        from portal import receivers  # noqa: F401 - connects signal receivers
        from portal.cache import connect_signals

        connect_signals()


class PortalAdminConfig(AdminConfig):
    default_site = "portal.admin_site.PortalAdminSite"

    def ready(self) -> None:
        super().ready()  # autodiscovers every app's admin module
        from allauth.mfa.models import Authenticator
        from django.contrib import admin

        # Second factors are removed only through the audited reset (portal.services.second_factor_reset),
        # never edited or deleted in the admin, where a superuser could also remove their own.
        if admin.site.is_registered(Authenticator):
            admin.site.unregister(Authenticator)
