from django.contrib import admin, messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
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
        # and rate limits. Someone already signed in is not sent there again:
        # the sign-in page would send them straight back here, round and round.
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), resolve_url("account_login"))
        if not self.has_permission(request):
            messages.error(request, gettext("Your account does not give access to the administration."))
            return redirect("portal:home")
        next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
        if url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return redirect(next_url)
        return redirect("admin:index")
