from modeltranslation.translator import TranslationOptions, register

from consultations.models import Consultation


@register(Consultation)
class ConsultationTranslationOptions(TranslationOptions):
    fields = ("title", "description", "venue", "summary")
