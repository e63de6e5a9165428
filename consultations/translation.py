from modeltranslation.translator import TranslationOptions, register

from consultations.models import Consultation, Session


@register(Consultation)
class ConsultationTranslationOptions(TranslationOptions):
    fields = ("title", "description", "venue", "summary")


@register(Session)
class SessionTranslationOptions(TranslationOptions):
    fields = ("title",)
