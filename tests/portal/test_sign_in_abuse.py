"""Nobody locks another person out, guessing stays slow, a venue behind one address can sign in, and sign-up
and password reset say nothing about which addresses have an account: not in words, not in time."""

import re
import statistics
import time

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.utils import timezone

from portal import sign_in
from portal.enums import Role
from tests.factories import PASSWORD, make_user
from tests.portal.test_accounts import signup_data

LOGIN = "/en/accounts/login/"
PAUSED = "signing in from a new browser needs one more step for a while"


def attempt(client: Client, email: str, password: str, address: str):
    return client.post(LOGIN, {"login": email, "password": password}, REMOTE_ADDR=address)


def signed_in_as(client: Client, user) -> bool:
    return client.session.get(SESSION_KEY) == str(user.pk)


@pytest.mark.django_db
def test_failures_from_one_address_never_stop_the_right_password_from_another():
    owner = make_user(Role.STAKEHOLDER)
    attacker = Client()
    answers = [attempt(attacker, owner.email, f"wrong-{n}", "203.0.113.9").status_code for n in range(30)]

    owner_client = Client()
    response = attempt(owner_client, owner.email, PASSWORD, "198.51.100.4")

    assert answers[:4] == [200] * 4 and set(answers[4:]) == {429}, "the fifth failure locks the guessing address"
    assert response.status_code == 302
    assert signed_in_as(owner_client, owner)
    from_the_guesser = Client()
    attempt(from_the_guesser, owner.email, PASSWORD, "203.0.113.9")
    assert not signed_in_as(from_the_guesser, owner), "the guessing address stays paused"


@pytest.mark.django_db
def test_failures_in_any_letter_case_count_for_one_address():
    owner = make_user(Role.STAKEHOLDER)
    for n in range(5):
        attempt(Client(), owner.email.upper() if n % 2 else owner.email, "wrong", "203.0.113.9")

    assert attempt(Client(), owner.email, PASSWORD, "203.0.113.9").status_code == 429


@pytest.fixture
def guessed_from_many_addresses():
    """An account that four addresses tried to guess, three times each: twelve failures."""
    owner = make_user(Role.STAKEHOLDER)
    known = Client()
    assert attempt(known, owner.email, PASSWORD, "198.51.100.4").status_code == 302  # the owner's own browser
    known.post("/en/accounts/logout/")  # signing out keeps the browser's known-device cookie
    for address in ("203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4"):
        for n in range(3):
            assert attempt(Client(), owner.email, f"guess-{n}", address).status_code == 200
    return owner, known


@pytest.mark.django_db
def test_guessing_from_many_addresses_learns_nothing_and_the_owner_is_mailed_a_link_only_for_the_right_password(
    guessed_from_many_addresses,
):
    owner, _known = guessed_from_many_addresses
    mail.outbox.clear()

    wrong = attempt(Client(), owner.email, "another-guess", "192.0.2.51")
    assert mail.outbox == [], "a wrong password sends nothing"
    right = attempt(Client(), owner.email, PASSWORD, "192.0.2.50")

    assert right.status_code == wrong.status_code == 200
    assert PAUSED in right.content.decode() and PAUSED in wrong.content.decode(), "the same answer: no oracle"
    (message,) = mail.outbox
    assert message.to == [owner.email] and "/accounts/confirm-sign-in/" in message.body


def _link(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S*/accounts/confirm-sign-in/\S+/)", message.body).group(1)


@pytest.mark.django_db
def test_the_owner_finishes_signing_in_from_a_new_browser_with_the_mailed_link_once(guessed_from_many_addresses):
    owner, _known = guessed_from_many_addresses
    new_browser = Client()
    attempt(new_browser, owner.email, PASSWORD, "192.0.2.50")
    link = _link(mail.outbox[-1])

    assert new_browser.get(link).status_code == 200, "opening the link signs nobody in"
    assert not signed_in_as(new_browser, owner)
    response = new_browser.post(link)

    assert response.status_code == 302 and signed_in_as(new_browser, owner)
    assert sign_in.DEVICE_COOKIE in new_browser.cookies, "this browser is now known"
    assert Client().post(link).status_code == 400, "a link works once"
    assert Client().post(link.replace("/confirm-sign-in/", "/confirm-sign-in/x")).status_code == 400


