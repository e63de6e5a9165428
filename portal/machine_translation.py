"""Machine translation of what people write, between the portal's six languages, under the privacy rule.

The interface the rest of the portal uses::

    available(source: str, target: str, *, private: bool) -> bool
    translate(text: str, *, source: str, target: str, private: bool) -> Result   # Result.text, Result.engine

Languages are the portal's codes: "ar", "zh-hans", "en", "fr", "ru", "es". ``Result.engine`` is the short name
of the engine that translated ("Apertium", "LibreTranslate"), for the label beside the translation.
``translate`` raises a ``TranslationError``, one of:

- ``NotAvailable``: no configured engine translates this pair (or none is configured at all);
- ``PrivateTextRefused``: the text is private and the only engines for the pair are not on the portal's machines;
- ``EngineFailed``: the engine timed out, answered with an HTTP error, or gave output that is not a translation;
- ``TextTooLong``: more than ``MAX_CHARS`` characters (posts have at most 10,000).

A page that shows a translation when it can asks ``available()`` first (cheap: the engines' language lists are
remembered for ``LANGUAGE_LIST_SECONDS``) and catches ``TranslationError`` around ``translate()``. Without an
engine configured (``MACHINE_TRANSLATION_ENGINES`` empty, the default) nothing is available and callers show
nothing.

**The privacy rule.** Approved, public text may go to any engine. Pending or private text (a post still in
moderation, a funding justification) goes only to an engine running on the portal's own machines, and the caller
says which it is with ``private=``. The rule is checked by each engine itself, just before it sends anything,
so a direct call to an engine class is bound by it too, and ``translate()`` raises ``PrivateTextRefused`` rather
than ever falling back to a remote engine:

- Apertium runs as a subprocess of the portal: always local.
- LibreTranslate is local only if the operator declares it so (``LIBRETRANSLATE_LOCAL``) *and* every address its
  host resolves to, looked up at the moment of sending, is a loopback or private-network address (``OWN_NETWORKS``:
  127.0.0.0/8, ::1, 10/8, 172.16/12, 192.168/16, fc00::/7 — a docker-compose service name resolves to 172.x).
  A public address is never local, whatever the setting says. The connection is then made to the addresses that
  were checked, not to a second lookup, so a DNS answer that changes in between cannot send the text elsewhere;
  no proxy and no redirect is followed either. ``ipaddress``'s own ``is_private`` is not used: in Python 3.11 it
  also covers the documentation, benchmarking, link-local and reserved ranges, none of which is the portal's.

**Formatting.** Posts are plain text. Each line is translated on its own, so paragraphs, blank lines, lists and
indentation come back as they were; ``\\r\\n`` becomes ``\\n``. Apertium gets the whole text in one run with every
line made a paragraph of its own (its text formatter keeps blank lines and never moves a word across one), and
its marks for unknown words (``*``, ``#``, ``@``) are switched off (``-u``). LibreTranslate gets the lines as one
batch (``q`` as a list), so its server must not set a ``--batch-limit`` below a post's number of lines.

**Time.** Each translation by an engine is bounded by ``MACHINE_TRANSLATION_TIMEOUT`` seconds in all, connection,
sending and reading included (Apertium's whole process group is killed when it runs over); a language list is
asked for with at most ``LANGUAGE_LIST_TIMEOUT``, and an engine that could not give one is left alone for
``FAILED_LIST_SECONDS``. ``translate()`` tries the next engine after a failure, so the worst case is the sum.

Settings (portal/settings/base.py, from the environment): ``MACHINE_TRANSLATION_ENGINES`` (names in order of
preference: ``apertium``, ``libretranslate``), ``MACHINE_TRANSLATION_TIMEOUT``, ``APERTIUM_DATADIR``,
``LIBRETRANSLATE_URL``, ``LIBRETRANSLATE_API_KEY``, ``LIBRETRANSLATE_LOCAL``.
"""

import http.client
import ipaddress
import json
import logging
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

LANGUAGES = ("ar", "zh-hans", "en", "fr", "ru", "es")
MAX_CHARS = 10_000
LANGUAGE_LIST_SECONDS = 300
FAILED_LIST_SECONDS = 60
LANGUAGE_LIST_TIMEOUT = 3.0
# A 10,000-character post comes back as JSON of at most a few hundred kilobytes, even escaped.
MAX_RESPONSE_BYTES = 2 * 1024 * 1024

OWN_NETWORKS = tuple(
    ipaddress.ip_network(network)
    for network in ("127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")
)

