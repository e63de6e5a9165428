"""The permission matrix: every URL of the portal, who may use it, and proof that everybody else is refused.

The list of URLs comes from the URL configuration itself. A URL added without an entry in ``MATRIX`` (or,
in the administration, a model registered without an entry in ``ADMIN_MODELS``), and an entry left behind
for a URL that is gone, both fail ``test_every_url_has_exactly_one_entry``.

For each URL, one person of each role (and an anonymous visitor, and the owner of the objects in the URL)
sends a GET and, when refused, a POST with a payload that would change something had the view let it
through. A person who may use the page gets its normal answer (200, or the view's own redirect; 405 to a
GET of a POST-only endpoint). Everybody else is refused: a redirect to the sign-in page or 403, and nothing
in the database changes. A 404 is accepted only where the view hides on purpose that the object exists
(``hides=True``, with the reason next to the entry). Where a payload is given, a control request by
someone allowed proves the payload would have changed the database.

Who may do what follows the source documents: the public sees timelines, consultations and published
summaries; discussion spaces are read by registered users, posted to by stakeholders and UN system members
and moderated by their own moderators (002); the secretariat runs consultations and exports; the Executive
Committee recommends and the MPTF Chair decides funding (001).

The world is built once for the module (``world``) and every test's own writes are rolled back, so the
whole file runs in well under a minute.
"""

import logging
from copy import deepcopy
from dataclasses import dataclass, field
from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import LocalePrefixPattern
from django.utils import timezone, translation

from consultations import reports
from consultations import services as consultation_services
from consultations.certificates import certificate_token
from consultations.enums import RegistrationStatus
from consultations.letters import letter_token
from consultations.models import Registration
from discussions import services as discussion_services
from discussions.models import Post
from funding import services as funding_services
from portal.content_translation import digest
from portal.enums import ClaimedAffiliation, Role, VerificationStatus
from portal.models import AuditEntry, RegionalRole
from portal.permissions import REGIONAL_ROLES
from reminders import services as reminder_services
from tests import worlds
from tests.factories import (
    PASSWORD,
    AnalysisPaperFactory,
    AuditEntryFactory,
    BriefingRequestFactory,
    CertificateFactory,
    CheckInFactory,
    EventFactory,
    ExpressionOfInterestFactory,
    InvitationLetterFactory,
    PersonalFeedFactory,
    ProfileFactory,
    RegistrationFactory,
    SourceFactory,
    TagFactory,
    application_data,
    make_consultation,
    make_user,
    shown,
)
from tests.fingerprint import fingerprint, fingerprint_sql

ANONYMOUS = "anonymous"
# A stakeholder who owns the objects in the URLs: the registration, the posts, the funding application.
OWNER = "owner"
IDENTITIES = (ANONYMOUS, *Role.values, OWNER)

PUBLIC = frozenset(IDENTITIES)
NOBODY = frozenset()
SIGNED_IN = PUBLIC - {ANONYMOUS}
ONLY_ANONYMOUS = frozenset({ANONYMOUS})
STAKEHOLDERS = frozenset({Role.STAKEHOLDER, OWNER})
# consultations.register: stakeholders, and UN system and Member State users once verified.
REGISTRANTS = STAKEHOLDERS | {Role.UN_SYSTEM, Role.MEMBER_STATE}
# 002: stakeholders and UN system members post; the space's moderators write moderator notes.
POSTERS = STAKEHOLDERS | {Role.UN_SYSTEM}
STAFF = frozenset({Role.MODERATOR, Role.SECRETARIAT, Role.EXECUTIVE_COMMITTEE, Role.MPTF_CHAIR, Role.FOCAL_POINT})
SECRETARIAT = frozenset({Role.SECRETARIAT})
MODERATOR = frozenset({Role.MODERATOR})
# Held for the world's region: planning, consultations and moderation there; the task team chooses speakers.
FOCAL_POINT = frozenset({Role.FOCAL_POINT})
TASK_TEAM = frozenset({Role.TASK_TEAM})
# 001: the secretariat screens, the Executive Committee recommends, the MPTF Chair decides.
REVIEWERS = frozenset({Role.SECRETARIAT, Role.EXECUTIVE_COMMITTEE, Role.MPTF_CHAIR})


@dataclass(frozen=True)
class Rule:
    """Who may use one URL.

    ``roles`` get the page: ``ok`` is its normal status (``ok_for``: by person), ``ok_to`` where its normal
    redirect goes, by person; a GET of a ``post_only`` endpoint answers 405. ``post`` (default: ``roles``)
    may send it a POST; everybody else's POST is refused. ``hides``: the refusal is a 404 on purpose.
    ``elsewhere``: URL names a refusal may redirect to besides the sign-in pages.
    """

    roles: frozenset
    post: frozenset | None = None
    post_only: bool = False
    hides: bool = False
    ok: int = 200
    ok_for: dict = field(default_factory=dict)
    ok_to: dict = field(default_factory=dict)
    elsewhere: frozenset = frozenset()

    def get_status(self, identity: str) -> int:
        return self.ok_for.get(identity, 405 if self.post_only else self.ok)

    @property
    def posters(self) -> frozenset:
        return self.roles if self.post is None else self.post


def allow(roles, **options) -> Rule:
    return Rule(frozenset(roles), **options)


HOME = frozenset({"portal:home"})

