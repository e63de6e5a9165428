"""Demo people of the embedded mode who hold a role per region: a task team member and a focal point for each
region, so a newcomer can try the review dashboards and the speakers' page as each of them."""

from django.db import transaction

from portal.demo import demo_account
from portal.enums import Constituency, Role
from portal.models import RegionalRole
from reviews.models import Region

# A country of each region for the demo people's profiles.
COUNTRIES = {"africa": "KE", "asia-pacific": "TH", "europe-north-america": "CH", "latin-america-caribbean": "CL"}


@transaction.atomic
def create_regional_accounts() -> list[str]:
    made = []
    for region in Region.objects.order_by("position"):
        for role, kind, label, constituency in (
            (Role.TASK_TEAM, "taskteam", "task team", Constituency.CIVIL_SOCIETY),
            (Role.FOCAL_POINT, "focalpoint", "focal point", Constituency.OTHER),
        ):
            email = f"{kind}-{region.code}@demo.test"
            user = demo_account(
                role=role,
                email=email,
                name=f"Demo {label}, {region.name}",
                constituency=constituency,
                country=COUNTRIES.get(region.code, "JO"),
            )
            RegionalRole.objects.get_or_create(user=user, role=role, region=region)
            made.append(email)
    return made


def seed() -> str | None:
    """For ``manage.py seed_demo``: the regional demo accounts (same password and second factor as the others)."""
    made = create_regional_accounts()
    return "Regional demo accounts: " + ", ".join(made) if made else None
