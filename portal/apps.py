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