MATRIX: dict[str, Rule] = {
    # Outside the language prefix.
    "healthz": allow(PUBLIC),
    # Prometheus's scrape: by network, not role. Every client here comes from 127.0.0.1, inside the deployment;
    # refused from outside, through the proxy or with a wrong token in tests/portal/test_observability.py.
    "metrics": allow(PUBLIC),
    "set_language": allow(PUBLIC, ok=302),  # Django's own; a GET only sends the person back
    "switch_language": allow(PUBLIC, ok=302),  # the same page in another language
    # portal
    "portal:home": allow(PUBLIC),
    "portal:principles": allow(PUBLIC),
    "portal:privacy": allow(PUBLIC),
    "portal:contacts": allow(PUBLIC),
    "portal:profile": allow(SIGNED_IN),
    # Each person's own data: the views only ever read or delete the person who asks.
    "portal:my_data": allow(SIGNED_IN),
    "portal:my_data_download": allow(SIGNED_IN),
    "portal:account_delete": allow(SIGNED_IN),
    # The signed token in the e-mailed link is the credential; the world's is not one, for anybody.
    "portal:confirm_sign_in": allow(PUBLIC, ok=400),
    # reviews: the calendar is public; the rule checks are the secretariat's.
    "reviews:calendar": allow(PUBLIC),
    "reviews:calendar_ics": allow(PUBLIC),
    "reviews:rules": allow(SECRETARIAT | FOCAL_POINT),
    # The review's workspace, for its region's task team and focal points and the secretariat.
    "reviews:workspaces": allow(SECRETARIAT | FOCAL_POINT | TASK_TEAM),
    "reviews:workspace": allow(SECRETARIAT | FOCAL_POINT | TASK_TEAM),
    "reviews:event": allow(PUBLIC),
    "reviews:event_ics": allow(PUBLIC),
    "reviews:region": allow(PUBLIC),
    "reviews:region_ics": allow(PUBLIC),
    # consultations
    "consultations:list": allow(PUBLIC),
    "consultations:detail": allow(PUBLIC),
    "consultations:agenda": allow(PUBLIC),
    # The summary is not published yet: only the secretariat may read it; for everybody else it does not exist.
    "consultations:summary_document": allow(SECRETARIAT | FOCAL_POINT, hides=True),
    # Everybody sees the approved talks; those who may register propose one.
    "consultations:talks": allow(PUBLIC, post=REGISTRANTS),
    # A talk not approved yet (the world's has no region) is its proposer's and the secretariat's; for anybody
    # else it does not exist. Its proposer records pledges on it already (public once approved).
    "consultations:talk": allow({OWNER, Role.SECRETARIAT}, hides=True),
    "consultations:talk_manage": allow({OWNER, Role.SECRETARIAT}, hides=True),
    "consultations:pledges_csv": allow(SECRETARIAT | FOCAL_POINT),
    # Requests for a briefing (000): each person's own list; those who take part in consultations send one.
    "consultations:briefing_requests": allow(SIGNED_IN, post=REGISTRANTS),
    "consultations:briefing_queue": allow(SECRETARIAT | FOCAL_POINT),
    # A pending request is its requester's and its deciders' (the secretariat, the region's focal points); for
    # anybody else it does not exist. Only the deciders answer it.
    "consultations:briefing_request": allow(
        {OWNER, Role.SECRETARIAT, Role.FOCAL_POINT}, post=SECRETARIAT | FOCAL_POINT, hides=True
    ),
    "consultations:briefing_request_edit": allow({OWNER}, hides=True),
    "consultations:register": allow(REGISTRANTS, post_only=True),
    "consultations:follow": allow(SIGNED_IN, post_only=True),
    # The view looks up the person's own registration: somebody else's is not found.
    "consultations:cancel": allow({OWNER}, post_only=True, hides=True),
    "consultations:speak": allow(REGISTRANTS, post_only=True),
    "consultations:dashboard": allow(SECRETARIAT | FOCAL_POINT),
    # 001 Annex 2: the region's task team chooses the speakers, with the secretariat.
    "consultations:speakers": allow(SECRETARIAT | TASK_TEAM),
    # Written inputs (004): the call and its published inputs are public; stakeholders and Member States send
    # one each (the owner already has); a document waiting for screening is its sender's and its screeners'.
    "consultations:inputs": allow(PUBLIC),
    "consultations:input_send": allow(STAKEHOLDERS | {Role.MEMBER_STATE}, post_only=True),
    "consultations:input_file": allow({OWNER, Role.SECRETARIAT, Role.FOCAL_POINT}, hides=True),
    "consultations:input_withdraw": allow({OWNER}, post_only=True, hides=True, ok=302),
    # After a meeting (004, 000): the owner had a place at the held consultation and is its rapporteur. The draft
    # report is the rapporteur's and the organisers'; for anybody else it does not exist. The feedback form is
    # for those who had a place; its results for the organisers.
    "consultations:report": allow({OWNER, Role.SECRETARIAT, Role.FOCAL_POINT}, hides=True),
    "consultations:report_edit": allow({OWNER}),
    "consultations:report_withdraw": allow({OWNER, Role.SECRETARIAT, Role.FOCAL_POINT}, post_only=True, ok=302),
    "consultations:feedback": allow({OWNER}),
    "consultations:feedback_results": allow(SECRETARIAT | FOCAL_POINT),
    "consultations:feedback_csv": allow(SECRETARIAT | FOCAL_POINT),
    "consultations:export_csv": allow(SECRETARIAT | FOCAL_POINT),
    "consultations:export_xlsx": allow(SECRETARIAT | FOCAL_POINT, post_only=True),
    # Attendance: a person's own registrations, certificate and letter; the door, the list and the platform's
    # report for the region's staff; letters (with the passport details) for the secretariat alone; anyone may
    # check a certificate or a letter through its signed link.
    "consultations:mine": allow(SIGNED_IN),
    # A private calendar feed: its secret link is the key (calendar programs cannot sign in).
    "consultations:personal_feed": allow(PUBLIC),
    "consultations:personal_feed_renew": allow(SIGNED_IN, post_only=True, ok=302),
    "consultations:certificate": allow({OWNER}, hides=True),
    "consultations:letter": allow({OWNER}, hides=True),
    "consultations:letter_pdf": allow({OWNER, Role.SECRETARIAT}, hides=True),
    "consultations:letter_queue": allow(SECRETARIAT),
    "consultations:certificate_verify": allow(PUBLIC),
    "consultations:letter_verify": allow(PUBLIC),
    "consultations:check_in": allow(SECRETARIAT | FOCAL_POINT),
    "consultations:attendance": allow(SECRETARIAT | FOCAL_POINT),
    "consultations:attendance_import": allow(SECRETARIAT | FOCAL_POINT, post_only=True, ok=302),
    # The export log belongs to the secretariat member who started it.
    "consultations:export_status": allow(SECRETARIAT),
    "consultations:export_download": allow(SECRETARIAT),
    # discussions: that a space exists and its questions are public; what is said is for registered users.
    "discussions:list": allow(PUBLIC),
    "discussions:space": allow(PUBLIC),
    "discussions:posts": allow(SIGNED_IN),
    "discussions:follow": allow(SIGNED_IN, post_only=True),
    # The analysis paper is a draft: the secretariat and the space's moderators see it; for others it does
    # not exist until published.
    # A focal point moderates every space of their region: they see its draft analysis as its moderators do.
    "discussions:analysis": allow(SECRETARIAT | MODERATOR | FOCAL_POINT, hides=True),
    "discussions:analysis_pdf": allow(SECRETARIAT | MODERATOR | FOCAL_POINT, hides=True),
    "discussions:analysis_publish": allow(SECRETARIAT, post_only=True),
    "discussions:export": allow(SECRETARIAT),
    "discussions:question": allow(SIGNED_IN),
    "discussions:post": allow(POSTERS | MODERATOR | FOCAL_POINT, post_only=True),
    # The view looks up the person's own post: somebody else's is not found.
    "discussions:edit": allow({OWNER}, hides=True),
    # The space's translators and moderators translate its published posts (the world's moderator moderates it,
    # a focal point its region's spaces); nobody else.
    "discussions:translate": allow(MODERATOR | FOCAL_POINT),
    # The same people translate the space's guiding questions into the languages the staff have not written.
    "portal:content_translate": allow(MODERATOR | FOCAL_POINT),
    # Absent without a machine translation engine (the suite configures none here; with Apertium the page is
    # tested in tests/discussions/test_machine_translation.py).
    "discussions:machine_translation": allow(NOBODY, hides=True),
    # Reviewers only, then absent without an engine on the portal's own machines (403 for others, 404 for them;
    # with Apertium: tests/funding/test_machine_translation.py).
    "funding:review_translation": allow(NOBODY, hides=True),
    # A file is served only to those who may see its post; to anybody else it does not exist.
    "discussions:attachment": allow(SIGNED_IN, hides=True),
    # The queue: moderators decide posts; the secretariat takes second reviews (appeals) there too.
    "discussions:moderation": allow(MODERATOR | SECRETARIAT | FOCAL_POINT),
    "discussions:moderate": allow(MODERATOR | FOCAL_POINT, post_only=True),
    # The view looks up the person's own refused post: somebody else's is not found.
    "discussions:appeal": allow({OWNER}, hides=True),
    # The moderator who took the first decision is refused by the service, with the reason, on the queue.
    "discussions:appeal_decide": allow(MODERATOR | SECRETARIAT | FOCAL_POINT, post_only=True),
    # The closing summary is not published in the world: the region's team sees it; for others it does not exist.
    "discussions:closing": allow(SECRETARIAT | MODERATOR | FOCAL_POINT | TASK_TEAM, hides=True),
    # Guiding questions in preparation (002): the region's team reads the shared ones and comments; the
    # secretariat, the region's focal points and the space's moderators draft, share and publish them.
    "discussions:drafting": allow(
        SECRETARIAT | MODERATOR | FOCAL_POINT | TASK_TEAM, post=SECRETARIAT | MODERATOR | FOCAL_POINT, hides=True
    ),
    "discussions:draft": allow(
        SECRETARIAT | MODERATOR | FOCAL_POINT | TASK_TEAM, post=SECRETARIAT | MODERATOR | FOCAL_POINT, hides=True
    ),
    "discussions:draft_comment": allow(SECRETARIAT | MODERATOR | FOCAL_POINT | TASK_TEAM, post_only=True, hides=True),
    "discussions:draft_status": allow(SECRETARIAT | MODERATOR | FOCAL_POINT, post_only=True, hides=True),
    # funding
    "funding:list": allow(PUBLIC),
    "funding:call": allow(PUBLIC),
    # Only stakeholders apply; the owner has submitted already and is sent to the application.
    "funding:apply": allow(STAKEHOLDERS, ok_for={OWNER: 302}),
    "funding:review": allow(REVIEWERS),
    "funding:review_application": allow(REVIEWERS),
    "funding:dashboard": allow(SECRETARIAT),
    "funding:export_csv": allow(SECRETARIAT),
    "funding:travel_csv": allow(SECRETARIAT),
    "funding:travel_xlsx": allow(SECRETARIAT),
    "funding:export_xlsx": allow(SECRETARIAT),
    "funding:mine": allow(SIGNED_IN),
    # The view looks up the person's own application: somebody else's is not found.
    "funding:application": allow({OWNER}, hides=True),
    "funding:withdraw": allow({OWNER}, post_only=True, hides=True),
    # reminders
    "reminders:preferences": allow(SIGNED_IN),
    # The signed token in the link is the credential: one click from a mail client, no sign-in.
    "reminders:unsubscribe": allow(PUBLIC),
    # allauth. Signing in and up is for those not signed in: anybody else is sent to the home page.
    "account_login": allow(ONLY_ANONYMOUS, elsewhere=HOME),
    "account_signup": allow(ONLY_ANONYMOUS, elsewhere=HOME),
    "account_logout": allow(SIGNED_IN, elsewhere=HOME),
    "account_inactive": allow(PUBLIC),
    "account_reauthenticate": allow(SIGNED_IN),
    "account_email": allow(SIGNED_IN),
    "account_email_verification_sent": allow(PUBLIC),
    "account_change_password": allow(SIGNED_IN),
    # Only for an account without a password; every account here has one and is sent to the change page.
    "account_set_password": allow(NOBODY, elsewhere=frozenset({"account_change_password"})),
    "account_reset_password": allow(PUBLIC),
    # Signing in by a mailed code is off: the page sends everybody away.
    "account_confirm_login_code": allow(NOBODY, elsewhere=HOME),
    "account_confirm_email": allow(PUBLIC),
    "account_reset_password_from_key_done": allow(PUBLIC),
    "account_reset_password_from_key": allow(PUBLIC),
    "account_reset_password_done": allow(PUBLIC),
    # Second factors (allauth.mfa), each person's own. Setting one up or removing it asks for the password
    # again first; every staff member of the world has an authenticator app, nobody has recovery codes or keys.
    "mfa_index": allow(SIGNED_IN),
    # Only while a sign-in waits for its code: anybody else is sent on.
    "mfa_authenticate": allow(NOBODY, elsewhere=HOME),
    "mfa_reauthenticate": allow(STAFF | TASK_TEAM, elsewhere=frozenset({"account_reauthenticate"})),
    "mfa_activate_totp": allow(SIGNED_IN, ok=302, ok_to=dict.fromkeys(SIGNED_IN, "account_reauthenticate")),
    # Only an account with an authenticator app can remove it; for the others there is none to find.
    "mfa_deactivate_totp": allow(
        STAFF | TASK_TEAM, ok=302, ok_to=dict.fromkeys(STAFF | TASK_TEAM, "account_reauthenticate"), hides=True
    ),
    "mfa_view_recovery_codes": allow(NOBODY, hides=True),
    "mfa_generate_recovery_codes": allow(SIGNED_IN, ok=302, ok_to=dict.fromkeys(SIGNED_IN, "account_reauthenticate")),
    "mfa_download_recovery_codes": allow(NOBODY, hides=True),
    "mfa_list_webauthn": allow(SIGNED_IN),
    "mfa_add_webauthn": allow(SIGNED_IN, ok=302, ok_to=dict.fromkeys(SIGNED_IN, "account_reauthenticate")),
    "mfa_reauthenticate_webauthn": allow(NOBODY, elsewhere=frozenset({"account_reauthenticate"})),
    "mfa_remove_webauthn": allow(SIGNED_IN, ok=302, ok_to=dict.fromkeys(SIGNED_IN, "account_reauthenticate")),
    "mfa_edit_webauthn": allow(SIGNED_IN, ok=302, ok_to=dict.fromkeys(SIGNED_IN, "account_reauthenticate")),
}

