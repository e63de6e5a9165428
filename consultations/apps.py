from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = _("Consultations")

    def ready(self) -> None:
        from consultations.times import meeting_times  # noqa: PLC0415 - models are ready only now
        from reviews import times  # noqa: PLC0415

        times.register(meeting_times)
