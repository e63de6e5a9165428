"""Deployment settings, the Content-Security-Policy, sign-in lockout and the staff audit log."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core import mail

from portal import services
from portal.enums import AuditAction, Role
from portal.models import AuditEntry, RegionalRole, SignInLock
from tests.factories import RegionFactory, make_user

ROOT = Path(__file__).resolve().parents[2]
LOGIN = "/en/accounts/login/"
PASSWORD = "correct-horse-battery"


def production_env(**extra) -> dict:
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; a deployment never has it.
    skip = {"DJANGO_SETTINGS_MODULE", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in skip}
    env.update(
        PORTAL_ENV="production",
        DJANGO_SETTINGS_MODULE="portal.settings.base",
        SECRET_KEY="a-production-like-secret-" + "k" * 40 + "-Zq8!v",
        ALLOWED_HOSTS="portal.example.org",
        EMAIL_HOST="smtp.example.org",
        **extra,
    )
    return env


def test_check_deploy_reports_nothing_with_the_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_settings_turn_on_https_protections():
    code = (
        "from django.conf import settings as s; print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
        "s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.LANGUAGE_COOKIE_SECURE, "
        "s.SECURE_REFERRER_POLICY, s.X_FRAME_OPTIONS)"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.stdout.split() == ["31536000", "True", "True", "True", "True", "True", "same-origin", "DENY"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/en/", "/en/calendar/", LOGIN, "/en/accounts/signup/"])
def test_every_page_carries_a_strict_content_security_policy(client, path):
    response = client.get(path)

    policy = dict(
        (part.split()[0], part.split()[1:]) for part in response["Content-Security-Policy"].split(";") if part.strip()
    )
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_signed_in_and_admin_pages_carry_the_policy_too(client, secretariat):
    client.force_login(secretariat)
    for path in ("/en/profile/", "/en/admin/"):
        assert "script-src 'self'" in client.get(path)["Content-Security-Policy"], path


INLINE = [
    re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    re.compile(r"<style[\s>]", re.I),
    re.compile(r"\sstyle=[\"']", re.I),
    re.compile(r"\son[a-z]+=[\"']", re.I),
    re.compile(r"javascript:", re.I),
]


def test_no_template_served_as_a_web_page_has_inline_script_or_style():
    """E-mails and the PDF's own stylesheet are not web pages, so the policy does not apply to them."""
    offenders = []
    for folder in [ROOT / "templates", *ROOT.glob("*/templates")]:
        for template in folder.rglob("*.html"):
            if "/email/" in str(template) or template.name.endswith("_pdf.html"):
                continue
            text = template.read_text()
            offenders += [f"{template.relative_to(ROOT)}: {p.pattern}" for p in INLINE if p.search(text)]
    assert offenders == []


# --- Sign-in lockout (django-axes) and allauth's limits ---


def fail(client, email, *, ip="203.0.113.7", times=1):
    for _ in range(times):
        response = client.post(LOGIN, {"login": email, "password": "wrong-guess-123"}, REMOTE_ADDR=ip)
    return response


@pytest.mark.django_db
def test_five_failures_lock_that_address_out_with_a_clear_page(client, stakeholder):
    assert fail(client, stakeholder.email, times=4).status_code == 200

    locked = fail(client, stakeholder.email)
    right_password = client.post(LOGIN, {"login": stakeholder.email, "password": PASSWORD}, REMOTE_ADDR="203.0.113.7")

    assert locked.status_code == 429
    assert right_password.status_code == 429, "even the right password waits"
    page = right_password.content.decode()
    assert "too many failed attempts" in page
    assert "30 minutes" in page
    assert "/accounts/password/reset/" in page
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_lock_is_per_address_and_case_insensitive(client, stakeholder):
    fail(client, stakeholder.email.upper(), times=5)

    assert fail(client, stakeholder.email.lower()).status_code == 429
    elsewhere = client.post(LOGIN, {"login": stakeholder.email, "password": PASSWORD}, REMOTE_ADDR="198.51.100.9")
    assert elsewhere.status_code == 302, "the owner signs in from their own network"


