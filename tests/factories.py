"""Factories that create valid objects with no surprises."""

import time
from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.contrib.auth.models import Group
from django.utils import timezone

from consultations.enums import ConsultationStatus
from consultations.models import Consultation, Registration
from consultations.services import accreditation_version
from discussions.models import Post
from portal.enums import ClaimedAffiliation, Constituency, Role, VerificationStatus
from portal.models import Profile, User
from portal.permissions import STAFF_ROLES
from reviews.dates import parse
from reviews.models import Event, Region, ReviewCycle

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)
        if create:
            self.save()


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profile

    user = factory.SubFactory(UserFactory)
    display_name = factory.Sequence(lambda n: f"Person {n}")
    constituency = Constituency.CIVIL_SOCIETY
    country = "KE"
    preferred_language = "en"
    privacy_consent_at = factory.LazyFunction(timezone.now)


# The authenticator-app secret of every staff member the factories make (staff must use a second factor).
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp_code(step: int = 0, secret: str = TOTP_SECRET) -> str:
    """The code an authenticator app shows now for ``secret`` (``step`` periods later, for a second sign-in)."""

    return format_hotp_value(hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD + step))


def enrol_second_factor(user, secret: str = TOTP_SECRET) -> None:

    TOTP.activate(user, secret)


def make_user(role: str = Role.STAKEHOLDER, *, second_factor: bool | None = None, **profile_fields) -> User:
    """A signed-up, verified person holding ``role`` (roles needing verification are verified).

    Staff come with an authenticator app set up, as the portal requires; ``second_factor=False`` makes one who
    has not set it up yet.
    """

    claim = role if role in ClaimedAffiliation.values else ClaimedAffiliation.STAKEHOLDER
    status = VerificationStatus.NOT_NEEDED if claim == ClaimedAffiliation.STAKEHOLDER else VerificationStatus.APPROVED
    profile = ProfileFactory(claimed_affiliation=claim, verification_status=status, **profile_fields)
    profile.user.groups.add(Group.objects.get(name=role))
    if second_factor if second_factor is not None else role in STAFF_ROLES:
        enrol_second_factor(profile.user)
    return profile.user


def make_consultation(**fields):
    """An open consultation with 10 places in the room and 10 online, deadline in a week."""

    region, _ = Region.objects.get_or_create(
        code="africa", defaults={"name": "Africa", "commission": "ECA", "commission_acronym": "ECA"}
    )
    cycle, _ = ReviewCycle.objects.get_or_create(
        code="2024-2025", defaults={"name": "2024-2025", "start_year": 2024, "end_year": 2025, "imrf_year": 2026}
    )
    event = Event(cycle=cycle, region=region, kind="multi_stakeholder_consultation", start=parse("12 May 2027")[0])
    event.save()
    values = {
        "event": event,
        "title": "Multi-stakeholder consultation for Africa",
        "capacity_in_person": 10,
        "capacity_virtual": 10,
        "registration_opens_at": timezone.now() - timedelta(days=1),
        "registration_deadline": timezone.now() + timedelta(days=7),
        "status": ConsultationStatus.OPEN,
    }
    values.update(fields)
    return Consultation.objects.create(**values)


def shown(obj) -> int:
    """The revision of ``obj`` as a decider's page shows it now (a post or a funding application)."""
    return type(obj).objects.values_list("revision", flat=True).get(pk=obj.pk)


def shown_versions(post_ids) -> dict[int, int]:
    """The revisions of these posts as the moderation queue shows them now."""

    return dict(Post.objects.filter(pk__in=list(post_ids)).values_list("pk", "revision"))


def shown_registrations(registrations) -> dict[int, str]:
    """The accreditation queue's versions of these registrations as it shows them now."""

    current = Registration.objects.filter(pk__in=[r.pk for r in registrations])
    return {r.pk: accreditation_version(registration=r) for r in current}