# The administration: the site's own pages, then every registered model by the same rule (see admin_rule).
# The admin is for the roles with portal.access_admin; anybody else is sent to the sign-in page.
ADMIN_SITE: dict[str, Rule] = {
    "admin:index": allow(STAFF),
    # The admin has no sign-in page of its own: a visitor is sent to the portal's, somebody signed in
    # to the admin's index if they have access and to the home page if not.
    "admin:login": allow(
        PUBLIC,
        ok=302,
        ok_to={
            ANONYMOUS: "account_login",
            **dict.fromkeys(SIGNED_IN - STAFF, "portal:home"),
            **dict.fromkeys(STAFF, "admin:index"),
        },
    ),
    # Django's admin sends anybody without access from its logout to its index, which sends them to sign in.
    "admin:logout": allow(STAFF, post_only=True, elsewhere=frozenset({"admin:index"})),
    "admin:password_change": allow(STAFF),
    "admin:password_change_done": allow(STAFF),
    # No model admin declares autocomplete fields, so the view refuses every request.
    "admin:autocomplete": allow(NOBODY),
    "admin:jsi18n": allow(STAFF),
    "admin:view_on_site": allow(STAFF, ok=302),
    # An application's index lists what the person may see; one with nothing for them is not found.
    "admin:app_list": allow(SECRETARIAT | FOCAL_POINT, hides=True),
    # Any other address in the admin: not found, once through the door.
    "<language>/admin/(?P<url>.*)$": allow(STAFF, ok=404),
}


