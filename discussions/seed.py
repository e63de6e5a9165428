"""The GCM's 23 objectives and 10 guiding principles, and the UNECE discussion space of 002 with its questions."""

from datetime import UTC, datetime

from django.db import transaction

from discussions import seed_translations
from discussions.enums import QuestionStatus, TagKind
from discussions.models import GuidingQuestion, Phase, Space, Tag
from reviews.models import Region, ReviewCycle

OBJECTIVES = [
    "Collect and utilize accurate and disaggregated data as a basis for evidence-based policies",
    "Minimize the adverse drivers and structural factors that compel people to leave their country of origin",
    "Provide accurate and timely information at all stages of migration",
    "Ensure that all migrants have proof of legal identity and adequate documentation",
    "Enhance availability and flexibility of pathways for regular migration",
    "Facilitate fair and ethical recruitment and safeguard conditions that ensure decent work",
    "Address and reduce vulnerabilities in migration",
    "Save lives and establish coordinated international efforts on missing migrants",
    "Strengthen the transnational response to smuggling of migrants",
    "Prevent, combat and eradicate trafficking in persons in the context of international migration",
    "Manage borders in an integrated, secure and coordinated manner",
    "Strengthen certainty and predictability in migration procedures for appropriate screening, assessment and referral",
    "Use migration detention only as a measure of last resort and work towards alternatives",
    "Enhance consular protection, assistance and cooperation throughout the migration cycle",
    "Provide access to basic services for migrants",
    "Empower migrants and societies to realize full inclusion and social cohesion",
    "Eliminate all forms of discrimination and promote evidence-based public discourse to shape perceptions of migration",
    "Invest in skills development and facilitate mutual recognition of skills, qualifications and competences",
    "Create conditions for migrants and diasporas to fully contribute to sustainable development in all countries",
    "Promote faster, safer and cheaper transfer of remittances and foster financial inclusion of migrants",
    "Cooperate in facilitating safe and dignified return and readmission, as well as sustainable reintegration",
    "Establish mechanisms for the portability of social security entitlements and earned benefits",
    "Strengthen international cooperation and global partnerships for safe, orderly and regular migration",
]
PRINCIPLES = [
    "People-centred",
    "International cooperation",
    "National sovereignty",
    "Rule of law and due process",
    "Sustainable development",
    "Human rights",
    "Gender-responsive",
    "Child-sensitive",
    "Whole-of-government approach",
    "Whole-of-society approach",
]

UNECE_PHASE_1 = [
    "What are some examples of promising practices and achievements on the implementation of the GCM that relate to "
    "collaboration within the region?",
    "What are the main gaps and challenges, and lessons learned, to existing intra- and cross-regional collaboration on "
    "the implementation of the GCM? Do you have suggestions as to how to better overcome these challenges?",
    "What types of thematic experts, sub-regions or sectors require specific support and are important throughout the "
    "GCM Regional Review?",
    "Outline areas (GCM objectives and/or guiding principles) where the region would benefit from strengthened "
    "cooperation in terms of, capacity-building, policy advice, data availability including collection, sharing and "
    "analysis, technology, multi-stakeholder partnerships, and others. Likewise, outline areas that have been "
    "prioritized and have gathered more momentum, and why.",
    "What are some of the key areas of progress, challenges, and opportunities on the implementation of the GCM in the "
    "region that you would like Member States to discuss during the GCM Regional Review, and why?",
]
UNECE_PHASE_2 = [
    "What are suggestions to improve/strengthen the process of engaging stakeholders, including in preparatory "
    "activities, communications campaigns, and participation in the Review meetings both at global and regional levels?",
    "What are suggestions for ensuring inputs from civil society organizations and stakeholders as governments prepare "
    "National Voluntary Reports for the next International Migration Review Forum (IMRF) in 2026?",
    "Will you be planning any stakeholder-organized parallel events or reports leading up to the IMRF? If so, of which "
    "kind and with which purpose?",
]


def _in_every_language(field: str, translations: dict[str, list[str]] | None, index: int, english: str) -> dict:
    values = {field: english, f"{field}_en": english}
    for language, texts in (translations or {}).items():
        values[f"{field}_{language}"] = texts[index]
    return values


def add_questions(phase: Phase, questions: list[str], translations: dict[str, list[str]] | None = None) -> None:
    for position, text in enumerate(questions, start=1):
        # Questions written here (002's, demo and test data) are published ones.
        GuidingQuestion.objects.update_or_create(
            phase=phase,
            position=position,
            defaults={
                **_in_every_language("text", translations, position - 1, text),
                "status": QuestionStatus.PUBLISHED,
            },
        )


def seed_tags() -> None:
    """The 23 GCM objectives and 10 guiding principles."""
    for kind, names, translations in (
        (TagKind.OBJECTIVE, OBJECTIVES, seed_translations.OBJECTIVES),
        (TagKind.PRINCIPLE, PRINCIPLES, seed_translations.PRINCIPLES),
    ):
        for number, name in enumerate(names, start=1):
            Tag.objects.update_or_create(
                kind=kind, number=number, defaults=_in_every_language("name", translations, number - 1, name)
            )


@transaction.atomic
def seed_discussions() -> int:
    seed_tags()
    region = Region.objects.get(code="europe-north-america")
    cycle = ReviewCycle.objects.get(code="2024-2025")
    space, _ = Space.objects.get_or_create(
        region=region,
        cycle=cycle,
        defaults={
            "title": "Discussion space: Europe and North America",
            "title_en": "Discussion space: Europe and North America",
        },
    )
    # 002: phase 1 from 18 January to 16 February 2024; phase 2 after the review (11 March 2024), end not stated.
    phase_1, _ = Phase.objects.get_or_create(
        space=space,
        number=1,
        defaults={"opens_at": datetime(2024, 1, 18, tzinfo=UTC), "closes_at": datetime(2024, 2, 17, tzinfo=UTC)},
    )
    phase_2, _ = Phase.objects.get_or_create(
        space=space, number=2, defaults={"opens_at": datetime(2024, 3, 12, tzinfo=UTC), "closes_at": None}
    )
    add_questions(phase_1, UNECE_PHASE_1, seed_translations.UNECE_PHASE_1)
    add_questions(phase_2, UNECE_PHASE_2, seed_translations.UNECE_PHASE_2)
    return Tag.objects.count()


def load() -> dict[str, int]:
    """For ``manage.py load_seed_calendar``: the discussions' part of the seeded data, with its count."""
    return {"tags": seed_discussions()}
