"""The feedback form after a meeting (000: "subject to feedback … on the organizational aspects"): for those who
had a place, once, anonymous; the organisers see answers only in aggregate and from three answers on."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consultations import feedback
from consultations.enums import RegistrationStatus
from consultations.models import FeedbackGiven, FeedbackResponse
from portal.enums import Role
from tests.factories import EventFactory, RegistrationFactory, africa, make_consultation, make_user, shared_cycle

pytestmark = pytest.mark.django_db

ANSWER = {"overall": 4, "information": 5, "access": None, "interpretation": 3, "speaking_time": 2, "comment": ""}


def ended_meeting(**fields):
    """A meeting that ended an hour ago."""
    now = timezone.now()
    return make_consultation(
        starts_at=now - datetime.timedelta(hours=6), ends_at=now - datetime.timedelta(hours=1), **fields
    )


def attendee(consultation, status=RegistrationStatus.REGISTERED):
    return RegistrationFactory(consultation=consultation, user=make_user(Role.STAKEHOLDER), status=status).user


def test_an_answer_is_tied_to_nobody():
    consultation = ended_meeting()
    person = attendee(consultation)

    feedback.feedback_submit(consultation=consultation, user=person, answers={**ANSWER, "comment": "More water."})

    answer = FeedbackResponse.objects.get()
    linked = {f.name for f in FeedbackResponse._meta.get_fields() if f.is_relation}
    assert linked == {"consultation"}, "no link to a person"
    assert answer.submitted_on == timezone.localdate() and not hasattr(answer, "submitted_at")
    assert {f.name for f in FeedbackGiven._meta.get_fields()} == {"id", "consultation", "user"}, "nothing answered"
    assert FeedbackGiven.objects.filter(consultation=consultation, user=person).exists()


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("no_place", "for the people who had a place"),
        ("waitlisted", "for the people who had a place"),
        ("before_the_end", "opens when the meeting ends"),
        ("after_thirty_days", "has closed"),
        ("twice", "already answered"),
    ],
)
def test_who_may_answer_and_when(case, message):
    now = timezone.now()
    if case == "before_the_end":
        consultation = make_consultation(
            starts_at=now - datetime.timedelta(hours=1), ends_at=now + datetime.timedelta(hours=2)
        )
    elif case == "after_thirty_days":
        consultation = make_consultation(
            starts_at=now - datetime.timedelta(days=31, hours=5), ends_at=now - datetime.timedelta(days=31)
        )
    else:
        consultation = ended_meeting()
    if case == "no_place":
        person = make_user(Role.STAKEHOLDER)
    elif case == "waitlisted":
        person = attendee(consultation, RegistrationStatus.WAITLISTED)
    else:
        person = attendee(consultation)
    if case == "twice":
        feedback.feedback_submit(consultation=consultation, user=person, answers=ANSWER)

    with pytest.raises(feedback.FeedbackError, match=message):
        feedback.feedback_submit(consultation=consultation, user=person, answers=ANSWER)
    assert FeedbackResponse.objects.count() == (1 if case == "twice" else 0)


def test_a_meeting_without_times_opens_its_form_after_its_last_day():
    event = EventFactory(region=africa(), cycle=shared_cycle())
    consultation = make_consultation(event=event)
    assert feedback.meeting_end(consultation).date() == event.latest + datetime.timedelta(days=1)


def test_the_page_records_an_answer_and_says_it_is_anonymous(client):
    consultation = ended_meeting()
    person = attendee(consultation)
    client.force_login(person)
    url = f"/en/consultations/{consultation.pk}/feedback/"

    detail = client.get(consultation.get_absolute_url()).content.decode()
    assert url in detail, "the consultation page invites the person"
    page = client.get(url).content.decode()
    assert "Your answer is anonymous" in page
    refused = client.post(url, {"comment": "Typed comment kept"})
    assert refused.status_code == 400 and "Typed comment kept" in refused.content.decode()
    assert client.post(url, {"overall": "5", "access": "", "comment": "Good"}).status_code == 302
    assert FeedbackResponse.objects.get().access is None
    assert client.get(url).status_code == 403
    assert url not in client.get(consultation.get_absolute_url()).content.decode()


def test_results_show_only_from_three_answers_in_a_fixed_number_of_queries(client):
    consultation = ended_meeting()
    client.force_login(make_user(Role.SECRETARIAT))
    url = f"/en/consultations/{consultation.pk}/feedback/results/"
    for rating in (5, 3):
        feedback.feedback_submit(
            consultation=consultation, user=attendee(consultation), answers={**ANSWER, "overall": rating}
        )

    page = client.get(url).content.decode()
    assert "Answers are shown from 3 on" in page and "Average" not in page
    rows = list(
        csv.reader(io.StringIO(client.get(f"/en/consultations/{consultation.pk}/feedback.csv").getvalue().decode()))
    )
    assert len(rows) == 1, "the export holds no answer below three either"

    feedback.feedback_submit(
        consultation=consultation,
        user=attendee(consultation),
        answers={**ANSWER, "overall": 1, "comment": "=HYPERLINK(1)"},
    )
    page = client.get(url).content.decode()
    assert "Average 3.0 out of 5, from 3 answers." in page
    assert "=HYPERLINK(1)" in page

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        return len(queries)

    few = count_queries()
    for _ in range(20):
        feedback.feedback_submit(consultation=consultation, user=attendee(consultation), answers=ANSWER)
    assert count_queries() == few


def test_the_export_has_no_names_no_times_and_neutralised_formulas(client):
    consultation = ended_meeting()
    people = [attendee(consultation) for _ in range(3)]
    for person in people:
        feedback.feedback_submit(consultation=consultation, user=person, answers={**ANSWER, "comment": "=1+1"})
    client.force_login(make_user(Role.SECRETARIAT))

    body = b"".join(client.get(f"/en/consultations/{consultation.pk}/feedback.csv").streaming_content).decode()

    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0] == [
        "The meeting as a whole",
        "Information and materials before the meeting",
        "Registration and access (venue or online platform)",
        "Interpretation",
        "Time for stakeholders to speak",
        "What should change next time?",
    ]
    assert rows[1:] == [["4", "5", "", "3", "2", "'=1+1"]] * 3
    for person in people:
        assert person.email not in body and person.profile.display_name not in body


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("stakeholder", 403), ("attendee", 403), ("focal_point_elsewhere", 403), ("focal_point", 200)],
)
def test_only_the_organisers_read_the_results(client, who, status):
    consultation = ended_meeting()
    elsewhere = EventFactory(cycle=shared_cycle()).region
    people = {
        "anonymous": None,
        "stakeholder": make_user(Role.STAKEHOLDER),
        "attendee": attendee(consultation),
        "focal_point_elsewhere": make_user(Role.FOCAL_POINT, regions=[elsewhere]),
        "focal_point": make_user(Role.FOCAL_POINT, regions=[africa()]),
    }
    if people[who]:
        client.force_login(people[who])
    for path in ("feedback/results/", "feedback.csv"):
        assert client.get(f"/en/consultations/{consultation.pk}/{path}").status_code == status
