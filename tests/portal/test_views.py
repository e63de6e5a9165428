from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import RequestFactory, override_settings
from django.utils import timezone, translation

from portal.views import server_error
from reviews.dates import StatedDate
from reviews.models import Event, Region, ReviewCycle
from reviews.seed import seed_regions
from reviews.seed_calendar import load_seed_calendar

LANGUAGES = [code for code, _name in settings.LANGUAGES]
PAGES = ["", "principles/", "privacy/", "contacts/", "accounts/signup/", "accounts/login/"]


@pytest.fixture
def regions(db):
    seed_regions()


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("page", PAGES)
def test_public_pages_render_in_every_language(client, regions, language, page):
    response = client.get(f"/{language}/{page}")

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}">' in html
    assert ("bootstrap.rtl.min.css" in html) == (language == "ar")
    assert 'href="#main"' in html


@pytest.mark.django_db
def test_footer_lists_regional_contacts_from_003(client, regions):
    html = client.get("/en/").content.decode()

    for address in [
        "mignetUNECE@iom.int",
        "cgaspar@iom.int",
        "SociedadCivilLAC@iom.int",
        "gcmrrarabstates@iom.int",
        "unrnap@iom.int",
    ]:
        assert f"mailto:{address}" in html


@pytest.mark.django_db
def test_region_names_follow_the_language(client, regions):
    assert "Afrique" in client.get("/fr/contacts/").content.decode()
    assert "أفريقيا" in client.get("/ar/contacts/").content.decode()


@pytest.mark.django_db
def test_home_query_count_does_not_grow_with_events(client, query_count):

    load_seed_calendar()

    def add_upcoming(days: int) -> None:
        Event(
            cycle=ReviewCycle.objects.first(),
            region=Region.objects.first(),
            kind="gcm_talk",
            start=StatedDate(precision="day", days=(timezone.localdate() + timedelta(days=days),)),
        ).save()

    add_upcoming(1)  # at least one upcoming event, whatever day the suite runs
    client.get("/en/")  # warm the footer cache as in production
    before = query_count(lambda: client.get("/en/"))
    for day in range(2, 12):
        add_upcoming(day)

    assert query_count(lambda: client.get("/en/")) == before


@pytest.mark.django_db
def test_language_switch_stays_on_the_same_page(client):
    response = client.post("/i18n/setlang/", {"language": "ru", "next": "/en/principles/"})

    assert response.status_code == 302
    assert response["Location"] == "/ru/principles/"


@pytest.mark.django_db
def test_language_switch_refuses_foreign_next(client):
    response = client.post("/i18n/setlang/", {"language": "ru", "next": "https://evil.example/"})

    assert response["Location"] in ("/", "/ru/")


@pytest.mark.django_db
def test_profile_requires_sign_in(client):
    response = client.get("/en/profile/")

    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/login/?next=/en/profile/"


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "text"), [("fr", "Page introuvable"), ("ar", "الصفحة غير موجودة")])
def test_404_is_translated(client, language, text):
    response = client.get(f"/{language}/no-such-page/")

    assert response.status_code == 404
    assert text in response.content.decode()


@pytest.mark.django_db
def test_403_page_for_signed_in_user_without_rights(client, stakeholder):
    client.force_login(stakeholder)

    response = client.get("/es/admin/")

    # The admin sends people without the role to sign in with another account.
    assert response.status_code == 302


@pytest.mark.django_db
def test_500_page_renders_in_language(client):

    with translation.override("es"):
        response = server_error(RequestFactory().get("/es/"))

    assert response.status_code == 500
    assert "Algo ha salido mal" in response.content.decode()


def test_healthz(client):
    assert client.get("/healthz").content == b"ok"


@override_settings(DEBUG=False)
@pytest.mark.django_db
def test_static_assets_are_vendored(client):

    for asset in [
        "vendor/bootstrap-5.3.9/bootstrap.min.css",
        "vendor/bootstrap-5.3.9/bootstrap.rtl.min.css",
        "vendor/bootstrap-5.3.9/bootstrap.bundle.min.js",
        "portal/css/portal.css",
    ]:
        assert finders.find(asset), asset
