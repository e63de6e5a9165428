"""Nothing is left in English: every page, rendered in French for each role, shows no untranslated UI string.

The French catalogue says which English strings are UI text. A page fails when a
text node on it is exactly one of those English strings (or, for strings with
placeholders, exactly one of their fixed parts). Content not yet translated is
allowed only when it is marked with lang="en" (see portal/templatetags/content.py);
posts are people's own words, in their own language, and are not checked.
"""

import re
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.portal.test_locale import entries

FRENCH = Path(__file__).resolve().parents[2] / "locale" / "fr" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\{.*?\}\}")


def ui_strings() -> set[str]:
    found = set()
    for _flags, msgid, msgstrs in entries(FRENCH):
        msgid = msgid.replace('\\"', '"').replace("\\n", " ")
        if msgstrs and msgstrs[0] == msgid:
            continue  # the same in French (a name, an acronym): nothing to detect
        for part in PLACEHOLDER.split(msgid):
            part = " ".join(part.split()).strip(" .:,;—–-()")
            if len(part) >= 8 and " " in part:
                found.add(part)
    return found


class TextNodes(HTMLParser):
    """Visible text nodes, skipping scripts, styles, lang="en" content and posts."""

    SKIP_TAGS = {"script", "style", "svg"}
    VOID = {"br", "img", "input", "meta", "link", "hr", "source", "area", "base", "col", "embed", "param", "wbr"}

    def __init__(self):
        super().__init__()
        self.stack: list[bool] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        attrs = dict(attrs)
        skip = (
            tag in self.SKIP_TAGS
            or attrs.get("lang") == "en"
            or "post-body" in (attrs.get("class") or "")
            or "in-english" in (attrs.get("class") or "")
        )
        self.stack.append(skip or (bool(self.stack) and self.stack[-1]))

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        text = " ".join(data.split()).strip(" .:,;—–-()")
        if text and not (self.stack and self.stack[-1]):
            self.texts.append(text)


def english_left(html: str, strings: set[str]) -> list[str]:
    parser = TextNodes()
    parser.feed(html)
    return sorted({text for text in parser.texts if text in strings})


@pytest.fixture
def demo(db, settings):
    settings.EMBEDDED = True  # the demo data of `make run`, in the test database
    call_command("load_seed_calendar", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    from consultations.models import Consultation
    from discussions.models import Post, Space
    from funding.models import Application, Call
    from portal.models import User
    from reviews.models import Event

    users = {u.email.split("@")[0]: u for u in User.objects.filter(email__endswith="@demo.test")}
    consultation = Consultation.objects.get(title__endswith="(demo)")
    space = Space.objects.get(region__code="asia-pacific")
    question = space.phases.get(number=1).questions.first()
    call = Call.objects.get()
    submitted = Application.objects.exclude(state="draft").first()
    mine = Application.objects.filter(applicant__email__startswith="participant").first()
    post = Post.objects.filter(status="approved").first()
    event = Event.objects.get(key="2024-africa-review")
    return {
        "users": users,
        "pages": {
            None: [
                "",
                "calendar/",
                "calendar/?region=africa&when=past",
                "regions/africa/",
                f"calendar/events/{event.pk}/",
                "principles/",
                "privacy/",
                "contacts/",
                "accounts/signup/",
                "accounts/login/",
                "accounts/password/reset/",
                "no-such-page/",
                "consultations/",
                f"consultations/{consultation.pk}/",
                f"consultations/{consultation.pk}/agenda/",
                "consultations/talks/",
                "discussions/",
                f"discussions/{space.pk}/",
                "funding/",
                f"funding/calls/{call.pk}/",
            ],
            "stakeholder": [
                "profile/",
                "reminders/preferences/",
                f"consultations/{consultation.pk}/",
                f"discussions/{space.pk}/questions/{question.pk}/",
                f"discussions/{space.pk}/posts/?q=recruitment",
                f"funding/calls/{call.pk}/apply/",
                "funding/applications/",
                "accounts/email/",
                "accounts/password/change/",
            ],
            "participant1": [f"funding/applications/{mine.pk}/", f"discussions/posts/{post.pk}/edit/"],
            "moderator": ["discussions/moderation/", f"discussions/{space.pk}/analysis/"],
            "secretariat": [
                "calendar/rules/",
                f"consultations/{consultation.pk}/dashboard/",
                f"funding/calls/{call.pk}/dashboard/",
                f"funding/calls/{call.pk}/review/",
                f"funding/applications/{submitted.pk}/review/",
                f"discussions/{space.pk}/analysis/",
                "admin/",
                "admin/portal/pendingverification/",
                "admin/consultations/registration/",
                "admin/reminders/reminder/",
            ],
            "excom": [f"funding/calls/{call.pk}/review/", f"funding/applications/{submitted.pk}/review/"],
            "mptfchair": [f"funding/applications/{submitted.pk}/review/"],
        },
    }


@pytest.mark.django_db
def test_no_english_ui_string_on_any_page_in_french(client, demo):
    strings = ui_strings()
    assert len(strings) > 300, "the catalogue was read"
    problems = {}
    for who, paths in demo["pages"].items():
        client.logout()
        if who:
            client.force_login(demo["users"][who])
        for path in paths:
            response = client.get(f"/fr/{path}")
            assert response.status_code in (200, 404), (who, path, response.status_code)
            left = english_left(response.content.decode(), strings)
            if left:
                problems[f"{who or 'anonymous'} /fr/{path}"] = left
    assert problems == {}


def test_the_check_finds_an_untranslated_string():
    strings = {"Send for moderation", "Your contribution"}
    html = '<main><h2>Your contribution</h2><p lang="en">Send for moderation</p><button>Envoyer</button></main>'
    assert english_left(html, strings) == ["Your contribution"]
