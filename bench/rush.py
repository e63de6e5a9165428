"""The registration rush: a popular consultation opens and PEOPLE signed-in people load its page and register
within one minute, against gunicorn as in production (``bench.run`` starts it; loopback only).

    python -m bench.rush prepare [people]   # a new consultation and PEOPLE people with sessions → one JSON line
    python -m bench.rush verify <id> <file> # the registrations against what the clients saw → one JSON line

``run`` (called by ``bench.run``) plays the rush twice, on two consultations: a steady stream (person n starts
at n × SECONDS / PEOPLE seconds) and a burst (everyone at once, CLIENTS at a time, as fast as the server
answers, which must still be within the minute). Each person loads the page, posts the form with the CSRF
token the page gave, and loads the page the answer leads to. Every request's latency is kept; the p99 of the
pages and of the posts are reported. ``verify`` then checks every registration was decided correctly: one per
person, arrivals 1..PEOPLE with no gap, the first CAPACITY arrivals with a place and the rest on the waiting
list in that order, and no person whose post was answered before another's was sent arriving after them.
"""

import http.client
import json
import os
import re
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from urllib.parse import urlencode, urlsplit

PEOPLE = 1000
CAPACITY = 600  # places in the room; the other 400 go to the waiting list
SECONDS = 60
CLIENTS = 64  # at most this many people at once: a bound on the load generator (a steady stream needs far fewer)
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def prepare(people: int = PEOPLE, capacity: int = CAPACITY) -> dict:
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from bench.data import COUNTRIES, session_cookie
    from consultations.enums import ConsultationStatus
    from consultations.models import Consultation
    from portal.enums import Constituency, Role
    from portal.models import Profile, User
    from reviews.models import Event

    now = timezone.now()
    event = Event.objects.filter(kind="multi_stakeholder_consultation").order_by("pk").first()
    consultation = Consultation.objects.create(
        event=event,
        title="The rush",
        capacity_in_person=capacity,
        registration_opens_at=now - timedelta(minutes=1),
        registration_deadline=now + timedelta(days=30),
        status=ConsultationStatus.OPEN,
        starts_at=now + timedelta(days=40),
    )
    stamp = int(time.time())
    users = User.objects.bulk_create([User(email=f"rush{stamp}-{n}@bench.test") for n in range(people)])
    Profile.objects.bulk_create(
        [
            Profile(
                user=user,
                display_name=f"Rush {n}",
                constituency=Constituency.CIVIL_SOCIETY,
                country=COUNTRIES[n % len(COUNTRIES)],
                privacy_consent_at=now,
            )
            for n, user in enumerate(users)
        ]
    )
    stakeholder = Group.objects.get(name=Role.STAKEHOLDER)
    User.groups.through.objects.bulk_create([User.groups.through(user_id=u.pk, group_id=stakeholder.pk) for u in users])
    return {
        "consultation": consultation.pk,
        "path": f"/en/consultations/{consultation.pk}/",
        "people": [{"user": u.pk, "session": session_cookie(u)} for u in users],
    }


def _request(base: str, method: str, path: str, headers: dict, body: str | None = None):
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    started = time.perf_counter()
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read()
        return (
            response.status,
            response.getheader("Location"),
            response.msg.get_all("Set-Cookie") or [],
            content,
            (time.perf_counter() - started),
        )
    finally:
        connection.close()


