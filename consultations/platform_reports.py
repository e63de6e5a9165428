"""Reads the participant (attendance) report that Zoom, Microsoft Teams or Webex exports after an online meeting.

Staff take the attendance of an online meeting from the platform's own report instead of ticking names by hand:
this module turns the uploaded file into one Attendee per person, with the minutes they spent in the meeting.
Matching those people to registrations by e-mail happens elsewhere; nothing here touches the database.

The platforms agree on little, so the reader looks for the header row by its column names rather than by a fixed
layout: it skips whatever summary block comes first, reads one section of participants, merges the rows of people
who left and rejoined, and stops before any later section (Teams repeats everyone under "In-Meeting Activities").
Cells are only read as text: a value such as "=HYPERLINK(...)" is kept as the text it is, never evaluated.
"""

import codecs
import csv
import datetime
import io
import itertools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext as _

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000

_DELIMITERS = (",", "\t", ";")
# The platforms' summary blocks take a dozen lines; looking further would only spend time on a file without a header.
_HEADER_SEARCH_ROWS = 200

# An export saved by mistake instead of the CSV can still decode as cp1252, which maps nearly every byte.
_BINARY_SIGNATURES = (b"%PDF", b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"\x1f\x8b")

# Header names after _header() (lower case, accents and quotes dropped, "e-mail" spelt "email").
_EMAIL_HEADERS = frozenset(
    {
        "email",
        "email address",
        "user email",
        "attendee email",
        "participant email",
        "adresse email",
        "adresse electronique",
        "courriel",
        "adresse courriel",
        "email de l'utilisateur",
        "adresse email de l'utilisateur",
        "correo",
        "correo electronico",
        "direccion de correo electronico",
        "correo electronico del usuario",
        "correo del usuario",
    }
)
_NAME_HEADERS = frozenset(
    {
        "name",
        "full name",
        "display name",
        "user name",
        "participant",
        "participant name",
        "attendee",
        "attendee name",
        "nom",
        "nom complet",
        "nom d'affichage",
        "nom du participant",
        "nombre",
        "nombre completo",
        "nombre para mostrar",
        "nombre del participante",
    }
)
# Zoom's "Name (Original Name)" and its translations.
_NAME_PREFIXES = ("name (", "user name (", "nom (", "nombre (")
_FIRST_NAME_HEADERS = frozenset({"first name", "prenom", "nombre de pila"})
_LAST_NAME_HEADERS = frozenset({"last name", "nom de famille", "apellido", "apellidos"})
_ACTION_HEADERS = frozenset({"user action", "action", "action de l'utilisateur", "accion del usuario"})
_TIMESTAMP_HEADERS = frozenset({"timestamp", "horodatage", "marca de tiempo"})
_DURATION = re.compile(r"duration|duree|duracion|time in session|tiempo en la sesion")
_JOIN = re.compile(r"\bjoin|arrivee|entrada")
_LEAVE = re.compile(r"\bleave\b|\bleft\b|depart|salida")
_SECONDS_UNIT = re.compile(r"\b(sec|seg)")

# Teams writes "1h 2m 3s" or "45m 10s" (and "1 h 5 min" in French); Webex "01:02:03"; Zoom plain minutes.
_SPELLED_DURATION = re.compile(
    r"(?:(?P<h>\d+)\s*h[a-z]*\.?)?\s*(?:(?P<m>\d+)\s*m[a-z]*\.?)?\s*(?:(?P<s>\d+)\s*s[a-z]*\.?)?"
)
_CLOCK_DURATION = re.compile(r"(\d+):(\d{1,2}):(\d{1,2})(?:[.,]\d+)?")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")

# Month before day first: the platforms write US dates unless the organiser's locale says otherwise, and a
# day above 12 rules the US reading out anyway.
_TIMESTAMP_FORMATS = (
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%y %I:%M:%S %p",
    "%m/%d/%y %I:%M %p",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%y %H:%M:%S",
    "%d/%m/%y %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
)


