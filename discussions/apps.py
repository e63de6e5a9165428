from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscussionsConfig(AppConfig):
    name = "discussions"
    verbose_name = _("Discussion spaces")

    def ready(self) -> None:
        from discussions import receivers  # noqa: F401, PLC0415 - connects signal receivers once models are ready