# Apertium names its modes with ISO 639-1 or 639-3 codes: Debian bookworm's apertium-en-es 0.8.1 is a transitional
# package for apertium-eng-spa, whose modes are eng-spa and spa-eng; apertium-fr-es 0.9.4 installs fr-es and es-fr.
APERTIUM_CODES = {
    "ar": "ar",
    "ara": "ar",
    "zh": "zh-hans",
    "zho": "zh-hans",
    "cmn": "zh-hans",
    "en": "en",
    "eng": "en",
    "fr": "fr",
    "fra": "fr",
    "ru": "ru",
    "rus": "ru",
    "es": "es",
    "spa": "es",
}
# LibreTranslate's codes for the portal's, the first that its /languages lists wins (compared without case).
LIBRETRANSLATE_CODES = {
    "ar": ("ar",),
    "zh-hans": ("zh-Hans", "zh"),
    "en": ("en",),
    "fr": ("fr",),
    "ru": ("ru",),
    "es": ("es",),
}


class TranslationError(Exception):
    """Whatever keeps a text from being translated; a page that shows translations when it can catches this."""


class NotAvailable(TranslationError):
    """No configured engine translates this pair of languages."""


class PrivateTextRefused(TranslationError):
    """Private text, and the engine is not on the portal's own machines: nothing was sent."""


class EngineFailed(TranslationError):
    """The engine timed out, failed, or answered with something that is not a translation."""


class TextTooLong(TranslationError):
    """More than MAX_CHARS characters."""


@dataclass(frozen=True)
class Result:
    text: str
    engine: str


def available(source: str, target: str, *, private: bool) -> bool:
    """Whether some configured engine may translate ``source`` to ``target`` for this text.

    Cheap enough for every post of a page: language lists and LibreTranslate's locality are remembered for a few
    minutes. ``translate`` checks locality again before sending, so a stale answer here can only make it refuse.
    """
    if source == target:
        return False
    # Locality first: for private text a remote engine is not even asked for its languages.
    return any(
        (not private or engine.is_local()) and (source, target) in engine.pairs() for engine in configured_engines()
    )


def translate(text: str, *, source: str, target: str, private: bool) -> Result:
    """Translate with the first engine, in the order of MACHINE_TRANSLATION_ENGINES, that may and can.

    An engine that fails gives way to the next one for the pair; one that may not see private text is never
    sent it (each engine refuses by itself). Raises ``NotAvailable``, ``PrivateTextRefused``, ``EngineFailed``
    or ``TextTooLong``.
    """
    text = _prepared(text)
    candidates = [engine for engine in configured_engines() if source != target and (source, target) in engine.pairs()]
    if not candidates:
        raise NotAvailable(f"No machine translation engine for {source} to {target}.")
    refused: PrivateTextRefused | None = None
    failed: EngineFailed | None = None
    for engine in candidates:
        try:
            translated = engine.translate(text, source=source, target=target, private=private)
        except PrivateTextRefused as exc:
            refused = exc
        except EngineFailed as exc:
            # Never the text itself in the log: it may be private.
            logger.warning("%s could not translate %s to %s: %s", engine.name, source, target, exc)
            failed = exc
        else:
            return Result(text=translated, engine=engine.name)
    raise failed or refused or NotAvailable(f"No machine translation engine for {source} to {target}.")


class Engine:
    """One machine translation engine. Subclasses check the privacy rule themselves, just before sending."""

    name = ""

    def pairs(self) -> frozenset[tuple[str, str]]:
        """The (source, target) pairs of portal language codes this engine translates."""
        raise NotImplementedError

    def is_local(self) -> bool:
        """Whether the engine runs on the portal's own machines, as far as it is known now."""
        raise NotImplementedError

    def translate(self, text: str, *, source: str, target: str, private: bool) -> str:
        raise NotImplementedError


def configured_engines() -> list[Engine]:
    """The engines of MACHINE_TRANSLATION_ENGINES, in that order, from the settings of the moment."""
    engines: list[Engine] = []
    timeout = float(settings.MACHINE_TRANSLATION_TIMEOUT)
    for name in settings.MACHINE_TRANSLATION_ENGINES:
        if name == "apertium":
            engines.append(Apertium(datadir=settings.APERTIUM_DATADIR, timeout=timeout))
        elif name == "libretranslate":
            engines.append(
                LibreTranslate(
                    url=settings.LIBRETRANSLATE_URL,
                    api_key=settings.LIBRETRANSLATE_API_KEY,
                    declared_local=settings.LIBRETRANSLATE_LOCAL,
                    timeout=timeout,
                )
            )
        else:
            raise ImproperlyConfigured(f"Unknown machine translation engine {name!r}.")
    return engines


