"""Machine translation (portal/machine_translation.py): Debian's Apertium for real, LibreTranslate against a small
recording server on 127.0.0.1, and the privacy rule as a matrix of what is sent and what is refused.

Private-network and public addresses are never contacted: a network guard (an audit hook on ``socket.connect``)
records every connection a test makes and stops any beyond loopback, so an attempt to reach 172.18.0.2 or
203.0.113.5 is seen without a packet leaving the machine.
"""

import ipaddress
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from portal import machine_translation as mt
from portal.machine_translation import (
    Apertium,
    EngineFailed,
    LibreTranslate,
    NotAvailable,
    PrivateTextRefused,
    Result,
    TextTooLong,
    available,
    translate,
)
from tests.engines import RecordingLibreTranslate, listing

ROOT = Path(__file__).resolve().parent.parent.parent
APERTIUM_DATADIR = Path("/usr/share/apertium")
PAIRS = [(source, target) for source in mt.LANGUAGES for target in mt.LANGUAGES if source != target]
PRIVATE_POST = "Our shelter in the border town is full; please do not share this yet."


@pytest.fixture(autouse=True)
def _forget():
    mt.forget()
    yield
    mt.forget()


# --- the network guard and a resolver the test controls ---------------------------------------------------------


class NetworkGuard:
    """While watching: records the address of every socket.connect, and refuses any that is not loopback."""

    def __init__(self):
        self.installed = False  # an audit hook cannot be removed: it is added once per process
        self.watching = False
        self.attempts: list[str] = []

    def __call__(self, event, args):
        if event != "socket.connect" or not self.watching or not isinstance(args[1], tuple):
            return
        host = str(args[1][0])
        self.attempts.append(host)
        if not ipaddress.ip_address(host.split("%", 1)[0]).is_loopback:
            raise ConnectionRefusedError(f"the test's network guard stopped a connection to {host}")


_GUARD = NetworkGuard()


@pytest.fixture
def network():
    if not _GUARD.installed:
        sys.addaudithook(_GUARD)
        _GUARD.installed = True
    _GUARD.attempts = []
    _GUARD.watching = True
    yield _GUARD
    _GUARD.watching = False


class Resolver:
    """The names the test answers for, in the OS resolver's place; every other name goes to the real one.

    ``answer(name, "127.0.0.1", "203.0.113.5")`` answers the first lookup with 127.0.0.1, every later one with
    203.0.113.5: a DNS record that changes while the portal runs.
    """

    def __init__(self, real):
        self.real = real
        self.answers: dict[str, list[str]] = {}
        self.lookups: list[str] = []

    def answer(self, name: str, *addresses: str) -> None:
        self.answers[name] = list(addresses)

    def __call__(self, host, port, family=0, type=0, proto=0, flags=0):  # socket.getaddrinfo's own names
        if host not in self.answers:
            return self.real(host, port, family, type, proto, flags)
        self.lookups.append(host)
        queue = self.answers[host]
        address = queue.pop(0) if len(queue) > 1 else queue[0]
        if ":" in address:
            return [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, port, 0, 0))]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]


@pytest.fixture
def dns(monkeypatch):
    resolver = Resolver(socket.getaddrinfo)
    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    return resolver


# --- a small LibreTranslate that records what it is sent -------------------------------------------------------


@pytest.fixture
def libretranslate():
    server = RecordingLibreTranslate()
    yield server
    server.stop()


def use_libretranslate(settings, url: str, *, local: bool = False, api_key: str = "", engines=("libretranslate",)):
    settings.MACHINE_TRANSLATION_ENGINES = list(engines)
    settings.LIBRETRANSLATE_URL = url
    settings.LIBRETRANSLATE_LOCAL = local
    settings.LIBRETRANSLATE_API_KEY = api_key
    settings.MACHINE_TRANSLATION_TIMEOUT = 2


# --- without an engine -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("private", [True, False])
@pytest.mark.parametrize(("source", "target"), PAIRS)
def test_without_an_engine_nothing_is_available(settings, source, target, private):
    settings.MACHINE_TRANSLATION_ENGINES = []

    assert available(source, target, private=private) is False
    with pytest.raises(NotAvailable):
        translate("Migrant workers have the right to decent work.", source=source, target=target, private=private)


def load_settings(env: dict) -> subprocess.CompletedProcess:
    code = (
        "import portal.settings.base as s; "
        "print(s.MACHINE_TRANSLATION_ENGINES, s.LIBRETRANSLATE_LOCAL, s.MACHINE_TRANSLATION_TIMEOUT)"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        env={"PATH": os.environ["PATH"], **env},
        capture_output=True,
        text=True,
        cwd=ROOT,
    )


