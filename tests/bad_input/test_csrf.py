"""CSRF on every state-changing request: every URL pattern of the URL configuration, POSTed (and PUT and
DELETE) without a token by a signed-in superuser, answers 403 and changes nothing.

Two attacks per URL: a request with no CSRF cookie at all, and the realistic one, from another site, where
the victim's browser holds a valid CSRF cookie but the forged form cannot know the token. A control proves
the same requests with the token do get through.

One view is exempt, on purpose: the one-click unsubscribe link of the reminders (RFC 8058). Mail clients
POST it without a session or a form; the signed token in the URL is the credential, and all it can do is
turn one kind of reminder off for its own recipient.
"""

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import LocalePrefixPattern
from django.utils import translation

from consultations.models import Consultation, InvitationLetter
from discussions.models import Post, Space, Subscription
from funding.models import Application, Call
from portal.enums import Role
from reminders.models import Preference
from reminders.services import unsubscribe_token_create
from reviews.models import Event
from tests import worlds
from tests.demo import make_demo
from tests.factories import AttachmentFactory, make_user

EXEMPT = {"reminders:unsubscribe"}
UNSAFE_METHODS = ("post", "put", "delete")


def patterns(resolver=None, prefix="", namespace=None):
    """(full route, URL name with namespaces or None, pattern, callback) for every URL pattern, depth first."""
    for entry in (resolver or get_resolver()).url_patterns:
        segment = "<language>/" if isinstance(entry.pattern, LocalePrefixPattern) else str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from patterns(entry, prefix + segment, inner)
        elif isinstance(entry, URLPattern):
            name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
            yield prefix + segment, name, entry, entry.callback


def build_world() -> dict:
    """The demo world, and one of each kind it lacks, so every URL points at a real object."""

    stakeholder = make_user(Role.STAKEHOLDER)
    consultation = Consultation.objects.get(title="Multi-stakeholder consultation for Asia and the Pacific (demo)")
    post = Post.objects.filter(status="approved").first()
    call = Call.objects.get()
    superuser = make_user(Role.SECRETARIAT, user__is_superuser=True)
    records = worlds.admin_records(consultation=consultation, call=call, person=stakeholder, exporter=superuser)
    world = {
        "superuser": superuser,
        "consultation": consultation,
        "summary": records["consultations.summarydocument"],
        "export": records["consultations.exportlog"],
        "space": Space.objects.get(region__code="asia-pacific"),
        "post": post,
        "attachment": AttachmentFactory(post=post, original_name="a.pdf"),
        "call": call,
        "application": Application.objects.exclude(state="draft").first(),
        "event": Event.objects.get(key="2024-africa-review"),
        "token": unsubscribe_token_create(user_id=stakeholder.pk, kind="registration_deadline"),
        "letter": InvitationLetter.objects.get(),
    }
    world["question"] = world["space"].phases.get(number=1).questions.first()
    return world


def kwargs_for(name: str, pattern, world) -> dict:
    """Keyword arguments that point ``name`` at a real object of the world."""
    wanted = set(pattern.pattern.converters) | set(pattern.pattern.regex.groupindex)
    if name.startswith("admin:"):
        values = {"app_label": "consultations", "id": str(world["superuser"].pk)}
        if "object_id" in wanted and "content_type_id" not in wanted:
            for model in admin.site._registry:
                prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
                if name.startswith(prefix):
                    # constance's settings page stands on a model without rows or a manager
                    manager = getattr(model, "_default_manager", None)
                    first = manager.order_by("pk").first() if manager is not None else None
                    values["object_id"] = str(first.pk) if first else "1"
        elif "content_type_id" in wanted:
            values["content_type_id"] = str(ContentType.objects.get_for_model(type(world["post"])).pk)
            values["object_id"] = str(world["post"].pk)
        return {key: value for key, value in values.items() if key in wanted}
    by_name = {
        "consultations:summary_document": {"pk": world["consultation"].pk, "document_id": world["summary"].pk},
        "consultations:export_status": {"pk": world["export"].pk},
        "consultations:export_download": {"pk": world["export"].pk},
        "discussions:question": {"pk": world["space"].pk, "question": world["question"].pk},
        "discussions:post": {"pk": world["space"].pk, "question": world["question"].pk},
        "discussions:edit": {"pk": world["post"].pk},
        "discussions:translate": {"pk": world["post"].pk},
        "portal:content_translate": {"key": "question", "pk": world["question"].pk},
        "discussions:machine_translation": {"pk": world["post"].pk},
        "discussions:moderate": {"pk": world["post"].pk},
        "discussions:attachment": {"pk": world["attachment"].pk},
        "funding:application": {"pk": world["application"].pk},
        "funding:withdraw": {"pk": world["application"].pk},
        "funding:review_application": {"pk": world["application"].pk},
        "funding:review_translation": {"pk": world["application"].pk},
        "reminders:unsubscribe": {"token": world["token"]},
        "account_confirm_email": {"key": "MQ:1vAbCd:forged"},
        "account_reset_password_from_key": {"uidb36": "1", "key": "set-password"},
        # A security key of the person's own (its number is in the enclosing pattern): any number will do.
        "mfa_remove_webauthn": {"pk": 1},
        "portal:confirm_sign_in": {"token": "not-a-token"},
        "mfa_edit_webauthn": {"pk": 1},
        "reviews:workspace": {"code": "africa", "cycle": world["event"].cycle.code},
        # The demo's letter request and a signed link (forged tokens are refused, which is all the test needs).
        "consultations:letter_pdf": {"letter_id": world["letter"].pk},
        "consultations:certificate_verify": {"token": "not-a-token"},
        "consultations:letter_verify": {"token": "not-a-token"},
        "consultations:personal_feed": {"token": "not-a-token"},
    }
    if name in by_name:
        return by_name[name]
    namespace = name.split(":")[0]
    pk = {
        "consultations": world["consultation"].pk,
        "discussions": world["space"].pk,
        "funding": world["call"].pk,
        "reviews": world["event"].pk,
    }.get(namespace)
    return {key: value for key, value in {"pk": pk, "code": "africa"}.items() if key in wanted}


