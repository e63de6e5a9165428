from modeltranslation.translator import TranslationOptions, register

from reviews.models import Event, Region, ReviewCycle, Source


@register(Region)
class RegionTranslationOptions(TranslationOptions):
    fields = ("name", "commission", "commission_acronym")


@register(ReviewCycle)
class ReviewCycleTranslationOptions(TranslationOptions):
    fields = ("name",)


@register(Source)
class SourceTranslationOptions(TranslationOptions):
    fields = ("title", "as_of_note")


@register(Event)
class EventTranslationOptions(TranslationOptions):
    fields = ("title", "description", "place")
