"""Scale data for the benchmark, generated reproducibly (fixed seed) with bulk inserts.

    python -m bench.data --scale full   # 5 regions, 200 consultations, 20,000 users, 50,000 registrations,
                                        # 100,000 posts, 5,000 funding applications
    python -m bench.data --scale small  # the same shapes, a few hundred rows (make test)

Prints a JSON object: the URLs of the pages to load and a session cookie per signed-in role.
"""

import argparse
import json
import os
import random
from dataclasses import dataclass, replace
from datetime import timedelta
from decimal import Decimal
from importlib import import_module
from urllib.parse import urlencode

SEED = 20261124
MY_REGISTRATIONS = 20  # the bench stakeholder's places, at the first consultations
BATCH = 5000


@dataclass(frozen=True)
class Scale:
    consultations: int
    users: int
    registrations: int
    posts: int
    applications: int
    export_rows: int


SCALES = {
    "full": Scale(
        consultations=200, users=20_000, registrations=50_000, posts=100_000, applications=5_000, export_rows=100_000
    ),
    "small": Scale(consultations=5, users=300, registrations=500, posts=1_000, applications=50, export_rows=1_000),
}
# What the posts say, in their six languages: a few sentences each, the last one rare (POST_WEIGHTS), so the
# search pages (SEARCHES) read common and rare words in several scripts.
POST_TEXTS = {
    "en": [
        "Fair recruitment and regular pathways help migrant workers in the region.",
        "Remittances sent home by migrants pay for school and health care.",
        "Border procedures should keep families together.",
        "Consular protection must reach seafarers stranded abroad.",
        "Climate displacement is forcing coastal villages to move inland.",
    ],
    "fr": [
        "Le recrutement équitable protège les travailleuses migrantes de la région.",
        "Les transferts de fonds des migrants financent l'école et la santé.",
        "Les procédures aux frontières doivent garder les familles unies.",
        "La protection consulaire doit atteindre les marins bloqués à l'étranger.",
        "Les déplacements liés au climat vident les villages côtiers.",
    ],
    "es": [
        "La contratación equitativa protege a los trabajadores migrantes de la región.",
        "Las remesas de los migrantes pagan la escuela y la salud.",
        "Los procedimientos fronterizos deben mantener unidas a las familias.",
        "La protección consular debe llegar a los marinos varados en el extranjero.",
        "El desplazamiento climático obliga a los pueblos costeros a trasladarse.",
    ],
    "ru": [
        "Справедливый наём защищает трудящихся-мигрантов в регионе.",
        "Денежные переводы мигрантов оплачивают школу и лечение.",
        "Пограничные процедуры не должны разлучать семьи.",
        "Консульская защита должна доходить до моряков за рубежом.",
        "Климатическое перемещение вынуждает прибрежные сёла переселяться.",
    ],
    "ar": [
        "التوظيف العادل يحمي العمال المهاجرين في المنطقة.",
        "تحويلات المهاجرين تغطي تكاليف المدرسة والصحة.",
        "يجب ألا تفرق إجراءات الحدود بين الأسر.",
        "الحماية القنصلية يجب أن تصل إلى البحارة العالقين في الخارج.",
        "مهاجرة فقدت عملها ولا تستطيع تجديد إقامتها.",
    ],
    "zh-hans": [
        "公平招聘保护本地区的移民工人。",
        "移民的汇款用于支付学费和医疗费用。",
        "边境程序应当让家庭团聚。",
        "领事保护应当覆盖滞留海外的海员。",
        "移民局延长了工作签证的审批时间。",
    ],
}
POST_WEIGHTS = [40, 30, 20, 9, 1]
# The search pages: a query each, in several languages, on the posts page of the first space.
SEARCHES = {
    "search en": "migrants",
    "search fr": '"travailleuses migrantes"',
    "search ar": "مهاجرة",
    "search zh": "移民",
}
COUNTRIES = ["KE", "NG", "EG", "MX", "BR", "CO", "TH", "PH", "IN", "DE", "FR", "TR", "JO", "LB", "MA", "SN", "UA"]


