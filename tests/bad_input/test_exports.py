"""CSV and XLSX formula injection: every export, every value a spreadsheet could read as a formula.

Each value comes out as text, behind an apostrophe, and otherwise as it was typed (control characters an
XLSX file cannot hold are dropped; nothing else is). In XLSX every cell is a string, never a formula.
"""

import csv
import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from openpyxl.utils.escape import unescape

from consultations import services as consultation_services
from consultations.exports import COLUMNS, neutralise
from discussions import services as discussion_services
from discussions.enums import AuthorLabel
from funding import services as funding_services
from portal.enums import Role
from tests.bad_input.corpus import FORMULA_STARTS, FORMULA_VALUES
from tests.factories import make_user, shown

CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Addresses may start with a formula sign too: RFC 5322 allows "=", "+", "-", "|" and "%" there.
FORMULA_EMAILS = ["=1+1@example.org", "+1+1@example.org", "-2+3@example.org", "|calc@example.org"]


def neutralised(value: str) -> str:
    return "'" + CONTROLS.sub("", value)


def is_formula_safe(text: str) -> bool:
    return text.startswith("'") or not text.lstrip().startswith(FORMULA_STARTS)


def csv_cells(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body, newline="")))[1:]


def xlsx_cells(content: bytes) -> list[list[str]]:
    """The cells as a spreadsheet shows them: openpyxl leaves OOXML's escapes ("_x000D_" for "\r") undone."""
    sheet = load_workbook(io.BytesIO(content)).active
    rows = []
    for row in list(sheet.iter_rows())[1:]:
        for cell in row:
            assert cell.value is None or cell.data_type == "s", f"{cell.coordinate} {cell.value!r} {cell.data_type}"
        rows.append(["" if cell.value is None else unescape(cell.value) for cell in row])
    return rows


def assert_safe(rows: list[list[str]], expected: set[str]) -> None:
    """Every cell is formula-safe, and every formula value typed is there, neutralised and whole.

    In XLSX a carriage return survives only as the escape "_x000D_" (bare, XML reads it as a line feed): "\r"
    and "\n" are compared alike.
    """
    cells = {cell.replace("\r", "\n") for row in rows for cell in row}
    expected = {value.replace("\r", "\n") for value in expected}
    unsafe = [cell for cell in cells if not is_formula_safe(cell)]
    assert unsafe == []
    assert expected - cells == set()


@pytest.fixture
def people(db):
    """One stakeholder per formula value: in the display name, the organisation, or the e-mail address."""
    made = []
    for index, value in enumerate(FORMULA_VALUES):
        made.append(make_user(Role.STAKEHOLDER, display_name=value[:80], organisation=f"Org {index}"))
        made.append(make_user(Role.STAKEHOLDER, display_name=f"Person {index}", organisation=value))
    made.extend(make_user(Role.STAKEHOLDER, user__email=email) for email in FORMULA_EMAILS)
    return made


EXPECTED_NAMES = {neutralised(value) for value in FORMULA_VALUES}
EXPECTED_EMAILS = {"'" + email for email in FORMULA_EMAILS}


@pytest.mark.django_db
def test_registration_exports_csv_and_xlsx(client, consultation, people, django_capture_on_commit_callbacks):
    consultation.capacity_virtual = len(people)
    consultation.save()
    for person in people:
        consultation_services.registration_create(consultation=consultation, user=person, attendance="virtual")
    client.force_login(make_user(Role.SECRETARIAT))
    columns = list(COLUMNS)

    csv_rows = csv_cells(client.get(f"/en/consultations/{consultation.pk}/registrations.csv", {"columns": columns}))
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(f"/en/consultations/{consultation.pk}/registrations.xlsx", {"columns": columns})
    log_url = started["Location"]
    download = client.get(f"{log_url}download/")
    assert download.status_code == 200
    xlsx_rows = xlsx_cells(b"".join(download.streaming_content))

    assert len(csv_rows) == len(xlsx_rows) == len(people)
    for rows in (csv_rows, xlsx_rows):
        assert_safe(rows, EXPECTED_NAMES | EXPECTED_EMAILS)


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_funding_exports(client, call, consultation, people, file_format):
    for person in people:
        application = funding_services.application_save(
            call=call,
            applicant=person,
            data={
                "consultation": consultation,
                "travelling_from": "KE",
                "travel_cost": Decimal("600"),
                "accommodation_cost": Decimal("0"),
                "daily_allowance": Decimal("0"),
                "justification": "=1+1",
                "representation": "",
                "self_identification": [],
            },
        )
        funding_services.application_submit(application=application, applicant=person)
    client.force_login(make_user(Role.SECRETARIAT))

    response = client.get(f"/en/funding/calls/{call.pk}/export.{file_format}")

    assert response.status_code == 200
    rows = csv_cells(response) if file_format == "csv" else xlsx_cells(b"".join(response.streaming_content))
    assert len(rows) == len(people)
    assert_safe(rows, EXPECTED_NAMES)


@pytest.mark.django_db
def test_discussion_export(client, question, space, space_moderator):
    for value in FORMULA_VALUES:
        author = make_user(Role.STAKEHOLDER, display_name=value[:80], organisation=value)
        for label in AuthorLabel.values:
            post = discussion_services.post_create(
                question=question, author=author, text=value, language="en", author_label=label
            )
            discussion_services.post_moderate(post=post, shown_revision=shown(post), by=space_moderator, approve=True)
    client.force_login(make_user(Role.SECRETARIAT))

    rows = csv_cells(client.get(f"/en/discussions/{space.pk}/export/"))

    assert len(rows) == 2 * len(FORMULA_VALUES)
    assert_safe(rows, EXPECTED_NAMES)


@pytest.mark.parametrize("value", FORMULA_VALUES)
def test_every_formula_value_is_neutralised_whole(value):

    assert neutralise(value) == neutralised(value)