@pytest.mark.django_db
def test_admin_sign_in_goes_through_the_same_locked_page(client, secretariat):
    assert client.get("/en/admin/login/")["Location"].startswith("/en/accounts/login/")
    fail(client, secretariat.email, times=5)

    response = client.post(
        LOGIN + "?next=/en/admin/", {"login": secretariat.email, "password": PASSWORD}, REMOTE_ADDR="203.0.113.7"
    )

    assert response.status_code == 429


@pytest.mark.django_db
def test_secretariat_lifts_a_lock_in_the_admin_and_it_is_audited(client, stakeholder, secretariat):
    fail(client, stakeholder.email, times=5, ip="127.0.0.1")
    lock = SignInLock.objects.get()
    staff = make_user(Role.MODERATOR)
    client.force_login(staff)
    assert client.get("/en/admin/portal/signinlock/").status_code == 403, "moderators do not see locks"

    client.force_login(secretariat)
    listing = client.get("/en/admin/portal/signinlock/")
    assert stakeholder.email in listing.content.decode()
    client.post("/en/admin/portal/signinlock/", {"action": "lift", "_selected_action": [lock.pk]})
    client.logout()

    assert SignInLock.objects.count() == 0
    assert client.post(LOGIN, {"login": stakeholder.email, "password": PASSWORD}).status_code == 302
    entry = AuditEntry.objects.get(action=AuditAction.SIGN_IN_UNLOCK)
    assert (entry.actor, entry.target_type) == (secretariat, "portal.signinlock")


@pytest.mark.django_db
def test_setting_a_new_password_lifts_the_lock(client, stakeholder):
    fail(client, stakeholder.email, times=5, ip="127.0.0.1")
    client.post("/en/accounts/password/reset/", {"email": stakeholder.email})
    link = re.search(r"https?://[^/\s]+(/\S*/accounts/password/reset/key/\S+/)", mail.outbox[-1].body).group(1)
    form_url = client.get(link)["Location"]
    client.post(form_url, {"password1": "a-brand-new-passphrase-7", "password2": "a-brand-new-passphrase-7"})

    response = client.post(LOGIN, {"login": stakeholder.email, "password": "a-brand-new-passphrase-7"})

    assert response.status_code == 302


@pytest.mark.django_db
def test_allauth_password_reset_limit_counts_in_redis(client, stakeholder):
    assert settings.CACHES["default"]["LOCATION"].startswith("redis://")
    codes = [client.post("/en/accounts/password/reset/", {"email": stakeholder.email}).status_code for _ in range(6)]

    assert codes == [302] * 5 + [429]
    assert len(mail.outbox) == 5


# --- The audit log ---


@pytest.mark.django_db
def test_audit_log_is_read_only_and_for_the_secretariat(client, secretariat, moderator, stakeholder):

    services.audit_record(actor=secretariat, action=AuditAction.EXPORT, target=stakeholder, detail="test")
    client.force_login(moderator)
    assert client.get("/en/admin/portal/auditentry/").status_code == 403

    client.force_login(secretariat)
    listing = client.get("/en/admin/portal/auditentry/")
    entry = AuditEntry.objects.get()
    assert listing.status_code == 200
    assert "Export of personal data" in listing.content.decode()
    assert client.get(f"/en/admin/portal/auditentry/{entry.pk}/delete/").status_code == 403
    assert client.post(f"/en/admin/portal/auditentry/{entry.pk}/change/", {"detail": "x"}).status_code == 403
    assert AuditEntry.objects.get().detail == "test"