@dataclass(frozen=True)
class AdminModel:
    """Who may see (changelist, change form, history), add and delete one model in the admin."""

    view: frozenset
    add: frozenset = NOBODY
    delete: frozenset = NOBODY
    # Extra URLs of the model's admin, by URL name, with who may use them.
    extra: dict = field(default_factory=dict)


def see(roles, *, add=NOBODY, delete=NOBODY, **extra) -> AdminModel:
    return AdminModel(frozenset(roles), frozenset(add), frozenset(delete), extra)


ADMIN_MODELS: dict[str, AdminModel] = {
    # Roles are groups made by a data migration: only a superuser touches them.
    "auth.group": see(NOBODY),
    "account.emailaddress": see(NOBODY),
    # The secretariat verifies people and their roles; nobody adds or deletes accounts here.
    # Setting somebody's password is taking over their account: superusers only.
    "portal.user": see(SECRETARIAT, auth_user_password_change=allow(NOBODY)),
    "portal.pendingverification": see(SECRETARIAT),
    "portal.signinlock": see(SECRETARIAT, delete=SECRETARIAT),
    "portal.auditentry": see(SECRETARIAT),
    "portal.unsenttask": see(SECRETARIAT),
    # The live settings (django-constance): one page, which its "add" address also opens; a "change" address
    # only sends any staff member back to it (where only the secretariat gets in).
    "constance.config": see(SECRETARIAT, add=SECRETARIAT, constance_config_change=allow(STAFF, ok=302)),
    # The calendar is the secretariat's and, for their region's events, the focal points'; the five regions
    # are fixed. (Out of their region a focal point finds nothing: tests/test_region_matrix.py.)
    "reviews.region": see(SECRETARIAT | FOCAL_POINT),
    "reviews.reviewcycle": see(SECRETARIAT | FOCAL_POINT, add=SECRETARIAT, delete=SECRETARIAT),
    "reviews.source": see(SECRETARIAT | FOCAL_POINT, add=SECRETARIAT, delete=SECRETARIAT),
    "reviews.event": see(SECRETARIAT | FOCAL_POINT, add=SECRETARIAT | FOCAL_POINT, delete=SECRETARIAT | FOCAL_POINT),
    # Consultations are the secretariat's and their region's focal points'; registrations come from the people
    # themselves.
    "consultations.consultation": see(
        SECRETARIAT | FOCAL_POINT, add=SECRETARIAT | FOCAL_POINT, delete=SECRETARIAT | FOCAL_POINT
    ),
    "consultations.registration": see(SECRETARIAT | FOCAL_POINT),
    "consultations.pendingaccreditation": see(SECRETARIAT | FOCAL_POINT),
    # Offers and proposals come from the people who make them; the decisions are taken on the dashboard and
    # by the admin's actions, through the services, where nobody decides their own.
    "consultations.expressionofinterest": see(SECRETARIAT | FOCAL_POINT, delete=SECRETARIAT),
    "consultations.proposal": see(SECRETARIAT, delete=SECRETARIAT),
    # Calls for written inputs and their screening (004): the secretariat, and the region's focal point.
    "consultations.inputcall": see(
        SECRETARIAT | FOCAL_POINT, add=SECRETARIAT | FOCAL_POINT, delete=SECRETARIAT | FOCAL_POINT
    ),
    "consultations.writteninput": see(SECRETARIAT | FOCAL_POINT),
    "consultations.pendinginput": see(SECRETARIAT | FOCAL_POINT),
    # The secretariat sets up spaces; only moderators see posts, and only those of their own spaces.
    "discussions.space": see(SECRETARIAT | FOCAL_POINT, add=SECRETARIAT),
    "discussions.phase": see(SECRETARIAT | FOCAL_POINT, add=SECRETARIAT),
    "discussions.tag": see(SECRETARIAT, add=SECRETARIAT),
    "discussions.analysispaper": see(SECRETARIAT, add=SECRETARIAT),
    "discussions.pendingpost": see(MODERATOR | FOCAL_POINT),
    "discussions.post": see(MODERATOR | FOCAL_POINT),
    # The secretariat publishes calls and follows applications; the decisions are made in the portal.
    "funding.call": see(SECRETARIAT, add=SECRETARIAT),
    "funding.application": see(SECRETARIAT),
    "funding.conflict": see(SECRETARIAT),
    "funding.exportlog": see(SECRETARIAT),
    "reminders.reminder": see(SECRETARIAT),
}
ADMIN_ACTIONS = ("changelist", "add", "history", "delete", "change")


# --- The URL configuration -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    route: str
    name: str | None

    @property
    def key(self) -> str:
        return self.name or self.route

    @property
    def is_admin(self) -> bool:
        return (self.name or "").startswith("admin:") or self.route.startswith("<language>/admin/")


def walk(resolver=None, prefix: str = "", namespace: str | None = None):
    """Every URL pattern as (full route, name with its namespaces), depth first."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        segment = "<language>/" if isinstance(entry.pattern, LocalePrefixPattern) else str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from walk(entry, prefix + segment, inner)
        elif isinstance(entry, URLPattern):
            name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
            yield Pattern(prefix + segment, name)


PATTERNS = list(walk())


def admin_models() -> dict[str, str]:
    """The URL prefix of each model registered in the admin ("portal_user") by its label ("portal.user")."""
    return {m._meta.label_lower: f"{m._meta.app_label}_{m._meta.model_name}" for m in admin.site._registry}


def admin_rule(pattern: Pattern) -> Rule:
    """The rule of one admin URL: the site's own pages by name, model pages by ADMIN_MODELS."""
    if pattern.key in ADMIN_SITE:
        return ADMIN_SITE[pattern.key]
    for label, prefix in admin_models().items():
        model = ADMIN_MODELS.get(label)
        if model is None:
            continue
        app_label, model_name = label.split(".")
        if pattern.route == f"<language>/admin/{app_label}/{model_name}/<path:object_id>/":
            # The old-style address of an object redirects to its change form, for anybody with access.
            return allow(STAFF, ok=302)
        if pattern.name and pattern.name.removeprefix("admin:") in model.extra:
            return model.extra[pattern.name.removeprefix("admin:")]
        action = (pattern.name or "").removeprefix(f"admin:{prefix}_")
        if action in ADMIN_ACTIONS:
            roles = {"add": model.add, "delete": model.delete}.get(action, model.view)
            # Django looks the object up in what the person may see first: one outside it "does not
            # exist", and the person is sent to the admin's index.
            index = frozenset({"admin:index"}) if action in ("history", "change", "delete") else frozenset()
            return allow(roles, elsewhere=index)
    raise KeyError(pattern.key)


def rule_for(pattern: Pattern) -> Rule:
    return admin_rule(pattern) if pattern.is_admin else MATRIX[pattern.key]


# --- The world the URLs point into ---------------------------------------------------------------------


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.7 a report")