def pattern_route_tail(route: str) -> str:
    return route.removeprefix("<language>/")


def every_url(world) -> list[tuple[str, str, object]]:
    """(a label, a concrete path, the callback) for every pattern, each path checked to resolve to it."""
    urls = []
    with translation.override("en"):
        for route, name, pattern, callback in patterns():
            if name:
                path = reverse(name, kwargs=kwargs_for(name, pattern, world))
                label = name
            elif route.endswith("/<path:object_id>/"):  # the old-style address of an admin object
                app_label, model_name = route.split("/")[2:4]
                first = apps.get_model(app_label, model_name)._default_manager.order_by("pk").first()
                path = f"/en/admin/{app_label}/{model_name}/{first.pk if first else 1}/"
                label = f"admin:{app_label}_{model_name} old-style"
            else:  # the administration's catch-all
                path, label = "/en/admin/no-such-page/", route
            match = resolve(path)
            if name and match.url_name != name.split(":")[-1] and match.route.endswith(pattern_route_tail(route)):
                continue  # shadowed by an earlier pattern at the same address (constance's "add" is its list)
            assert match.func is callback, (label, path)
            urls.append((label, path, callback))
    return urls


def snapshot() -> dict:
    """Every row of every table, as values: compared before and after the forged requests."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for model in apps.get_models()
        if model._meta.label != "sessions.Session" and not model._meta.proxy
    }


@pytest.fixture
def world(db, settings):
    make_demo(settings)
    return build_world()


def forging_client(world, *, with_cookie: bool) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["superuser"])
    if with_cookie:
        client.cookies[django_settings.CSRF_COOKIE_NAME] = _get_new_csrf_string()
    return client


def test_every_url_refuses_a_forged_request_and_nothing_changes(world):
    urls = [(label, path) for label, path, _callback in every_url(world) if label not in EXEMPT]
    clients = [forging_client(world, with_cookie=with_cookie) for with_cookie in (False, True)]
    before = snapshot()  # after signing in, which writes the last sign-in time
    refused = []
    for with_cookie, client in zip((False, True), clients, strict=True):
        for label, path in urls:
            for method in UNSAFE_METHODS:
                response = getattr(client, method)(path, {"title": "forged", "decision": "approve", "follow": "1"})
                refused.append((label, method, with_cookie, response.status_code, "CSRF" in response.content.decode()))

    assert [row for row in refused if row[3:] != (403, True)] == []
    assert snapshot() == before
    assert len(urls) > 150, "the walk reached the whole URL configuration, administration included"
    print(f"{len(urls)} URL patterns, {len(refused)} forged requests refused")


def test_the_same_requests_with_the_token_get_through(world):
    """The control: with the token from the cookie, the forged-looking follow is a real one."""

    client = forging_client(world, with_cookie=True)
    secret = client.cookies[django_settings.CSRF_COOKIE_NAME].value
    path = f"/en/discussions/{world['space'].pk}/follow/"

    response = client.post(path, {"follow": "1", "csrfmiddlewaretoken": _mask_cipher_secret(secret)})

    assert response.status_code == 302
    assert Subscription.objects.filter(user=world["superuser"], space=world["space"]).exists()


def test_no_view_is_exempt_from_csrf_but_the_unsubscribe_link(world):
    exempt = {label for label, _path, callback in every_url(world) if getattr(callback, "csrf_exempt", False)}
    assert exempt == EXEMPT


def test_the_exempt_unsubscribe_link_does_nothing_without_its_signed_token(world):

    client = Client(enforce_csrf_checks=True)
    token = world["token"]
    before = snapshot()

    forged = client.post(f"/en/reminders/unsubscribe/{token[:-2]}xx/")
    looked_at = client.get(f"/en/reminders/unsubscribe/{token}/")

    assert (forged.status_code, looked_at.status_code) == (404, 200)
    assert snapshot() == before
    assert client.post(f"/en/reminders/unsubscribe/{token}/").status_code == 200
    assert Preference.objects.filter(kind="registration_deadline", enabled=False).count() == 1