@pytest.mark.django_db
def test_role_change_in_the_admin_is_audited(client, stakeholder):

    root = make_user(Role.SECRETARIAT)
    root.is_superuser = True
    root.save()
    client.force_login(root)
    page = client.get(f"/en/admin/portal/user/{stakeholder.pk}/change/")
    assert page.status_code == 200
    moderator_group = Group.objects.get(name=Role.MODERATOR)
    data = _user_form(stakeholder, extra_groups=[moderator_group])

    response = client.post(f"/en/admin/portal/user/{stakeholder.pk}/change/", data)

    assert response.status_code == 302, response.content.decode()[:3000]
    entry = AuditEntry.objects.get(action=AuditAction.ROLE_CHANGE)
    assert (entry.actor, entry.target_id, entry.detail) == (root, str(stakeholder.pk), "+moderator")

    # A regional role: its row for the region, its group with it, and the audit entry naming the region.
    region = RegionFactory(code="africa")
    data.update(
        {
            "groups": [g.pk for g in stakeholder.groups.all()],
            "regional_roles-TOTAL_FORMS": "1",
            "regional_roles-0-role": Role.FOCAL_POINT,
            "regional_roles-0-region": region.pk,
        }
    )
    response = client.post(f"/en/admin/portal/user/{stakeholder.pk}/change/", data)

    assert response.status_code == 302, response.content.decode()[:3000]
    assert stakeholder.groups.filter(name=Role.FOCAL_POINT).exists()
    assert list(RegionalRole.objects.filter(user=stakeholder).values_list("role", "region")) == [
        (Role.FOCAL_POINT, region.pk)
    ]
    latest = AuditEntry.objects.filter(action=AuditAction.ROLE_CHANGE).order_by("-pk")[:2]
    assert sorted(entry.detail for entry in latest) == ["+focal_point", "+focal_point@africa"]


def _user_form(person, *, extra_groups=()) -> dict:
    """The person's page in the administration as a superuser sends it back, with ``extra_groups`` ticked."""
    profile = person.profile
    return {
        "email": person.email,
        "is_active": "on",
        "groups": [g.pk for g in person.groups.all()] + [g.pk for g in extra_groups],
        "last_login_0": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
        "initial-date_joined_0": "2026-01-01",
        "initial-date_joined_1": "10:00:00",
        "profile-TOTAL_FORMS": "1",
        "profile-INITIAL_FORMS": "1",
        "profile-MIN_NUM_FORMS": "0",
        "profile-MAX_NUM_FORMS": "1",
        "profile-0-id": profile.pk,
        "profile-0-user": person.pk,
        "profile-0-display_name": profile.display_name,
        "profile-0-constituency": profile.constituency,
        "profile-0-country": profile.country.code,
        "profile-0-preferred_language": "en",
        "profile-0-claimed_affiliation": profile.claimed_affiliation,
        "regional_roles-TOTAL_FORMS": "0",
        "regional_roles-INITIAL_FORMS": "0",
        "regional_roles-MIN_NUM_FORMS": "0",
        "regional_roles-MAX_NUM_FORMS": "1000",
    }


@pytest.mark.django_db
def test_a_regional_group_without_a_region_is_taken_away_on_save(client, stakeholder):
    """Ticking the focal point group in the admin grants nothing: the group follows the regions held."""
    root = make_user(Role.SECRETARIAT)
    root.is_superuser = True
    root.save()
    client.force_login(root)
    data = _user_form(stakeholder, extra_groups=[Group.objects.get(name=Role.FOCAL_POINT)])

    response = client.post(f"/en/admin/portal/user/{stakeholder.pk}/change/", data)

    assert response.status_code == 302, response.content.decode()[:3000]
    assert not stakeholder.groups.filter(name=Role.FOCAL_POINT).exists()


@pytest.mark.django_db
def test_secretariat_cannot_take_over_an_account_in_the_admin(client, secretariat, stakeholder):
    root = make_user(Role.SECRETARIAT)
    root.is_superuser = True
    root.save()
    client.force_login(secretariat)

    assert client.get(f"/en/admin/portal/user/{stakeholder.pk}/password/").status_code == 403
    assert client.post(f"/en/admin/portal/user/{root.pk}/change/", {"is_active": ""}).status_code == 403
    root.refresh_from_db()
    assert root.is_active, "a superuser's account is read-only to the secretariat"
    page = client.get(f"/en/admin/portal/user/{stakeholder.pk}/change/").content.decode()
    assert 'name="email"' not in page, "the sign-in address is read-only for the secretariat"