@dataclass(frozen=True)
class Attendee:
    """One person in the report, however many times they joined."""

    email: str  # lower-cased, stripped; "" when the row has none
    name: str  # as in the report, stripped ("" when none)
    minutes: int  # total minutes in the meeting, summed over the person's joins (0 when unknown)


class ReportError(ValueError):
    """The upload cannot be read as a participant report; the message is a sentence to show to staff."""


@dataclass
class _Columns:
    email: int | None = None
    name: int | None = None
    first_name: int | None = None
    last_name: int | None = None
    duration: int | None = None
    join: int | None = None
    leave: int | None = None
    action: int | None = None
    timestamp: int | None = None
    seconds_per_unit: int = 60  # for a bare number in the duration column

    @property
    def rank(self) -> int | None:
        """How surely this row heads the participants; lower is surer, None when it does not."""
        named = self.name is not None or self.first_name is not None or self.last_name is not None
        if self.email is not None:
            # Zoom's meeting summary has a "User Email" (the host's) but no name: the participants come after.
            return 0 if named else 1
        # Teams' first attendance lists (2020-2021) had no e-mail column, only who joined or left when.
        if self.name is not None and self.action is not None and self.timestamp is not None:
            return 2
        return None


@dataclass(eq=False)  # told apart by identity, to be a key while their join is open
class _Person:
    email: str
    name: str
    seconds: float = 0


