"""Demo data for the embedded mode: an open call with applications in several states."""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from consultations.models import Consultation
from funding import services
from funding.models import Application, Call
from portal.models import User


def _costs(consultation, justification):
    return {
        "consultation": consultation,
        "travelling_from": "NP",
        "travel_cost": Decimal("650"),
        "accommodation_cost": Decimal("360"),
        "daily_allowance": Decimal("180"),
        "justification": justification,
    }


@transaction.atomic
def create_demo_call() -> Call | None:
    consultation = (
        Consultation.objects.filter(event__key="2024-ap-msc", title__endswith="(demo)")
        .select_related("event__cycle")
        .first()
    )
    if consultation is None or Call.objects.exists():
        return None
    accounts = {u.email: u for u in User.objects.filter(email__endswith="@demo.test")}
    secretariat, member, chair = (accounts.get(f"{n}@demo.test") for n in ("secretariat", "excom", "mptfchair"))
    if not (secretariat and member and chair):
        return None
    now = timezone.now()
    call = Call.objects.create(
        cycle=consultation.event.cycle,
        title="Travel support to the Asia-Pacific consultation (demo)",
        eligibility="Stakeholders from the region who would otherwise not be able to attend in person.",
        criteria="Relevance to the GCM objectives; diverse representation by constituency, sub-region and gender.",
        budget=Decimal("5000"),
        opens_at=now - timedelta(days=5),
        closes_at=now + timedelta(days=14),
        time_zone="Asia/Bangkok",
        published=True,
    )
    call.consultations.add(consultation)
    if "stakeholder@demo.test" in accounts:
        services.application_save(
            call=call,
            applicant=accounts["stakeholder@demo.test"],
            data={"consultation": consultation, "justification": "A draft to continue."},
        )
    stories = [
        "I coordinate a network of returnee migrant workers in Nepal.",
        "Our diaspora association documents recruitment fees.",
        "We run legal clinics for migrants in irregular situations.",
        "Trade union organiser for seafarers.",
    ]
    applications = []
    for index, story in enumerate(stories, start=1):
        applicant = (
            accounts.get(f"participant{index}@demo.test")
            or User.objects.filter(email=f"participant{index}@demo.test").first()
        )
        if applicant is None:
            continue
        draft = services.application_save(call=call, applicant=applicant, data=_costs(consultation, story))
        applications.append(services.application_submit(application=draft, applicant=applicant))
    if len(applications) == 4:
        approved, recommended, eligible, _submitted = applications

        def shown(application) -> int:
            return Application.objects.get(pk=application.pk).revision

        for application in (approved, recommended, eligible):
            services.application_screen(
                application=application, by=secretariat, eligible=True, shown_revision=shown(application)
            )
        for application in (approved, recommended):
            services.recommendation_record(
                application=application,
                by=member,
                recommend=True,
                amount=Decimal("1000"),
                comment="Strong case.",
                shown_revision=shown(application),
            )
        # participant1 already holds a place in the room, so approving confirms it.
        services.application_decide(
            application=approved, by=chair, approve=True, amount=Decimal("1000"), shown_revision=shown(approved)
        )
    return call


def seed() -> str | None:
    """For ``manage.py seed_demo``: what was created, or None when the demo data already exists."""
    if create_demo_call():
        return (
            "Demo funding call created: a draft (stakeholder@demo.test), one submitted, one eligible, "
            "one recommended and one approved application."
        )
    return None