@pytest.mark.django_db
def test_a_guessed_staff_account_still_asks_for_the_second_factor_after_the_link():
    secretariat = make_user(Role.SECRETARIAT)
    for address in ("203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4"):
        for n in range(3):
            attempt(Client(), secretariat.email, f"guess-{n}", address)
    browser = Client()
    attempt(browser, secretariat.email, PASSWORD, "192.0.2.50")

    response = browser.post(_link(mail.outbox[-1]))

    assert response["Location"] == "/en/accounts/2fa/authenticate/"
    assert not signed_in_as(browser, secretariat)


@pytest.mark.django_db
def test_the_owners_known_browser_still_signs_in_during_the_pause(guessed_from_many_addresses):
    owner, known = guessed_from_many_addresses

    response = attempt(known, owner.email, PASSWORD, "192.0.2.77")

    assert response.status_code == 302
    assert signed_in_as(known, owner)


@pytest.mark.django_db
def test_a_password_reset_lifts_the_pause(guessed_from_many_addresses):
    owner, _known = guessed_from_many_addresses
    client = Client()
    client.post("/en/accounts/password/reset/", {"email": owner.email})
    link = re.search(r"https?://[^/\s]+(/\S*/accounts/password/reset/key/\S+/)", mail.outbox[-1].body).group(1)
    form = client.get(link, follow=True)
    client.post(form.request["PATH_INFO"], {"password1": "a-new-passphrase-42", "password2": "a-new-passphrase-42"})

    response = attempt(Client(), owner.email, "a-new-passphrase-42", "192.0.2.50")

    assert response.status_code == 302


@pytest.mark.django_db
def test_one_address_alone_never_pauses_the_account():
    owner = make_user(Role.STAKEHOLDER)
    for n in range(40):
        attempt(Client(), owner.email, f"guess-{n}", "203.0.113.1")

    assert not sign_in.guessed_from_many_addresses(owner.email)
    assert attempt(Client(), owner.email, PASSWORD, "192.0.2.50").status_code == 302


@pytest.mark.django_db
def test_a_known_device_cookie_is_bound_to_its_account_and_signed():
    owner, other = make_user(Role.STAKEHOLDER), make_user(Role.STAKEHOLDER)
    client = Client()
    attempt(client, owner.email, PASSWORD, "198.51.100.4")
    cookie = client.cookies[sign_in.DEVICE_COOKIE].value
    request = type("Request", (), {"COOKIES": {sign_in.DEVICE_COOKIE: cookie}})()
    forged = type("Request", (), {"COOKIES": {sign_in.DEVICE_COOKIE: cookie[:-2] + "xx"}})()

    assert sign_in.is_known_device(request, owner.email.upper())
    assert not sign_in.is_known_device(request, other.email)
    assert not sign_in.is_known_device(forged, owner.email)
    assert owner.email not in cookie and owner.email.split("@")[0] not in cookie


@pytest.mark.django_db
def test_a_venue_signs_in_120_people_behind_one_address_within_a_minute():
    people = [make_user(Role.STAKEHOLDER) for _ in range(120)]
    answers = []
    # All within one minute of the clock, whatever the day the suite runs.
    with time_machine.travel(timezone.now().replace(second=5, microsecond=0), tick=False):
        for person in people:
            client = Client()
            answers.append((attempt(client, person.email, PASSWORD, "192.0.2.10").status_code, client))

    assert [status for status, _client in answers] == [302] * 120
    assert all(signed_in_as(client, person) for (_s, client), person in zip(answers, people, strict=True))


# --- Sign-up and password reset reveal nothing about which addresses have an account --------------------


def _final_page(response, typed: str) -> str:
    """The page a person lands on, without what differs on every request (the CSRF token) or what they typed.

    allauth lower-cases every address it is given, so the typed address shows lower-cased, whoever owns it.
    """
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return page.replace(typed.lower(), "TYPED")


