from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Review calendar")

    def ready(self) -> None:
        from reviews import receivers  # noqa: F401, PLC0415 - connects signal receivers once models are ready