def test_the_settings_have_no_engine_by_default_and_refuse_an_unknown_one():
    by_default = load_settings({})
    assert (by_default.returncode, by_default.stdout) == (0, "[] False 10.0\n"), by_default.stderr

    configured = load_settings(
        {"MACHINE_TRANSLATION_ENGINES": "Apertium, libretranslate", "LIBRETRANSLATE_URL": "http://lt:5000"}
    )
    assert (configured.returncode, configured.stdout) == (0, "['apertium', 'libretranslate'] False 10.0\n")

    unknown = load_settings({"MACHINE_TRANSLATION_ENGINES": "apertium,deepl"})
    assert unknown.returncode != 0
    assert "MACHINE_TRANSLATION_ENGINES: unknown deepl (apertium, libretranslate)." in unknown.stderr

    without_url = load_settings({"MACHINE_TRANSLATION_ENGINES": "libretranslate"})
    assert without_url.returncode != 0
    assert "LIBRETRANSLATE_URL must be an http:// or https:// address" in without_url.stderr


# --- Apertium, Debian's packages, for real ---------------------------------------------------------------------


@pytest.fixture
def apertium(settings):
    assert shutil.which("apertium"), "Apertium is missing: scripts/ensure-system-packages apertium (make test does)"
    settings.MACHINE_TRANSLATION_ENGINES = ["apertium"]
    settings.APERTIUM_DATADIR = str(APERTIUM_DATADIR)
    settings.MACHINE_TRANSLATION_TIMEOUT = 20


def test_debians_apertium_packages_give_english_spanish_and_french_spanish(apertium):
    modes = Apertium(datadir=APERTIUM_DATADIR).modes()

    # apertium-en-es 0.8.1 (bookworm) installs apertium-eng-spa's modes; spa-eng_US and eco-fr-es are variants.
    expected = {("en", "es"): "eng-spa", ("es", "en"): "spa-eng", ("fr", "es"): "fr-es", ("es", "fr"): "es-fr"}
    assert {pair: modes.get(pair) for pair in expected} == expected


@pytest.mark.parametrize(
    ("source", "target", "text", "words"),
    [
        ("en", "es", "Migrant workers have the right to decent work.", ["trabajadores", "derecho"]),
        ("es", "en", "Los trabajadores migrantes tienen derecho a un trabajo digno.", ["workers", "right", "work"]),
        (
            "fr",
            "es",
            "Les travailleurs migrants ont droit à un travail décent.",
            ["trabajadores", "migrantes", "derecho"],
        ),
        (
            "es",
            "fr",
            "Los trabajadores migrantes tienen derecho a un trabajo digno.",
            ["travailleurs", "migrants", "droit"],
        ),
    ],
)
def test_apertium_translates_real_sentences(apertium, source, target, text, words):
    result = translate(text, source=source, target=target, private=False)

    assert result.engine == "Apertium"
    assert [word for word in words if word not in result.text.lower()] == []
    assert result.text != text


def test_apertium_may_translate_private_text_since_it_runs_on_the_portals_machine(apertium):
    assert available("fr", "es", private=True) is True

    result = translate("Le droit des migrants à la santé est universel.", source="fr", target="es", private=True)

    assert result == Result(text="El derecho de los migrantes a la salud es universal.", engine="Apertium")


def test_apertium_keeps_paragraphs_lines_and_indentation(apertium):
    text = (
        "Migrant workers have the right to decent work.\n"
        "\n"
        "The red\n"
        "car is here.\n"
        "\n\n\n"
        "  - Access to health care\n"
        "  - Access to education\n"
        "Signs ^ $ [ ] { } \\ and <b>tags</b> stay as typed: مرحبا 你好 Привет.\n"
    )

    translated = translate(text, source="en", target="es", private=False).text

    lines, original = translated.split("\n"), text.split("\n")
    assert len(lines) == len(original)
    assert [line == "" for line in lines] == [line == "" for line in original]
    assert [line[: len(line) - len(line.lstrip())] for line in lines] == [
        line[: len(line) - len(line.lstrip())] for line in original
    ]
    # A word never moves across a line break: "red" stays on its line, away from "car".
    assert lines[2] == "El rojo"
    # Apertium's own syntax characters and other scripts come through untouched.
    assert "^ $ [ ] { } \\ y <b>" in lines[-2]
    assert lines[-2].endswith(": مرحبا 你好 Привет.")