def build_world() -> dict:
    """One of everything, each in the state its page is about, and one person per identity."""

    users = {role: make_user(role) for role in Role.values}
    owner = users[OWNER] = make_user(Role.STAKEHOLDER, display_name="Owner of things")
    now = timezone.now()

    stage = worlds.stage(moderator=users[Role.MODERATOR], interest_deadline=now + timedelta(days=5))
    consultation, space, question, call = stage.consultation, stage.space, stage.question, stage.call
    event, region = consultation.event, consultation.event.region
    # The regional roles hold the world's region (tests/test_region_matrix.py shows them kept out of others).
    for role in REGIONAL_ROLES:
        RegionalRole.objects.create(user=users[role], role=role, region=region)
    records = worlds.admin_records(consultation=consultation, call=call, person=owner, exporter=users[Role.SECRETARIAT])
    source = SourceFactory(title="Roadmap")
    registration = consultation_services.registration_create(
        consultation=consultation, user=owner, attendance="in_person"
    )
    interest = ExpressionOfInterestFactory(
        consultation=consultation, user=owner, role="panel", topic="Decent work", statement="Experience."
    )
    # Someone else's registration, waiting for accreditation.
    accreditation = RegistrationFactory(
        consultation=consultation, attendance="virtual", status=RegistrationStatus.PENDING
    )
    pending_profile = ProfileFactory(
        claimed_affiliation=ClaimedAffiliation.MEMBER_STATE, verification_status=VerificationStatus.PENDING
    )

    tag = TagFactory()
    approved = discussion_services.post_create(
        question=question,
        author=owner,
        text="Approved text",
        language="en",
        files=[(pdf("approved.pdf"), "application/pdf")],
    )
    discussion_services.post_moderate(
        post=approved, shown_revision=shown(approved), by=users[Role.MODERATOR], approve=True
    )
    pending = discussion_services.post_create(question=question, author=owner, text="Pending text", language="en")
    refused, appealed = (
        discussion_services.post_create(question=question, author=owner, text=text, language="en")
        for text in ("Refused text", "Appealed text")
    )
    for post in (refused, appealed):
        discussion_services.post_moderate(
            post=post, shown_revision=shown(post), by=users[Role.MODERATOR], approve=False, reason="Off topic"
        )
    appeal = discussion_services.appeal_create(post=appealed, author=owner, reason="It is on topic.")
    paper = AnalysisPaperFactory(space=space)
    # A guiding question shared with the region's team for comments.
    shared_question = discussion_services.question_create(
        phase=stage.phase, by=users[Role.SECRETARIAT], texts={"en": "A question for comments?"}
    )
    discussion_services.question_share(question=shared_question, by=users[Role.SECRETARIAT], shown_revision=1)

    # A consultation that ended an hour ago: the owner had a place and is its rapporteur, with a draft report.
    held = make_consultation(
        event=EventFactory(region=region, cycle=event.cycle),
        title="Held consultation",
        starts_at=now - timedelta(hours=5),
        ends_at=now - timedelta(hours=1),
    )
    RegistrationFactory(consultation=held, user=owner, status=RegistrationStatus.REGISTERED)
    ExpressionOfInterestFactory(consultation=held, user=owner, role="rapporteur", status="selected")
    reports.report_save(consultation=held, by=owner, language="en", title="", text="Draft outcomes.", shown_revision=0)

    # Attendance: the owner came to the held consultation (and has a certificate) and has an approved visa
    # invitation letter for the open one; someone else's request waits for the secretariat.
    held_place = Registration.objects.get(consultation=held, user=owner)
    CheckInFactory(registration=held_place, recorded_by=users[Role.SECRETARIAT])
    certificate = CertificateFactory(registration=held_place)
    # Someone else with a place at the held consultation, not yet checked in: the door's and the list's payloads.
    door_place = RegistrationFactory(consultation=held, attendance="in_person", status=RegistrationStatus.REGISTERED)
    day = timezone.localdate() + timedelta(days=60)
    own_letter = InvitationLetterFactory(
        registration=registration, stay_from=day, stay_to=day + timedelta(days=3), status="approved"
    )
    waiting_letter = InvitationLetterFactory(
        registration=RegistrationFactory(
            consultation=consultation, attendance="in_person", status=RegistrationStatus.REGISTERED
        ),
        stay_from=day,
        stay_to=day + timedelta(days=3),
    )

    draft = funding_services.application_save(call=call, applicant=owner, data=application_data(consultation))
    application = funding_services.application_submit(application=draft, applicant=owner)

    objects = {
        "auth.group": users[Role.STAKEHOLDER].groups.get(),
        "account.emailaddress": EmailAddress.objects.get(user=owner),
        "portal.user": owner,
        "portal.pendingverification": pending_profile,
        "reviews.region": region,
        "reviews.reviewcycle": event.cycle,
        "reviews.source": source,
        "reviews.event": event,
        "consultations.consultation": consultation,
        "consultations.registration": registration,
        "consultations.pendingaccreditation": accreditation,
        "consultations.expressionofinterest": interest,
        "consultations.proposal": records["consultations.proposal"],
        "consultations.inputcall": records["consultations.writteninput"].call,
        "consultations.writteninput": records["consultations.writteninput"],
        "consultations.pendinginput": records["consultations.writteninput"],
        "discussions.space": space,
        "discussions.phase": stage.phase,
        "discussions.tag": tag,
        "discussions.analysispaper": paper,
        "discussions.pendingpost": pending,
        "discussions.post": approved,
        "funding.call": call,
        "funding.application": application,
        "funding.conflict": records["funding.conflict"],
        "funding.exportlog": records["funding.exportlog"],
        "reminders.reminder": records["reminders.reminder"],
        "constance.config": SimpleNamespace(pk="MODERATION_BACKLOG_HOURS"),
    }
    if "portal.signinlock" in admin_models():
        objects["portal.signinlock"] = records["portal.signinlock"]
    if "portal.auditentry" in admin_models():
        objects["portal.auditentry"] = AuditEntry.objects.order_by("pk").first() or AuditEntryFactory(
            actor=users[Role.SECRETARIAT], action=AuditEntry._meta.get_field("action").choices[0][0], target=owner
        )

    if "portal.unsenttask" in admin_models():
        objects["portal.unsenttask"] = records["portal.unsenttask"]

    return {
        "users": users,
        "briefing": BriefingRequestFactory(requester=owner, region=region),
        "consultation": consultation,
        "held": held,
        "event": event,
        "region": region,
        "summary": records["consultations.summarydocument"],
        "export": records["consultations.exportlog"],
        "interest": interest,
        "space": space,
        "question": question,
        "shared_question": shared_question,
        "approved": approved,
        "pending": pending,
        "refused": refused,
        "appeal": appeal,
        "attachment": approved.attachments.get(),
        "call": call,
        "application": application,
        "unsubscribe": reminder_services.unsubscribe_token_create(user_id=owner.pk, kind="consultation_week"),
        "registration": registration,
        "feed": PersonalFeedFactory(user=owner),
        "door_place": door_place,
        "certificate": certificate,
        "own_letter": own_letter,
        "waiting_letter": waiting_letter,
        "objects": objects,
    }


