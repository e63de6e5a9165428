"""Who may do what: the one table every view, template and admin page reads.

Roles are Django groups named after :class:`portal.enums.Role` (created by a
data migration). A person's roles are the groups they belong to; superusers
may do everything. Capabilities are plain strings; model permissions used by
the Django admin (``app_label.codename``) live in the same table, so the admin
and the portal's own pages never disagree.

UN system and Member State roles are only granted once the secretariat has
verified the claim made at sign-up (see ``portal.services``).
"""

from collections.abc import Iterable

from django.contrib.auth.backends import BaseBackend

from portal.enums import Role

SIGNED_IN = "__signed_in__"

# Capabilities of the portal's own pages.
CAPABILITIES: dict[str, frozenset[str]] = {
    "portal.access_admin": frozenset({Role.SECRETARIAT, Role.MODERATOR, Role.EXECUTIVE_COMMITTEE, Role.MPTF_CHAIR}),
    "portal.verify_roles": frozenset({Role.SECRETARIAT}),
    "reviews.manage_calendar": frozenset({Role.SECRETARIAT}),
    "consultations.register": frozenset({Role.STAKEHOLDER, Role.UN_SYSTEM, Role.MEMBER_STATE}),
    "consultations.manage": frozenset({Role.SECRETARIAT}),
    "discussions.read": frozenset({SIGNED_IN}),
    "discussions.post": frozenset({Role.STAKEHOLDER, Role.UN_SYSTEM}),
    "discussions.moderate": frozenset({Role.MODERATOR}),
    "discussions.analyse": frozenset({Role.SECRETARIAT}),
    "funding.apply": frozenset({Role.STAKEHOLDER}),
    "funding.screen": frozenset({Role.SECRETARIAT}),
    "funding.recommend": frozenset({Role.EXECUTIVE_COMMITTEE}),
    "funding.decide": frozenset({Role.MPTF_CHAIR}),
}

# Django model permissions, per role, for the administration.
MODEL_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.SECRETARIAT: frozenset(
        {
            "portal.view_user",
            "portal.change_user",
            "portal.view_profile",
            "portal.change_profile",
            "portal.verify_role",
            "portal.view_pendingverification",
            "portal.change_pendingverification",
            "reviews.view_region",
            "reviews.change_region",
            *(
                f"reviews.{action}_{model}"
                for model in ("reviewcycle", "source", "event", "datestatement")
                for action in ("view", "add", "change", "delete")
            ),
            "reviews.view_datechange",
            *(
                f"consultations.{action}_{model}"
                for model in ("consultation", "expressionofinterest", "session", "proposal", "summarydocument")
                for action in ("view", "add", "change", "delete")
            ),
            "consultations.view_registration",
            "consultations.view_pendingaccreditation",
            "consultations.change_pendingaccreditation",
            "consultations.export_registrations",
            *(
                f"discussions.{action}_{model}"
                for model in ("space", "phase", "guidingquestion", "tag", "analysispaper")
                for action in ("view", "add", "change")
            ),
            *(f"funding.{action}_call" for action in ("view", "add", "change")),
            "funding.view_application",
            "funding.view_conflict",
            "funding.view_exportlog",
            "reminders.view_reminder",
            "portal.view_auditentry",
            "portal.view_signinlock",
            "portal.delete_signinlock",
            "portal.view_unsenttask",
            # The live settings (django-constance): lead times and limits that are the portal's own choice.
            "constance.view_config",
            "constance.change_config",
        }
    ),
    Role.MODERATOR: frozenset(
        {
            "discussions.view_post",
            "discussions.change_post",
            "discussions.view_pendingpost",
            "discussions.change_pendingpost",
            "discussions.view_moderationdecision",
        }
    ),
    Role.EXECUTIVE_COMMITTEE: frozenset(),
    Role.MPTF_CHAIR: frozenset(),
}


def roles_of(user) -> frozenset[str]:
    """The role names of ``user``, read once per request and kept on the object."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_portal_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True)) | {SIGNED_IN}
        user._portal_roles = cached
    return cached


def forget_roles(user) -> None:
    """Drop the cached roles after group membership changed."""
    if hasattr(user, "_portal_roles"):
        del user._portal_roles
    for attr in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        if hasattr(user, attr):
            delattr(user, attr)


def can(user, capability: str) -> bool:
    """True if ``user`` may do ``capability`` (see :data:`CAPABILITIES`)."""
    if capability not in CAPABILITIES:
        raise KeyError(f"Unknown capability {capability!r}: add it to portal.permissions.CAPABILITIES.")
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return bool(roles_of(user) & CAPABILITIES[capability])


def has_any_role(user, roles: Iterable[str]) -> bool:
    return bool(roles_of(user) & set(roles))


# Staff roles are those that open the administration: a staff role added later is one by the same rule.
STAFF_ROLES = CAPABILITIES["portal.access_admin"]


def is_staff_member(user) -> bool:
    """Whoever decides for others: every role that opens the administration, and superusers.

    They must use a second factor. Read from the table at each call, so a staff role added to it later is
    covered at once.
    """
    return can(user, "portal.access_admin")


class RoleBackend(BaseBackend):
    """Answers ``user.has_perm`` from :data:`MODEL_PERMISSIONS` and :data:`CAPABILITIES`."""

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        if obj is not None or not user_obj.is_active or user_obj.is_anonymous:
            return set()
        perms: set[str] = set()
        for role in roles_of(user_obj):
            perms |= MODEL_PERMISSIONS.get(role, frozenset())
        perms |= {cap for cap, roles in CAPABILITIES.items() if roles & roles_of(user_obj)}
        return perms

    def has_perm(self, user_obj, perm: str, obj=None) -> bool:
        return perm in self.get_all_permissions(user_obj, obj)

    def has_module_perms(self, user_obj, app_label: str) -> bool:
        return any(p.startswith(f"{app_label}.") for p in self.get_all_permissions(user_obj))
