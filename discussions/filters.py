import django_filters
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from discussions.enums import QuestionStatus, TagKind
from discussions.models import GuidingQuestion, Phase, Post, Tag
from discussions.search import search
from portal.enums import Constituency


class PostFilter(django_filters.FilterSet):
    """Reading a space: search and filters over the approved posts, as a validated form."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_search", max_length=200)
    phase = django_filters.ModelChoiceFilter(
        label=_("Phase"), queryset=Phase.objects.none(), empty_label=_("Both phases")
    )
    question = django_filters.ModelChoiceFilter(
        label=_("Guiding question"), queryset=GuidingQuestion.objects.none(), empty_label=_("All questions")
    )
    tag = django_filters.ModelChoiceFilter(
        label=_("GCM objective or guiding principle"),
        queryset=Tag.objects.all(),
        field_name="tags",
        empty_label=_("All topics"),
    )
    constituency = django_filters.ChoiceFilter(
        label=_("Constituency"),
        choices=Constituency.choices,
        field_name="author__profile__constituency",
        empty_label=_("All constituencies"),
    )
    language = django_filters.ChoiceFilter(
        label=_("Language"), choices=settings.LANGUAGES, empty_label=_("All languages")
    )

    class Meta:
        model = Post
        fields = ["q", "phase", "question", "tag", "constituency", "language"]

    def __init__(self, *args, space, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["phase"].queryset = Phase.objects.filter(space=space)
        # Only published questions: a draft is the team's, never a filter.
        self.filters["question"].queryset = GuidingQuestion.objects.filter(
            phase__space=space, status=QuestionStatus.PUBLISHED
        ).select_related("phase")
        tags = self.form.fields["tag"]
        tags.queryset = Tag.objects.all()
        tags.label_from_instance = lambda tag: f"{TagKind(tag.kind).label} {tag.number}: {tag.name}"

    def filter_search(self, queryset, name, value):
        return search(queryset, value)
