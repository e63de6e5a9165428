"""The funding pages: apply with drafts, review by role, conflicts, exports, query counts."""

import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from funding import services
from funding.enums import State
from funding.models import Application, Call, ExportLog
from funding.selectors import ranked
from portal.enums import Role
from tests.factories import make_user, shown
from tests.funding.conftest import recommended, submitted


def form_data(consultation, **overrides):
    data = {
        "consultation": consultation.pk,
        "travelling_from": "KE",
        "travel_cost": "600",
        "accommodation_cost": "300",
        "daily_allowance": "100",
        "justification": "We run a helpline.",
        "representation": "Women domestic workers",
        "self_identification": ["first_time"],
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_save_draft_then_submit(client, call, consultation):
    applicant = make_user(Role.STAKEHOLDER)
    client.force_login(applicant)
    url = f"/en/funding/calls/{call.pk}/apply/"
    response = client.post(url, {**form_data(consultation, justification=""), "action": "save"})
    assert response.status_code == 302
    draft = Application.objects.get()
    assert (draft.state, draft.representation, draft.self_identification) == (
        State.DRAFT,
        "Women domestic workers",
        ["first_time"],
    )
    response = client.post(url, {**form_data(consultation, justification=""), "action": "submit"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Say why you should take part." in html
    assert "Women domestic workers" in html, "nothing typed is lost"
    response = client.post(url, {**form_data(consultation), "action": "submit"})
    assert response.status_code == 302
    assert Application.objects.get().state == State.SUBMITTED
    assert client.get(url).status_code == 302, "a submitted application is not editable"
    page = client.get(f"/en/funding/applications/{draft.pk}/").content.decode()
    assert "Submitted" in page and "Withdraw my application" in page


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["-5", "1e9", "abc"])
def test_bad_amounts_are_refused_and_the_rest_is_kept(client, call, consultation, value):
    client.force_login(make_user(Role.STAKEHOLDER))
    response = client.post(
        f"/en/funding/calls/{call.pk}/apply/", {**form_data(consultation, travel_cost=value), "action": "save"}
    )
    assert response.status_code == 400
    assert "We run a helpline." in response.content.decode()
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_closed_call_refuses_submission_with_a_message(client, call, consultation):
    client.force_login(make_user(Role.STAKEHOLDER))
    client.post(f"/en/funding/calls/{call.pk}/apply/", {**form_data(consultation), "action": "save"})
    call.opens_at = timezone.now() - timedelta(days=10)
    call.closes_at = timezone.now() - timedelta(minutes=1)
    call.save()
    response = client.post(f"/en/funding/calls/{call.pk}/apply/", {**form_data(consultation), "action": "submit"})
    assert response.status_code == 400
    assert "This call closed on" in response.content.decode()
    assert Application.objects.get().state == State.DRAFT


@pytest.mark.django_db
def test_member_states_and_moderators_cannot_apply(client, call):
    for role in (Role.MEMBER_STATE, Role.MODERATOR):
        client.force_login(make_user(role))
        assert client.get(f"/en/funding/calls/{call.pk}/apply/").status_code == 403


@pytest.mark.django_db
def test_review_pages_are_for_the_committees_only(client, call, consultation):
    application = submitted(call, consultation)
    for role, status in [
        (Role.STAKEHOLDER, 403),
        (Role.MEMBER_STATE, 403),
        (Role.MODERATOR, 403),
        (Role.SECRETARIAT, 200),
        (Role.EXECUTIVE_COMMITTEE, 200),
        (Role.MPTF_CHAIR, 200),
    ]:
        client.force_login(make_user(role))
        assert client.get(f"/en/funding/calls/{call.pk}/review/").status_code == status, role
        assert client.get(f"/en/funding/applications/{application.pk}/review/").status_code == status, role
    client.force_login(application.applicant)
    assert client.get(f"/en/funding/applications/{application.pk}/review/").status_code == 403


@pytest.mark.django_db
def test_other_people_cannot_see_an_application(client, call, consultation):
    application = submitted(call, consultation)
    client.force_login(make_user(Role.STAKEHOLDER))
    assert client.get(f"/en/funding/applications/{application.pk}/").status_code == 404


@pytest.mark.django_db
def test_conflicted_member_gets_403_and_cannot_recommend(client, call, consultation, secretariat, member):
    application = submitted(call, consultation)
    services.application_screen(
        application=application, shown_revision=shown(application), by=secretariat, eligible=True
    )
    client.force_login(member)
    url = f"/en/funding/applications/{application.pk}/review/"
    response = client.post(url, {"action": "conflict", "conflict-organisation": "", "conflict-note": "My cousin"})
    assert response.status_code == 302
    assert client.get(url).status_code == 403
    response = client.post(
        url, {"action": "recommend", "recommend-recommend": "1", "recommend-amount": "10", "recommend-comment": "x"}
    )
    assert response.status_code == 403
    assert not application.recommendations.exists()
    listing = client.get(f"/en/funding/calls/{call.pk}/review/").content.decode()
    assert "You declared a conflict of interest with this application." in listing
    assert application.applicant.profile.display_name not in listing


@pytest.mark.django_db
def test_committee_and_chair_through_the_pages(client, call, consultation, secretariat, member, chair, mailoutbox):
    application = submitted(call, consultation)
    url = f"/en/funding/applications/{application.pk}/review/"
    client.force_login(secretariat)
    client.post(
        url, {"action": "screen", "screen-eligible": "1", "screen-reason": "", "screen-revision": shown(application)}
    )
    client.force_login(member)
    response = client.post(
        url,
        {
            "action": "recommend",
            "recommend-recommend": "1",
            "recommend-amount": "",
            "recommend-comment": "Good",
            "recommend-revision": shown(application),
        },
    )
    assert response.status_code == 400
    assert "Give the amount you recommend." in response.content.decode()
    client.post(
        url,
        {
            "action": "recommend",
            "recommend-recommend": "1",
            "recommend-amount": "800",
            "recommend-comment": "Good",
            "recommend-revision": shown(application),
        },
    )
    client.force_login(chair)
    response = client.post(
        url,
        {
            "action": "decide",
            "decide-approve": "1",
            "decide-amount": "5000",
            "decide-reason": "",
            "decide-revision": shown(application),
        },
    )
    assert response.status_code == 400
    assert "More than the 1000.00 USD requested." in response.content.decode()
    client.post(
        url,
        {
            "action": "decide",
            "decide-approve": "1",
            "decide-amount": "800",
            "decide-reason": "",
            "decide-revision": shown(application),
        },
    )
    application.refresh_from_db()
    assert (application.state, application.approved_amount) == (State.APPROVED, Decimal("800.00"))
    client.force_login(application.applicant)
    page = client.get(f"/en/funding/applications/{application.pk}/").content.decode()
    assert "Approved by the Chair" in page and "800.00 USD approved" in page
    assert "Good" not in page, "committee comments stay internal"


@pytest.mark.django_db
def test_review_list_query_count_does_not_grow(client, call, consultation, secretariat, member):
    client.force_login(secretariat)
    url = f"/en/funding/calls/{call.pk}/review/"
    client.get(url)
    counts = []
    for total in (1, 50):
        while Application.objects.count() < total:
            recommended(call, consultation, secretariat, member)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.django_db
def test_review_list_names_each_applicant_with_their_score_explained(client, call, consultation, secretariat):
    """The row links to the review, names the applicant (a neutral name once they erased their account) and
    their organisation, and explains the score line by line."""
    named = submitted(call, consultation, display_name="Amina <Okafor>", organisation="Helpline & Co")
    erased = submitted(call, consultation)
    erased.applicant.profile.display_name = ""
    erased.applicant.profile.save()
    client.force_login(secretariat)

    page = client.get(f"/en/funding/calls/{call.pk}/review/").content.decode()

    assert f'<a href="/en/funding/applications/{named.pk}/review/">Amina &lt;Okafor&gt;</a>' in page
    assert '<span class="small">Helpline &amp; Co</span>' in page
    assert f'<a href="/en/funding/applications/{erased.pk}/review/">Former participant</a>' in page
    assert "<li>Gender: " in page and "<li>First-time participation: " in page


@pytest.mark.django_db
def test_review_list_sorts_by_priority(client, call, consultation, secretariat, member, chair):
    first = recommended(call, consultation, secretariat, member, constituency="migrant", country="KE", gender="woman")
    services.application_decide(
        application=first, shown_revision=shown(first), by=chair, approve=True, amount=Decimal("500")
    )
    same = submitted(call, consultation, constituency="migrant", country="KE", gender="woman")
    different = submitted(call, consultation, constituency="academia", country="EG", gender="man")
    client.force_login(secretariat)
    rows = client.get(f"/en/funding/calls/{call.pk}/review/", {"state": "submitted"}).context["rows"]
    assert [r["pk"] for r in rows] == [different.pk, same.pk]
    rows = client.get(f"/en/funding/calls/{call.pk}/review/", {"state": "submitted", "min_score": "50"}).context["rows"]
    assert [r["pk"] for r in rows] == [different.pk]


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_exports_are_formula_safe_and_logged(client, call, consultation, secretariat, file_format):
    submitted(call, consultation, display_name="=cmd|' /C calc'!A0")
    client.force_login(secretariat)
    response = client.get(f"/en/funding/calls/{call.pk}/export.{file_format}")
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    if file_format == "csv":
        assert "'=cmd" in content.decode()
    else:
        sheet = load_workbook(io.BytesIO(content)).active
        assert sheet.cell(row=2, column=2).value == "'=cmd|' /C calc'!A0"
    log = ExportLog.objects.get()
    assert (log.user, log.file_format, log.rows) == (secretariat, file_format, 1)


@pytest.mark.django_db
def test_dashboard_sums_and_remaining(client, call, consultation, secretariat, member, chair):
    application = recommended(call, consultation, secretariat, member)
    services.application_decide(
        application=application, shown_revision=shown(application), by=chair, approve=True, amount=Decimal("700")
    )
    client.force_login(secretariat)
    context = client.get(f"/en/funding/calls/{call.pk}/dashboard/").context
    assert (context["approved"], context["remaining"]) == (Decimal("700.00"), Decimal("2300.00"))
    assert dict(context["by_state"])["Approved by the Chair"] == 1
    client.force_login(member)
    assert client.get(f"/en/funding/calls/{call.pk}/dashboard/").status_code == 403


@pytest.mark.django_db
def test_consultation_dashboard_lists_funded_participants(client, call, consultation, secretariat, member, chair):
    application = recommended(call, consultation, secretariat, member, display_name="Wanjiru Funded")
    client.force_login(secretariat)
    url = f"/en/consultations/{consultation.pk}/dashboard/"
    assert "Wanjiru Funded" not in client.get(url).content.decode()
    services.application_decide(
        application=application, shown_revision=shown(application), by=chair, approve=True, amount=Decimal("700")
    )
    assert "Wanjiru Funded" in client.get(url).content.decode()


@pytest.mark.django_db
def test_admin_reads_the_call_times_in_the_calls_time_zone(client, consultation):

    secretariat = make_user(Role.SECRETARIAT)
    client.force_login(secretariat)
    response = client.post(
        "/en/admin/funding/call/add/",
        {
            "cycle": consultation.event.cycle_id,
            "title_en": "Travel to Santiago",
            "budget": "10000",
            "opens_at_0": "2027-01-10",
            "opens_at_1": "09:00:00",
            "closes_at_0": "2027-03-01",
            "closes_at_1": "23:59:00",
            "time_zone": "America/Santiago",
            "published": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    call = Call.objects.get()
    # Santiago is on summer time (UTC−3) in March 2027.
    assert call.closes_at == datetime(2027, 3, 2, 2, 59, tzinfo=UTC)
    page = client.get(f"/en/admin/funding/call/{call.pk}/change/").content.decode()
    assert 'name="closes_at_0" value="2027-03-01"' in page and 'name="closes_at_1" value="23:59:00"' in page


@pytest.mark.django_db
def test_errors_are_summarised_announced_and_linked_to_their_fields(client, call, consultation):
    client.force_login(make_user(Role.STAKEHOLDER))
    response = client.post(
        f"/en/funding/calls/{call.pk}/apply/", {**form_data(consultation, travel_cost="-5"), "action": "save"}
    )
    html = response.content.decode()
    assert '<div class="alert alert-danger" role="alert">' in html
    assert "Please correct 1 problem; what you typed is kept." in html
    assert '<a href="#id_travel_cost">Travel (USD)</a>: Ensure this value is greater than or equal to 0.' in html
    assert 'aria-describedby="id_travel_cost_helptext id_travel_cost_error"' in html


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "budget", "month"), [("en", "3000.00", "March"), ("fr", "3000,00", "mars")])
def test_amounts_and_dates_follow_the_language(client, call, language, budget, month):

    # A call stated for March of some year: the dates are the test's own, whatever day it runs.
    call.opens_at = datetime(2030, 3, 1, 12, tzinfo=UTC)
    call.closes_at = datetime(2030, 3, 15, 12, tzinfo=UTC)
    call.save()
    html = client.get(f"/{language}/funding/calls/{call.pk}/").content.decode()
    assert f"{budget} USD" in html
    assert month in html
    assert "(Africa/Addis_Ababa)" in html, "the time zone is stated"


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["NaN", "-Infinity", "sNaN", "1e999999", "1e-99999", "-1e-99999", "1e-16384"])
def test_a_minimum_score_that_is_no_number_is_ignored(client, call, secretariat, value):
    """Nor one finer than the database holds (the outside review found 1e-99999 answered 500)."""
    client.force_login(secretariat)

    assert client.get(f"/en/funding/calls/{call.pk}/review/?min_score={value}").status_code == 200


@pytest.mark.django_db
def test_a_minimum_score_finer_than_a_tenth_keeps_the_same_applications(client, call, consultation, secretariat):
    application = submitted(call, consultation)
    score = ranked(call)[0].get(pk=application.pk).priority
    name = application.applicant.profile.display_name
    client.force_login(secretariat)
    url = f"/en/funding/calls/{call.pk}/review/"

    assert name in client.get(f"{url}?min_score={score - Decimal('0.05')}").content.decode()
    assert name not in client.get(f"{url}?min_score={score + Decimal('0.01')}").content.decode()


@pytest.mark.django_db
def test_the_committee_reads_why_the_chair_decided_against_its_recommendation(
    client, call, consultation, secretariat, member, chair
):
    application = recommended(call, consultation, secretariat, member)
    url = f"/en/funding/applications/{application.pk}/review/"
    client.force_login(chair)
    decision = {
        "action": "decide",
        "decide-approve": "0",
        "decide-amount": "",
        "decide-reason": "The call funds one person per organisation.",
        "decide-reason_against_recommendation": "  ",
        "decide-revision": shown(application),
    }

    refused = client.post(url, decision)

    html = refused.content.decode()
    assert refused.status_code == 400
    assert refused.context["forms"]["decide"].errors == {
        "reason_against_recommendation": [
            "The Executive Committee recommended this application: write why you do not approve it."
        ]
    }
    assert "The call funds one person per organisation.</textarea>" in html, "what the Chair typed stays"
    assert Application.objects.get(pk=application.pk).state == State.RECOMMENDED

    reason = "Two people of the same organisation were already funded for this consultation."
    accepted = client.post(url, {**decision, "decide-reason_against_recommendation": reason})
    assert accepted.status_code == 302, accepted.context["forms"]["decide"].errors

    for reader in (member, secretariat):
        client.force_login(reader)
        page = client.get(url).content.decode()
        listing = client.get(f"/en/funding/calls/{call.pk}/review/").content.decode()
        assert "The Chair's decision differs from the committee's recommendation" in page
        assert reason in page
        assert "Against the committee's recommendation" in listing and reason in listing
    client.force_login(application.applicant)
    assert reason not in client.get(f"/en/funding/applications/{application.pk}/").content.decode()


# transactional: the kept ranking is dropped by a real commit (portal.cache.by_data reads the version on_commit sets)
@pytest.mark.django_db(transaction=True)
def test_the_kept_ranking_follows_every_change(client, settings, call, consultation, secretariat, member):
    """With the shared cache on, the review list reads the ranking from it (fewer queries) and every change shows
    at once: a new application, a changed profile, a reviewer's own conflict (never kept)."""

    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    cache.clear()
    url = f"/en/funding/calls/{call.pk}/review/"
    first = submitted(call, consultation, constituency="civil_society")
    client.force_login(member)
    with CaptureQueriesContext(connection) as fresh:
        assert "1 application<" in client.get(url).content.decode()
    with CaptureQueriesContext(connection) as kept:
        client.get(url)
    assert len(kept) < len(fresh)

    submitted(call, consultation, constituency="civil_society")
    assert "2 applications<" in client.get(url).content.decode()

    # The kept ranking filters by score: a profile change that lowers the first's score takes it off at once.

    score = ranked(call)[0].get(pk=first.pk).priority
    name = first.applicant.profile.display_name
    assert name in client.get(f"{url}?min_score={score}").content.decode()
    profile = first.applicant.profile
    profile.constituency = ""
    profile.save()
    assert name not in client.get(f"{url}?min_score={score}").content.decode()

    services.conflict_declare(by=member, application=first, note="My cousin")
    assert "You declared a conflict of interest with this application." in client.get(url).content.decode()
    client.force_login(secretariat)
    assert "You declared a conflict" not in client.get(url).content.decode()
    cache.clear()


@pytest.mark.django_db
def test_a_conflicted_application_says_nothing_of_its_state_or_score_through_the_filters(
    client, call, consultation, secretariat, member
):
    """Left out of the ranked, filtered list altogether and listed apart whatever the filters: neither a state
    filter, nor a score floor, nor its place in the order tells a conflicted reviewer anything."""
    hidden = submitted(call, consultation, organisation="Coastal Workers Union")
    services.application_screen(application=hidden, shown_revision=shown(hidden), by=secretariat, eligible=True)
    submitted(call, consultation, organisation="Seafarers Network")
    member.profile.organisation = "Diaspora Council"
    member.profile.save()
    services.conflict_declare(by=member, application=hidden, note="My cousin")
    client.force_login(member)
    url = f"/en/funding/calls/{call.pk}/review/"
    pages = {
        query: client.get(url + query).content.decode()
        for query in ("", "?state=eligible", "?state=submitted", "?min_score=0", "?min_score=100", "?order=submitted")
    }
    for query, page in pages.items():
        assert page.count("You declared a conflict of interest with this application.") == 1, query
        assert hidden.applicant.profile.display_name not in page, query
        assert f"/applications/{hidden.pk}/review/" not in page, query
    assert "No application matches." in pages["?state=eligible"]  # the only eligible one is the hidden one
    assert "1 application<" in pages["?state=submitted"]
