"""Writes about accounts, profiles and roles. Views, admin and commands call these."""

from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import integrity
from portal.enums import AuditAction, ClaimedAffiliation, DigestFrequency, Role, VerificationStatus
from portal.integrity import organisation_key
from portal.models import AuditEntry, Profile, User
from portal.permissions import REGIONAL_ROLES, acting_role, can, forget_roles
from portal.tasks import enqueue, send_affiliation_decision, send_second_factor_reset

# Roles that a person may claim at sign-up; only "stakeholder" is granted at once.
CLAIMABLE_ROLES = {choice.value for choice in ClaimedAffiliation}


def audit_record(
    *, actor, action: str, target, detail: str = "", capability: str = "", region_id: int | None = None
) -> AuditEntry:
    """Write one audit entry. ``target`` is a model instance, or a model class for actions on many rows.

    With ``capability``, the entry also says in which role the actor used it, and for which region.
    """
    meta = target._meta
    target_id = "" if isinstance(target, type) else str(target.pk)
    actor = actor if actor is not None and actor.is_authenticated else None
    return AuditEntry.objects.create(
        actor=actor,
        action=action,
        target_type=meta.label_lower,
        target_id=target_id,
        detail=detail[:300],
        role=acting_role(actor, capability, region_id) if capability and actor else "",
        region_id=region_id,
    )


def regional_roles_sync(*, user: User, by, before: set[tuple[str, int]]) -> None:
    """Keep the regional roles' groups in step with the person's regional rows, and audit what changed.

    ``before``: the (role, region code) pairs the person held before the edit (:func:`regional_roles_held`).
    Holding a role in no region leaves its group; the first region joins it.
    """
    rows = regional_roles_held(user=user)
    held = {role for role, _region in rows}
    user.groups.remove(*Group.objects.filter(name__in=REGIONAL_ROLES - held))
    user.groups.add(*Group.objects.filter(name__in=held))
    forget_roles(user)
    if rows != before:
        audit_record(
            actor=by,
            action=AuditAction.ROLE_CHANGE,
            target=user,
            detail=" ".join(
                [
                    *(f"+{role}@{region}" for role, region in sorted(rows - before)),
                    *(f"-{role}@{region}" for role, region in sorted(before - rows)),
                ]
            ),
        )


def regional_roles_held(*, user: User) -> set[tuple[str, str]]:
    """The (role, region code) pairs of the regional roles ``user`` holds."""
    return set(user.regional_roles.values_list("role", "region__code")) if user.pk else set()


def _set_claimable_role(user: User, role: str | None) -> None:
    """Give ``user`` exactly ``role`` among the claimable roles (or none of them)."""
    user.groups.remove(*Group.objects.filter(name__in=CLAIMABLE_ROLES - {role}))
    if role:
        user.groups.add(Group.objects.get(name=role))
    forget_roles(user)


def _identifier_key(email: str | None) -> str:
    return (email or "").strip().casefold()


class DecisionError(Exception):
    """A decision that may not be taken as asked; the message says why, and nothing changed."""


def _await_verification(profile: Profile) -> None:
    """Take away every claimable role until someone else verifies the claim now on the profile."""
    profile.verification_status = VerificationStatus.PENDING
    profile.verification_note = ""
    profile.verified_by = None
    profile.verified_at = None
    _set_claimable_role(profile.user, None)


@transaction.atomic
def profile_create(*, user: User, **fields) -> Profile:
    """Create the profile of a new account: a stakeholder is one at once, other claims wait for verification."""
    profile = Profile(user=user, privacy_consent_at=timezone.now(), **fields)
    if profile.claimed_affiliation == ClaimedAffiliation.STAKEHOLDER:
        profile.verification_status = VerificationStatus.NOT_NEEDED
        _set_claimable_role(profile.user, Role.STAKEHOLDER)
    else:
        _await_verification(profile)
    profile.save()
    return profile