@pytest.mark.django_db
def test_sign_up_answers_the_same_for_a_new_an_existing_and_a_differently_cased_address():
    # Two existing accounts: allauth sends one confirmation per address every few minutes, whoever asks.
    existing, other = make_user(Role.STAKEHOLDER), make_user(Role.STAKEHOLDER)
    answers = {}
    for name, email in {
        "new": "someone.new@example.org",
        "existing": existing.email,
        "other case": other.email.upper(),
    }.items():
        mail.outbox.clear()
        response = Client().post("/en/accounts/signup/", signup_data(email=email), follow=True)
        answers[name] = (
            response.redirect_chain,
            _final_page(response, email),
            [str(m).replace(email.lower(), "TYPED") for m in response.context["messages"]],
            [message.to for message in mail.outbox],
        )

    assert answers["new"][:3] == answers["existing"][:3] == answers["other case"][:3]
    assert answers["new"][3] == [["someone.new@example.org"]]
    assert answers["existing"][3] == [[existing.email]], "the owner is told, nobody else"
    assert answers["other case"][3] == [[other.email]]


@pytest.mark.django_db
def test_password_reset_answers_the_same_for_a_known_an_unknown_and_a_differently_cased_address():
    known, other = make_user(Role.STAKEHOLDER), make_user(Role.STAKEHOLDER)
    answers = []
    for email in (known.email, "nobody@example.org", other.email.upper()):
        response = Client().post("/en/accounts/password/reset/", {"email": email}, follow=True)
        answers.append((response.redirect_chain, _final_page(response, email)))

    assert answers[0] == answers[1] == answers[2]


def _medians(kinds: dict, rounds: int = 7) -> dict[str, float]:
    """The median time of each kind of request, taken in turns so that a busy machine slows them all alike."""
    took: dict[str, list[float]] = {name: [] for name in kinds}
    for n in range(rounds):
        for name, send in kinds.items():
            started = time.perf_counter()
            send(n)
            took[name].append(time.perf_counter() - started)
    return {name: statistics.median(values) for name, values in took.items()}


@pytest.mark.django_db
def test_sign_up_takes_as_long_for_an_existing_address_as_for_a_new_one(settings):
    """With the production password hasher: before, a new address took 10 to 50 times longer than an existing one."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    existing = make_user(Role.STAKEHOLDER)

    def sign_up(email):
        assert Client().post("/en/accounts/signup/", signup_data(email=email)).status_code == 302

    sign_up("warm-up@example.org")
    medians = _medians(
        {
            "new": lambda n: sign_up(f"new-{n}@example.org"),
            "existing": lambda n: sign_up(existing.email),
            "other case": lambda n: sign_up(existing.email.upper()),
        }
    )

    assert max(medians.values()) / min(medians.values()) < 1.5, medians


@pytest.mark.django_db
def test_password_reset_takes_as_long_for_an_unknown_address_as_for_a_known_one(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    known = make_user(Role.STAKEHOLDER)

    def reset(email):
        assert Client().post("/en/accounts/password/reset/", {"email": email}).status_code == 302

    reset("warm-up@example.org")
    # Five of each: allauth answers a sixth reset of one address within a minute with 429, known or not.
    medians = _medians(
        {"known": lambda n: reset(known.email), "unknown": lambda n: reset(f"nobody-{n}@example.org")}, rounds=5
    )

    assert max(medians.values()) / min(medians.values()) < 1.5, medians


@pytest.mark.django_db
def test_behind_a_proxy_each_person_is_their_own_address_and_a_forged_header_changes_nothing(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    owner = make_user(Role.STAKEHOLDER)
    proxy = "10.0.0.1"

    def through_proxy(client, password, forwarded):
        return client.post(
            LOGIN, {"login": owner.email, "password": password}, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=forwarded
        )

    # The guesser writes a different address of their own before the one the proxy appends each time.
    for n in range(8):
        through_proxy(Client(), f"wrong-{n}", f"198.18.0.{n}, 203.0.113.9")
    guesser, owner_client = Client(), Client()
    through_proxy(guesser, PASSWORD, "203.0.113.9")
    response = through_proxy(owner_client, PASSWORD, "198.51.100.4")

    assert not signed_in_as(guesser, owner), "the guesser's own address is paused, whatever it wrote"
    assert response.status_code == 302 and signed_in_as(owner_client, owner), "the owner, behind the same proxy"
