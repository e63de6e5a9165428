from modeltranslation.translator import TranslationOptions, register

from discussions.models import AnalysisPaper, GuidingQuestion, Space, SpaceLink, Tag


@register(Space)
class SpaceTranslationOptions(TranslationOptions):
    fields = ("title", "introduction", "summary")


@register(GuidingQuestion)
class GuidingQuestionTranslationOptions(TranslationOptions):
    fields = ("text",)


@register(Tag)
class TagTranslationOptions(TranslationOptions):
    fields = ("name",)


@register(AnalysisPaper)
class AnalysisPaperTranslationOptions(TranslationOptions):
    fields = ("synthesis",)


@register(SpaceLink)
class SpaceLinkTranslationOptions(TranslationOptions):
    fields = ("title", "note")
