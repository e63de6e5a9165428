"""Demo data for the embedded mode: an open discussion space with approved, pending and rejected posts."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from discussions import post_translations, seed_translations, services
from discussions.models import AnalysisPaper, Phase, Post, Space
from discussions.seed import UNECE_PHASE_1, UNECE_PHASE_2, add_questions
from portal import content_translation
from portal.models import User
from reviews.models import Region, ReviewCycle


@transaction.atomic
def create_demo_space() -> Space | None:
    region = Region.objects.filter(code="asia-pacific").first()
    cycle = ReviewCycle.objects.filter(code="2024-2025").first()
    if region is None or cycle is None or Space.objects.filter(region=region, cycle=cycle).exists():
        return None
    now = timezone.now()
    space = Space.objects.create(
        region=region,
        cycle=cycle,
        title="Discussion space: Asia and the Pacific (demo)",
        introduction="A demo space, open now, with the UNECE guiding questions of 2024.",
    )
    phase_1 = Phase.objects.create(
        space=space, number=1, opens_at=now - timedelta(days=3), closes_at=now + timedelta(days=25)
    )
    phase_2 = Phase.objects.create(space=space, number=2, opens_at=now + timedelta(days=60), closes_at=None)
    add_questions(phase_1, UNECE_PHASE_1, seed_translations.UNECE_PHASE_1)
    add_questions(phase_2, UNECE_PHASE_2, seed_translations.UNECE_PHASE_2)
    moderator = User.objects.filter(email="moderator@demo.test").first()
    if moderator:
        space.moderators.add(moderator)
    question = phase_1.questions.first()
    authors = list(User.objects.filter(email__startswith="participant").order_by("email")[:3])
    texts = [
        "Our network of domestic workers in the region documented **fair recruitment** practices: https://example.org/report",
        "We would like Member States to discuss access to basic services for migrants in irregular situations.",
        "Call me on my private number to discuss this.",
    ]
    posts = [
        services.post_create(question=question, author=author, text=text, language="en")
        for author, text in zip(authors, texts, strict=False)
    ]
    if moderator and len(posts) == 3:
        services.post_moderate(post=posts[0], by=moderator, approve=True, shown_revision=posts[0].revision)
        services.post_moderate(
            post=posts[2],
            shown_revision=posts[2].revision,
            by=moderator,
            approve=False,
            reason="It reveals personal data that could put someone at risk",
        )
        # participant2@demo.test translates the space's posts: the approved one has their French translation.
        translator = authors[1]
        space.translators.add(translator)
        published = Post.objects.get(pk=posts[0].pk)
        post_translations.post_translation_save(
            translator=translator,
            post=published,
            language="fr",
            text="Notre réseau de travailleuses et travailleurs domestiques de la région a documenté des pratiques de "
            "**recrutement équitable** : https://example.org/report",
            shown_digest=content_translation.digest(published.approved_text),
        )
    # 002: a guiding question in preparation, shared with the region's team, with a comment of its task team.
    secretariat = User.objects.filter(email="secretariat@demo.test").first()
    task_team = User.objects.filter(email="taskteam-asia-pacific@demo.test").first()
    if secretariat and task_team:
        drafted = services.question_create(
            phase=phase_2,
            by=secretariat,
            texts={"en": "What should the region do first after the review, and with whom? (draft)"},
        )
        services.question_share(question=drafted, by=secretariat, shown_revision=drafted.revision)
        services.question_comment_create(
            question=drafted, author=task_team, text="Could it name migrant workers' organisations explicitly?"
        )
    AnalysisPaper.objects.create(
        space=space,
        synthesis="A draft synthesis: contributions so far stress fair recruitment and access to basic services.",
    )
    return space


def seed() -> str | None:
    """For ``manage.py seed_demo``: what was created, or None when the demo data already exists."""
    if create_demo_space():
        return (
            "Demo discussion space created (moderator@demo.test moderates it, participant2@demo.test translates its "
            "posts): 1 approved post with a French translation, 1 pending, 1 rejected."
        )
    return None
