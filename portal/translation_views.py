"""A volunteer translates staff-written content (a guiding question, a space's summary) into a missing language."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from portal import content_translation
from portal.content_translation import OriginalChanged, TranslationError, language_name
from portal.forms import TranslationForm


@login_required
def content_translate(request, key: str, pk: int):
    """The form of one content field: the English original, the languages the staff have not written, the text."""
    item = content_translation.translatable(key)
    obj = item.model._default_manager.filter(pk=pk).first() if item else None
    if obj is None or not item.may_read(request.user, obj):
        raise Http404
    if not item.may_translate(request.user, obj):
        raise PermissionDenied
    missing = item.missing(obj)
    if not missing:
        messages.info(request, _("This text is already written in every language."))
        return redirect(item.back(obj))
    asked = request.POST.get("language") or request.GET.get("language")
    language = asked if asked in missing else (get_language() if get_language() in missing else missing[0])
    original = item.original(obj)
    source = item.source(obj)
    status = 200

    def make_form(data=None, initial=None):
        return TranslationForm(data, initial=initial, source_language=source, languages=missing)

    if request.method == "POST" and not language_switched(request):

        def current() -> str:
            obj.refresh_from_db()
            return item.original(obj)

        form, done, status = posted_translation(
            request,
            make_form=make_form,
            save=lambda cleaned: content_translation.human_save(
                translator=request.user,
                original=obj,
                field=item.field,
                source_field=item.source_field(obj),
                source_language=source,
                language=cleaned["language"],
                text=cleaned["text"],
                shown_digest=cleaned["shown_digest"],
            ),
            current_text=current,
            done_url=item.back(obj),
            thanks=_("Thank you: your translation is published."),
        )
        if done is not None:
            return done
        original = item.original(obj)
    else:
        form = unsaved_form(
            request,
            make_form=make_form,
            language=language,
            saved_text=getattr(content_translation.human(obj, item.field, language), "text", ""),
            version=content_translation.digest(original),
        )
    existing = content_translation.human(obj, item.field, language)
    return render(
        request,
        "portal/translate_content.html",
        {
            "item": item,
            "label": item.label(),
            "obj": obj,
            "back": item.back(obj),
            "original": original,
            "form": form,
            "language": language,
            "language_name": language_name(language),
            "source": source,
            "source_name": language_name(source),
            "existing": existing,
        },
        status=status,
    )


def posted_translation(request, *, make_form, save, current_text, done_url: str, thanks: str):
    """A translator's POST, for posts and content alike: (form, response or None, status).

    Saved: a message and the redirect. The original changed since the translator was shown it: the form comes
    back (409) with what they typed, the reason, and bound to the new version (``current_text()`` reads it).
    """
    form = make_form(request.POST)
    if not form.is_valid():
        return form, None, 400
    try:
        saved = save(form.cleaned_data)
    except OriginalChanged as exc:
        data = request.POST.copy()
        data["shown_digest"] = content_translation.digest(current_text())
        form = make_form(data)
        form.is_valid()
        form.add_error(None, str(exc))
        return form, None, 409
    except TranslationError as exc:
        form.add_error(None, str(exc))
        return form, None, 400
    messages.success(request, _("Your translation is withdrawn.") if saved is None else thanks)
    return form, redirect(done_url), 200


def language_switched(request) -> bool:
    """A POST that asks for another language: the "Choose this language" button, or a save sent with another
    language chosen than the one the page was shown for (its text box holds that language's translation)."""
    return request.POST.get("action") == "switch" or request.POST.get("language") != request.POST.get("shown_language")


def unsaved_form(request, *, make_form, language: str, saved_text: str, version: str):
    """The form shown without saving: on arrival, or for the language the translator chose. What they typed
    is kept; a save sent with a language other than the page's is not saved but shown again, with why."""
    typed = request.POST.get("text", "").strip() if request.method == "POST" else ""
    if request.method == "POST" and request.POST.get("action") != "switch":
        messages.warning(
            request,
            _("You chose another language: check that the text is in %(language)s, then save it.")
            % {"language": language_name(language)},
        )
    return make_form(initial={"language": language, "text": typed or saved_text, "shown_digest": version})
