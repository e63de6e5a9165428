from modeltranslation.translator import TranslationOptions, register

from consultations.models import Consultation, InputCall, RapporteurReport, Session


@register(Consultation)
class ConsultationTranslationOptions(TranslationOptions):
    fields = ("title", "description", "venue", "summary")


@register(Session)
class SessionTranslationOptions(TranslationOptions):
    fields = ("title",)


@register(InputCall)
class InputCallTranslationOptions(TranslationOptions):
    fields = ("title", "description")


@register(RapporteurReport)
class RapporteurReportTranslationOptions(TranslationOptions):
    fields = ("title", "text")
    fallback_undefined = {"title": "", "text": ""}