# The arguments of each URL with parameters, taken from the world.
KWARGS = {
    "reviews:workspace": lambda w: {"code": w["region"].code, "cycle": w["event"].cycle.code},
    "consultations:inputs": lambda w: {"pk": w["objects"]["consultations.writteninput"].call_id},
    "consultations:input_send": lambda w: {"pk": w["objects"]["consultations.writteninput"].call_id},
    "consultations:input_file": lambda w: {"pk": w["objects"]["consultations.writteninput"].pk},
    "consultations:input_withdraw": lambda w: {"pk": w["objects"]["consultations.writteninput"].pk},
    "consultations:report": lambda w: {"pk": w["held"].pk},
    "consultations:certificate": lambda w: {"pk": w["held"].pk},
    "consultations:personal_feed": lambda w: {"token": w["feed"].token},
    "consultations:check_in": lambda w: {"pk": w["held"].pk},
    "consultations:attendance": lambda w: {"pk": w["held"].pk},
    "consultations:attendance_import": lambda w: {"pk": w["held"].pk},
    "consultations:letter_pdf": lambda w: {"letter_id": w["own_letter"].pk},
    "consultations:certificate_verify": lambda w: {"token": certificate_token(w["certificate"])},
    "consultations:letter_verify": lambda w: {"token": letter_token(w["own_letter"])},
    "consultations:report_edit": lambda w: {"pk": w["held"].pk},
    "consultations:report_withdraw": lambda w: {"pk": w["held"].pk},
    "consultations:feedback": lambda w: {"pk": w["held"].pk},
    "consultations:feedback_results": lambda w: {"pk": w["held"].pk},
    "consultations:feedback_csv": lambda w: {"pk": w["held"].pk},
    "reviews:event": lambda w: {"pk": w["event"].pk},
    "reviews:event_ics": lambda w: {"pk": w["event"].pk},
    "reviews:region": lambda w: {"code": w["region"].code},
    "reviews:region_ics": lambda w: {"code": w["region"].code},
    "consultations:summary_document": lambda w: {"pk": w["consultation"].pk, "document_id": w["summary"].pk},
    "consultations:export_status": lambda w: {"pk": w["export"].pk},
    "consultations:export_download": lambda w: {"pk": w["export"].pk},
    "consultations:talk": lambda w: {"pk": w["objects"]["consultations.proposal"].pk},
    "consultations:talk_manage": lambda w: {"pk": w["objects"]["consultations.proposal"].pk},
    "consultations:briefing_request": lambda w: {"pk": w["briefing"].pk},
    "consultations:briefing_request_edit": lambda w: {"pk": w["briefing"].pk},
    "discussions:question": lambda w: {"pk": w["space"].pk, "question": w["question"].pk},
    "discussions:post": lambda w: {"pk": w["space"].pk, "question": w["question"].pk},
    "discussions:edit": lambda w: {"pk": w["approved"].pk},
    "discussions:translate": lambda w: {"pk": w["approved"].pk},
    "portal:content_translate": lambda w: {"key": "question", "pk": w["question"].pk},
    "discussions:machine_translation": lambda w: {"pk": w["approved"].pk},
    "discussions:draft": lambda w: {"pk": w["shared_question"].pk},
    "discussions:draft_comment": lambda w: {"pk": w["shared_question"].pk},
    "discussions:draft_status": lambda w: {"pk": w["shared_question"].pk},
    "discussions:attachment": lambda w: {"pk": w["attachment"].pk},
    "discussions:moderate": lambda w: {"pk": w["pending"].pk},
    "discussions:appeal": lambda w: {"pk": w["refused"].pk},
    "discussions:appeal_decide": lambda w: {"pk": w["appeal"].pk},
    "funding:application": lambda w: {"pk": w["application"].pk},
    "funding:withdraw": lambda w: {"pk": w["application"].pk},
    "funding:review_application": lambda w: {"pk": w["application"].pk},
    "funding:review_translation": lambda w: {"pk": w["application"].pk},
    "reminders:unsubscribe": lambda w: {"token": w["unsubscribe"]},
    "account_confirm_email": lambda w: {"key": "no-such-key"},
    "mfa_remove_webauthn": lambda w: {"pk": 1},
    "portal:confirm_sign_in": lambda w: {"token": "not-a-token"},
    "mfa_edit_webauthn": lambda w: {"pk": 1},
    "account_reset_password_from_key": lambda w: {"uidb36": "zz", "key": "no-such-key"},
    "admin:view_on_site": lambda w: {
        "content_type_id": ContentType.objects.get_for_model(w["consultation"]).pk,
        "object_id": w["consultation"].pk,
    },
    "admin:app_list": lambda w: {"app_label": "consultations"},
}
# URLs whose only parameter is the primary key of the consultation, the space or the call of the world.
PK_OF = {"consultations": "consultation", "discussions": "space", "funding": "call"}
QUERY = {"switch_language": "?language=fr&next=/en/"}


def admin_object(world: dict, label: str):
    if label not in world["objects"]:
        pytest.fail(f"build_world makes no {label}: add one, so that its admin pages can be checked")
    return world["objects"][label]


def url_of(pattern: Pattern, world: dict) -> str:
    with translation.override("en"):
        if pattern.route == "<language>/admin/(?P<url>.*)$":
            return "/en/admin/no-such-page/"
        if pattern.is_admin and pattern.name is None:  # <app>/<model>/<path:object_id>/
            label = ".".join(pattern.route.split("/")[2:4])
            return f"/en/admin/{label.replace('.', '/')}/{admin_object(world, label).pk}/"
        if pattern.key in KWARGS:
            kwargs = KWARGS[pattern.key](world)
        elif "<int:pk>" in pattern.route and not pattern.is_admin:
            kwargs = {"pk": world[PK_OF[pattern.key.split(":")[0]]].pk}
        elif "<path:object_id>" in pattern.route or "<id>" in pattern.route:
            label = ".".join(pattern.route.split("/")[2:4])
            kwargs = {"object_id" if "<path:object_id>" in pattern.route else "id": admin_object(world, label).pk}
        else:
            kwargs = {}
        return reverse(pattern.name, kwargs=kwargs) + QUERY.get(pattern.key, "")


