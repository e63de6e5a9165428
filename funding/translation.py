from modeltranslation.translator import TranslationOptions, register

from funding.models import Call


@register(Call)
class CallTranslationOptions(TranslationOptions):
    fields = ("title", "eligibility", "criteria")
