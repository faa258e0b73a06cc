from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CongressConfig(AppConfig):
    name = "congress"
    verbose_name = _("Institution and deadlines")

    def ready(self) -> None:
        from congress import roles, signals  # noqa: F401

        roles.connect()
