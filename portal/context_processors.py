from django.conf import settings

from portal.permissions import CAPABILITIES, can


class _Capabilities:
    """``{% if can.discussions.post %}`` style look-ups for templates, per request user."""

    def __init__(self, user, prefix: str = ""):
        self._user = user
        self._prefix = prefix

    def __getitem__(self, key: str):
        name = f"{self._prefix}{key}"
        if name in CAPABILITIES:
            return can(self._user, name)
        if any(cap.startswith(f"{name}.") for cap in CAPABILITIES):
            return _Capabilities(self._user, f"{name}.")
        raise KeyError(name)


def portal(request) -> dict:
    return {
        "PORTAL_LANGUAGES": settings.LANGUAGES,
        "site_name": settings.PORTAL_SITE_NAME,
        "can": _Capabilities(getattr(request, "user", None)),
    }
