"""Writes about accounts, profiles and roles. Views, admin and commands call these."""

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from portal.enums import AuditAction, ClaimedAffiliation, Role, VerificationStatus
from portal.models import AuditEntry, Profile, User
from portal.permissions import forget_roles

# Roles that a person may claim at sign-up; only "stakeholder" is granted at once.
CLAIMABLE_ROLES = {choice.value for choice in ClaimedAffiliation}


def audit_record(*, actor, action: str, target, detail: str = "") -> AuditEntry:
    """Write one audit entry. ``target`` is a model instance, or a model class for actions on many rows."""
    meta = target._meta
    target_id = "" if isinstance(target, type) else str(target.pk)
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=meta.label_lower,
        target_id=target_id,
        detail=detail[:300],
    )


def _set_claimable_role(user: User, role: str | None) -> None:
    """Give ``user`` exactly ``role`` among the claimable roles (or none of them)."""
    user.groups.remove(*Group.objects.filter(name__in=CLAIMABLE_ROLES - {role}))
    if role:
        user.groups.add(Group.objects.get(name=role))
    forget_roles(user)


def _apply_claim(profile: Profile) -> None:
    if profile.claimed_affiliation == ClaimedAffiliation.STAKEHOLDER:
        profile.verification_status = VerificationStatus.NOT_NEEDED
        _set_claimable_role(profile.user, Role.STAKEHOLDER)
    else:
        # UN system and Member State claims grant nothing until the secretariat verifies them.
        profile.verification_status = VerificationStatus.PENDING
        profile.verification_note = ""
        profile.verified_by = None
        profile.verified_at = None
        _set_claimable_role(profile.user, None)


@transaction.atomic
def profile_create(*, user: User, **fields) -> Profile:
    """Create the profile of a new account and grant the role its claim allows."""
    profile = Profile(user=user, privacy_consent_at=timezone.now(), **fields)
    _apply_claim(profile)
    profile.save()
    return profile


@transaction.atomic
def profile_update(*, profile: Profile, **fields) -> Profile:
    """Save profile changes; a changed affiliation goes back to verification."""
    old_claim = profile.claimed_affiliation
    for name, value in fields.items():
        setattr(profile, name, value)
    if profile.claimed_affiliation != old_claim:
        _apply_claim(profile)
    profile.save()
    return profile


@transaction.atomic
def affiliation_decide(*, profile: Profile, by: User, approve: bool, reason: str = "") -> Profile:
    """Approve or reject a UN system / Member State claim and tell the person by e-mail."""
    from portal.tasks import enqueue, send_affiliation_decision

    profile = Profile.objects.select_for_update().select_related("user").get(pk=profile.pk)
    if profile.verification_status != VerificationStatus.PENDING:
        return profile
    profile.verification_status = VerificationStatus.APPROVED if approve else VerificationStatus.REJECTED
    profile.verification_note = "" if approve else reason
    profile.verified_by = by
    profile.verified_at = timezone.now()
    profile.save()
    _set_claimable_role(profile.user, profile.claimed_affiliation if approve else None)
    audit_record(
        actor=by,
        action=AuditAction.ROLE_CHANGE,
        target=profile.user,
        detail=f"{profile.claimed_affiliation} {'verified' if approve else 'rejected'}",
    )
    transaction.on_commit(lambda: enqueue(send_affiliation_decision.s(profile_id=profile.pk)))
    return profile


@transaction.atomic
def sign_in_locks_lift(*, locks, by: User) -> int:
    """Lift django-axes locks (the attempts are deleted) and audit each; returns how many were lifted."""
    lifted = 0
    for lock in list(locks):
        audit_record(actor=by, action=AuditAction.SIGN_IN_UNLOCK, target=lock)
        lock.delete()
        lifted += 1
    return lifted
