"""Registration lists for the secretariat: streamed CSV, constant memory, formula cells neutralised."""

import csv
import re
import tempfile
from collections.abc import Iterable, Iterator
from decimal import Decimal

import xlsxwriter
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from consultations.enums import Attendance, RegistrationStatus
from consultations.models import Registration
from portal.enums import Constituency, Gender
from portal.m49 import SUBREGIONS

# Column key -> (heading, value path, how a value shows). Only what the secretariat needs to run the meeting.
# Coded values show as their label in the exporter's language; the "… (code)" columns keep the codes for
# tools that match on them (ISO 3166 country codes, M49 sub-region codes, the portal's own codes).


def _label(choices):
    labels = dict(choices)
    return lambda value: str(labels.get(value, value or ""))


def _country(code) -> str:
    return str(countries.name(code)) if code else ""


def _code(value) -> str:
    return value or ""


COLUMNS = {
    "display_name": (_("Display name"), "user__profile__display_name", None),
    "email": (_("E-mail address"), "user__email", None),
    "organisation": (_("Organisation"), "user__profile__organisation", None),
    "constituency": (_("Constituency"), "user__profile__constituency", _label(Constituency.choices)),
    "constituency_code": (_("Constituency (code)"), "user__profile__constituency", _code),
    "country": (_("Country"), "user__profile__country", _country),
    "country_code": (_("Country (ISO code)"), "user__profile__country", _code),
    "subregion": (_("Sub-region"), "user__profile__subregion", _label(SUBREGIONS.items())),
    "subregion_code": (_("Sub-region (M49 code)"), "user__profile__subregion", _code),
    "gender": (_("Gender"), "user__profile__gender", _label(Gender.choices)),
    "attendance": (_("Attendance"), "attendance", _label(Attendance.choices)),
    "attendance_code": (_("Attendance (code)"), "attendance", _code),
    "status": (_("Status"), "status", _label(RegistrationStatus.choices)),
    "status_code": (_("Status (code)"), "status", _code),
    "registered_at": (_("Registered on"), "created_at", None),
    "arrival": (_("Arrival order"), "arrival", None),
}
DEFAULT_COLUMNS = ["display_name", "email", "organisation", "country", "attendance", "status"]


def _row_values(columns: list[str]):
    """The value paths to read and a function that turns one row of them into the cells shown.

    A coded value (a country, a choice) shows the same in every row: its label is translated and neutralised
    once per export, then remembered (a few hundred codes at most), not once per row.
    """
    paths = [COLUMNS[c][1] for c in columns]
    shows = [(COLUMNS[c][2], {}) for c in columns]

    def cells(row) -> list[str]:
        shown = []
        for (show, seen), value in zip(shows, row, strict=True):
            if show is None:
                shown.append(neutralise(value))
                continue
            text = seen.get(value)
            if text is None:
                text = seen[value] = neutralise(show(value))
            shown.append(text)
        return shown

    return paths, cells


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")
# Control characters XML 1.0 (so XLSX) cannot hold as text: dropped, from the CSV as from the XLSX.
CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def neutralise(value) -> str:
    """A cell a spreadsheet could read as a formula starts with an apostrophe instead.

    Spaces before the formula sign count too: some spreadsheets trim them when importing CSV.
    """
    text = "" if value is None else CONTROLS.sub("", str(value))
    if text.startswith(FORMULA_STARTS) or text.lstrip().startswith(FORMULA_STARTS):
        return "'" + text
    return text


def export_queryset(consultation, *, statuses: list[str], attendances: list[str]):
    queryset = Registration.objects.filter(consultation=consultation).order_by("arrival", "pk")
    if statuses:
        queryset = queryset.filter(status__in=statuses)
    if attendances:
        queryset = queryset.filter(attendance__in=attendances)
    return queryset


class Echo:
    """A file-like object for csv.writer that hands each row back instead of storing it."""

    def write(self, value):
        return value


def csv_rows(queryset, columns: list[str], language: str | None = None) -> Iterator[str]:
    """Rows as CSV text, read through a server-side cursor in chunks: memory does not grow with the list.

    Headings and labels are in ``language`` (the exporter's), held for the whole stream: the rows are
    written after the view has returned.
    """
    with translation.override(language or translation.get_language()):
        writer = csv.writer(Echo())
        yield "\ufeff" + writer.writerow([str(COLUMNS[c][0]) for c in columns])
        paths, cells = _row_values(columns)
        for row in queryset.values_list(*paths).iterator(chunk_size=2000):
            yield writer.writerow(cells(row))


# Nothing in a cell is interpreted: XlsxWriter would otherwise write "=…" as a formula, "12" as a number and
# "https://…" as a link. In constant-memory mode each row goes to a temporary file as soon as the next one starts.
XLSX_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}


class XlsxSheet:
    """A one-sheet workbook written row by row in constant memory, saved to ``target`` (a path or a file).

    Strings are written as text, never as formulas; numbers as numbers; None and "" as blank cells. The rows
    wait in a temporary folder that is removed when the ``with`` block ends; after an error nothing is saved.
    """

    def __init__(self, target, title: str):
        self.target, self.title, self.row = target, title, 0

    def __enter__(self) -> "XlsxSheet":
        self._folder = tempfile.TemporaryDirectory(prefix="xlsx-")
        self._workbook = xlsxwriter.Workbook(self.target, {**XLSX_OPTIONS, "tmpdir": self._folder.name})
        self._sheet = self._workbook.add_worksheet(self.title)
        return self

    def append(self, cells: Iterable) -> None:
        sheet, row = self._sheet, self.row
        for col, value in enumerate(cells):
            if isinstance(value, str):
                if value.startswith("<r>") and value.endswith("</r>"):
                    # XlsxWriter takes such a string for rich-text XML of its own and writes it unescaped, so
                    # a display name could add a formula cell. Written as three plain runs, it is escaped.
                    sheet.write_rich_string(row, col, value[:1], value[1:2], value[2:])
                elif value:
                    sheet.write_string(row, col, value)
            elif isinstance(value, int | float | Decimal) and not isinstance(value, bool):
                sheet.write_number(row, col, float(value))
            elif value is not None:
                raise TypeError(f"No XLSX cell for {type(value).__name__}")
        self.row += 1

    def __exit__(self, kind, error, traceback) -> None:
        try:
            if kind is None:
                self._workbook.close()
        finally:
            self._folder.cleanup()


def write_xlsx(queryset, columns: list[str], path, *, progress=None, language: str | None = None) -> int:
    """Write the list to ``path`` in constant memory (``XlsxSheet``): rows go to disk as they come.

    Headings and labels are in ``language``, the exporter's (the file is built later, by a worker).
    """

    with translation.override(language or translation.get_language()), XlsxSheet(path, "Sheet") as sheet:
        sheet.append([str(COLUMNS[c][0]) for c in columns])
        total = queryset.count() or 1
        paths, cells = _row_values(columns)
        written = 0
        for row in queryset.values_list(*paths).iterator(chunk_size=2000):
            sheet.append(cells(row))
            written += 1
            if progress and written % 1000 == 0:
                progress(min(99, written * 100 // total))
    return written
