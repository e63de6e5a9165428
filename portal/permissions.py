"""Who may do what: the one table every view, template and admin page reads.

Roles are Django groups named after :class:`portal.enums.Role` (created by a
data migration). A person's roles are the groups they belong to; superusers
may do everything. Capabilities are plain strings; model permissions used by
the Django admin (``app_label.codename``) live in the same table, so the admin
and the portal's own pages never disagree.

UN system and Member State roles are only granted once the secretariat has
verified the claim made at sign-up (see ``portal.services``).

Two roles are held per region (:data:`REGIONAL_ROLES`): the regional task team
and the Regional Networks' focal points. Their group says a person holds the
role somewhere; the regions are the person's ``portal.RegionalRole`` rows, and
what the role allows holds only there (:func:`can_in_region`,
:func:`regions_for`). Either half alone grants nothing.
"""

from collections.abc import Iterable

from django.contrib.auth.backends import BaseBackend

from portal.enums import Role

SIGNED_IN = "__signed_in__"

# Capabilities of the portal's own pages.
CAPABILITIES: dict[str, frozenset[str]] = {
    "portal.access_admin": frozenset(
        {Role.SECRETARIAT, Role.MODERATOR, Role.EXECUTIVE_COMMITTEE, Role.MPTF_CHAIR, Role.FOCAL_POINT}
    ),
    "portal.verify_roles": frozenset({Role.SECRETARIAT}),
    "reviews.manage_calendar": frozenset({Role.SECRETARIAT, Role.FOCAL_POINT}),
    # The review's workspace: its dashboard, for the region's team, its focal points and the secretariat.
    "reviews.workspace": frozenset({Role.SECRETARIAT, Role.TASK_TEAM, Role.FOCAL_POINT}),
    "consultations.register": frozenset({Role.STAKEHOLDER, Role.UN_SYSTEM, Role.MEMBER_STATE}),
    # 004: "Member States and stakeholders are invited to submit voluntary inputs".
    "consultations.send_input": frozenset({Role.STAKEHOLDER, Role.MEMBER_STATE}),
    "consultations.manage": frozenset({Role.SECRETARIAT, Role.FOCAL_POINT}),
    # 001 Annex 2: speakers "decided based on agreed upon criteria by the regional stakeholder mechanism or task
    # team with support from the Network Executive Committee and Secretariat".
    "consultations.select_speakers": frozenset({Role.SECRETARIAT, Role.TASK_TEAM}),
    # Attendance: checking people in at the door, taking online attendance, the attendance list.
    "consultations.attendance": frozenset({Role.SECRETARIAT, Role.FOCAL_POINT}),
    # Certificates are revoked, and visa invitation letters (with the passport details behind them) read and
    # decided, by the secretariat alone.
    "consultations.certify": frozenset({Role.SECRETARIAT}),
    "consultations.letters": frozenset({Role.SECRETARIAT}),
    "discussions.read": frozenset({SIGNED_IN}),
    "discussions.post": frozenset({Role.STAKEHOLDER, Role.UN_SYSTEM}),
    "discussions.moderate": frozenset({Role.MODERATOR, Role.FOCAL_POINT}),
    "discussions.analyse": frozenset({Role.SECRETARIAT}),
    "funding.apply": frozenset({Role.STAKEHOLDER}),
    "funding.screen": frozenset({Role.SECRETARIAT}),
    "funding.recommend": frozenset({Role.EXECUTIVE_COMMITTEE}),
    "funding.decide": frozenset({Role.MPTF_CHAIR}),
}

# Calls for written inputs and their screening (004), for the secretariat and a region's focal points.
WRITTEN_INPUTS = frozenset(
    {
        *(f"consultations.{action}_inputcall" for action in ("view", "add", "change", "delete")),
        "consultations.view_writteninput",
        "consultations.view_pendinginput",
        "consultations.change_pendinginput",
    }
)

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
            *WRITTEN_INPUTS,
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
    # Planning, consultations and moderation, in the administration too; every list there is cut to the
    # focal point's regions (portal.admin_regions.RegionScopedAdmin).
    Role.FOCAL_POINT: frozenset(
        {
            "reviews.view_region",
            "reviews.view_reviewcycle",
            # Source documents are quoted by every region's calendar: the secretariat keeps them.
            "reviews.view_source",
            *(
                f"reviews.{action}_{model}"
                for model in ("event", "datestatement")
                for action in ("view", "add", "change", "delete")
            ),
            "reviews.view_datechange",
            *(
                f"consultations.{action}_{model}"
                for model in ("consultation", "session", "summarydocument")
                for action in ("view", "add", "change", "delete")
            ),
            "consultations.view_expressionofinterest",
            "consultations.view_registration",
            "consultations.view_pendingaccreditation",
            "consultations.change_pendingaccreditation",
            "consultations.export_registrations",
            *WRITTEN_INPUTS,
            *(
                f"discussions.{action}_{model}"
                for model in ("space", "phase", "guidingquestion")
                for action in ("view", "change")
            ),
            "discussions.view_post",
            "discussions.change_post",
            "discussions.view_pendingpost",
            "discussions.change_pendingpost",
            "discussions.view_moderationdecision",
        }
    ),
    Role.TASK_TEAM: frozenset(),
}

