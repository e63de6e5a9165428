"""The closing summary of a discussion space (002: "a short summary … to consolidate in one place all outputs and
links"): public once the summary is published, the region's team's before."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consultations.enums import ConsultationStatus, InputStatus
from discussions import selectors, services
from discussions.models import AnalysisPaper, Space, SpaceLink
from portal.enums import Role
from tests.factories import (
    ConsultationFactory,
    EventFactory,
    InputCallFactory,
    RegionFactory,
    WrittenInputFactory,
    make_user,
    shown,
)

pytestmark = pytest.mark.django_db


def closing_url(space) -> str:
    return f"/en/discussions/{space.pk}/closing/"


def publish_summary(space, text="Our SUMMARY of the discussion.") -> Space:
    Space.objects.filter(pk=space.pk).update(summary=text, summary_en=text, summary_published_at=timezone.now())
    space.refresh_from_db()
    return space


def approved_post(question, moderator, text="An approved post"):
    post = services.post_create(question=question, author=make_user(Role.STAKEHOLDER), text=text, language="en")
    services.post_moderate(post=post, by=moderator, approve=True, shown_revision=shown(post))
    return post


def fill(space, moderator, n: int) -> None:
    """``n`` of every kind of row the closing summary lists."""
    phase = space.phases.get(number=1)
    question = phase.questions.first()
    call = InputCallFactory(region=space.region, cycle=space.cycle, title=f"Call {n}")
    for i in range(n):
        approved_post(question, moderator, f"Post {n}-{i}")
        SpaceLink.objects.create(
            space=space, title=f"Link {n}-{i}", title_en=f"Link {n}-{i}", url="https://example.org/"
        )
        WrittenInputFactory(call=call, status=InputStatus.PUBLISHED, title=f"Input {n}-{i}")
        consultation = ConsultationFactory(
            event=EventFactory(region=space.region, cycle=space.cycle),
            status=ConsultationStatus.SUMMARY_PUBLISHED,
            summary_published_at=timezone.now() - timedelta(days=1),
        )
        assert consultation.pk


@pytest.mark.parametrize(
    ("role", "in_region"),
    [(Role.SECRETARIAT, False), (Role.TASK_TEAM, True), (Role.FOCAL_POINT, True)],
)
def test_the_regions_team_sees_the_closing_summary_before_publication(client, space, role, in_region):
    client.force_login(make_user(role, regions=[space.region] if in_region else []))

    response = client.get(closing_url(space))

    assert response.status_code == 200
    assert "Not published yet: only the region" in response.content.decode()


def test_the_spaces_moderator_sees_it_before_publication(client, space, space_moderator):
    client.force_login(space_moderator)

    assert client.get(closing_url(space)).status_code == 200


@pytest.mark.parametrize(
    "who", ["anonymous", Role.STAKEHOLDER, Role.MEMBER_STATE, Role.MODERATOR, "task_team_elsewhere"]
)
def test_nobody_else_sees_it_before_publication(client, space, who):
    if who == "task_team_elsewhere":
        client.force_login(make_user(Role.TASK_TEAM, regions=[RegionFactory()]))
    elif who != "anonymous":
        client.force_login(make_user(who))

    assert client.get(closing_url(space)).status_code == 404


def test_once_published_it_is_public(client, space):
    publish_summary(space)

    response = client.get(closing_url(space))

    assert response.status_code == 200
    assert "Our SUMMARY of the discussion." in response.content.decode()


def test_closing_summary_consolidates_what_is_published(client, space, question, space_moderator):
    publish_summary(space)
    secretariat = make_user(Role.SECRETARIAT)
    phase = space.phases.get(number=1)
    approved_post(question, space_moderator)
    services.post_create(question=question, author=make_user(Role.STAKEHOLDER), text="Pending", language="en")
    services.post_create(question=question, author=space_moderator, text="A note", language="en", moderator_note=True)
    draft = services.question_create(phase=phase, by=secretariat, texts={"en": "SECRET-DRAFT-QUESTION"})
    services.question_share(question=draft, by=secretariat, shown_revision=1)
    AnalysisPaper.objects.create(space=space, synthesis="S", synthesis_en="S", published_at=timezone.now())
    SpaceLink.objects.create(
        space=space, kind="recording", title="Webinar", title_en="Webinar", url="https://example.org/webinar"
    )
    SpaceLink.objects.create(
        space=space, kind="report", title="Printed report", title_en="Printed report", note="Ask the secretariat."
    )
    call = InputCallFactory(region=space.region, cycle=space.cycle)
    for status, title in ((InputStatus.PUBLISHED, "PUBLISHED-INPUT"), (InputStatus.SUBMITTED, "WAITING-INPUT")):
        WrittenInputFactory(call=call, status=status, title=title)
    hidden_call = InputCallFactory(region=space.region, cycle=space.cycle, published=False)
    WrittenInputFactory(call=hidden_call, status=InputStatus.PUBLISHED, title="UNPUBLISHED-CALL-INPUT")
    WrittenInputFactory(
        call=InputCallFactory(region=RegionFactory(), cycle=space.cycle),
        status=InputStatus.PUBLISHED,
        title="OTHER-REGION-INPUT",
    )
    for title, status, published in (
        ("SUMMARISED-CONSULTATION", ConsultationStatus.SUMMARY_PUBLISHED, True),
        ("UNSUMMARISED-CONSULTATION", ConsultationStatus.HELD, False),
        ("DRAFT-CONSULTATION", ConsultationStatus.DRAFT, True),
    ):
        ConsultationFactory(
            event=EventFactory(region=space.region, cycle=space.cycle),
            title=title,
            title_en=title,
            status=status,
            summary_published_at=timezone.now() if published else None,
        )

    html = client.get(closing_url(space)).content.decode()

    assert "(1 approved post)" in html  # the pending post and the moderator note are not counted
    assert "What does not?" in html and "(0 approved posts)" in html
    assert "SECRET-DRAFT-QUESTION" not in html
    assert f"/en/discussions/{space.pk}/analysis/" in html
    assert '<a href="https://example.org/webinar" rel="noopener">Webinar</a>' in html
    assert "Ask the secretariat." in html
    assert ("PUBLISHED-INPUT" in html, "WAITING-INPUT" in html, "UNPUBLISHED-CALL-INPUT" in html) == (
        True,
        False,
        False,
    )
    assert "OTHER-REGION-INPUT" not in html
    assert ("SUMMARISED-CONSULTATION" in html, "UNSUMMARISED" in html, "DRAFT-CONSULTATION" in html) == (
        True,
        False,
        False,
    )
    assert "Rapporteur" not in html  # the slot stays empty until consultations keep the report


def test_an_unpublished_analysis_paper_is_not_linked(client, space):
    publish_summary(space)
    AnalysisPaper.objects.create(space=space, synthesis="Draft", synthesis_en="Draft")

    html = client.get(closing_url(space)).content.decode()

    assert "The analysis paper is not published yet." in html
    assert f"/discussions/{space.pk}/analysis/" not in html


def test_closing_summary_query_count_does_not_grow_with_rows(client, space, space_moderator):
    publish_summary(space)
    fill(space, space_moderator, 1)
    client.force_login(make_user(Role.STAKEHOLDER))  # signed in: never a cached page
    client.get(closing_url(space))  # what is read once per process (live settings) is read here
    with CaptureQueriesContext(connection) as small:
        assert client.get(closing_url(space)).status_code == 200

    fill(space, space_moderator, 20)
    with CaptureQueriesContext(connection) as large:
        html = client.get(closing_url(space)).content.decode()

    assert len(large.captured_queries) == len(small.captured_queries)
    assert "(21 approved posts)" in html
    assert html.count("https://example.org/") == 21


def test_closing_summary_lists_a_bounded_number_of_inputs(space):
    call = InputCallFactory(region=space.region, cycle=space.cycle)
    for i in range(selectors.CLOSING_MAX_INPUTS + 3):
        WrittenInputFactory(call=call, status=InputStatus.PUBLISHED, title=f"Input {i}")

    summary = selectors.closing_summary(space)

    assert (len(summary.inputs), summary.inputs_total, summary.more_inputs) == (
        selectors.CLOSING_MAX_INPUTS,
        selectors.CLOSING_MAX_INPUTS + 3,
        3,
    )


def test_a_link_needs_a_web_address_or_a_note(space):
    with pytest.raises(IntegrityError), transaction.atomic():
        SpaceLink.objects.create(space=space, title="Nothing", title_en="Nothing")


def test_the_space_page_links_the_closing_summary_once_published(client, space):
    assert "/closing/" not in client.get(f"/en/discussions/{space.pk}/").content.decode()

    publish_summary(space)

    assert f"/en/discussions/{space.pk}/closing/" in client.get(f"/en/discussions/{space.pk}/").content.decode()


def test_the_closing_summary_lists_the_published_rapporteurs_reports(client, space):
    """004: the rapporteur's report is one of the outputs the closing summary consolidates; a draft is not."""
    from consultations import reports  # noqa: PLC0415 - only this test
    from consultations.enums import InterestStatus, SpeakingRole  # noqa: PLC0415
    from tests.factories import ExpressionOfInterestFactory  # noqa: PLC0415

    publish_summary(space)
    held = ConsultationFactory(
        event=EventFactory(region=space.region, cycle=space.cycle),
        title="Held consultation",
        starts_at=timezone.now() - timedelta(days=2),
    )
    rapporteur = make_user(Role.STAKEHOLDER)
    ExpressionOfInterestFactory(
        consultation=held, user=rapporteur, role=SpeakingRole.RAPPORTEUR, status=InterestStatus.SELECTED
    )
    report = reports.report_save(
        consultation=held, by=rapporteur, language="en", title="", text="Outcomes.", shown_revision=0
    )
    assert f"/consultations/{held.pk}/report/" not in client.get(closing_url(space)).content.decode()

    reports.report_publish(report=report, by=rapporteur, shown_revision=1)

    assert (
        f'href="/en/consultations/{held.pk}/report/">Held consultation'
        in client.get(closing_url(space)).content.decode()
    )
