"""Every XSS vector of the corpus in every free-text field a person fills and someone else reads, opened in
Chromium: no dialog, nothing set on ``window``, no injected element, no inline handler or script URL.

The browser contexts bypass the Content-Security-Policy, so a vector that got through the templates would
really run: the policy is a second guard, and this test is about the first one (escaping and the post
sanitiser). The data is made through the services; each page shows every vector at once (the page sizes
are raised for the test), so each kind of page is opened once or a few times.

Fields and where they are read:
- display name and organisation: thread bylines and replies, moderation queue, consultation dashboard,
  agenda speakers, funded participants, funding review list and review page, administration lists;
- e-mail address (a quoted local part may hold markup): profile page, administration list;
- post text, its replies and a pending edit: thread, search results, moderation queue, edit page;
- moderator's reason for not approving: the author's thread and edit page;
- attachment names: thread and moderation queue;
- offer to speak (topic): dashboard, the person's consultation page;
- talk or side event (title, organisers, the secretariat's reason for declining): talks page, calendar,
  event page, home page, region page;
- funding application (justification, representation), committee comments, reasons given: review page,
  the applicant's own page;
- tag names (set by the secretariat): the post form and the search filter.
"""

from datetime import timedelta
from decimal import Decimal
from urllib.parse import quote, urlparse

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone

from consultations import services as consultation_services
from consultations.models import Proposal
from discussions import services as discussion_services
from discussions import views as discussion_views
from discussions.enums import AuthorLabel
from funding import services as funding_services
from funding import views as funding_views
from funding.models import Application
from portal.enums import Role
from reviews import views as review_views
from tests import worlds
from tests.bad_input.corpus import INERT_AS_HTML, XSS_VECTORS, vectors_up_to
from tests.factories import (
    AttachmentFactory,
    ExpressionOfInterestFactory,
    ProposalFactory,
    RecommendationFactory,
    SessionFactory,
    TagFactory,
    TransitionFactory,
    make_user,
    shown,
)

PROBE = r"""() => {
  const problems = [];
  const show = el => el.outerHTML.slice(0, 160);
  if (typeof window.__xss !== 'undefined') problems.push('window.__xss is set');
  for (const el of document.querySelectorAll('[data-xss], [id^="xss"]')) problems.push('marker: ' + show(el));
  for (const el of document.querySelectorAll('script:not([src])')) {
    if ((el.type || '').toLowerCase() !== 'application/json') problems.push('inline script: ' + show(el));
  }
  for (const el of document.querySelectorAll('base, meta[http-equiv], iframe, frame, frameset, object, embed')) {
    problems.push('element: ' + show(el));
  }
  const main = document.querySelector('main') || document.body;
  for (const el of main.querySelectorAll('style, link, math, template, noscript, marquee, video, audio, svg script')) {
    problems.push('element in main: ' + show(el));
  }
  const urls = ['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'poster', 'background', 'srcdoc'];
  for (const el of main.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value.replace(/[\u0000-\u0020]/g, '').toLowerCase();
      if (name.startsWith('on')) problems.push('handler: ' + show(el));
      if (urls.includes(name) && /^(javascript|vbscript|data):/.test(value)) problems.push('script URL: ' + show(el));
      if (name === 'style' && /(expression|javascript:|url\()/.test(value)) problems.push('style: ' + show(el));
    }
  }
  return problems;
}"""


