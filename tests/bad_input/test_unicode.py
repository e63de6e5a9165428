"""Unusual Unicode in names: direction overrides and isolates, zero-width and control characters, names of
nothing visible, floods of combining marks, overlong values.

The rule (portal/validators.py), per field:
- display name, organisation, talk titles and organisers, speaking topics, conflict organisations:
  direction controls, nothing visible and mark floods are refused next to the field, with everything else
  typed kept; controls and invisible characters are removed; joiners stay where a script needs them;
- the name shown with a post: the same removals, nothing refused (it comes from the profile);
- file names: the same removals and direction controls dropped, nothing refused (see test_files).
"""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from consultations.models import ExpressionOfInterest, Proposal
from discussions import services as discussion_services
from funding.forms import ConflictForm
from portal.enums import Role
from portal.models import Profile, User
from portal.validators import clean_name, neutralise_text
from tests.bad_input.corpus import BIDI_CONTROLS, LEGITIMATE_NAMES, ZERO_WIDTH
from tests.factories import make_user

SIGNUP = "/en/accounts/signup/"
BIDI_MESSAGE = "This contains hidden characters that change the direction of the text. Please type it without them."
INVISIBLE_MESSAGE = "This has no visible letters or characters."
MARKS_MESSAGE = "Too many accents or marks are stacked on one character."

REFUSED = [
    *[(f"Amina{control}exe.pdf", BIDI_MESSAGE) for control in BIDI_CONTROLS],
    ("\u202eanimA", BIDI_MESSAGE),
    ("\u2067\u0623\u0645\u064a\u0646\u0629\u2069", BIDI_MESSAGE),  # an isolate around Arabic: not needed
    *[(char, INVISIBLE_MESSAGE) for char in ZERO_WIDTH],
    ("\u200b\u200c\u200d", INVISIBLE_MESSAGE),
    ("\u200c", INVISIBLE_MESSAGE),
    ("\u00ad\u00ad", INVISIBLE_MESSAGE),
    ("\u3164", INVISIBLE_MESSAGE),  # Hangul filler
    ("\u2800\u2800", INVISIBLE_MESSAGE),  # braille blank
    ("\u200e\u200f", INVISIBLE_MESSAGE),  # direction marks alone
    ("\x07\x1b", INVISIBLE_MESSAGE),
    ("\u0301\u0302", INVISIBLE_MESSAGE),  # marks with no letter
    ("Z" + "\u0336\u0334\u0335" * 10, MARKS_MESSAGE),  # "Zalgo"
    ("q" + "\u0301" * 9, MARKS_MESSAGE),
]
CLEANED = [
    ("\u200bAmina", "Amina"),
    ("Ami\u2060na\ufeff", "Amina"),
    ("\ufeffAmina", "Amina"),
    ("Amina\x07\x1b[31m", "Amina[31m"),
    ("\u200cAmina\u200d", "Amina"),
    ("Amina \u200c Diallo", "Amina Diallo"),
    ("  Amina\t\n Diallo\u3000", "Amina Diallo"),
    ("Nguye\u0302\u0303n", "Nguyễn"),  # decomposed Vietnamese, composed again
    ("q" + "\u0301" * 8, "q" + "\u0301" * 8),  # eight marks still pass (Tibetan stacks, Hebrew points)
]


@pytest.mark.parametrize("name", LEGITIMATE_NAMES)
def test_names_in_every_script_are_kept_as_typed(name):
    assert clean_name(name) == name


@pytest.mark.parametrize(("value", "message"), REFUSED)
def test_names_that_hide_or_turn_text_are_refused(value, message):
    with pytest.raises(ValidationError) as refused:
        clean_name(value)
    assert refused.value.messages == [message]


@pytest.mark.parametrize(("value", "expected"), CLEANED)
def test_hidden_characters_are_removed_and_nothing_visible_is_lost(value, expected):
    assert clean_name(value) == expected


def test_file_names_and_bylines_are_neutralised_not_refused():
    assert neutralise_text("invoice\u202efdp.exe") == "invoicefdp.exe"
    assert neutralise_text("\u2066report\u2069\u200b.pdf") == "report.pdf"
    assert neutralise_text("re\x00port\x7f.pdf") == "report.pdf"
    assert neutralise_text("گزارش\u200cها.pdf") == "گزارش\u200cها.pdf"


def signup_data(**overrides):
    data = {
        "email": "amina@example.org",
        "password1": "a-long-passphrase-42",
        "password2": "a-long-passphrase-42",
        "display_name": "Amina",
        "organisation": "Diaspora Link",
        "constituency": "migrant_diaspora_org",
        "country": "KE",
        "gender": "",
        "preferred_language": "fr",
        "claimed_affiliation": "stakeholder",
        "privacy_consent": "on",
    }
    data.update(overrides)
    return data