def session_cookie(user) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"  # the one that loads users
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def generate(scale: Scale) -> dict:
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.utils import timezone

    from consultations.enums import ConsultationStatus, RegistrationStatus
    from consultations.models import Consultation, Registration
    from discussions.enums import PostStatus
    from discussions.models import Phase, Post, Space, Tag
    from discussions.search import index_posts
    from discussions.seed import UNECE_PHASE_1, add_questions, seed_tags
    from funding.enums import State
    from funding.models import Application, Call
    from portal.enums import Constituency, Gender, Role
    from portal.integrity import organisation_key
    from portal.m49 import subregion_for_country
    from portal.models import OrganisationHistory, Profile, User
    from portal.permissions import STAFF_ROLES
    from reviews.models import Event, Region, ReviewCycle
    from reviews.seed_calendar import load_seed_calendar

    rng = random.Random(SEED)
    now = timezone.now()
    load_seed_calendar()
    seed_tags()
    password = make_password("bench-password-2026")

    # People: a few staff, then stakeholders.
    staff = {}
    for role in (Role.SECRETARIAT, Role.MODERATOR, Role.EXECUTIVE_COMMITTEE, Role.MPTF_CHAIR, Role.STAKEHOLDER):
        user = User.objects.create(email=f"bench-{role}@bench.test", password=password)
        Profile.objects.create(
            user=user,
            display_name=f"Bench {role}",
            constituency=Constituency.OTHER,
            country="CH",
            privacy_consent_at=now,
        )
        user.groups.add(Group.objects.get(name=role))
        if role in STAFF_ROLES:  # staff must use a second factor, or every page sends them to set one up
            TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
        staff[role] = user
    users = User.objects.bulk_create(
        [User(email=f"person{n}@bench.test", password=password) for n in range(scale.users)], batch_size=BATCH
    )
    constituencies, genders = list(Constituency.values), list(Gender.values)
    profiles = []
    for n, user in enumerate(users):
        country = rng.choice(COUNTRIES)
        organisation = f"Organisation {n % 700}" if n % 3 else ""
        profiles.append(
            Profile(
                user=user,
                display_name=f"Person {n}",
                organisation=organisation,
                organisation_key=organisation_key(organisation),  # bulk_create skips Profile.save
                constituency=rng.choice(constituencies),
                country=country,
                subregion=subregion_for_country(country),
                gender=rng.choice(genders),
                preferred_language=rng.choice(["en", "fr", "es", "ar", "ru", "zh-hans"]),
                privacy_consent_at=now,
            )
        )
    Profile.objects.bulk_create(profiles, batch_size=BATCH)
    OrganisationHistory.objects.bulk_create(
        [
            OrganisationHistory(user_id=p.user_id, key=p.organisation_key, name=p.organisation)
            for p in profiles
            if p.organisation_key
        ],
        batch_size=BATCH,
    )
    stakeholder = Group.objects.get(name=Role.STAKEHOLDER)
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=u.pk, group_id=stakeholder.pk) for u in users], batch_size=BATCH
    )

    # Consultations and registrations.
    events = list(Event.objects.filter(kind__in=["multi_stakeholder_consultation", "pre_consultation"]))
    consultations = [
        Consultation.objects.create(
            event=events[n % len(events)],
            title=f"Consultation {n}",
            capacity_in_person=400,
            capacity_virtual=400,
            registration_deadline=now + timedelta(days=30),
            status=ConsultationStatus.OPEN,
            starts_at=now + timedelta(days=40),
        )
        for n in range(scale.consultations)
    ]
    per = max(1, scale.registrations // len(consultations))
    registrations = []
    for consultation in consultations:
        for arrival, user in enumerate(rng.sample(users, min(per, len(users))), start=1):
            registrations.append(
                Registration(
                    consultation=consultation,
                    user=user,
                    attendance=rng.choice(["in_person", "virtual"]),
                    status=RegistrationStatus.REGISTERED,
                    arrival=arrival,
                    created_at=now,
                )
            )
    # The bench's stakeholder has a place at a few consultations ("My registrations", the consultation page).
    registrations += [
        Registration(
            consultation=consultation,
            user=staff[Role.STAKEHOLDER],
            attendance="in_person",
            status=RegistrationStatus.REGISTERED,
            arrival=per + 1,
            created_at=now,
        )
        for consultation in consultations[:MY_REGISTRATIONS]
    ]
    Registration.objects.bulk_create(registrations, batch_size=BATCH)

    # The export benchmark's list: `export_rows` registrations across a few consultations of one event.
    export_event = events[0]
    exported = []
    while len(exported) * len(users) < scale.export_rows:
        exported.append(
            Consultation.objects.create(
                event=export_event,
                title=f"Export consultation {len(exported)}",
                capacity_in_person=len(users),
                registration_deadline=now + timedelta(days=30),
                status=ConsultationStatus.OPEN,
            )
        )
    rows, left = [], scale.export_rows
    for consultation in exported:
        take = min(left, len(users))
        rows += [
            Registration(
                consultation=consultation,
                user=user,
                attendance="in_person",
                status=RegistrationStatus.REGISTERED,
                arrival=arrival,
                created_at=now,
            )
            for arrival, user in enumerate(users[:take], start=1)
        ]
        left -= take
    Registration.objects.bulk_create(rows, batch_size=BATCH)

    # Discussion spaces, one per region, with approved, pending and rejected posts and tags.
    cycle = ReviewCycle.objects.get(code="2024-2025")
    questions = []
    for region in Region.objects.all():
        space, _ = Space.objects.get_or_create(region=region, cycle=cycle, defaults={"title": f"Space {region.code}"})
        space.moderators.add(staff[Role.MODERATOR])
        phase, _ = Phase.objects.update_or_create(
            space=space,
            number=1,
            defaults={"opens_at": now - timedelta(days=10), "closes_at": now + timedelta(days=20)},
        )
        add_questions(phase, UNECE_PHASE_1)
        questions += list(phase.questions.select_related("phase"))
    statuses = [PostStatus.APPROVED] * 90 + [PostStatus.PENDING] * 7 + [PostStatus.REJECTED] * 3
    posts = []
    for n in range(scale.posts):
        question = questions[n % len(questions)]
        status = rng.choice(statuses)
        language = rng.choice(list(POST_TEXTS))
        text = f"{rng.choices(POST_TEXTS[language], POST_WEIGHTS)[0]} ({n})"
        html = f"<p>{text}</p>"
        approved = status == PostStatus.APPROVED
        posts.append(
            Post(
                space_id=question.phase.space_id,
                phase_id=question.phase_id,
                question=question,
                author=users[n % len(users)],
                shown_name=f"Person {n % len(users)}",
                language=language,
                text=text,
                html=html,
                status=status,
                rejection_reason="Off topic" if status == PostStatus.REJECTED else "",
                approved_html=html if approved else "",
                approved_text=text if approved else "",
                approved_at=now - timedelta(minutes=n) if approved else None,
                submitted_at=now - timedelta(minutes=n),
            )
        )
    posts = Post.objects.bulk_create(posts, batch_size=BATCH)
    # Searchable as approval leaves them (bulk_create skips the services).
    searchable = [p.pk for p in posts if p.status == PostStatus.APPROVED]
    for start in range(0, len(searchable), 1000):
        index_posts(Post.objects.filter(pk__in=searchable[start : start + 1000]))
    tags = list(Tag.objects.values_list("pk", flat=True))
    tagged = [(p.pk, rng.choice(tags)) for p in posts if rng.random() < 0.5]
    # Approved posts show their tags; every post's submitted version carries them.
    approved_ids = {p.pk for p in posts if p.status == PostStatus.APPROVED}
    Post.tags.through.objects.bulk_create(
        [Post.tags.through(post_id=p, tag_id=t) for p, t in tagged if p in approved_ids], batch_size=BATCH
    )
    Post.submitted_tags.through.objects.bulk_create(
        [Post.submitted_tags.through(post_id=p, tag_id=t) for p, t in tagged], batch_size=BATCH
    )

    # A funding call with applications in every state.
    call = Call.objects.create(
        cycle=cycle,
        title="Bench call",
        budget=Decimal("100000000"),
        opens_at=now - timedelta(days=10),
        closes_at=now + timedelta(days=10),
        published=True,
    )
    countries = {p.user_id: p.country for p in profiles}
    states = [State.SUBMITTED, State.ELIGIBLE, State.RECOMMENDED, State.NOT_RECOMMENDED, State.APPROVED, State.DRAFT]
    applications = []
    for n, user in enumerate(rng.sample(users, min(scale.applications, len(users)))):
        state = states[n % len(states)]
        applications.append(
            Application(
                call=call,
                applicant=user,
                consultation=consultations[n % len(consultations)],
                travelling_from=countries[user.pk],
                travel_cost=Decimal("600"),
                accommodation_cost=Decimal("300"),
                daily_allowance=Decimal("100"),
                justification="Bench",
                state=state,
                approved_amount=Decimal("800") if state == State.APPROVED else None,
                submitted_at=None if state == State.DRAFT else now,
            )
        )
    Application.objects.bulk_create(applications, batch_size=BATCH)

    # The database as autovacuum, or the ANALYZE after a restore, leaves it: the planner reads statistics, not
    # defaults (a search joins the few guiding questions, which no autovacuum threshold reaches), and the search
    # index's list of rows just written is merged.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    consultation, question = consultations[0], questions[0]
    return {
        "counts": {
            "users": User.objects.count(),
            "registrations": Registration.objects.exclude(consultation__in=exported).count(),
            "export rows": Registration.objects.filter(consultation__in=exported).count(),
            "posts": Post.objects.count(),
            "applications": Application.objects.count(),
            "consultations": Consultation.objects.count(),
        },
        "pages": {
            "reference": ["bench/reference/", None],
            "signed-in reference": ["bench/signed-in/", "stakeholder"],
            "home": ["en/", None],
            "calendar": ["en/calendar/", None],
            "region": ["en/regions/africa/", None],
            "consultation": [f"en/consultations/{consultation.pk}/", None],
            "agenda": [f"en/consultations/{consultation.pk}/agenda/", None],
            "consultation, signed in": [f"en/consultations/{consultation.pk}/", "stakeholder"],
            "my registrations": ["en/consultations/mine/", "stakeholder"],
            "dashboard": [f"en/consultations/{consultation.pk}/dashboard/", "secretariat"],
            "thread": [f"en/discussions/{question.phase.space_id}/questions/{question.pk}/", "stakeholder"],
            "moderation queue": ["en/discussions/moderation/", "moderator"],
            **{
                name: [f"en/discussions/{question.phase.space_id}/posts/?{urlencode({'q': query})}", "stakeholder"]
                for name, query in SEARCHES.items()
            },
            "funding review": [f"en/funding/calls/{call.pk}/review/", "secretariat"],
            "review dashboard": [
                f"en/regions/{consultation.event.region.code}/{consultation.event.cycle.code}/workspace/",
                "secretariat",
            ],
        },
        "sessions": {
            "secretariat": session_cookie(staff[Role.SECRETARIAT]),
            "stakeholder": session_cookie(staff[Role.STAKEHOLDER]),
            "moderator": session_cookie(staff[Role.MODERATOR]),
        },
        "export_consultations": [c.pk for c in exported],
        "search_space": question.phase.space_id,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=SCALES, default="full")
    parser.add_argument("--factor", type=int, default=1, help="this many times the scale's rows (not the exports')")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")
    import django

    django.setup()
    scale = SCALES[args.scale]
    if args.factor != 1:
        scale = replace(
            scale,
            consultations=scale.consultations * args.factor,
            users=scale.users * args.factor,
            registrations=scale.registrations * args.factor,
            posts=scale.posts * args.factor,
            applications=scale.applications * args.factor,
        )
    print(json.dumps(generate(scale)))


if __name__ == "__main__":
    main()