# What was learnt about the engines (language lists, locality), per process: key -> (valid until, value).
_remembered: dict[tuple, tuple[float, object]] = {}


def _remember(key: tuple, compute):
    """``compute()`` returns (value, seconds to keep it); its value is reused until then."""
    now = time.monotonic()
    kept = _remembered.get(key)
    if kept is not None and kept[0] > now:
        return kept[1]
    value, seconds = compute()
    _remembered[key] = (now + seconds, value)
    return value


def forget() -> None:
    """Forget the language lists and locality learnt so far (the next call asks the engines again)."""
    _remembered.clear()


def _prepared(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if len(text) > MAX_CHARS:
        raise TextTooLong(f"{len(text)} characters; machine translation takes at most {MAX_CHARS}.")
    return text


class Apertium(Engine):
    """Debian's ``apertium`` command, run for each text: rule-based, fast, and local by construction."""

    name = "Apertium"

    def __init__(self, *, datadir: str | Path = "/usr/share/apertium", timeout: float = 10.0):
        self.datadir = Path(datadir)
        self.timeout = timeout

    def is_local(self) -> bool:
        return True  # a subprocess of the portal's own process

    def modes(self) -> dict[tuple[str, str], str]:
        """The installed modes between two of the portal's languages: (source, target) -> mode name."""
        return _remember(("apertium", str(self.datadir)), self._read_modes)

    def _read_modes(self):
        found: dict[tuple[str, str], str] = {}
        if shutil.which("apertium") is None:
            return found, LANGUAGE_LIST_SECONDS
        # Variants such as spa-eng_US or eco-fr-es do not split into two known codes and are left out.
        for path in sorted(self.datadir.glob("modes/*.mode")):
            codes = path.stem.split("-")
            if len(codes) == 2 and all(code in APERTIUM_CODES for code in codes):
                found.setdefault((APERTIUM_CODES[codes[0]], APERTIUM_CODES[codes[1]]), path.stem)
        return found, LANGUAGE_LIST_SECONDS

    def pairs(self) -> frozenset[tuple[str, str]]:
        return frozenset(self.modes())

    def translate(self, text: str, *, source: str, target: str, private: bool) -> str:
        # ``private`` needs no check: the text never leaves this machine.
        text = _prepared(text)
        mode = self.modes().get((source, target))
        if mode is None:
            raise NotAvailable(f"No Apertium mode for {source} to {target}.")
        if not text.strip():
            return text
        # Apertium's text formatter ends a sentence at a blank line but lets a sentence, and its words, run on
        # across a single line break: with every line doubled, each line is a paragraph and stays in place.
        doubled = text.replace("\n", "\n\n")
        command = ["apertium", "-d", str(self.datadir), "-u", "-f", "txt", mode]
        output = _run_bounded(command, doubled.encode(), timeout=self.timeout)
        try:
            translated = output.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise EngineFailed("Apertium answered with text that is not UTF-8.") from exc
        runs = re.findall(r"\n+", translated)
        if not translated.strip() or sum(map(len, runs)) != doubled.count("\n") or any(len(r) % 2 for r in runs):
            raise EngineFailed("Apertium's output does not keep the lines of the text.")
        return _without_marks(text, translated.replace("\n\n", "\n"))


def _run_bounded(command: list[str], data: bytes, *, timeout: float) -> bytes:
    """Run ``command`` (no shell) with ``data`` on stdin; its stdout, or EngineFailed after ``timeout`` seconds.

    ``apertium`` is a shell script running a pipeline: on a timeout the whole process group is killed, since
    the pipeline's processes would otherwise hold the output pipe open and keep the caller waiting.
    """
    environment = {"PATH": os.environ.get("PATH", os.defpath), "LC_ALL": "C.UTF-8"}
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=environment,
            start_new_session=True,
        )
    except OSError as exc:
        raise EngineFailed(f"{command[0]} could not be started: {exc}") from exc
    try:
        stdout, stderr = process.communicate(data, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise EngineFailed(f"{command[0]} took more than {timeout:g} s.") from exc
    if process.returncode != 0:
        detail = stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        raise EngineFailed(f"{command[0]} exited with {process.returncode}: {detail[0][:200]}")
    return stdout


# Apertium's marks on a word it could not analyse (*), generate (#) or find in its dictionary (@).
_MARKED_WORD = re.compile(r"(?<!\w)[*#@]+(\w+)")


def _without_marks(source: str, translated: str) -> str:
    """``translated`` without Apertium's marks, should ``-u`` ever leave one; marks the writer typed stay."""
    if len(_MARKED_WORD.findall(translated)) <= len(_MARKED_WORD.findall(source)):
        return translated
    return _MARKED_WORD.sub(lambda m: m.group(0) if m.group(0) in source else m.group(1), translated)


def on_own_network(address: str) -> bool:
    """Whether ``address`` is a loopback or private-network address (OWN_NETWORKS), the portal's own machines."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip in network for network in OWN_NETWORKS)


class LibreTranslate(Engine):
    """A LibreTranslate server's HTTP API: GET /languages, POST /translate."""

    name = "LibreTranslate"

    def __init__(self, *, url: str, api_key: str = "", declared_local: bool = False, timeout: float = 10.0):
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ImproperlyConfigured(f"LIBRETRANSLATE_URL must be an http:// or https:// address, not {url!r}.")
        self.url = url
        self.https = parts.scheme == "https"
        self.host = parts.hostname
        self.port = parts.port or (443 if self.https else 80)
        self.prefix = parts.path.rstrip("/")
        self.api_key = api_key
        self.declared_local = declared_local
        self.timeout = timeout

    def addresses(self) -> list[str]:
        """The addresses the host resolves to, looked up now."""
        try:
            return [str(ipaddress.ip_address(self.host))]
        except ValueError:
            pass
        try:
            found = socket.getaddrinfo(self.host, self.port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            raise EngineFailed(f"LibreTranslate's host {self.host} could not be resolved: {exc}") from exc
        return list(dict.fromkeys(str(info[4][0]) for info in found))

    def addresses_for(self, *, private: bool) -> list[str]:
        """The privacy rule: where this text may be sent, or PrivateTextRefused. Nothing is sent meanwhile."""
        if private and not self.declared_local:
            raise PrivateTextRefused("Private text, and LibreTranslate is not declared local (LIBRETRANSLATE_LOCAL).")
        addresses = self.addresses()
        outside = [address for address in addresses if not on_own_network(address)]
        if private and outside:
            raise PrivateTextRefused(
                f"Private text, and LibreTranslate's host {self.host} resolves to {', '.join(outside)}, "
                "outside the portal's own networks."
            )
        return addresses

    def is_local(self) -> bool:
        return _remember(("libretranslate-local", self.url, self.declared_local), self._find_local)

    def _find_local(self):
        try:
            self.addresses_for(private=True)
        except TranslationError:
            return False, FAILED_LIST_SECONDS
        return True, LANGUAGE_LIST_SECONDS

    def codes(self) -> dict[str, str]:
        """The server's code for each portal language it has."""
        return self._languages()[0]

    def pairs(self) -> frozenset[tuple[str, str]]:
        return self._languages()[1]

    def _languages(self, addresses: list[str] | None = None) -> tuple[dict[str, str], frozenset[tuple[str, str]]]:
        """Remembered, or asked of ``addresses`` (those of the text about to be sent: one lookup per text)."""
        return _remember(("libretranslate", self.url, self.api_key), lambda: self._ask_languages(addresses))

    def _ask_languages(self, addresses: list[str] | None):
        try:
            # No text goes with this request: whatever the server's address, it may be asked.
            listed = self._exchange(
                "GET",
                "/languages",
                None,
                addresses=addresses or self.addresses(),
                timeout=min(self.timeout, LANGUAGE_LIST_TIMEOUT),
            )
            return _language_pairs(listed), LANGUAGE_LIST_SECONDS
        except EngineFailed as exc:
            logger.warning("LibreTranslate's languages could not be read: %s", exc)
            return ({}, frozenset()), FAILED_LIST_SECONDS

    def translate(self, text: str, *, source: str, target: str, private: bool) -> str:
        text = _prepared(text)
        addresses = self.addresses_for(private=private)  # the privacy rule, before anything is sent
        codes, pairs = self._languages(addresses)
        if (source, target) not in pairs:
            raise NotAvailable(f"LibreTranslate does not translate {source} to {target}.")
        lines = [_LINE.fullmatch(line).groups() for line in text.split("\n")]
        queries = [core for _, core, _ in lines if core]
        if not queries:
            return text
        request = {"q": queries, "source": codes[source], "target": codes[target], "format": "text"}
        if self.api_key:
            request["api_key"] = self.api_key
        answer = self._exchange(
            "POST", "/translate", json.dumps(request).encode(), addresses=addresses, timeout=self.timeout
        )
        translated = answer.get("translatedText") if isinstance(answer, dict) else None
        if not (
            isinstance(translated, list)
            and len(translated) == len(queries)
            and all(isinstance(item, str) for item in translated)
        ):
            raise EngineFailed("LibreTranslate's answer has no translatedText for each line.")
        pieces = iter(translated)
        return "\n".join(f"{lead}{next(pieces).strip() if core else ''}{trail}" for lead, core, trail in lines)

    def _exchange(self, method: str, path: str, body: bytes | None, *, addresses: list[str], timeout: float):
        """One request to the given addresses (never a fresh lookup), all of it within ``timeout``; its JSON."""
        deadline = time.monotonic() + timeout
        connection_class = _PinnedHTTPSConnection if self.https else _PinnedHTTPConnection
        connection = connection_class(self.host, self.port, addresses=addresses, timeout=timeout)
        headers = {"Accept": "application/json", "User-Agent": "gcm-regional-reviews-portal"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        try:
            connection.request(method, self.prefix + path, body=body, headers=headers)
            # Kept: the connection lets go of its socket when the server closes after answering.
            sock = connection.sock
            sock.settimeout(max(deadline - time.monotonic(), 0.001))
            response = connection.getresponse()
            payload = _read_within(response, sock, deadline)
        except (OSError, http.client.HTTPException) as exc:
            raise EngineFailed(f"LibreTranslate at {self.host}: {exc or type(exc).__name__}") from exc
        finally:
            connection.close()
        if response.status != 200:
            raise EngineFailed(f"LibreTranslate answered HTTP {response.status}: {_error_of(payload)}")
        try:
            return json.loads(payload)
        except ValueError as exc:
            raise EngineFailed("LibreTranslate's answer is not JSON.") from exc


_LINE = re.compile(r"(\s*)(.*?)(\s*)", re.DOTALL)


def _language_pairs(listed) -> tuple[dict[str, str], frozenset[tuple[str, str]]]:
    """From /languages ([{code, name, targets}]): the server's code per portal language, and the pairs."""
    if not isinstance(listed, list) or not all(isinstance(e, dict) and isinstance(e.get("code"), str) for e in listed):
        raise EngineFailed("LibreTranslate's /languages is not a list of languages.")
    every_code = [entry["code"] for entry in listed]
    # Servers from before /languages had targets translate between any two of their languages.
    targets = {entry["code"]: set(entry.get("targets", every_code)) for entry in listed}
    by_lower = {code.lower(): code for code in every_code}
    codes: dict[str, str] = {}
    for language, candidates in LIBRETRANSLATE_CODES.items():
        for candidate in candidates:
            if candidate.lower() in by_lower:
                codes[language] = by_lower[candidate.lower()]
                break
    pairs = frozenset(
        (source, target)
        for source in codes
        for target in codes
        if source != target and codes[target] in targets[codes[source]]
    )
    return codes, pairs


def _error_of(payload: bytes) -> str:
    try:
        error = json.loads(payload).get("error", "")
    except (ValueError, AttributeError):
        error = ""
    return str(error)[:200]


def _read_within(response: http.client.HTTPResponse, sock: socket.socket, deadline: float) -> bytes:
    """The body of ``response``, refused past ``deadline`` or ``MAX_RESPONSE_BYTES``: a server that trickles its
    answer cannot hold a page for longer than the timeout."""
    body = bytearray()
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the answer took too long")
        sock.settimeout(remaining)
        chunk = response.read1(65536)
        if not chunk:
            return bytes(body)
        body += chunk
        if len(body) > MAX_RESPONSE_BYTES:
            raise EngineFailed(f"LibreTranslate's answer is longer than {MAX_RESPONSE_BYTES} bytes.")


def _open_socket(addresses: list[str], port: int, timeout: float) -> socket.socket:
    error: OSError = OSError("no address to connect to")
    for address in addresses:
        try:
            return socket.create_connection((address, port), timeout)
        except OSError as exc:
            error = exc
    raise error


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to addresses already checked rather than looking the name up again; sends Host as the name."""

    def __init__(self, host: str, port: int, *, addresses: list[str], timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.addresses = addresses

    def connect(self):
        self.sock = _open_socket(self.addresses, self.port, self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """The same over TLS; the certificate is still checked against the host's name."""

    def __init__(self, host: str, port: int, *, addresses: list[str], timeout: float):
        self.tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self.tls)
        self.addresses = addresses

    def connect(self):
        self.sock = self.tls.wrap_socket(
            _open_socket(self.addresses, self.port, self.timeout), server_hostname=self.host
        )
