"""Registration lists for the secretariat: streamed CSV, constant memory, formula cells neutralised."""

import csv
import re
from collections.abc import Iterator

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from openpyxl import Workbook

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
    """The value paths to read and a function that turns one row of them into the cells shown."""
    paths = [COLUMNS[c][1] for c in columns]
    shows = [COLUMNS[c][2] for c in columns]

    def cells(row) -> list[str]:
        return [neutralise(show(value) if show else value) for show, value in zip(shows, row, strict=True)]

    return paths, cells


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")
# Control characters XML 1.0 (so XLSX) cannot hold: openpyxl refuses the whole file for one of them.
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


def write_xlsx(queryset, columns: list[str], path, *, progress=None, language: str | None = None) -> int:
    """Write the list to ``path`` with openpyxl's write-only mode: rows go to disk as they come.

    Headings and labels are in ``language``, the exporter's (the file is built later, by a worker).
    """

    with translation.override(language or translation.get_language()):
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append([str(COLUMNS[c][0]) for c in columns])
        total = queryset.count() or 1
        paths, cells = _row_values(columns)
        written = 0
        for row in queryset.values_list(*paths).iterator(chunk_size=2000):
            sheet.append(cells(row))
            written += 1
            if progress and written % 1000 == 0:
                progress(min(99, written * 100 // total))
        workbook.save(path)
    return written
