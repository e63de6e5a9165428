"""Pages of post translations: a translator's form, and a machine translation shown on request."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from discussions import markup
from discussions.models import Post
from discussions.permissions import visible_posts
from discussions.post_translations import PUBLIC_FIELD, machine_field, post_translation_save, translates
from portal import content_translation, machine_translation
from portal.content_translation import language_name
from portal.forms import TranslationForm
from portal.translation_views import language_switched, posted_translation, unsaved_form

LANGUAGES = dict(settings.LANGUAGES)


def _target(request, post: Post) -> str:
    """The language asked for, else the reader's own, else the first other than the post's."""
    asked = request.POST.get("language") or request.GET.get("language")
    if asked in LANGUAGES and asked != post.language:
        return asked
    if get_language() != post.language:
        return get_language()
    return next(code for code in LANGUAGES if code != post.language)


def _thread_url(post: Post) -> str:
    return f"{post.question.get_absolute_url()}#post-{post.pk}"


@login_required
def post_translate(request, pk: int):
    """The space's translators (and moderators) write or update the translation of a published post."""
    post = get_object_or_404(Post.objects.select_related("space", "question__phase"), pk=pk, approved_at__isnull=False)
    if not translates(request.user, post.space):
        raise PermissionDenied
    language = _target(request, post)
    existing = content_translation.human(post, PUBLIC_FIELD, language)
    version = content_translation.digest(post.approved_text)
    status = 200

    def make_form(data=None, initial=None):
        return TranslationForm(data, initial=initial, source_language=post.language)

    if request.method == "POST" and not language_switched(request):

        def current() -> str:
            post.refresh_from_db()
            return post.approved_text

        form, done, status = posted_translation(
            request,
            make_form=make_form,
            save=lambda cleaned: post_translation_save(
                translator=request.user,
                post=post,
                language=cleaned["language"],
                text=cleaned["text"],
                shown_digest=cleaned["shown_digest"],
            ),
            current_text=current,
            done_url=_thread_url(post),
            thanks=_("Thank you: your translation is published with the post."),
        )
        if done is not None:
            return done
    else:
        saved = existing.text if existing else ""
        if request.method == "GET" and request.GET.get("suggest") and not saved:
            saved = _suggest(request, post, language) or ""
        form = unsaved_form(request, make_form=make_form, language=language, saved_text=saved, version=version)
    return render(
        request,
        "discussions/translate.html",
        {
            "post": post,
            "form": form,
            "language": language,
            "language_name": language_name(language),
            "existing": existing,
            "may_suggest": content_translation.machine_available(
                source_language=post.language, language=language, private=False
            ),
        },
        status=status,
    )


def _suggest(request, post: Post, language: str) -> str | None:
    """An engine's translation of the approved text to start from, or None (and a message) if there is none."""
    try:
        row = content_translation.machine(
            original=post, field=PUBLIC_FIELD, source_language=post.language, language=language, private=False
        )
    except machine_translation.TranslationError:
        messages.warning(
            request, _("No machine translation could be made just now; please translate from the original.")
        )
        return None
    return row.text


@login_required
def post_machine_translation(request, pk: int):
    """A labelled machine translation of a post, with its original: the approved text for readers, the text
    awaiting a decision for the space's moderators. Absent (404) when no engine may translate it."""
    post = get_object_or_404(Post.objects.select_related("space", "question__phase"), pk=pk)
    if not visible_posts(request.user, post.space).filter(pk=post.pk).exists():
        raise Http404
    which = machine_field(request.user, post)
    if which is None:
        raise Http404
    field, private = which
    language = _target(request, post)
    if not content_translation.machine_available(source_language=post.language, language=language, private=private):
        raise Http404
    try:
        sections, failed = content_translation.machine_sections(
            post, [(field, "")], source_language=post.language, language=language, private=private, render=_render
        )
    except (machine_translation.NotAvailable, machine_translation.PrivateTextRefused):
        raise Http404 from None
    back = reverse("discussions:moderation") + f"#queue-{post.pk}" if private else _thread_url(post)
    return render(
        request,
        "portal/machine_translation.html",
        {
            "back": back,
            "sections": sections,
            "language": language,
            "language_name": language_name(language),
            "source_language": post.language,
            "source_name": language_name(post.language),
            "private": _("Not published: only the space's moderators see this text and its translation.")
            if private
            else "",
        },
        status=503 if failed else 200,
    )


def _render(text: str) -> SafeString:
    """Posts and their translations are written with the posts' light formatting, rendered the same safe way."""
    return SafeString(markup.render(text))