def test_apertium_drops_its_marks_for_unknown_words_and_keeps_the_writers(apertium):
    text = "The xyzzyqq plorfish report of the committee. Follow #GCM and @IOM."

    translated = translate(text, source="en", target="es", private=False).text

    assert "*" not in translated
    assert re.findall(r"[#@]\w+", translated) == ["#GCM", "@IOM"]
    assert {"xyzzyqq", "plorfish"} <= set(re.findall(r"\w+", translated))


@pytest.mark.parametrize("private", [True, False])
@pytest.mark.parametrize(
    ("source", "target"),
    [pair for pair in PAIRS if {"ar", "zh-hans", "ru"} & set(pair) or pair in {("en", "fr"), ("fr", "en")}],
)
def test_apertium_has_no_arabic_chinese_or_russian(apertium, source, target, private):
    assert available(source, target, private=private) is False
    with pytest.raises(NotAvailable):
        translate("Migrant workers have the right to decent work.", source=source, target=target, private=private)


def test_apertium_reads_two_and_three_letter_mode_names_and_ignores_other_languages(apertium, settings, tmp_path):
    modes = tmp_path / "modes"
    modes.mkdir()
    real = (APERTIUM_DATADIR / "modes" / "eng-spa.mode").read_text()
    for name in ("en-es", "rus-ukr", "eco-fr-es", "spa-eng_US"):
        (modes / f"{name}.mode").write_text(real)
    settings.APERTIUM_DATADIR = str(tmp_path)

    assert Apertium(datadir=tmp_path).modes() == {("en", "es"): "en-es"}
    assert available("en", "es", private=True) is True
    assert available("ru", "es", private=False) is False
    assert translate("Migrant workers", source="en", target="es", private=True).text == "Trabajadores emigrantes"


def test_apertium_gives_up_after_its_timeout(apertium, settings):
    settings.MACHINE_TRANSLATION_TIMEOUT = 0.05

    started = time.monotonic()
    with pytest.raises(EngineFailed, match=r"apertium took more than 0\.05 s\."):
        translate("Migrant workers have the right to decent work.", source="en", target="es", private=False)
    assert time.monotonic() - started < 2


def test_a_command_that_runs_over_is_killed_with_its_whole_pipeline():
    # Without killing the process group, ``sleep`` would hold the output pipe open for 30 seconds.
    started = time.monotonic()
    with pytest.raises(EngineFailed, match=r"sh took more than 0\.3 s\."):
        mt._run_bounded(["sh", "-c", "sleep 30 | cat"], b"", timeout=0.3)
    assert time.monotonic() - started < 3


def test_a_post_of_the_longest_length_is_translated_and_a_longer_one_refused(apertium):
    paragraph = "States commit to protecting migrant workers and to fair recruitment.\n\n"
    longest = (paragraph * 200)[: mt.MAX_CHARS]

    assert len(longest) == 10_000
    assert "trabajadores" in translate(longest, source="en", target="es", private=True).text
    with pytest.raises(TextTooLong):
        translate(longest + "x", source="en", target="es", private=True)


# --- the LibreTranslate client ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("chinese", "sent"), [("zh", "zh"), ("zh-Hans", "zh-Hans")])
def test_libretranslate_gets_its_own_language_codes(settings, libretranslate, chinese, sent):
    libretranslate.languages = listing("en", "ar", chinese, "fr", "ru", "es")
    use_libretranslate(settings, libretranslate.url)

    assert [pair for pair in PAIRS if not available(*pair, private=False)] == []
    result = translate("Decent work", source="en", target="zh-hans", private=False)
    translate("عمل لائق", source="ar", target="en", private=False)

    assert result == Result(text=f"<{sent}> Decent work", engine="LibreTranslate")
    assert [(r["source"], r["target"], r["format"]) for r in libretranslate.translations] == [
        ("en", sent, "text"),
        ("ar", "en", "text"),
    ]


def test_libretranslate_offers_only_the_pairs_it_lists(settings, libretranslate):
    libretranslate.languages = [
        {"code": "en", "name": "English", "targets": ["es", "de"]},
        {"code": "es", "name": "Spanish", "targets": ["en"]},
        {"code": "de", "name": "German", "targets": ["en"]},
    ]
    use_libretranslate(settings, libretranslate.url)

    assert [pair for pair in PAIRS if available(*pair, private=False)] == [("en", "es"), ("es", "en")]
    with pytest.raises(NotAvailable):
        translate("Привет", source="ru", target="en", private=False)
    assert libretranslate.translations == []


def test_libretranslate_is_sent_the_api_key_when_there_is_one(settings, libretranslate):
    use_libretranslate(settings, libretranslate.url, api_key="portal-key-123")
    translate("Decent work", source="en", target="fr", private=False)
    use_libretranslate(settings, libretranslate.url)
    translate("Decent work", source="en", target="fr", private=False)

    assert [request.get("api_key") for request in libretranslate.translations] == ["portal-key-123", None]


