from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import resolve_url
from django.utils.translation import gettext_lazy as _

from portal.permissions import can


class PortalAdminSite(admin.AdminSite):
    """The secretariat's administration. Access follows the roles, not ``is_staff``."""

    site_header = _("GCM Regional Reviews: administration")
    site_title = _("GCM Regional Reviews administration")
    index_title = _("Secretariat and moderation")

    def has_permission(self, request) -> bool:
        return can(request.user, "portal.access_admin")

    def login(self, request, extra_context=None):
        # One sign-in path for everybody: the portal's, with its verification
        # and rate limits.
        return redirect_to_login(request.get_full_path(), resolve_url("account_login"))