@transaction.atomic
def profile_update(*, profile: Profile, **fields) -> Profile:
    """Save a person's own profile changes. A changed affiliation takes the role away until it is verified.

    Editing one's own profile never adds a role, whatever roles one holds: the
    stakeholder role comes with signing up as one, every other grant from a
    verification by someone else (``affiliation_decide``). A UN system or Member
    State role is verified for an organisation, so changing the organisation
    takes it away until it is verified again. Without this, a staff
    member could give themselves the stakeholder role (and apply for funding) by
    switching their affiliation away and back.

    Choosing a digest again after "no digest" starts it from now (portal.digest): what happened while the person
    wanted none is not sent in one long e-mail.
    """

    old_claim, old_organisation = profile.claimed_affiliation, organisation_key(profile.organisation)
    old_digest = profile.digest
    for name, value in fields.items():
        setattr(profile, name, value)
    if old_digest == DigestFrequency.NONE and profile.digest != DigestFrequency.NONE:
        profile.digest_sent_until = timezone.now()
    # A UN system or Member State role is verified for an organisation: another organisation is another claim.
    organisation_changed = organisation_key(profile.organisation) != old_organisation
    if profile.claimed_affiliation != old_claim or (
        organisation_changed and profile.claimed_affiliation != ClaimedAffiliation.STAKEHOLDER
    ):
        _await_verification(profile)
    profile.save()
    return profile


def affiliation_version(*, profile: Profile) -> str:
    """What a verification binds to: the affiliation claimed and the organisation it is claimed for."""
    return f"{profile.claimed_affiliation}:{profile.organisation_key}"


@transaction.atomic
def affiliation_decide(*, profile: Profile, by: User, approve: bool, shown_version: str, reason: str = "") -> Profile:
    """Approve or reject the affiliation a person claims and tell them by e-mail.

    The decision binds to the claim the decider was shown (``shown_version``, from
    :func:`affiliation_version`): if the person changed the affiliation or the
    organisation since, it is refused and the new claim must be read. Nobody
    verifies their own claim or one from their own organisation.
    """

    profile = Profile.objects.select_for_update(of=("self",)).select_related("user__profile").get(pk=profile.pk)
    if not can(by, "portal.verify_roles"):
        raise DecisionError(_("Your role does not allow verifying affiliations."))
    integrity.check(decider=by, subject=profile.user, error=DecisionError)
    if profile.verification_status != VerificationStatus.PENDING:
        return profile
    if affiliation_version(profile=profile) != shown_version:
        raise DecisionError(
            _(
                "This claim changed since you opened it: %(name)s now claims “%(affiliation)s” for “%(organisation)s”. "
                "Read it again."
            )
            % {
                "name": profile.display_name,
                "affiliation": profile.get_claimed_affiliation_display(),
                "organisation": profile.organisation or "—",
            }
        )
    if not approve and not reason.strip():
        raise DecisionError(_("Please give the reason for rejecting."))
    profile.verification_status = VerificationStatus.APPROVED if approve else VerificationStatus.REJECTED
    profile.verification_note = "" if approve else reason.strip()
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
    """Lift django-axes locks (the attempts are deleted) and audit each; returns how many were lifted.

    Nobody lifts a lock on their own address: a colleague does, after checking it was them.
    """
    locks = list(locks)
    own = _identifier_key(by.email)
    if any(_identifier_key(lock.username) == own for lock in locks):
        raise DecisionError(_("One of these locks is on your own address: another colleague must lift it."))
    lifted = 0
    for lock in locks:
        audit_record(actor=by, action=AuditAction.SIGN_IN_UNLOCK, target=lock)
        lock.delete()
        lifted += 1
    return lifted


@transaction.atomic
def second_factor_reset(*, user: User, by: User) -> int:
    """Remove a person's second factors (a lost phone or key); they set up a new one at their next sign-in.

    The secretariat does it for others, never for itself nor for its own organisation: a colleague does. It
    is audited, and the person is told by e-mail (if it was not them who asked, they know to react).
    Returns how many authenticators were removed.
    """

    if not can(by, "portal.verify_roles"):
        raise DecisionError(_("Your role does not allow resetting second factors."))
    user = User.objects.select_related("profile").get(pk=user.pk)
    integrity.check(decider=by, subject=user, error=DecisionError)
    if user.is_superuser and not by.is_superuser:
        raise DecisionError(_("Only another superuser can reset a superuser's second factor."))
    removed, _kinds = Authenticator.objects.filter(user=user).delete()
    audit_record(
        actor=by, action=AuditAction.SECOND_FACTOR_RESET, target=user, detail=f"{removed} authenticator(s) removed"
    )
    transaction.on_commit(lambda: enqueue(send_second_factor_reset.s(user_id=user.pk)))
    return removed