def test_libretranslate_translates_line_by_line_and_keeps_the_layout(settings, libretranslate):
    use_libretranslate(settings, libretranslate.url)
    text = "First paragraph, one line.\r\n\r\nSecond paragraph\nsecond line.\n\n\n  - indented item  \n   \n"

    result = translate(text, source="en", target="es", private=False)

    assert libretranslate.texts == ["First paragraph, one line.", "Second paragraph", "second line.", "- indented item"]
    assert result.text == (
        "<es> First paragraph, one line.\n\n<es> Second paragraph\n<es> second line.\n\n\n"
        "  <es> - indented item  \n   \n"
    )


def test_libretranslate_is_asked_for_its_languages_once_in_a_while(settings, libretranslate):
    use_libretranslate(settings, libretranslate.url)

    for pair in PAIRS:
        available(*pair, private=False)
    translate("Decent work", source="en", target="ru", private=False)

    assert [request["path"] for request in libretranslate.requests] == ["/languages", "/translate"]


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        ("error", r"LibreTranslate answered HTTP 500: The translation model crashed"),
        ("malformed", r"LibreTranslate's answer is not JSON\."),
        ("one string", r"LibreTranslate's answer has no translatedText for each line\."),
    ],
)
def test_libretranslate_failures_are_engine_failures(settings, libretranslate, answer, error):
    use_libretranslate(settings, libretranslate.url)
    libretranslate.answer = answer

    with pytest.raises(EngineFailed, match=error):
        translate("Decent work", source="en", target="es", private=False)


def test_libretranslate_that_does_not_answer_in_time_fails_within_the_timeout(settings, libretranslate):
    use_libretranslate(settings, libretranslate.url)
    settings.MACHINE_TRANSLATION_TIMEOUT = 0.5
    libretranslate.answer = "slow"

    started = time.monotonic()
    with pytest.raises(EngineFailed, match=r"LibreTranslate at 127\.0\.0\.1: timed out"):
        translate("Decent work", source="en", target="es", private=False)
    assert time.monotonic() - started < 1.5


def test_libretranslate_that_is_down_is_not_available_and_not_asked_again_at_once(settings, libretranslate, network):
    use_libretranslate(settings, libretranslate.url)
    libretranslate.stop()

    assert available("en", "es", private=False) is False
    assert available("es", "en", private=False) is False
    with pytest.raises(NotAvailable):
        translate("Decent work", source="en", target="es", private=False)
    assert network.attempts == ["127.0.0.1"]


def test_a_failing_engine_gives_way_to_the_next(settings, libretranslate, apertium):
    use_libretranslate(settings, libretranslate.url, engines=("libretranslate", "apertium"))
    libretranslate.answer = "error"

    result = translate("Migrant workers", source="en", target="es", private=False)

    assert result == Result(text="Trabajadores emigrantes", engine="Apertium")
    assert libretranslate.texts == ["Migrant workers"]


def test_the_first_engine_in_order_translates_public_text(settings, libretranslate, apertium):
    use_libretranslate(settings, libretranslate.url, engines=("libretranslate", "apertium"))

    assert translate("Migrant workers", source="en", target="es", private=False) == Result(
        text="<es> Migrant workers", engine="LibreTranslate"
    )


# --- the privacy rule ------------------------------------------------------------------------------------------


def test_private_text_goes_to_the_local_engine_and_never_to_a_remote_one(settings, libretranslate, apertium):
    use_libretranslate(settings, libretranslate.url, local=False, engines=("libretranslate", "apertium"))

    assert available("en", "es", private=True) is True
    assert available("ar", "en", private=True) is False
    assert available("ar", "en", private=False) is True
    assert translate(PRIVATE_POST, source="en", target="es", private=True).engine == "Apertium"
    with pytest.raises(PrivateTextRefused):
        translate(PRIVATE_POST, source="ar", target="en", private=True)
    assert libretranslate.texts == []


HOSTS = {"loopback": "127.0.0.1", "private": "172.18.0.2", "public": "203.0.113.5"}


