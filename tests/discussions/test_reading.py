"""Reading a space: full-text search, filters, following and digests."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.formats import date_format

from discussions import services
from discussions.enums import TagKind
from discussions.models import Post, Subscription, Tag
from discussions.seed import seed_tags
from portal import digest
from portal.enums import Constituency, Role
from tests.concurrency import run_at_once
from tests.factories import make_user, shown


def publish(question, moderator, text, *, language="en", tags=(), **profile):
    post = services.post_create(
        question=question, author=make_user(Role.STAKEHOLDER, **profile), text=text, language=language, tags=tags
    )
    services.post_moderate(post=post, shown_revision=shown(post), by=moderator, approve=True)
    return post


@pytest.fixture
def reader(client, db):
    client.force_login(make_user(Role.STAKEHOLDER))
    return client


@pytest.mark.django_db
def test_full_text_search_finds_words_phrases_and_chinese(reader, space, question, space_moderator):
    publish(question, space_moderator, "Remittance costs fell for seasonal workers in Kenya")
    publish(question, space_moderator, "Consular protection during return", language="fr")
    publish(question, space_moderator, "我们支持全球移民契约的落实", language="zh-hans")
    url = f"/en/discussions/{space.pk}/posts/"

    def found(q):
        return reader.get(url, {"q": q}).context["page"].paginator.count

    assert connection.vendor == "postgresql"
    assert found("remittance workers") == 1
    assert found('"seasonal workers"') == 1
    assert found('"workers seasonal"') == 0
    assert found("remittance -kenya") == 0
    assert found("CONSULAR") == 1
    assert found("移民契约") == 1
    assert found("nothing-like-this") == 0
    assert found("") == 3


@pytest.mark.django_db
def test_search_reads_the_approved_version_until_an_edit_is_approved(reader, space, question, space_moderator):
    post = publish(question, space_moderator, "first version about labour mobility")
    services.post_edit(post=post, author=post.author, text="second version about climate displacement")
    url = f"/en/discussions/{space.pk}/posts/"

    assert reader.get(url, {"q": "labour"}).context["page"].paginator.count == 1
    assert reader.get(url, {"q": "climate"}).context["page"].paginator.count == 0
    services.post_moderate(post=post, shown_revision=shown(post), by=space_moderator, approve=True)
    assert reader.get(url, {"q": "climate"}).context["page"].paginator.count == 1
    assert reader.get(url, {"q": "labour"}).context["page"].paginator.count == 0


@pytest.mark.django_db
def test_filters_by_phase_question_tag_constituency_and_language(reader, space, question, space_moderator):
    seed_tags()
    objective_2 = Tag.objects.get(kind=TagKind.OBJECTIVE, number=2)
    other_question = space.phases.get(number=1).questions.exclude(pk=question.pk).get()
    publish(question, space_moderator, "Alpha", tags=[objective_2], constituency=Constituency.MIGRANT)
    publish(other_question, space_moderator, "Beta", language="es", constituency=Constituency.ACADEMIA)
    url = f"/en/discussions/{space.pk}/posts/"

    def texts(**params):
        response = reader.get(url, params)
        assert response.status_code == 200
        return sorted(p.approved_text for p in response.context["posts"])

    assert texts(tag=objective_2.pk) == ["Alpha"]
    assert texts(constituency="academia") == ["Beta"]
    assert texts(language="es") == ["Beta"]
    assert texts(question=question.pk) == ["Alpha"]
    assert texts(phase=space.phases.get(number=1).pk) == ["Alpha", "Beta"]
    assert texts(constituency="migrant", language="es") == []


@pytest.mark.django_db
def test_unknown_filter_value_shows_its_error_and_nothing_else(reader, space, question, space_moderator):
    publish(question, space_moderator, "Alpha")
    response = reader.get(f"/en/discussions/{space.pk}/posts/", {"language": "xx", "q": "Alpha"})
    assert response.status_code == 400
    assert response.context["page"].paginator.count == 0
    assert "Select a valid choice" in response.content.decode()
    assert 'value="Alpha"' in response.content.decode(), "the search typed is kept"


@pytest.mark.django_db
def test_posts_page_query_count_does_not_grow_with_posts(reader, space, question, space_moderator):
    seed_tags()
    tags = list(Tag.objects.all()[:2])
    url = f"/en/discussions/{space.pk}/posts/"
    reader.get(url)  # warms the cached navigation
    counts = []
    for total in (1, 50):
        while Post.objects.filter(approved_at__isnull=False).count() < total:
            publish(question, space_moderator, "Many words here", tags=tags)
        with CaptureQueriesContext(connection) as queries:
            assert reader.get(url, {"q": "words"}).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.django_db
def test_follow_and_stop_following(reader, space, question):
    response = reader.post(f"/en/discussions/{space.pk}/follow/", {"follow": "1", "question": question.pk})
    assert response.status_code == 302
    assert Subscription.objects.filter(space=space, question=question).count() == 1
    reader.post(f"/en/discussions/{space.pk}/follow/", {"follow": "1", "question": question.pk})
    assert Subscription.objects.filter(space=space, question=question).count() == 1, "following twice is once"
    assert "Stop following this question" in reader.get(question.get_absolute_url()).content.decode()
    reader.post(f"/en/discussions/{space.pk}/follow/", {"follow": "0", "question": question.pk})
    assert not Subscription.objects.exists()


@pytest.mark.django_db
def test_anonymous_cannot_follow(client, space):
    assert client.post(f"/en/discussions/{space.pk}/follow/", {"follow": "1"}).status_code == 302
    assert not Subscription.objects.exists()


@pytest.mark.django_db
def test_subscription_create_twice_is_one_and_sends_only_what_comes_next(space, question):
    follower = make_user(Role.STAKEHOLDER)

    first = services.subscription_create(user=follower, space=space, question=question)
    again = services.subscription_create(user=follower, space=space, question=question)
    whole_space = services.subscription_create(user=follower, space=space)

    assert again.pk == first.pk
    assert first.sent_until <= timezone.now()
    assert Subscription.objects.filter(user=follower).count() == 2
    services.subscription_delete(user=follower, space=space, question=question)
    assert list(Subscription.objects.filter(user=follower)) == [whole_space]


@pytest.mark.django_db
def test_subscription_create_refuses_who_may_not_read(space):

    with pytest.raises(services.DiscussionError):
        services.subscription_create(user=AnonymousUser(), space=space)
    assert not Subscription.objects.exists()


def _follow(user, space, question=None):
    return Subscription.objects.create(
        user=user, space=space, question=question, sent_until=timezone.now() - timedelta(days=1)
    )


@pytest.mark.django_db
def test_digest_sends_new_approved_posts_once_in_the_followers_language(space, question, space_moderator, mailoutbox):
    follower = make_user(Role.STAKEHOLDER, preferred_language="fr")
    _follow(follower, space)
    _follow(follower, space, question)  # also following a question of the same space: no double listing
    own = services.post_create(question=question, author=follower, text="My own words", language="fr")
    services.post_moderate(post=own, shown_revision=shown(own), by=space_moderator, approve=True)
    publish(question, space_moderator, "Fresh evidence on recruitment fees")
    pending = services.post_create(question=question, author=make_user(), text="Not yet approved", language="en")
    # A run reads what was approved up to MARGIN before it starts: start it MARGIN later.
    later = timezone.now() + digest.MARGIN

    mailoutbox.clear()  # the authors' approval notices
    assert digest.send_all(now=later) == 1
    assert digest.send_all(now=later) == 0, "nothing new: no second e-mail"
    (mail,) = mailoutbox
    assert mail.to == [follower.email]
    with translation.override("fr"):
        day = date_format(timezone.localdate(later), "DATE_FORMAT")
        assert mail.subject == translation.gettext("Your daily digest, %(date)s") % {"date": day}
    assert day in mail.subject  # the date in French: "7 décembre 2026"
    assert mail.body.startswith("Bonjour ")
    assert mail.body.count("Fresh evidence on recruitment fees") == 1
    assert "My own words" not in mail.body
    assert "Not yet approved" not in mail.body
    assert f"/fr/discussions/{space.pk}/questions/{question.pk}/#post-" in mail.body
    assert "Fresh evidence" in mail.alternatives[0][0]

    services.post_moderate(post=pending, shown_revision=shown(pending), by=space_moderator, approve=True)
    mailoutbox.clear()
    assert digest.send_all(now=timezone.now() + digest.MARGIN) == 0, "one digest a day"
    assert digest.send_all(now=timezone.now() + timedelta(days=1)) == 1, "the next day's"
    assert "Not yet approved" in mailoutbox[0].body
    assert "Fresh evidence" not in mailoutbox[0].body


@pytest.mark.django_db
def test_a_failed_digest_is_sent_at_the_next_run(space, question, space_moderator, mailoutbox, monkeypatch):
    follower = make_user(Role.STAKEHOLDER)
    _follow(follower, space)
    publish(question, space_moderator, "Worth reading")
    mailoutbox.clear()
    later = timezone.now() + digest.MARGIN * 2

    def broken(*args, **kwargs):
        raise ConnectionError("mail server down")

    monkeypatch.setattr(digest, "send_templated_mail", broken)
    assert digest.send_all(now=later) == 0
    monkeypatch.undo()
    assert digest.send_all(now=later) == 1
    assert "Worth reading" in mailoutbox[0].body


# transactional: three digest runs race in their own threads and connections (select_for_update skip_locked)
@pytest.mark.django_db(transaction=True)
def test_parallel_digest_runs_send_each_digest_once(space, question, space_moderator, mailoutbox):
    followers = [make_user(Role.STAKEHOLDER) for _ in range(6)]
    for follower in followers:
        _follow(follower, space)
    publish(question, space_moderator, "Shared once")
    mailoutbox.clear()  # the author's approval notice
    later = timezone.now() + digest.MARGIN * 2
    assert run_at_once([lambda: digest.send_all(now=later)] * 3) == []

    assert sorted(m.to[0] for m in mailoutbox) == sorted(f.email for f in followers)
