"""Volunteers translate the staff's texts (guiding questions, a space's introduction and summary, the analysis
synthesis) into the languages the staff have not written; the official text, when written, comes first."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consultations.enums import ConsultationStatus, ReportStatus
from consultations.models import Consultation, RapporteurReport
from discussions.models import GuidingQuestion
from portal import content_translation
from portal.enums import Role, TranslationKind
from portal.models import Translation
from tests.factories import SpaceFactory, make_user

IN_FRENCH = "Qu'est-ce qui marche ?"


@pytest.fixture
def translator(space):
    person = make_user(Role.STAKEHOLDER)
    space.translators.add(person)
    return person


def save(client, question, text=IN_FRENCH, language="fr", digest=None):
    return client.post(
        f"/en/translations/question/{question.pk}/",
        {
            "language": language,
            "shown_language": language,
            "text": text,
            "shown_digest": digest or content_translation.digest(question.text_en),
        },
    )


def heading(client, question, language="fr") -> str:
    page = client.get(f"/{language}{question.get_absolute_url()[3:]}").content.decode()
    return page[page.index("<h1") : page.index("</h1>")]


@pytest.mark.django_db
def test_a_volunteers_translation_of_a_question_is_shown_marked_with_the_original_one_click_away(
    client, space, question, translator
):
    client.force_login(translator)

    response = save(client, question)
    client.force_login(make_user(Role.STAKEHOLDER))
    page = client.get(f"/fr{question.get_absolute_url()[3:]}").content.decode()

    assert response.status_code == 302
    assert heading(client, question) == (
        '<h1 class="h3"><span lang="fr">Qu&#x27;est-ce qui marche ?</span> '
        '<span class="badge text-bg-info">Traduit par une personne</span>'
    )
    assert '<summary>Afficher l\'original</summary><div lang="en"><p>What works?</p></div>' in page.replace(
        "&#x27;", "'"
    )
    assert "What works?" in heading(client, question, "en")


@pytest.mark.django_db
def test_the_staffs_own_text_comes_first(client, space, question, translator):
    client.force_login(translator)
    save(client, question)
    GuidingQuestion.objects.filter(pk=question.pk).update(text_fr="Qu'est-ce qui fonctionne ?")

    client.force_login(make_user(Role.STAKEHOLDER))

    assert heading(client, question) == '<h1 class="h3">Qu&#x27;est-ce qui fonctionne ?'


@pytest.mark.django_db
def test_a_changed_original_hides_the_translation_until_it_is_updated(client, space, question, translator):
    client.force_login(translator)
    save(client, question)
    question.text_en = question.text = "What works, and for whom?"
    question.save()

    client.force_login(make_user(Role.STAKEHOLDER))
    shown = heading(client, question)
    client.force_login(translator)
    form = client.get(f"/en/translations/question/{question.pk}/?language=fr").content.decode()

    assert IN_FRENCH.replace("'", "&#x27;") not in shown and "What works, and for whom?" in shown
    assert Translation.objects.get().is_current is False
    assert "readers no longer see it" in form


@pytest.mark.django_db
def test_a_translation_of_an_older_original_is_refused_and_what_was_typed_kept(client, space, question, translator):
    client.force_login(translator)
    shown_then = content_translation.digest(question.text_en)
    question.text_en = question.text = "What works, and for whom?"
    question.save()

    response = save(client, question, digest=shown_then)

    assert response.status_code == 409
    body = response.content.decode()
    assert "What works, and for whom?" in body and "est-ce qui marche" in body
    assert Translation.objects.count() == 0


@pytest.mark.django_db
def test_who_may_translate_what(client, space, question, translator, space_moderator):
    draft = GuidingQuestion.objects.create(phase=question.phase, position=9, text="Draft?", text_en="Draft?")
    seen = {}
    for name, person in {
        "stakeholder": make_user(Role.STAKEHOLDER),
        "translator": translator,
        "moderator": space_moderator,
        "secretariat": make_user(Role.SECRETARIAT),
    }.items():
        client.force_login(person)
        seen[name] = (
            client.get(f"/en/translations/question/{question.pk}/").status_code,
            client.get(f"/en/translations/question/{draft.pk}/").status_code,
            client.get(f"/en/translations/space-summary/{space.pk}/").status_code,
            client.get(f"/en/translations/no-such-thing/{space.pk}/").status_code,
        )

    assert seen == {
        "stakeholder": (403, 404, 404, 404),
        "translator": (200, 404, 404, 404),
        "moderator": (200, 404, 404, 404),
        "secretariat": (403, 404, 404, 404),
    }


@pytest.mark.django_db
def test_only_missing_languages_are_offered(client, space, question, translator):
    GuidingQuestion.objects.filter(pk=question.pk).update(text_fr="Qu'est-ce qui fonctionne ?")
    client.force_login(translator)

    refused = save(client, question, language="fr")
    page = client.get(f"/en/translations/question/{question.pk}/").content.decode()
    choices = page[page.index('id="target-language"') :]
    choices = choices[: choices.index("</select>")]

    assert refused.status_code == 400
    assert re.findall(r'value="([a-z-]+)"', choices) == ["ar", "zh-hans", "ru", "es"]
    assert Translation.objects.count() == 0


@pytest.mark.django_db
def test_a_published_summary_translated_reaches_anonymous_readers_and_leaves_with_its_withdrawal(
    client, space, translator
):
    space.summary = space.summary_en = "The region asked for fair recruitment."
    space.summary_published_at = timezone.now() - timedelta(hours=1)
    space.save()
    url = f"/es/discussions/{space.pk}/"
    before = client.get(url).content.decode()  # cached for anonymous visitors
    client.force_login(translator)
    digest = content_translation.digest(space.summary_en)
    client.post(
        f"/en/translations/space-summary/{space.pk}/",
        {
            "language": "es",
            "shown_language": "es",
            "text": "La región pidió una contratación equitativa.",
            "shown_digest": digest,
        },
    )
    client.logout()
    with_translation = client.get(url).content.decode()
    client.force_login(translator)
    client.post(
        f"/en/translations/space-summary/{space.pk}/",
        {"language": "es", "shown_language": "es", "text": "", "shown_digest": digest},
    )
    client.logout()
    after = client.get(url).content.decode()

    assert "contratación equitativa" not in before
    assert "contratación equitativa" in with_translation and "Traducido por una persona" in with_translation
    assert "contratación equitativa" not in after
    assert Translation.objects.filter(kind=TranslationKind.HUMAN).count() == 0


@pytest.mark.django_db
def test_the_space_page_reads_translations_in_one_query_however_many_questions(client, space, question, translator):
    client.force_login(make_user(Role.STAKEHOLDER))
    url = f"/fr/discussions/{space.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for other in space.phases.get(number=1).questions.all():
        content_translation.human_save(
            translator=translator,
            original=other,
            field="text",
            source_field="text_en",
            source_language="en",
            language="fr",
            text=f"Traduction {other.pk}",
            shown_digest=content_translation.digest(other.text_en),
        )
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()

    assert len(many) == len(few)
    assert page.count("Traduit par une personne") == space.phases.get(number=1).questions.count()


@pytest.fixture
def consultation(space):
    return Consultation.objects.get()


@pytest.mark.django_db
def test_a_published_report_in_french_is_read_in_english_through_a_volunteers_translation(
    client, consultation, translator
):
    report = RapporteurReport.objects.create(
        consultation=consultation,
        original_language="fr",
        title_fr="Rapport",
        text_fr="Les participants demandent des voies régulières.",
        status=ReportStatus.PUBLISHED,
        published_at=timezone.now(),
    )
    client.force_login(translator)
    form = client.get(f"/en/translations/report/{report.pk}/?language=en").content.decode()
    client.post(
        f"/en/translations/report/{report.pk}/",
        {
            "language": "en",
            "shown_language": "en",
            "text": "Participants ask for regular pathways.",
            "shown_digest": content_translation.digest(report.text_fr),
        },
    )
    client.force_login(make_user(Role.STAKEHOLDER))

    in_english = client.get(f"/en/consultations/{consultation.pk}/report/").content.decode()
    in_spanish = client.get(f"/es/consultations/{consultation.pk}/report/").content.decode()

    assert "The original, in French" in form and "Les participants demandent" in form
    assert '<article lang="en"><p>Participants ask for regular pathways.</p></article>' in in_english
    assert "Translated by a person" in in_english and "<summary>Show the original</summary>" in in_english
    assert "Participants ask" not in in_spanish and "Les participants demandent" in in_spanish


@pytest.mark.django_db
def test_a_published_consultation_summary_reaches_arabic_readers_through_a_volunteer(client, consultation, translator):
    Consultation.objects.filter(pk=consultation.pk).update(
        status=ConsultationStatus.SUMMARY_PUBLISHED,
        summary="Fair recruitment first.",
        summary_en="Fair recruitment first.",
    )
    consultation.refresh_from_db()
    client.force_login(translator)
    response = client.post(
        f"/en/translations/consultation-summary/{consultation.pk}/",
        {
            "language": "ar",
            "shown_language": "ar",
            "text": "التوظيف العادل أولًا.",
            "shown_digest": content_translation.digest("Fair recruitment first."),
        },
    )
    client.logout()

    page = client.get(f"/ar/consultations/{consultation.pk}/").content.decode()

    assert response.status_code == 302
    assert '<div lang="ar"><p>التوظيف العادل أولًا.</p></div>' in page
    assert "ترجمة بشرية" in page


@pytest.mark.django_db
def test_the_translators_of_another_region_do_not_translate_its_consultations(client, consultation):
    elsewhere = SpaceFactory()
    person = make_user(Role.STAKEHOLDER)
    elsewhere.translators.add(person)
    Consultation.objects.filter(pk=consultation.pk).update(
        status=ConsultationStatus.SUMMARY_PUBLISHED, summary_en="Fair recruitment first."
    )
    client.force_login(person)

    assert client.get(f"/en/translations/consultation-summary/{consultation.pk}/").status_code == 403
