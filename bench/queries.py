"""Query counts of every benchmarked page at 1 and at 50 rows of its main list.

Run by ``bench.run`` against a database of its own (``portal_counts``), so each
page's main list holds exactly the rows counted. Each scenario returns the
page's address, who reads it and how to add one more row; the page is read
once to warm the caches, then counted at 1 row and again at 50. Anonymous
pages are counted as rendered (the whole-page cache is off here: a cached
visit makes no query at all).

    python -m bench.queries  →  one JSON line {page: {"1": n, "50": n}}
"""

import json
from datetime import timedelta
from decimal import Decimal
from itertools import count
from urllib.parse import urlencode

NUMBERS = count(1)


def _event(region=None, cycle=None, days=30):
    from reviews.dates import parse
    from reviews.models import Event

    consultation = _consultation()
    day = (consultation.event.start.earliest + timedelta(days=days)).strftime("%d %B %Y")
    event = Event(
        cycle=cycle or consultation.event.cycle,
        region=region or consultation.event.region,
        kind="gcm_talk",
        start=parse(day)[0],
    )
    event.save()
    return event


def _consultation():
    from consultations.models import Consultation
    from tests.factories import make_consultation

    return Consultation.objects.order_by("pk").first() or make_consultation(capacity_in_person=1000)


def _user(role=None):
    from portal.enums import Role
    from tests.factories import make_user

    return make_user(role or Role.STAKEHOLDER, display_name=f"Person {next(NUMBERS)}")


def home():
    return "/en/", None, _event


def calendar():
    return "/en/calendar/", None, _event


def region():
    return "/en/regions/africa/", None, _event


def consultation():
    from consultations.services import registration_create

    page = _consultation()
    return (
        page.get_absolute_url(),
        None,
        lambda: registration_create(consultation=page, user=_user(), attendance="in_person"),
    )


def consultation_signed_in():
    """The consultation page of a signed-in stakeholder who has a place; each row, another person registering."""
    from consultations.services import registration_create

    page, reader = _consultation(), _user()
    registration_create(consultation=page, user=reader, attendance="in_person")
    return (
        page.get_absolute_url(),
        reader,
        lambda: registration_create(consultation=page, user=_user(), attendance="in_person"),
    )


def my_registrations():
    """ "My registrations": each row, a place at one more meeting."""
    from consultations.services import registration_create
    from tests.factories import make_consultation

    reader, event = _user(), _consultation().event

    def add():
        meeting = make_consultation(event=_event(region=event.region, cycle=event.cycle), capacity_in_person=10)
        registration_create(consultation=meeting, user=reader, attendance="in_person")

    return "/en/consultations/mine/", reader, add


def agenda():
    from consultations.models import Session
    from consultations.services import interest_create

    page = _consultation()

    def add():
        interest = interest_create(consultation=page, user=_user(), role="panel", topic="Decent work", statement="…")
        session = Session.objects.create(consultation=page, kind="panel", title="Panel", position=next(NUMBERS))
        session.speakers.add(interest)

    return f"{page.get_absolute_url()}agenda/", None, add


def dashboard():
    from consultations.services import registration_create
    from portal.enums import Role

    page = _consultation()
    return (
        f"{page.get_absolute_url()}dashboard/",
        _user(Role.SECRETARIAT),
        lambda: registration_create(consultation=page, user=_user(), attendance="in_person"),
    )


def _space():
    from django.utils import timezone

    from discussions.models import Phase, Space
    from discussions.seed import add_questions
    from portal.enums import Role

    event = _consultation().event
    space = Space.objects.filter(region=event.region, cycle=event.cycle).first()
    if space is None:
        space = Space.objects.create(region=event.region, cycle=event.cycle, title="Space")
        phase = Phase.objects.create(
            space=space, number=1, opens_at=timezone.now(), closes_at=timezone.now() + timedelta(days=30)
        )
        add_questions(phase, ["What works?"])
        space.moderators.add(_user(Role.MODERATOR))
    return space, space.phases.get().questions.get(), space.moderators.get()


def thread():
    from discussions.services import post_create, post_moderate

    _, question, moderator = _space()

    def add():
        post = post_create(question=question, author=_user(), text="A view from the ground", language="en")
        post_moderate(post=post, shown_revision=post.revision, by=moderator, approve=True)

    return question.get_absolute_url(), _user(), add


