"""The MPTF's report of a call: approved travellers against the attendance recorded."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from consultations.models import Registration
from funding import services, travel
from funding.enums import State
from portal.enums import Role
from tests.factories import (
    ApplicationFactory,
    CallFactory,
    CheckInFactory,
    RecommendationFactory,
    make_consultation,
    make_user,
)


def approved(call, consultation, amount="800", name="Traveller"):
    application = ApplicationFactory(
        call=call, consultation=consultation, state=State.ELIGIBLE, applicant=make_user(display_name=name)
    )
    RecommendationFactory(application=application, amount=Decimal(amount))
    application.refresh_from_db()
    return services.application_decide(
        application=application,
        by=make_user(Role.MPTF_CHAIR),
        approve=True,
        amount=Decimal(amount),
        shown_revision=application.revision,
    )


@pytest.fixture
def world(db):
    over = make_consultation(
        starts_at=timezone.now() + timedelta(days=20),
        ends_at=timezone.now() + timedelta(days=21),
        capacity_in_person=10,
    )
    ahead = make_consultation(starts_at=timezone.now() + timedelta(days=40), capacity_in_person=10)
    call = CallFactory(budget=Decimal("10000"), consultations=[over, ahead])
    came = approved(call, over, "900", "Amina Came")
    online = approved(call, over, "700", "Bola Online")
    absent = approved(call, over, "600", '=HYPERLINK("x")')
    later = approved(call, ahead, "500", "Carlos Later")
    # Attendance is recorded after the approval confirmed each traveller's place in the room.
    CheckInFactory(registration=Registration.objects.get(consultation=over, user=came.applicant))
    CheckInFactory(registration=Registration.objects.get(consultation=over, user=online.applicant), attended="virtual")
    over.starts_at, over.ends_at = timezone.now() - timedelta(days=3), timezone.now() - timedelta(days=2)
    over.save()
    return {"call": call, "came": came, "online": online, "absent": absent, "later": later}


@pytest.mark.django_db
def test_dashboard_shows_totals_by_attendance_and_flags_who_did_not_come(client, world):
    client.force_login(make_user(Role.SECRETARIAT))
    response = client.get(f"/en/funding/calls/{world['call'].pk}/dashboard/")
    assert response.status_code == 200
    totals = {str(row["label"]): (row["people"], row["amount"]) for row in response.context["travel_totals"]}
    assert totals == {
        "Present": (1, Decimal("900.00")),
        "Online instead": (1, Decimal("700.00")),
        "Absent": (1, Decimal("600.00")),
        "Not yet held": (1, Decimal("500.00")),
    }
    assert [a.pk for a in response.context["flagged"]] == [world["absent"].pk]
    assert "1 funded traveller did not check in: follow up" in response.content.decode()


@pytest.mark.django_db
def test_travel_report_csv_has_every_traveller_totals_and_no_formula(client, world):
    client.force_login(make_user(Role.SECRETARIAT))
    response = client.get(f"/en/funding/calls/{world['call'].pk}/travel.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode().lstrip("\ufeff"))))
    assert rows[0] == [
        "Application",
        "Traveller",
        "Organisation",
        "Travelling from",
        "Meeting",
        "Approved (USD)",
        "Attendance",
        "Follow-up",
    ]
    by_name = {row[1]: row for row in rows[1:5]}
    assert by_name["Amina Came"][5:] == ["900.00", "Present", ""]
    assert by_name["Bola Online"][5:] == ["700.00", "Online instead", ""]
    assert by_name['\'=HYPERLINK("x")'][5:] == ["600.00", "Absent", "Did not check in: follow up"]
    assert by_name["Carlos Later"][5:] == ["500.00", "Not yet held", ""]
    assert rows[6][1:6] == ["Total: 4 travellers", "", "", "", "2700.00"]


@pytest.mark.django_db
def test_travel_report_xlsx_is_formula_safe(client, world):
    client.force_login(make_user(Role.SECRETARIAT))
    response = client.get(f"/en/funding/calls/{world['call'].pk}/travel.xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, max_row=5, values_only=True)]
    assert '\'=HYPERLINK("x")' in names
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.STAKEHOLDER, Role.FOCAL_POINT, Role.EXECUTIVE_COMMITTEE, Role.MODERATOR])
def test_travel_report_is_the_secretariats(client, world, role):
    client.force_login(make_user(role))
    assert client.get(f"/en/funding/calls/{world['call'].pk}/travel.csv").status_code == 403
    assert client.get(f"/en/funding/calls/{world['call'].pk}/travel.xlsx").status_code == 403


@pytest.mark.django_db
def test_travel_report_reads_attendance_in_a_fixed_number_of_queries(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        travel.summary(world["call"])