# What a POST sends: enough that the view would change something had it let the person through.
PAYLOADS = {
    "consultations:report_edit": lambda w: {
        "language": "en",
        "revision": w["held"].report.revision,
        "title": "",
        "text": "Rewritten by someone else",
    },
    "consultations:feedback": lambda w: {"overall": "2", "comment": "Sent by someone else"},
    "consultations:check_in": lambda w: {"code": w["door_place"].code},
    "consultations:attendance": lambda w: {"action": "room", "registration": w["door_place"].pk},
    "consultations:attendance_import": lambda w: {
        "report": SimpleUploadedFile(
            "participants.csv", f"Name,Email,Duration (Minutes)\nGuest,{w['door_place'].user.email},60\n".encode()
        )
    },
    "consultations:letter_queue": lambda w: {
        "letter": w["waiting_letter"].pk,
        "revision": w["waiting_letter"].revision,
        "decision": "approve",
    },
    "portal:profile": lambda w: {
        "display_name": "Renamed",
        "constituency": "civil_society",
        "country": "KE",
        "preferred_language": "en",
        "claimed_affiliation": "stakeholder",
    },
    "portal:account_delete": lambda w: {"password": PASSWORD, "confirm": "on"},
    "consultations:talks": lambda w: {
        "kind": "side_event",
        "title": "A talk",
        "level": "country",
        "date": (timezone.localdate() + timedelta(days=40)).isoformat(),
        "organisers": "Us",
    },
    "consultations:talk_manage": lambda w: {
        "action": "pledge",
        "pledge-pledged_by": "Republic of Example",
        "pledge-text": "A pathway",
    },
    "consultations:briefing_requests": lambda w: briefing_payload(w),
    "consultations:briefing_request": lambda w: {
        "decision": "decline",
        "revision": shown(w["briefing"]),
        "reason": "Not this year",
    },
    "consultations:briefing_request_edit": lambda w: briefing_payload(w, topic="Changed topic"),
    "consultations:register": lambda w: {"attendance": "virtual"},
    "consultations:follow": lambda w: {"follow": "1"},
    "consultations:speak": lambda w: {"role": "rapporteur", "topic": "Decent work", "statement": "Experience."},
    "consultations:speakers": lambda w: {"shown": [f"{w['interest'].pk}:received"], "selected": [w["interest"].pk]},
    "consultations:export_xlsx": lambda w: {"columns": ["display_name"]},
    "consultations:input_send": lambda w: {
        "organisation": "A network",
        "title": "Our input",
        "summary": "Three points.",
        "language": "en",
        "document": pdf("input.pdf"),
    },
    "discussions:follow": lambda w: {"follow": "1"},
    "discussions:analysis_publish": lambda w: {"publish": "1"},
    "discussions:post": lambda w: {
        "text": "A contribution",
        "language": "en",
        "author_label": "display_name",
        "moderator_note": "1",
    },
    "discussions:edit": lambda w: {"text": "Edited text"},
    "portal:content_translate": lambda w: {
        "language": "fr",
        "shown_language": "fr",
        "text": "Une question ?",
        "shown_digest": digest(w["question"].text_en),
    },
    "discussions:translate": lambda w: {
        "language": "fr",
        "shown_language": "fr",
        "text": "Une traduction.",
        "shown_digest": digest(Post.objects.get(pk=w["approved"].pk).approved_text),
    },
    "discussions:drafting": lambda w: {"phase": w["question"].phase_id, "text_en": "A new question?"},
    "discussions:draft": lambda w: {"phase": w["question"].phase_id, "text_en": "Edited question?", "revision": "1"},
    "discussions:draft_comment": lambda w: {"text": "A comment."},
    "discussions:draft_status": lambda w: {"action": "publish", "revision": "1"},
    "discussions:moderate": lambda w: {"decision": "approve", "revision": shown(w["pending"])},
    "discussions:appeal": lambda w: {"reason": "Please read it again."},
    "discussions:appeal_decide": lambda w: {"decision": "overturn", "note": "", "revision": shown(w["appeal"].post)},
    "funding:apply": lambda w: {
        "consultation": w["consultation"].pk,
        "travelling_from": "KE",
        "travel_cost": "600",
        "accommodation_cost": "300",
        "daily_allowance": "100",
        "justification": "Why",
        "action": "submit",
    },
    "funding:review_application": lambda w: {
        "action": "screen",
        "screen-eligible": "1",
        "screen-revision": shown(w["application"]),
    },
    "reminders:preferences": lambda w: {"phase_closing": "on"},
    "reminders:unsubscribe": lambda w: {},
    "admin:auth_user_password_change": lambda w: {
        "password1": "Another-pass-2027",
        "password2": "Another-pass-2027",
        "usable_password": "true",
    },
}


def briefing_payload(world: dict, **overrides) -> dict:
    """A complete request for a briefing, for the world's region."""
    today = timezone.localdate()
    return {
        "kind": "briefing",
        "network": "A network",
        "region": world["region"].pk,
        "topic": "How to take part",
        "needs": "A briefing.",
        "preferred_from": (today + timedelta(days=10)).isoformat(),
        "preferred_to": (today + timedelta(days=20)).isoformat(),
        "languages": ["en"],
        "expected_participants": "20",
        **overrides,
    }


# Who proves, after the refusals, that the payload changes the database: (identity, method).
CONTROLS = {
    "consultations:report_edit": (OWNER, "post"),
    "consultations:report_withdraw": (Role.SECRETARIAT, "post"),
    "consultations:feedback": (OWNER, "post"),
    "consultations:check_in": (Role.SECRETARIAT, "post"),
    "consultations:personal_feed_renew": (OWNER, "post"),
    "consultations:attendance": (Role.FOCAL_POINT, "post"),
    "consultations:attendance_import": (Role.SECRETARIAT, "post"),
    "consultations:letter_queue": (Role.SECRETARIAT, "post"),
    "portal:profile": (OWNER, "post"),
    "consultations:talks": (Role.STAKEHOLDER, "post"),
    "consultations:register": (Role.STAKEHOLDER, "post"),
    "consultations:talk_manage": (OWNER, "post"),
    "consultations:briefing_requests": (Role.STAKEHOLDER, "post"),
    "consultations:briefing_request": (Role.SECRETARIAT, "post"),
    "consultations:briefing_request_edit": (OWNER, "post"),
    "consultations:follow": (Role.MEMBER_STATE, "post"),
    "consultations:cancel": (OWNER, "post"),
    "consultations:speak": (Role.STAKEHOLDER, "post"),
    "consultations:speakers": (Role.SECRETARIAT, "post"),
    "consultations:input_send": (Role.STAKEHOLDER, "post"),
    "consultations:input_withdraw": (OWNER, "post"),
    "consultations:export_csv": (Role.SECRETARIAT, "get"),
    "consultations:export_xlsx": (Role.SECRETARIAT, "post"),
    "discussions:follow": (Role.MEMBER_STATE, "post"),
    "discussions:analysis_publish": (Role.SECRETARIAT, "post"),
    "discussions:post": (Role.UN_SYSTEM, "post"),
    "discussions:edit": (OWNER, "post"),
    "discussions:translate": (Role.MODERATOR, "post"),
    "portal:content_translate": (Role.MODERATOR, "post"),
    "discussions:drafting": (Role.FOCAL_POINT, "post"),
    "discussions:draft": (Role.MODERATOR, "post"),
    "discussions:draft_comment": (Role.TASK_TEAM, "post"),
    "discussions:draft_status": (Role.SECRETARIAT, "post"),
    "discussions:moderate": (Role.MODERATOR, "post"),
    "discussions:appeal": (OWNER, "post"),
    "discussions:appeal_decide": (Role.SECRETARIAT, "post"),
    "funding:apply": (Role.STAKEHOLDER, "post"),
    "funding:review_application": (Role.SECRETARIAT, "post"),
    "funding:withdraw": (OWNER, "post"),
    "funding:export_csv": (Role.SECRETARIAT, "get"),
    "funding:export_xlsx": (Role.SECRETARIAT, "get"),
    "funding:travel_csv": (Role.SECRETARIAT, "get"),
    "funding:travel_xlsx": (Role.SECRETARIAT, "get"),
    "reminders:preferences": (OWNER, "post"),
    "reminders:unsubscribe": (ANONYMOUS, "post"),
}