def context_for(browser, live_server, user):
    """A browser context signed in as ``user`` (or anonymous), with the page's CSP switched off."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB", bypass_csp=True)
    context.set_default_timeout(15_000)
    if user is not None:
        client = Client()
        client.force_login(user)
        context.add_cookies(
            [
                {
                    "name": django_settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                    "domain": urlparse(live_server.url).hostname,
                    "path": "/",
                }
            ]
        )
    return context


def visit(browser, live_server, user, paths, literal=(), settle=50) -> list[str]:
    """Open each path as ``user``; the problems found, by path (empty when all is well)."""
    context = context_for(browser, live_server, user)
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    problems = []
    try:
        for path in paths:
            response = page.goto(path)
            page.wait_for_timeout(settle)  # let autofocus, onload and ontoggle fire had anything got through
            found = page.evaluate(PROBE)
            if response.status >= 500:
                found.append(f"status {response.status}")
            if dialogs:
                found.append(f"dialogs: {dialogs}")
                dialogs.clear()
            if literal:
                text = page.locator("main").inner_text()
                found += [f"not shown literally: {s!r}" for s in literal if s not in text]
            problems += [f"{path}: {problem}" for problem in found]
    finally:
        context.close()
    return problems


def base_world() -> dict:
    """A consultation, a discussion space with one question, a funding call, and the people who read them."""
    stage = worlds.stage(
        moderator=make_user(Role.MODERATOR, display_name="The moderator"),
        capacity_in_person=200,
        capacity_virtual=200,
        interest_deadline=timezone.now() + timedelta(days=5),
    )
    secretariat = make_user(Role.SECRETARIAT, display_name="The secretariat")
    superuser = make_user(Role.SECRETARIAT, display_name="Root", user__is_superuser=True)
    reader = make_user(Role.STAKEHOLDER, display_name="The reader", organisation="Readers")
    TagFactory(kind="objective", number=99, name=XSS_VECTORS[0])
    return {
        "consultation": stage.consultation,
        "space": stage.space,
        "question": stage.question,
        "thread": f"/en/discussions/{stage.space.pk}/questions/{stage.question.pk}/",
        "call": stage.call,
        "users": {
            "reader": reader,
            "moderator": stage.moderator,
            "secretariat": secretariat,
            "superuser": superuser,
            None: None,
        },
    }


@pytest.fixture
def world(live_server, transactional_db, monkeypatch):
    """Every vector in every field, made through the services; page sizes raised so one page shows all."""

    for module in (discussion_views, funding_views, review_views):
        monkeypatch.setattr(module, "PAGE_SIZE", 500)
    made = base_world()
    consultation, space, question, call = made["consultation"], made["space"], made["question"], made["call"]
    event = consultation.event
    users = made["users"]
    reader, moderator, secretariat = users["reader"], users["moderator"], users["secretariat"]
    now = timezone.now()
    agenda = SessionFactory(consultation=consultation, kind="roundtable", title="Roundtable", position=1)

    people, previous = [], None
    for index, vector in enumerate(XSS_VECTORS):
        email = f'"{vector}"@x{index}.example' if '"' not in vector and "\\" not in vector else f"p{index}@x.example"
        person = make_user(
            Role.STAKEHOLDER,
            display_name=vector[:80] if len(vector) <= 80 else f"Person {index}",
            organisation=vector,
            user__email=email,
        )
        people.append(person)
        label = AuthorLabel.ORGANISATION if index % 2 else AuthorLabel.DISPLAY_NAME
        post = discussion_services.post_create(
            question=question, author=person, text=vector, language="en", author_label=label, parent=previous
        )
        discussion_services.post_moderate(post=post, shown_revision=shown(post), by=moderator, approve=True)
        AttachmentFactory(post=post, original_name=vector)
        previous = post if index % 2 == 0 else None
        # Waiting in the moderation queue: an edit of the published post.
        discussion_services.post_edit(post=post, author=person, text=f"{vector}\n\n{vector}")
        # The reader's own posts, not approved, with the moderator's reason in the vector.
        refused = discussion_services.post_create(question=question, author=reader, text=vector, language="en")
        discussion_services.post_moderate(
            post=refused, shown_revision=shown(refused), by=moderator, approve=False, reason=vector
        )

        interest = ExpressionOfInterestFactory(
            consultation=consultation, user=person, role="panel", topic=vector, statement=vector, submitted_at=now
        )
        agenda.speakers.add(interest)
        proposal = ProposalFactory(
            kind="side_event",
            title=vector,
            level="regional",
            region=event.region,
            date=timezone.localdate() + timedelta(days=10 + index),
            organisers=vector,
            proposed_by=reader if index % 3 == 0 else person,
        )
        consultation_services.proposal_decide(proposal=proposal, by=secretariat, approve=index % 3 != 0, reason=vector)
        application = funding_services.application_save(
            call=call,
            applicant=person,
            data={
                "consultation": consultation,
                "travelling_from": "KE",
                "travel_cost": Decimal("100"),
                "accommodation_cost": Decimal("0"),
                "daily_allowance": Decimal("0"),
                "justification": vector,
                "representation": vector,
                "self_identification": [],
            },
        )
        funding_services.application_submit(application=application, applicant=person)

    everything = "\n\n".join(XSS_VECTORS)
    shown_application = Application.objects.order_by("pk").first()
    Application.objects.filter(pk=shown_application.pk).update(justification=everything, representation=everything)
    for person, vector in zip(people, XSS_VECTORS, strict=True):
        # Comments and reasons from everybody, whatever their role: every vector on the one review page.
        RecommendationFactory(application=shown_application, member=person, recommend=True, amount=None, comment=vector)
        TransitionFactory(
            application=shown_application, actor=person, source="submitted", target="rejected", reason=vector
        )
    approved = Application.objects.order_by("pk")[1]
    Application.objects.filter(pk=approved.pk).update(state="approved", approved_amount=Decimal("100"))
    for role in ("panel", "floor", "rapporteur"):
        ExpressionOfInterestFactory(
            consultation=consultation, user=reader, role=role, topic=XSS_VECTORS[1], statement="x", submitted_at=now
        )
    own = discussion_services.post_create(question=question, author=reader, text=everything, language="en")
    discussion_services.post_moderate(
        post=own, shown_revision=shown(own), by=moderator, approve=False, reason=XSS_VECTORS[2]
    )

    talks_pages = (Proposal.objects.filter(status="approved").count() + 19) // 20
    users["applicant"] = shown_application.applicant
    return {
        **made,
        "people": people,
        "pages": {
            "reader": [
                made["thread"],
                f"/en/discussions/{space.pk}/posts/",
                f"/en/discussions/posts/{own.pk}/edit/",
                f"/en/consultations/{consultation.pk}/",
                *[f"/en/consultations/talks/?page={n}" for n in range(1, talks_pages + 1)],
                f"/en/consultations/{consultation.pk}/agenda/",
                "/en/calendar/",
                f"/en/calendar/events/{Proposal.objects.filter(status='approved').first().event_id}/",
                "/en/regions/africa/",
            ],
            "moderator": ["/en/discussions/moderation/"],
            "secretariat": [
                f"/en/consultations/{consultation.pk}/dashboard/",
                f"/en/funding/calls/{call.pk}/review/",
                f"/en/funding/applications/{shown_application.pk}/review/",
            ],
            "superuser": [
                "/en/admin/portal/user/",
                f"/en/admin/portal/user/{people[0].pk}/change/",
                "/en/admin/consultations/expressionofinterest/",
                f"/en/admin/consultations/expressionofinterest/{interest.pk}/change/",
                "/en/admin/consultations/proposal/",
                "/en/admin/discussions/post/",
                "/en/admin/discussions/pendingpost/",
                f"/en/admin/discussions/post/{own.pk}/change/",
                "/en/admin/funding/application/",
                f"/en/admin/funding/application/{shown_application.pk}/change/",
            ],
            "applicant": [f"/en/funding/applications/{shown_application.pk}/"],
            None: ["/en/", "/en/consultations/talks/"],
        },
    }


def test_no_vector_runs_or_injects_on_any_page(browser, live_server, world):
    problems = []
    for who, paths in world["pages"].items():
        literal = INERT_AS_HTML if who == "reader" else ()  # the thread shows every post's text
        problems += visit(browser, live_server, world["users"][who], paths[:1], literal=literal)
        problems += visit(browser, live_server, world["users"][who], paths[1:])
    # The profile form echoes the name and the address into attribute values: one page per breakout vector.
    breakouts = [p for p, v in zip(world["people"], XSS_VECTORS, strict=True) if v[:2] in ('">', "'>", '" ', "' ")]
    assert len(breakouts) >= 4
    for person in breakouts:
        problems += visit(browser, live_server, person, ["/en/profile/"])
    assert problems == []


@pytest.fixture
def small_world(live_server, transactional_db):
    made = base_world()
    post = discussion_services.post_create(
        question=made["question"], author=made["users"]["reader"], text="A post", language="en"
    )
    discussion_services.post_moderate(
        post=post, shown_revision=shown(post), by=made["users"]["moderator"], approve=True
    )
    return made


def test_echoed_parameters_are_escaped(browser, live_server, small_world):
    """Search words, the reply target, the score filter and the admin search come back into the page.

    Every other vector for the search (the query field takes 200 characters), every sixth for the rest: the
    same escaping serves them all, and each page load costs a fifth of a second.
    """
    space, call = small_world["space"], small_world["call"]
    reader_paths = [f"/en/discussions/{space.pk}/posts/?q={quote(vector)}" for vector in vectors_up_to(200)[::2]]
    staff_paths = []
    for vector in XSS_VECTORS[::6]:
        reader_paths.append(f"{small_world['thread']}?reply_to={quote(vector)}")
        staff_paths.append(f"/en/funding/calls/{call.pk}/review/?min_score={quote(vector)}")
        staff_paths.append(f"/en/admin/portal/user/?q={quote(vector)}")
    users = small_world["users"]
    problems = visit(browser, live_server, users["reader"], reader_paths, settle=0)
    problems += visit(browser, live_server, users["superuser"], staff_paths, settle=0)
    assert problems == []


# Where a vector would land had a template forgotten to escape it, or the sanitiser let it through: as
# markup, in a double- and a single-quoted attribute, in a link, in a textarea and in the title.
UNESCAPED = (
    '<title>{v}</title><main>{v}<input value="{v}"><input value=\'{v}\'><a href="{v}">x</a>'
    "<textarea>{v}</textarea></main>"
)


def test_the_check_sees_every_vector_that_gets_through(browser):
    """The control: written into a page unescaped, every live vector is caught (dialog, mark or markup).

    The inert ones are exactly those the corpus lists as needing a decoding layer first.
    """
    context = browser.new_context()
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    missed = []
    try:
        for vector in XSS_VECTORS:
            page.goto("about:blank")  # no event of the previous vector can fire any more
            dialogs.clear()
            page.set_content(UNESCAPED.replace("{v}", vector))
            page.wait_for_timeout(20)
            if not (page.evaluate(PROBE) or dialogs):
                missed.append(vector)
    finally:
        context.close()
    assert missed == INERT_AS_HTML