def read_participant_report(data: bytes) -> list[Attendee]:
    """The people in a Zoom, Teams or Webex participant report, one per person in order of first appearance.

    Raises ReportError when the upload is empty, too large, not a text report, has no e-mail column or more than
    MAX_ROWS attendee rows.
    """
    if len(data) > MAX_BYTES:
        raise ReportError(
            _("This file is larger than %(size)d MB: upload the participant report of the meeting only.")
            % {"size": MAX_BYTES // (1024 * 1024)}
        )
    text = _decode(data)
    if not text.strip():
        raise ReportError(_("This file is empty."))
    delimiter, header_index, columns, width = _find_header(text)
    rows = _section(text, delimiter, header_index, width)
    if columns.email is None and columns.action is not None:
        people = _tally_joins_and_leaves(rows, columns)
    else:
        people = _tally_rows(rows, columns)
    # Seconds are summed before rounding to the nearest minute, so that many short joins lose nothing.
    return [Attendee(email=p.email, name=p.name, minutes=int(p.seconds + 30) // 60) for p in people]


def _not_a_report() -> ReportError:
    return ReportError(_("This file is not a CSV participant report."))


def _decode(data: bytes) -> str:
    if data.startswith(_BINARY_SIGNATURES):
        raise _not_a_report()
    if data.startswith(codecs.BOM_UTF8):
        encodings = ("utf-8-sig",)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ("utf-16",)
    elif encoding := _bomless_utf16(data):
        encodings = (encoding,)
    else:
        encodings = ("utf-8", "cp1252")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        # Both UTF-8 and cp1252 decode NUL, which no text report holds but every ZIP or image does.
        if "\x00" in text:
            break
        return text
    raise _not_a_report()


def _bomless_utf16(data: bytes) -> str | None:
    """A UTF-16 encoding when the file reads as mostly-ASCII UTF-16 that lost its BOM on the way."""
    sample = data[:400]
    if len(sample) < 4 or len(data) % 2:
        return None
    even, odd = sample[0::2], sample[1::2]
    # Most characters of a header are ASCII, whose high byte is NUL; a binary file has NULs in both halves.
    if odd.count(0) >= 0.9 * len(odd) and 0 not in even:
        return "utf-16-le"
    if even.count(0) >= 0.9 * len(even) and 0 not in odd:
        return "utf-16-be"
    return None


def _rows(text: str, delimiter: str) -> Iterator[list[str]]:
    # skipinitialspace: some exports put a space after the delimiter, before a quoted cell.
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, skipinitialspace=True)


def _find_header(text: str) -> tuple[str, int, _Columns, int]:
    """The delimiter, the index of the header row, its columns and its width.

    Every delimiter is tried because no sniffer can be trusted with a summary block above the table: the header
    is only found with the file's own delimiter, and with it the header row is split into the most cells.
    """
    best: tuple[int, int, int, str, _Columns] | None = None
    for delimiter in _DELIMITERS:
        found: tuple[int, int, int, str, _Columns] | None = None
        try:
            for index, row in enumerate(itertools.islice(_rows(text, delimiter), _HEADER_SEARCH_ROWS)):
                if not row:
                    continue
                columns = _columns(row)
                rank = columns.rank
                if rank is not None and (found is None or rank < found[0]):
                    found = (rank, -len(row), index, delimiter, columns)
                    if rank == 0:
                        break
        except csv.Error:
            # A wrong delimiter can open a quoted cell that never closes; the right one is tried as well.
            pass
        if found is not None and (best is None or found[:3] < best[:3]):
            best = found
    if best is None:
        raise ReportError(
            _("No column of e-mail addresses was found: export the participant report with e-mail addresses.")
        )
    _rank, negative_width, index, delimiter, columns = best
    return delimiter, index, columns, -negative_width


def _header(cell: str) -> str:
    text = unicodedata.normalize("NFKD", cell.replace("\ufeff", "").replace("\u2019", "'"))
    text = "".join(char for char in text if not unicodedata.combining(char)).casefold()
    text = " ".join(text.strip().strip("\"'").split())
    return re.sub(r"\be-mail\b", "email", text)


def _columns(row: list[str]) -> _Columns:
    columns = _Columns()
    for index, cell in enumerate(row):
        header = _header(cell)
        if not header:
            continue
        if header in _EMAIL_HEADERS:
            field = "email"
        elif header in _NAME_HEADERS or header.startswith(_NAME_PREFIXES):
            field = "name"
        elif header in _FIRST_NAME_HEADERS:
            field = "first_name"
        elif header in _LAST_NAME_HEADERS:
            field = "last_name"
        elif header in _ACTION_HEADERS:
            field = "action"
        elif header in _TIMESTAMP_HEADERS:
            field = "timestamp"
        elif _DURATION.search(header):
            field = "duration"
            if columns.duration is None and _SECONDS_UNIT.search(header):
                columns.seconds_per_unit = 1
        elif _JOIN.search(header):
            field = "join"
        elif _LEAVE.search(header):
            field = "leave"
        else:
            continue
        # Of two columns that read alike, the first wins: a later, more detailed one never overrides the main one.
        if getattr(columns, field) is None:
            setattr(columns, field, index)
    return columns


def _section(text: str, delimiter: str, header_index: int, width: int) -> list[list[str]]:
    """The stripped data rows under the header, up to the end of its section."""
    rows: list[list[str]] = []
    try:
        for row in itertools.islice(_rows(text, delimiter), header_index + 1, None):
            cells = [cell.strip() for cell in row]
            if not any(cells):
                if rows:
                    break
                continue
            # A line without a delimiter is the title of the next section, such as Teams' "3. In-Meeting Activities".
            if len(cells) == 1 and width > 1:
                break
            rows.append(cells)
            if len(rows) > MAX_ROWS:
                raise ReportError(
                    _("The report has more than %(limit)s attendee rows: upload the report of one meeting.")
                    % {"limit": number_format(MAX_ROWS, force_grouping=True)}
                )
    except csv.Error as error:
        raise _not_a_report() from error
    return rows


def _cell(cells: list[str], index: int | None) -> str:
    return cells[index] if index is not None and index < len(cells) else ""


def _email(value: str) -> str:
    """The address, lower-cased, or "" when the value cannot be one (the row is then known by its name)."""
    email = value.strip().strip("\"'").strip().lower()
    _local, _at, domain = email.partition("@")
    if email.count("@") != 1 or email.startswith("@") or "." not in domain.strip("."):
        return ""
    if any(char.isspace() for char in email):
        return ""
    return email


def _name(cells: list[str], columns: _Columns) -> str:
    if columns.name is not None:
        return _cell(cells, columns.name)
    return " ".join(part for part in (_cell(cells, columns.first_name), _cell(cells, columns.last_name)) if part)


def _person(people: dict[tuple[str, str], _Person], cells: list[str], columns: _Columns) -> _Person | None:
    """The person the row is about, created at their first row; None for a row that names nobody."""
    email = _email(_cell(cells, columns.email))
    name = _name(cells, columns)
    if email:
        key = ("email", email)
    elif name:
        key = ("name", " ".join(name.casefold().split()))
    else:
        return None
    person = people.setdefault(key, _Person(email=email, name=name))
    if not person.name:
        person.name = name
    return person


def _tally_rows(rows: list[list[str]], columns: _Columns) -> list[_Person]:
    people: dict[tuple[str, str], _Person] = {}
    for cells in rows:
        person = _person(people, cells, columns)
        if person is None:
            continue
        seconds = _duration(_cell(cells, columns.duration), columns.seconds_per_unit)
        if seconds is None:
            seconds = _span(_cell(cells, columns.join), _cell(cells, columns.leave))
        person.seconds += seconds or 0
    return list(people.values())


def _tally_joins_and_leaves(rows: list[list[str]], columns: _Columns) -> list[_Person]:
    """Teams' first format: one row per "Joined" or "Left", whose spans add up to each person's time."""
    people: dict[tuple[str, str], _Person] = {}
    timestamp_format = _common_format([_cell(cells, columns.timestamp) for cells in rows])
    joined_at: dict[_Person, datetime.datetime] = {}
    latest: datetime.datetime | None = None
    for cells in rows:
        person = _person(people, cells, columns)
        when = _timestamp(_cell(cells, columns.timestamp), timestamp_format)
        if person is None or when is None:
            continue
        latest = max(latest, when) if latest else when
        # "Joined" and "Joined before" (already there when the organiser came); "Left".
        action = _cell(cells, columns.action).casefold()
        if action.startswith("join"):
            joined_at.setdefault(person, when)
        elif action.startswith(("left", "leave")) and person in joined_at:
            person.seconds += (when - joined_at.pop(person)).total_seconds()
    # That list was downloaded during the meeting: whoever had not left was there until it was taken.
    for person, since in joined_at.items():
        person.seconds += (latest - since).total_seconds() if latest else 0
    return list(people.values())


def _duration(value: str, seconds_per_unit: int) -> float | None:
    """Seconds from a duration cell, or None when it is empty or unreadable."""
    value = value.strip().casefold()
    if not value:
        return None
    if _NUMBER.fullmatch(value):
        return float(value.replace(",", ".")) * seconds_per_unit
    if clock := _CLOCK_DURATION.fullmatch(value):
        hours, minutes, seconds = (int(part) for part in clock.groups())
        return hours * 3600 + minutes * 60 + seconds
    spelled = _SPELLED_DURATION.fullmatch(value)
    if spelled and any(spelled.groups()):
        hours, minutes, seconds = (int(part or 0) for part in spelled.group("h", "m", "s"))
        return hours * 3600 + minutes * 60 + seconds
    return None


def _span(joined: str, left: str) -> float | None:
    """Seconds from a join time to a leave time, both read with the same format so a day and a month never swap."""
    if not (joined and left):
        return None
    fmt = _common_format([joined, left])
    start, end = _timestamp(joined, fmt), _timestamp(left, fmt)
    if start is None or end is None or end < start:
        return None
    return (end - start).total_seconds()


def _common_format(values: list[str]) -> str | None:
    """The first timestamp format that reads every non-empty value."""
    present = [value for value in values if value.strip()]
    for fmt in _TIMESTAMP_FORMATS:
        if present and all(_timestamp(value, fmt) for value in present):
            return fmt
    return None


def _timestamp(value: str, fmt: str | None) -> datetime.datetime | None:
    if fmt is None:
        return None
    # Teams puts a comma between the date and the time: "3/15/2021, 10:02:33 AM".
    cleaned = " ".join(value.replace(",", " ").split())
    try:
        # Reports give wall-clock times in the organiser's zone; only differences between them are used.
        return datetime.datetime.strptime(cleaned, fmt).replace(tzinfo=datetime.UTC)
    except ValueError:
        return None