def admin_payload(pattern: Pattern, world: dict) -> dict:
    """A delete confirmation, or a "delete selected" action on the changelist."""
    if pattern.name and pattern.name.endswith("_delete"):
        return {"post": "yes"}
    if pattern.name and pattern.name.endswith("_changelist"):
        label = next(label for label, prefix in admin_models().items() if pattern.name == f"admin:{prefix}_changelist")
        return {"action": "delete_selected", "_selected_action": [admin_object(world, label).pk], "post": "yes"}
    return {}


# --- The check -----------------------------------------------------------------------------------------

# Admin pages that change something on POST; the others only show.
ADMIN_POSTS = ("_add", "_change", "_delete", "_changelist")


def redirect_target(response) -> str | None:
    """The URL name a redirect goes to, resolved in the language of its path."""
    if response.status_code not in (301, 302):
        return None
    path = urlsplit(response["Location"]).path
    if path == "/":  # the site's root: the locale middleware sends it on to the home page
        return "portal:home"
    with translation.override(translation.get_language_from_path(path) or "en"):
        try:
            return resolve(path).view_name
        except Resolver404:
            return None


SIGN_IN = frozenset({"account_login", "admin:login"})


def refused(response, rule: Rule, method: str) -> bool:
    status = response.status_code
    return (
        status == 403
        or redirect_target(response) in SIGN_IN | rule.elsewhere
        or (status == 404 and rule.hides)
        or (status == 405 and (method == "post" or rule.post_only))
    )


def served(response, rule: Rule, identity: str) -> bool:
    """The normal answer: the expected status, and a redirect that goes where the page sends people."""
    if response.status_code != rule.get_status(identity):
        return False
    target = redirect_target(response)
    return target == rule.ok_to[identity] if identity in rule.ok_to else target not in SIGN_IN


def sends_post(pattern: Pattern) -> bool:
    return not pattern.is_admin or (pattern.name or "").endswith(ADMIN_POSTS)


def visit(client, identity: str, rule: Rule, url: str, payload: dict | None) -> list[str]:
    """GET the page, and POST ``payload`` unless it is None or the person may post; what went wrong."""
    failures = []
    response = client.get(url)
    if identity in rule.roles:
        if not served(response, rule, identity):
            failures.append(f"{identity}: GET gave {response.status_code} {response.get('Location', '')}")
    elif not refused(response, rule, "get"):
        failures.append(f"{identity}: GET was not refused: {response.status_code} {response.get('Location', '')}")
    if payload is not None and identity not in rule.posters:
        response = client.post(url, payload)
        if not refused(response, rule, "post"):
            failures.append(f"{identity}: POST was not refused: {response.status_code} {response.get('Location', '')}")
    return failures


@pytest.fixture(autouse=True, scope="module")
def _quiet_refusals():
    """Refusals are the point here: Django's warning for each of them, with its traceback, is noise."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction that is rolled back at the end; each test's own
    changes are rolled back at its end (pytest-django's savepoint)."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        world["clients"] = {ANONYMOUS: Client()}
        for identity, user in world["users"].items():
            world["clients"][identity] = Client()
            world["clients"][identity].force_login(user)
        # Each test starts from these: a request may replace the session (a password change cycles its
        # key) in a transaction the test then rolls back, which would leave the client signed out.
        world["cookies"] = {identity: deepcopy(client.cookies) for identity, client in world["clients"].items()}
        world["fingerprint_sql"] = fingerprint_sql()
        yield world
        transaction.set_rollback(True)


def test_every_url_has_exactly_one_entry():
    keys = [p.key for p in PATTERNS]
    assert sorted(k for k in keys if keys.count(k) > 1) == []
    site = [p for p in PATTERNS if not p.is_admin]
    assert sorted({p.key for p in site} - MATRIX.keys()) == [], "URLs with no entry in MATRIX"
    assert sorted(MATRIX.keys() - {p.key for p in site}) == [], "MATRIX entries for URLs that are gone"
    uncovered = []
    for pattern in PATTERNS:
        if pattern.is_admin:
            try:
                admin_rule(pattern)
            except KeyError:
                uncovered.append(pattern.key)
    assert uncovered == [], "admin URLs no rule covers: add the model to ADMIN_MODELS"
    assert sorted(ADMIN_MODELS.keys() - admin_models().keys()) == [], "ADMIN_MODELS entries for unregistered models"
    assert sorted(ADMIN_SITE.keys() - set(keys)) == [], "ADMIN_SITE entries for URLs that are gone"


# Refusals the portal gets wrong today, each to be fixed where it says; strict, so a fix is noticed.
KNOWN_BUGS: dict[str, str] = {}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "pattern",
    [
        pytest.param(p, id=p.key, marks=[pytest.mark.xfail(reason=KNOWN_BUGS[p.key], strict=True)])
        if p.key in KNOWN_BUGS
        else pytest.param(p, id=p.key)
        for p in PATTERNS
    ],
)
def test_only_the_listed_roles_get_in(world, pattern):
    try:
        rule = rule_for(pattern)
    except KeyError:
        pytest.fail(f"{pattern.key} has no entry: see test_every_url_has_exactly_one_entry")
    url = url_of(pattern, world)
    post = sends_post(pattern)
    payload = PAYLOADS[pattern.key](world) if pattern.key in PAYLOADS else admin_payload(pattern, world)
    clients, sql, failures = world["clients"], world["fingerprint_sql"], []
    for identity, client in clients.items():
        client.cookies = deepcopy(world["cookies"][identity])

    # Everybody refused something goes first, between two digests of the database; then those let in.
    turned_away = [i for i in IDENTITIES if i not in rule.roles or (post and i not in rule.posters)]
    before = fingerprint(sql)
    for identity in turned_away:
        # The admin's door (has_permission) is the same for every method: one GET shows it shut.
        posts = post and not (pattern.is_admin and identity not in STAFF)
        failures += visit(clients[identity], identity, rule, url, payload if posts else None)
    after = fingerprint(sql)
    if after != before:
        changed = sorted(t for t in after if after[t] != before.get(t))
        failures.append(f"requests by {', '.join(turned_away)}, all refused, changed {changed}")
    for identity in IDENTITIES:
        if identity not in turned_away:
            failures += visit(clients[identity], identity, rule, url, None)

    if pattern.key in CONTROLS:
        identity, method = CONTROLS[pattern.key]
        before = fingerprint(sql)
        # A fresh payload: an uploaded file in the one above was read by the requests before.
        fresh = PAYLOADS[pattern.key](world) if pattern.key in PAYLOADS else payload
        response = clients[identity].post(url, fresh) if method == "post" else clients[identity].get(url)
        if fingerprint(sql) == before:
            failures.append(
                f"control: {identity}'s {method.upper()} changed nothing ({response.status_code}), "
                "so the refusals above prove nothing"
            )
    assert not failures, f"{url}\n" + "\n".join(failures)