def _one(base: str, path: str, person: dict, start_at: float) -> dict:
    time.sleep(max(0.0, start_at - time.monotonic()))
    cookie = f"sessionid={person['session']}"
    seen = {"user": person["user"], "pages": [], "post": None, "errors": []}
    try:
        status, _, cookies, content, took = _request(base, "GET", path, {"Cookie": cookie})
        seen["pages"].append(took)
        token = TOKEN.search(content)
        csrf = next((c.split(";")[0] for c in cookies if c.startswith("csrftoken=")), None)
        if status != 200 or token is None or csrf is None:
            seen["errors"].append(f"page {status}")
            return seen
        body = urlencode({"csrfmiddlewaretoken": token.group(1).decode(), "attendance": "in_person"})
        sent = time.monotonic()
        status, location, _, _, took = _request(
            base,
            "POST",
            f"{path}register/",
            {"Cookie": f"{cookie}; {csrf}", "Content-Type": "application/x-www-form-urlencoded"},
            body,
        )
        seen["post"] = {"took": took, "sent": sent, "answered": time.monotonic()}
        if status != 302 or not location:
            seen["errors"].append(f"post {status}")
            return seen
        status, _, _, _, took = _request(base, "GET", urlsplit(location).path, {"Cookie": cookie})
        seen["pages"].append(took)
        if status != 200:
            seen["errors"].append(f"after {status}")
    except OSError as exc:
        seen["errors"].append(type(exc).__name__)
    finally:
        seen["whole"] = time.monotonic() - start_at  # from the moment the person came, waiting for a client too
    return seen


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run(base: str, prepared: dict, spread: float = SECONDS) -> tuple[dict, list[dict]]:
    people = prepared["people"]
    begun = time.monotonic() + 0.5
    lock, done = threading.Lock(), []

    def play(numbered):
        n, person = numbered
        seen = _one(base, prepared["path"], person, begun + n * spread / len(people))
        with lock:
            done.append(seen)

    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(play, enumerate(people)))
    elapsed = time.monotonic() - begun
    pages = [t for seen in done for t in seen["pages"]]
    posts = [seen["post"]["took"] for seen in done if seen["post"]]
    ms = lambda seconds: round(seconds * 1000, 1)  # noqa: E731
    figures = {
        "people": len(people),
        "seconds": round(elapsed, 1),
        "page_requests": len(pages),
        "post_requests": len(posts),
        "errors": sum(len(seen["errors"]) for seen in done),
        "page_p50": ms(percentile(pages, 0.50)),
        "page_p99": ms(percentile(pages, 0.99)),
        "post_p50": ms(percentile(posts, 0.50)),
        "post_p99": ms(percentile(posts, 0.99)),
        "person_p99": ms(percentile([seen["whole"] for seen in done], 0.99)),
    }
    return figures, done


def verify(consultation_id: int, seen: list[dict]) -> dict:
    from consultations.enums import RegistrationStatus
    from consultations.models import Consultation, Registration

    capacity = Consultation.objects.get(pk=consultation_id).capacity_in_person

    rows = list(
        Registration.objects.filter(consultation_id=consultation_id)
        .order_by("arrival")
        .values_list("user_id", "arrival", "status")
    )
    arrival = {user: number for user, number, _ in rows}
    expected = [RegistrationStatus.REGISTERED] * min(capacity, len(rows)) + [RegistrationStatus.WAITLISTED] * max(
        0, len(rows) - capacity
    )
    # A post answered before another was sent must have arrived first: the order the server decided in is the
    # order people came in, as far as anyone outside could tell.
    timed = sorted((s["post"]["sent"], s["post"]["answered"], arrival.get(s["user"])) for s in seen if s["post"])
    out_of_order = 0
    for i, (_, answered, first) in enumerate(timed):
        for sent, _, later in timed[i + 1 :]:
            if sent > answered and first is not None and later is not None and later < first:
                out_of_order += 1
    return {
        "registrations": len(rows),
        "one_per_person": len(arrival) == len(rows),
        "arrivals_without_gap": [number for _, number, _ in rows] == list(range(1, len(rows) + 1)),
        "places_then_waiting_list": [status for _, _, status in rows] == expected,
        "registered": sum(status == RegistrationStatus.REGISTERED for _, _, status in rows),
        "waitlisted": sum(status == RegistrationStatus.WAITLISTED for _, _, status in rows),
        "out_of_order": out_of_order,
    }


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")
    import django

    django.setup()
    if sys.argv[1] == "prepare":
        people = int(sys.argv[2]) if len(sys.argv) > 2 else PEOPLE
        print(json.dumps(prepare(people, people * CAPACITY // PEOPLE)))
    else:
        with open(sys.argv[3]) as handle:
            seen = json.load(handle)
        print(json.dumps(verify(int(sys.argv[2]), seen)))


if __name__ == "__main__":
    main()
