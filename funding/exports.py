"""Applications and decisions of a call as CSV (streamed) or XLSX (constant memory, from a temporary file)."""

import csv
import tempfile
from collections.abc import Iterator

from django.utils.translation import gettext as _

from consultations.exports import Echo, XlsxSheet, neutralise
from funding import selectors


def _headings() -> list[str]:
    return [
        _("Application"),
        _("Display name"),
        _("Organisation"),
        _("Constituency"),
        _("Travelling from"),
        _("Consultation"),
        _("State"),
        _("Requested (USD)"),
        _("Recommended (USD)"),
        _("Approved (USD)"),
        _("Submitted on"),
        _("The Chair's reason against the committee's recommendation"),
    ]


def _rows(call) -> Iterator[list[str]]:
    applications = (
        selectors.reviewable(call).select_related("applicant__profile", "consultation").order_by("submitted_at", "pk")
    )
    for application in applications.iterator(chunk_size=1000):
        profile = getattr(application.applicant, "profile", None)
        yield [
            neutralise(value)
            for value in (
                application.pk,
                profile.display_name if profile else "",
                profile.organisation if profile else "",
                profile.get_constituency_display() if profile else "",
                application.travelling_from.name if application.travelling_from else "",
                application.consultation or "",
                application.get_state_display(),
                application.requested_amount,
                application.recommended_amount or "",
                application.approved_amount or "",
                application.submitted_at.isoformat() if application.submitted_at else "",
                application.reason_against_recommendation,
            )
        ]


def stream_csv(headings: list[str], rows) -> Iterator[str]:
    """A CSV (with a BOM, for spreadsheets) written row by row as it is sent."""
    writer = csv.writer(Echo())
    yield "\ufeff" + writer.writerow(headings)
    for row in rows:
        yield writer.writerow(row)


def xlsx_of(title: str, headings: list[str], rows):
    """A temporary file, deleted once closed, holding the workbook; memory stays flat as rows are written."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
    try:
        with XlsxSheet(handle, title[:31]) as sheet:
            sheet.append(headings)
            for row in rows:
                sheet.append(row)
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return handle


def csv_rows(call) -> Iterator[str]:
    return stream_csv(_headings(), _rows(call))


def xlsx_file(call):
    return xlsx_of(_("Applications"), _headings(), _rows(call))
