import csv
import io
import tempfile
import tracemalloc
import types
from decimal import Decimal

import pytest
from django.core import mail
from django.http import StreamingHttpResponse
from django.utils import timezone
from openpyxl import load_workbook

from consultations import services
from consultations.enums import RegistrationStatus
from consultations.exports import XlsxSheet, export_queryset, neutralise, write_xlsx
from consultations.models import ExportLog, ExpressionOfInterest, Registration
from portal.enums import Role
from portal.models import Profile, User
from tests.factories import make_consultation, make_user


def bulk_registrations(consultation, n: int):
    users = User.objects.bulk_create([User(email=f"bulk{i}@example.org") for i in range(n)])
    Profile.objects.bulk_create(
        [
            Profile(
                user=u,
                display_name=f"Person {i}",
                constituency="migrant",
                country="KE",
                subregion="014",
                privacy_consent_at=timezone.now(),
            )
            for i, u in enumerate(users)
        ]
    )
    Registration.objects.bulk_create(
        [
            Registration(
                consultation=consultation,
                user=u,
                attendance="virtual",
                status=RegistrationStatus.REGISTERED,
                arrival=i + 1,
            )
            for i, u in enumerate(users)
        ]
    )


@pytest.mark.django_db
def test_ten_thousand_rows_stream_with_the_log_written(client, secretariat):
    consultation = make_consultation(capacity_virtual=20000)
    bulk_registrations(consultation, 10_000)
    client.force_login(secretariat)

    response = client.get(f"/en/consultations/{consultation.pk}/registrations.csv?columns=display_name&columns=country")

    assert isinstance(response, StreamingHttpResponse)
    assert isinstance(response.streaming_content, types.GeneratorType) or hasattr(
        response.streaming_content, "__next__"
    )
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["Display name", "Country"]
    assert len(rows) == 10_001
    assert rows[1] == ["Person 0", "Kenya"]
    log = ExportLog.objects.get()
    assert (log.user, log.file_format, log.rows, log.columns) == (
        secretariat,
        "csv",
        10_000,
        ["display_name", "country"],
    )


@pytest.mark.django_db
def test_export_filters_by_status_and_attendance(client, secretariat):
    consultation = make_consultation(capacity_in_person=1)

    for _ in range(3):
        services.registration_create(
            consultation=consultation, user=make_user(Role.STAKEHOLDER), attendance="in_person"
        )
    client.force_login(secretariat)

    response = client.get(
        f"/en/consultations/{consultation.pk}/registrations.csv?status=waitlisted&attendance=in_person"
    )

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 3
    assert ExportLog.objects.get().filters == {"status": ["waitlisted"], "attendance": ["in_person"]}


@pytest.mark.django_db
def test_formula_cells_are_neutralised_in_the_file(client, secretariat):
    consultation = make_consultation()
    user = make_user(Role.STAKEHOLDER, display_name='=HYPERLINK("http://evil.example","x")', organisation="+1-2")

    services.registration_create(consultation=consultation, user=user, attendance="virtual")
    client.force_login(secretariat)

    response = client.get(
        f"/en/consultations/{consultation.pk}/registrations.csv?columns=display_name&columns=organisation"
    )

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[1] == ['\'=HYPERLINK("http://evil.example","x")', "'+1-2"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("Amina", "Amina"),
        (None, ""),
        (3, "3"),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "status"), [(Role.STAKEHOLDER, 403), (Role.MODERATOR, 403), (None, 302)])
def test_exports_and_dashboard_are_for_the_secretariat(client, user_with_role, role, status):
    consultation = make_consultation()
    if role:
        client.force_login(user_with_role(role))

    assert client.get(f"/en/consultations/{consultation.pk}/registrations.csv").status_code == status
    assert client.get(f"/en/consultations/{consultation.pk}/dashboard/").status_code == status
    assert ExportLog.objects.count() == 0


@pytest.mark.django_db
def test_dashboard_query_count_same_at_1_and_50(client, secretariat, query_count):

    consultation = make_consultation(capacity_in_person=20)
    client.force_login(secretariat)

    def add(n):
        for _ in range(n):
            user = make_user(Role.STAKEHOLDER)
            services.registration_create(consultation=consultation, user=user, attendance="in_person")
            ExpressionOfInterest.objects.create(
                consultation=consultation, user=user, role="panel", topic="t", statement="s"
            )

    add(1)
    client.get(f"/en/consultations/{consultation.pk}/dashboard/")
    one = query_count(lambda: client.get(f"/en/consultations/{consultation.pk}/dashboard/"))
    add(49)

    assert query_count(lambda: client.get(f"/en/consultations/{consultation.pk}/dashboard/")) == one


