import csv
import io
import types

import pytest
from django.core import mail
from django.http import StreamingHttpResponse
from django.utils import timezone

from consultations import services
from consultations.enums import RegistrationStatus
from consultations.exports import neutralise
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
