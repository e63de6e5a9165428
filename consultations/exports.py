"""Registration lists for the secretariat: streamed CSV, constant memory, formula cells neutralised."""

import csv
import re
from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from consultations.models import Registration

# Column key -> (heading, value path). Only what the secretariat needs to run the meeting.
COLUMNS = {
    "display_name": (_("Display name"), "user__profile__display_name"),
    "email": (_("E-mail address"), "user__email"),
    "organisation": (_("Organisation"), "user__profile__organisation"),
    "constituency": (_("Constituency"), "user__profile__constituency"),
    "country": (_("Country"), "user__profile__country"),
    "subregion": (_("Sub-region"), "user__profile__subregion"),
    "gender": (_("Gender"), "user__profile__gender"),
    "attendance": (_("Attendance"), "attendance"),
    "status": (_("Status"), "status"),
    "registered_at": (_("Registered on"), "created_at"),
    "arrival": (_("Arrival order"), "arrival"),
}
DEFAULT_COLUMNS = ["display_name", "email", "organisation", "country", "attendance", "status"]

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


def csv_rows(queryset, columns: list[str]) -> Iterator[str]:
    """Rows as CSV text, read through a server-side cursor in chunks: memory does not grow with the list."""
    writer = csv.writer(Echo())
    yield "\ufeff" + writer.writerow([str(COLUMNS[c][0]) for c in columns])
    paths = [COLUMNS[c][1] for c in columns]
    for row in queryset.values_list(*paths).iterator(chunk_size=2000):
        yield writer.writerow([neutralise(v) for v in row])


def write_xlsx(queryset, columns: list[str], path, *, progress=None) -> int:
    """Write the list to ``path`` with openpyxl's write-only mode: rows go to disk as they come."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append([str(COLUMNS[c][0]) for c in columns])
    total = queryset.count() or 1
    paths = [COLUMNS[c][1] for c in columns]
    written = 0
    for row in queryset.values_list(*paths).iterator(chunk_size=2000):
        sheet.append([neutralise(v) for v in row])
        written += 1
        if progress and written % 1000 == 0:
            progress(min(99, written * 100 // total))
    workbook.save(path)
    return written