@pytest.mark.django_db
def test_saving_the_speakers_list_tells_each_person(client, secretariat, django_capture_on_commit_callbacks):

    consultation = make_consultation()
    interests = [
        ExpressionOfInterest.objects.create(
            consultation=consultation, user=make_user(Role.STAKEHOLDER), role="panel", topic="t", statement="s"
        )
        for _ in range(3)
    ]
    client.force_login(secretariat)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/en/consultations/{consultation.pk}/speakers/",
            {"shown": [f"{i.pk}:received" for i in interests], "selected": [interests[0].pk, interests[2].pk]},
        )

    assert list(ExpressionOfInterest.objects.order_by("pk").values_list("status", flat=True)) == [
        "selected",
        "not_selected",
        "selected",
    ]
    assert sorted(m.subject.startswith("You have been selected") for m in mail.outbox) == [False, True, True]


# A string XlsxWriter would take for its own rich-text XML: written as it is, it would add a formula cell B1.
RICH_TEXT_INJECTION = '<r><t>x</t></r></is></c><c r="B1"><f>1+1</f></c><c r="C1" t="inlineStr"><is><r><t>y</t></r>'


@pytest.mark.django_db
def test_write_xlsx_neutralises_drops_controls_translates_and_reports_progress(tmp_path):
    consultation = make_consultation(capacity_virtual=2000)
    bulk_registrations(consultation, 2000)
    Profile.objects.filter(display_name="Person 0").update(display_name="=1+1\x07", organisation=RICH_TEXT_INJECTION)
    progress = []

    rows = write_xlsx(
        export_queryset(consultation, statuses=[], attendances=[]),
        ["display_name", "organisation", "status"],
        tmp_path / "list.xlsx",
        progress=progress.append,
        language="fr",
    )

    sheet = load_workbook(tmp_path / "list.xlsx").active
    cells = list(sheet.iter_rows(max_row=3))
    assert (rows, progress, sheet.title, sheet.max_row, sheet.max_column) == (2000, [50, 99], "Sheet", 2001, 3)
    assert [[cell.value for cell in row] for row in cells] == [
        ["Nom affiché", "Organisation", "État"],
        ["'=1+1", RICH_TEXT_INJECTION, "Inscription confirmée"],
        ["Person 1", None, "Inscription confirmée"],
    ]
    assert {cell.data_type for row in cells for cell in row if cell.value is not None} == {"s"}


def test_xlsx_sheet_writes_strings_as_text_never_as_formulas_numbers_or_links(tmp_path):
    with XlsxSheet(tmp_path / "raw.xlsx", "Raw") as sheet:
        sheet.append(["=1+1", "12", "https://evil.example/", RICH_TEXT_INJECTION])
        sheet.append([7, Decimal("600.50"), None, ""])

    sheet = load_workbook(tmp_path / "raw.xlsx").active
    rows = list(sheet.iter_rows())
    assert (sheet.title, sheet.max_row, sheet.max_column) == ("Raw", 2, 4)
    assert [[cell.value for cell in row] for row in rows] == [
        ["=1+1", "12", "https://evil.example/", RICH_TEXT_INJECTION],
        [7, 600.5, None, None],
    ]
    assert [cell.data_type for cell in rows[0]] == ["s", "s", "s", "s"]
    assert [cell.hyperlink for cell in rows[0]] == [None, None, None, None]


def peak_bytes_writing(path, rows: int) -> int:
    tracemalloc.start()
    try:
        with XlsxSheet(path, "Sheet") as sheet:
            for i in range(rows):
                sheet.append([f"Person {i}", f"person{i}@example.org", "Kenya"])
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_xlsx_sheet_memory_does_not_grow_with_rows(tmp_path):
    """In constant-memory mode the peak is the same for 1,000 rows and 10,000; kept in memory, 7 times more."""
    small = peak_bytes_writing(tmp_path / "small.xlsx", 1_000)
    large = peak_bytes_writing(tmp_path / "large.xlsx", 10_000)

    assert large < 2 * small


def test_xlsx_sheet_saves_nothing_and_leaves_no_rows_on_disk_after_an_error(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()

    with pytest.raises(TypeError), XlsxSheet(tmp_path / "list.xlsx", "Sheet") as sheet:
        sheet.append(["Amina Diallo", "amina@example.org"])
        sheet.append([object()])

    assert (list((tmp_path / "tmp").iterdir()), (tmp_path / "list.xlsx").exists()) == ([], False)