@pytest.mark.parametrize("host", ["loopback", "private", "public"])
@pytest.mark.parametrize("declared_local", [True, False])
@pytest.mark.parametrize("private", [True, False])
def test_the_privacy_matrix(libretranslate, network, dns, host, declared_local, private):
    """Public text goes anywhere. Private text goes to LibreTranslate only when the operator declared it local
    AND its host is a loopback or private-network address; otherwise it is refused before any connection."""
    # The private host is a docker-compose service name; the public one a literal address of TEST-NET-3, which
    # Python's ipaddress counts as "private" (a documentation range) and the portal does not.
    dns.answer("libretranslate", HOSTS["private"])
    name = {"loopback": "127.0.0.1", "private": "libretranslate", "public": "203.0.113.5"}[host]
    engine = LibreTranslate(url=f"http://{name}:{libretranslate.port}", declared_local=declared_local, timeout=1)
    sends = not private or (declared_local and host != "public")

    if not sends:
        with pytest.raises(PrivateTextRefused):
            engine.translate(PRIVATE_POST, source="en", target="es", private=private)
        assert (network.attempts, libretranslate.requests) == ([], [])
    elif host == "loopback":
        assert engine.translate(PRIVATE_POST, source="en", target="es", private=private) == f"<es> {PRIVATE_POST}"
        assert libretranslate.texts == [PRIVATE_POST]
    else:
        assert engine.addresses_for(private=private) == [HOSTS[host]]
        # The guard stops the connection: that it was attempted shows the text would have gone there.
        with pytest.raises((EngineFailed, NotAvailable)):
            engine.translate(PRIVATE_POST, source="en", target="es", private=private)
        assert network.attempts == [HOSTS[host]]


def test_declared_local_is_not_enough_when_the_host_is_public(settings, network):
    use_libretranslate(settings, "http://203.0.113.5:5000", local=True)
    engine = mt.configured_engines()[0]

    assert engine.is_local() is False
    assert available("en", "es", private=True) is False
    with pytest.raises(PrivateTextRefused, match=r"resolves to 203\.0\.113\.5, outside the portal's own networks"):
        engine.translate(PRIVATE_POST, source="en", target="es", private=True)
    assert network.attempts == []


def test_the_checked_address_is_the_one_connected_to(libretranslate, network, dns):
    # The first lookup says loopback; from then on the record points to a public address.
    dns.answer("lt.internal", "127.0.0.1", "203.0.113.5")
    engine = LibreTranslate(url=f"http://lt.internal:{libretranslate.port}", declared_local=True, timeout=2)

    assert engine.translate(PRIVATE_POST, source="en", target="es", private=True) == f"<es> {PRIVATE_POST}"
    # One lookup, then the language list and the text went to the address checked, with the name as Host: had
    # the connection looked the name up again, it would have gone to the public address.
    assert dns.lookups == ["lt.internal"]
    with pytest.raises(PrivateTextRefused, match=r"resolves to 203\.0\.113\.5"):
        engine.translate(PRIVATE_POST, source="en", target="es", private=True)

    assert dns.lookups == ["lt.internal", "lt.internal"]
    assert set(network.attempts) == {"127.0.0.1"}
    assert [(r["path"], r["host"]) for r in libretranslate.requests] == [
        ("/languages", f"lt.internal:{libretranslate.port}"),
        ("/translate", f"lt.internal:{libretranslate.port}"),
    ]
    assert libretranslate.texts == [PRIVATE_POST]


def test_the_host_is_looked_up_again_for_each_private_text(settings, libretranslate, network, dns):
    dns.answer("lt.internal", "127.0.0.1")
    use_libretranslate(settings, f"http://lt.internal:{libretranslate.port}", local=True)
    assert available("en", "es", private=True) is True

    dns.answer("lt.internal", "203.0.113.5")
    # available() still remembers the engine as local for a while; translate() looks the host up and refuses.
    assert available("en", "es", private=True) is True
    with pytest.raises(PrivateTextRefused, match=r"resolves to 203\.0\.113\.5"):
        translate(PRIVATE_POST, source="en", target="es", private=True)

    assert libretranslate.texts == []
    assert set(network.attempts) == {"127.0.0.1"}


@pytest.mark.parametrize(
    ("address", "own"),
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("::1", True),
        ("10.0.0.7", True),
        ("172.18.0.2", True),
        ("192.168.1.20", True),
        ("fd00::2", True),
        ("::ffff:10.0.0.7", True),
        ("8.8.8.8", False),
        ("203.0.113.5", False),
        ("192.0.2.2", False),
        ("172.32.0.1", False),
        ("100.64.0.1", False),
        ("169.254.169.254", False),
        ("0.0.0.0", False),  # noqa: S104 - an address to judge, not one to bind
        ("2001:db8::1", False),
        ("2a00:1450:4001::1", False),
        ("::ffff:8.8.8.8", False),
        ("fe80::1%eth0", False),
        ("not an address", False),
    ],
)
def test_only_loopback_and_private_networks_are_the_portals_own(address, own):
    assert mt.on_own_network(address) is own
