"""Demo accounts for the embedded mode: one per role, never in production."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from portal.enums import ClaimedAffiliation, Constituency, Role, VerificationStatus
from portal.models import Profile, User
from portal.permissions import STAFF_ROLES

DEMO_PASSWORD = "demo-portal-2026"  # noqa: S105 - embedded mode only, printed on the console
# Staff must use a second factor: the demo staff accounts share this authenticator-app key (printed too).
DEMO_TOTP_SECRET = "GCMDEMOGCMDEMOGCMDEMOGCMDEMOGCMD"  # noqa: S105 - embedded mode only

DEMO_ACCOUNTS = [
    (Role.STAKEHOLDER, "stakeholder@demo.test", "Amina (demo stakeholder)", Constituency.MIGRANT_DIASPORA_ORG, "KE"),
    (Role.UN_SYSTEM, "unsystem@demo.test", "Demo UN system member", Constituency.OTHER, "CH"),
    (Role.MEMBER_STATE, "memberstate@demo.test", "Demo Member State delegate", Constituency.OTHER, "MX"),
    (Role.MODERATOR, "moderator@demo.test", "Demo moderator", Constituency.OTHER, "TH"),
    (Role.SECRETARIAT, "secretariat@demo.test", "Demo secretariat", Constituency.OTHER, "CH"),
    (Role.EXECUTIVE_COMMITTEE, "excom@demo.test", "Demo Executive Committee member", Constituency.OTHER, "US"),
    (Role.MPTF_CHAIR, "mptfchair@demo.test", "Demo MPTF Steering Committee Chair", Constituency.OTHER, "US"),
]


@transaction.atomic
def create_demo_accounts() -> list[tuple[str, str]]:
    """Create (or reset) one verified account per role; returns (role, e-mail) pairs."""
    created = []
    for role, email, name, constituency, country in DEMO_ACCOUNTS:
        demo_account(role=role, email=email, name=name, constituency=constituency, country=country)
        created.append((str(role), email))
    return created


def demo_account(*, role: str, email: str, name: str, constituency: str, country: str) -> User:
    """Create (or reset) one verified demo account holding ``role``, with the demo second factor for staff."""
    if not settings.EMBEDDED:
        raise ImproperlyConfigured("Demo accounts exist only in the embedded mode (PORTAL_ENV=embedded).")
    user, _ = User.objects.get_or_create(email=email)
    user.set_password(DEMO_PASSWORD)
    user.save()
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    claim = role if role in ClaimedAffiliation.values else ClaimedAffiliation.STAKEHOLDER
    Profile.objects.update_or_create(
        user=user,
        defaults={
            "display_name": name,
            "constituency": constituency,
            "country": country,
            "preferred_language": "en",
            "privacy_consent_at": timezone.now(),
            "claimed_affiliation": claim,
            "verification_status": (
                VerificationStatus.NOT_NEEDED
                if claim == ClaimedAffiliation.STAKEHOLDER
                else VerificationStatus.APPROVED
            ),
        },
    )
    user.groups.set([Group.objects.get(name=role)])
    if role in STAFF_ROLES and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)
    return user
