from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Review calendar")

    def ready(self) -> None:
        from reviews import receivers  # noqa: F401, PLC0415 - connects signal receivers once models are ready

        # Every app's contribution to the review's workspace (reviews.workspace).
        autodiscover_modules("tiles")
