from modeltranslation.translator import TranslationOptions, register

from reviews.models import Region


@register(Region)
class RegionTranslationOptions(TranslationOptions):
    fields = ("name", "commission", "commission_acronym")