def moderation_queue():
    from discussions.services import post_create

    _, question, moderator = _space()
    return (
        "/en/discussions/moderation/",
        moderator,
        lambda: post_create(question=question, author=_user(), text="Waiting for a moderator", language="en"),
    )


def _search(language: str, text: str, name: str):
    """The posts page of the space searched for ``name``'s query; each row, a post in ``language`` it finds."""
    from bench.data import SEARCHES
    from discussions.services import post_create, post_moderate

    space, question, moderator = _space()

    def add():
        post = post_create(question=question, author=_user(), text=text, language=language)
        post_moderate(post=post, shown_revision=post.revision, by=moderator, approve=True)

    return f"/en/discussions/{space.pk}/posts/?{urlencode({'q': SEARCHES[name]})}", _user(), add


def funding_review():
    from django.utils import timezone

    from funding import services
    from funding.models import Call
    from portal.enums import Role
    from tests.funding.conftest import complete

    page = _consultation()
    call = Call.objects.create(
        cycle=page.event.cycle,
        title="Travel",
        budget=Decimal("100000"),
        opens_at=timezone.now() - timedelta(days=1),
        closes_at=timezone.now() + timedelta(days=10),
        published=True,
    )
    call.consultations.add(page)

    def add():
        applicant = _user()
        application = services.application_save(call=call, applicant=applicant, data=complete(page))
        services.application_submit(application=application, applicant=applicant)

    return f"/en/funding/calls/{call.pk}/review/", _user(Role.SECRETARIAT), add


def workspace():
    """The review's dashboard: one more consultation of the region (with a registration waiting for accreditation
    and an offer to speak), one more post waiting for moderation, per row."""
    from consultations.models import ExpressionOfInterest, Registration
    from discussions.services import post_create
    from portal.enums import Role
    from tests.factories import make_consultation

    page = _consultation()
    _, question, _moderator = _space()
    event = page.event

    def add():
        another = make_consultation(event=_event(region=event.region, cycle=event.cycle), accreditation_required=True)
        Registration.objects.create(
            consultation=another, user=_user(), attendance="in_person", status="pending", arrival=next(NUMBERS)
        )
        ExpressionOfInterest.objects.create(
            consultation=another, user=_user(), role="panel", topic="Decent work", statement="…"
        )
        post_create(question=question, author=_user(), text="Waiting for a moderator", language="en")

    return f"/en/regions/{event.region.code}/{event.cycle.code}/workspace/", _user(Role.SECRETARIAT), add


SCENARIOS = {
    "home": home,
    "calendar": calendar,
    "region": region,
    "consultation": consultation,
    "consultation, signed in": consultation_signed_in,
    "my registrations": my_registrations,
    "agenda": agenda,
    "dashboard": dashboard,
    "thread": thread,
    "moderation queue": moderation_queue,
    "search en": lambda: _search("en", "Migrants wait for their wages", "search en"),
    "search fr": lambda: _search("fr", "Les travailleuses migrantes attendent", "search fr"),
    "search ar": lambda: _search("ar", "مهاجرة تنتظر أجرها", "search ar"),
    "search zh": lambda: _search("zh-hans", "移民工人等待工资", "search zh"),
    "funding review": funding_review,
    "review dashboard": workspace,
}


def measure() -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for name, scenario in SCENARIOS.items():
        url, who, add = scenario()
        client = Client()
        if who is not None:
            client.force_login(who)
        add()
        rows_now = 1
        client.get(url)  # warm the per-process caches
        counts[name] = {}
        for rows in (1, 50):
            for _ in range(rows - rows_now):
                add()
            rows_now = rows
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"{name}: {url} answered {response.status_code}")
            counts[name][str(rows)] = len(queries)
    return counts


def main() -> None:
    import logging

    import django

    django.setup()
    logging.disable(logging.WARNING)
    from django.conf import settings

    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # hundreds of made-up people
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    from django.db import transaction

    with transaction.atomic():  # leaves the database as it found it, so it can run again
        counts = measure()
        transaction.set_rollback(True)
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
