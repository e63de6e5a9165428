from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from discussions.enums import REJECTION_REASONS, AuthorLabel
from discussions.models import Phase, Tag
from discussions.services import COMMENT_MAX_CHARS, QUESTION_MAX_CHARS
from portal.uploads import shown_file_name, validate_document

MAX_FILES = 5
MAX_TEXT = 10_000


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        items = data if isinstance(data, list | tuple) else [data] if data else []
        return [self._clean_one(item, initial) for item in items]

    def _clean_one(self, item, initial):
        try:
            return super().clean(item, initial)
        except forms.ValidationError as exc:
            if not getattr(item, "name", None):
                raise
            # With several files, say which one: "“notes.pdf”: The submitted file is empty."
            raise forms.ValidationError(
                _("“%(name)s”: %(problem)s") % {"name": shown_file_name(item.name), "problem": " ".join(exc.messages)}
            ) from exc


class PostForm(forms.Form):
    text = forms.CharField(
        label=_("Your contribution"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Plain text. Leave a blank line between paragraphs; **bold** and *italic* are allowed; links work."
        ),
    )
    language = forms.ChoiceField(label=_("Language of the post"), choices=settings.LANGUAGES)
    author_label = forms.ChoiceField(label=_("Post as"), choices=AuthorLabel.choices, initial=AuthorLabel.DISPLAY_NAME)
    tags = forms.ModelMultipleChoiceField(
        label=_("GCM objectives and guiding principles (optional)"),
        queryset=Tag.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    files = MultipleFileField(
        label=_("Reports or papers (optional)"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Formatted here, in the language of the request, not once at import.
        self.fields["files"].help_text = _(
            "PDF, office documents or images; at most 20 MB each and %(count)d files."
        ) % {"count": MAX_FILES}

    def clean_files(self):
        files = self.cleaned_data.get("files") or []
        if len(files) > MAX_FILES:
            raise forms.ValidationError(_("Attach at most %(count)d files.") % {"count": MAX_FILES})
        checked = []
        for upload in files:
            try:
                checked.append((upload, validate_document(upload)))
            except forms.ValidationError as exc:
                raise forms.ValidationError(
                    _("“%(name)s”: %(problem)s")
                    % {"name": shown_file_name(upload.name), "problem": " ".join(exc.messages)}
                ) from exc
        return checked


class PostEditForm(PostForm):
    """An edit changes the words, tags and files; the language and the name shown stay those of the public version."""

    language = None
    author_label = None


class ModerationForm(forms.Form):
    reason_choice = forms.ChoiceField(
        label=_("Reason for not approving"),
        choices=[("", "---------"), *REJECTION_REASONS, ("other", _("Another reason (write it below)"))],
        required=False,
    )
    reason_text = forms.CharField(label=_("Reason in your words"), max_length=500, required=False)

    def reason(self) -> str:
        choice = self.cleaned_data.get("reason_choice")
        if choice and choice != "other":
            return str(dict(REJECTION_REASONS)[choice])
        return self.cleaned_data.get("reason_text", "").strip()


class AppealForm(forms.Form):
    reason = forms.CharField(
        label=_("Why should the post be reviewed again?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("A few sentences; another moderator reads them with your post. You can ask once."),
    )


class AppealDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Second review"),
        choices=[("overturn", _("Approve the post")), ("uphold", _("Keep it unapproved"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note to the author"), max_length=500, required=False)
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


def _text_field(code: str) -> str:
    return "text_" + code.replace("-", "_")


class QuestionForm(forms.Form):
    """A guiding question in each of the six languages: English is required, the others fall back to it."""

    phase = forms.ModelChoiceField(label=_("Phase"), queryset=Phase.objects.none(), empty_label=None)
    position = forms.IntegerField(
        label=_("Position in the phase"),
        min_value=1,
        max_value=99,
        required=False,
        help_text=_("Leave empty to put the question after the others."),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def __init__(self, *args, space, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phase"].queryset = Phase.objects.filter(space=space).order_by("number")
        for code, name in settings.LANGUAGES:
            english = code == settings.MODELTRANSLATION_DEFAULT_LANGUAGE
            self.fields[_text_field(code)] = forms.CharField(
                label=_("Question in %(language)s") % {"language": name},
                max_length=QUESTION_MAX_CHARS,
                required=english,
                help_text=None if english else _("Optional: where it is empty, the English text is shown."),
                widget=forms.Textarea(attrs={"rows": 3, "lang": code, "dir": "rtl" if code == "ar" else "ltr"}),
            )

    @staticmethod
    def initial_for(question) -> dict:
        """What the form shows for ``question``: its text in each language, its phase, position and version."""
        initial = {"phase": question.phase_id, "position": question.position, "revision": question.revision}
        for code, _name in settings.LANGUAGES:
            initial[_text_field(code)] = getattr(question, _text_field(code)) or ""
        return initial

    def texts(self) -> dict[str, str]:
        return {code: self.cleaned_data.get(_text_field(code), "") for code, _name in settings.LANGUAGES}


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Your comment"),
        max_length=COMMENT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].help_text = _(
            "At most %(limit)d characters. The team reads it on this page: nobody is e-mailed."
        ) % {"limit": COMMENT_MAX_CHARS}