REGIONAL_ROLES = frozenset({Role.TASK_TEAM, Role.FOCAL_POINT})


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
    for attr in ("_portal_roles", "_portal_regions", "_moderated_space_ids"):
        if hasattr(user, attr):
            delattr(user, attr)
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


def _regional_rows(user) -> dict[str, frozenset[int]]:
    """The regions of each regional role ``user`` holds, read once and kept on the object."""
    cached = getattr(user, "_portal_regions", None)
    if cached is None:
        held = roles_of(user) & REGIONAL_ROLES
        rows: dict[str, set[int]] = {role: set() for role in held}
        if held:
            for role, region_id in user.regional_roles.filter(role__in=held).values_list("role", "region_id"):
                rows[role].add(region_id)
        cached = {role: frozenset(ids) for role, ids in rows.items()}
        user._portal_regions = cached
    return cached


def regions_held(user, role: str) -> frozenset[int]:
    """The ids of the regions where ``user`` holds the regional ``role``."""
    return _regional_rows(user).get(role, frozenset())


def regions_for(user, capability: str) -> frozenset[int] | None:
    """The ids of the regions where ``user`` may do ``capability``; None means every region.

    A global role (the secretariat, a superuser, a moderator for moderation) answers None; a regional role
    answers its rows; without the capability the answer is empty.
    """
    if not can(user, capability):
        return frozenset()
    if user.is_superuser:
        return None
    granting = roles_of(user) & CAPABILITIES[capability]
    if granting - REGIONAL_ROLES:
        return None
    rows = _regional_rows(user)
    return frozenset().union(*(rows.get(role, frozenset()) for role in granting))


def can_in_region(user, capability: str, region_id: int | None) -> bool:
    """True if ``user`` may do ``capability`` for something of region ``region_id``.

    Something of no region (a global GCM Talk, say) is for global roles only.
    """
    regions = regions_for(user, capability)
    return regions is None or (region_id is not None and region_id in regions)


def acting_role(user, capability: str, region_id: int | None = None) -> str:
    """The role in which ``user`` does ``capability`` there, for the audit log: a global role first."""
    if user is None or not user.is_authenticated:
        return ""
    if user.is_superuser:
        return "superuser"
    granting = roles_of(user) & CAPABILITIES[capability]
    global_roles = sorted(granting - REGIONAL_ROLES)
    if global_roles:
        return global_roles[0]
    rows = _regional_rows(user)
    return next((role for role in sorted(granting) if region_id in rows.get(role, ())), "")


# Staff roles decide for others and must use a second factor: every role that opens the administration, and the
# regional task team, who choose speakers. A staff role added to the table later is one by the same rule.
STAFF_ROLES = CAPABILITIES["portal.access_admin"] | {Role.TASK_TEAM}


def is_staff_member(user) -> bool:
    """Whoever decides for others: every role that opens the administration, the task team, and superusers.

    They must use a second factor. Read from the table at each call, so a staff role added to it later is
    covered at once.
    """
    return can(user, "portal.access_admin") or can(user, "consultations.select_speakers")


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


def holder_ids(capability: str, region_id: int | None) -> list[int]:
    """The active accounts that may do ``capability`` for something of region ``region_id``: the global roles
    that grant it, and the regional ones held in that region (superusers are not counted: nobody is written
    to only because they can do everything)."""
    from django.contrib.auth import get_user_model  # noqa: PLC0415 - this module is read before the models

    users = get_user_model().objects.filter(is_active=True)
    granting = CAPABILITIES[capability]
    ids = set(users.filter(groups__name__in=granting - REGIONAL_ROLES).values_list("pk", flat=True))
    regional = granting & REGIONAL_ROLES
    if regional and region_id is not None:
        ids |= set(
            users.filter(
                groups__name__in=regional, regional_roles__region_id=region_id, regional_roles__role__in=regional
            ).values_list("pk", flat=True)
        )
    return sorted(ids)