OVERLONG = [
    ("display_name", "x" * 81, "Ensure this value has at most 80 characters (it has 81)."),
    ("display_name", "x" * 10_000, "Ensure this value has at most 80 characters (it has 10000)."),
    ("display_name", "a" + "\u0301" * 10_000, "Ensure this value has at most 80 characters (it has 10001)."),
    ("organisation", "o" * 201, "Ensure this value has at most 200 characters (it has 201)."),
    ("organisation", "o" * 10_000, "Ensure this value has at most 200 characters (it has 10000)."),
]
FIELD_CASES = [
    *[("display_name", value, message) for value, message in REFUSED],
    *[("organisation", value, message) for value, message in REFUSED[:12] + REFUSED[-3:]],
    *OVERLONG,
]


@pytest.mark.django_db
@pytest.mark.parametrize(("field", "value", "message"), FIELD_CASES, ids=[f"{c[0]}-{c[1][:12]!r}" for c in FIELD_CASES])
def test_signup_refuses_next_to_the_field_and_keeps_the_rest(client, field, value, message):
    response = client.post(SIGNUP, signup_data(**{field: value}))

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    html = response.content.decode()
    assert 'value="amina@example.org"' in html
    kept = {"display_name": 'value="Amina"', "organisation": 'value="Diaspora Link"'}
    assert kept["organisation" if field == "display_name" else "display_name"] in html
    assert "\u202e" not in html.split('name="' + field, 1)[0], "the override is not echoed before the field"
    assert not User.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("name", LEGITIMATE_NAMES)
def test_signup_and_profile_accept_names_in_every_script(client, name):
    response = client.post(SIGNUP, signup_data(display_name=name, organisation=name))
    assert response.status_code == 302
    assert Profile.objects.get().display_name == name

    user = User.objects.get()
    client.force_login(user)
    response = client.post(
        "/en/profile/",
        {
            "display_name": name + " Jr",
            "organisation": name,
            "constituency": "academia",
            "country": "IR",
            "preferred_language": "en",
            "claimed_affiliation": "stakeholder",
        },
    )
    assert response.status_code == 302
    assert Profile.objects.get().display_name == name + " Jr"


@pytest.mark.django_db
@pytest.mark.parametrize(("value", "message"), REFUSED[:6] + REFUSED[12:14] + REFUSED[-2:])
def test_profile_refuses_and_keeps_every_other_value(client, stakeholder, value, message):
    client.force_login(stakeholder)

    response = client.post(
        "/en/profile/",
        {
            "display_name": value,
            "organisation": "Kept organisation",
            "constituency": "academia",
            "country": "AR",
            "gender": "woman",
            "preferred_language": "es",
            "claimed_affiliation": "stakeholder",
        },
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {"display_name": [message]}
    html = response.content.decode()
    assert 'value="Kept organisation"' in html
    assert '<option value="AR" selected>' in html
    assert '<option value="es" selected>' in html
    stakeholder.profile.refresh_from_db()
    assert stakeholder.profile.organisation != "Kept organisation"


@pytest.mark.django_db
def test_the_cleaned_name_is_what_others_see(client, question):
    client.post(SIGNUP, signup_data(display_name="\u200bAmina\u2060 \x07Diallo\ufeff", organisation="\u200cDL"))
    profile = Profile.objects.get()
    assert (profile.display_name, profile.organisation) == ("Amina Diallo", "DL")


@pytest.mark.django_db
def test_a_name_saved_before_the_checks_is_shown_without_its_overrides(question):
    author = make_user(Role.STAKEHOLDER, display_name="Amina\u202eexe.pdf\u200b", organisation="\u2066Org\u2069")

    by_name = discussion_services.post_create(question=question, author=author, text="Hello", language="en")
    by_organisation = discussion_services.post_create(
        question=question, author=author, text="Hello", language="en", author_label="organisation"
    )

    assert (by_name.shown_name, by_organisation.shown_name) == ("Aminaexe.pdf", "Org")


@pytest.mark.django_db
def test_offer_to_speak_refuses_an_override_in_the_topic_and_keeps_the_statement(client, consultation):
    client.force_login(make_user(Role.STAKEHOLDER))

    response = client.post(
        f"/en/consultations/{consultation.pk}/speak/",
        {"role": "panel", "topic": "Decent\u202e work", "statement": "Kept statement of experience"},
    )

    assert response.status_code == 400
    assert response.context["interest_form"].errors == {"topic": [BIDI_MESSAGE]}
    assert "Kept statement of experience" in response.content.decode()
    assert not ExpressionOfInterest.objects.exists()


@pytest.mark.django_db
def test_talk_proposal_refuses_invisible_organisers_and_keeps_the_title(client, consultation):

    client.force_login(make_user(Role.STAKEHOLDER))

    response = client.post(
        "/en/consultations/talks/",
        {
            "kind": "gcm_talk",
            "title": "Kept title",
            "level": "regional",
            "date": (timezone.localdate() + timezone.timedelta(days=30)).isoformat(),
            "organisers": "\u200b\u2060",
            "link": "",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"organisers": [INVISIBLE_MESSAGE]}
    assert 'value="Kept title"' in response.content.decode()
    assert not Proposal.objects.exists()


def test_conflict_organisation_is_checked_like_a_name():
    form = ConflictForm({"organisation": "Org\u202e", "note": "kept"})
    assert not form.is_valid()
    assert form.errors == {"organisation": [BIDI_MESSAGE]}
    assert ConflictForm({"organisation": "\u200bOrg", "note": ""}).is_valid()
