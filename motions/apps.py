from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MotionsConfig(AppConfig):
    name = "motions"
    label = "motions"
    verbose_name = _("Motions")

    def ready(self) -> None:
        from congress import deadlines
        from congress.panels import register_dashboard_panel, register_home_panel
        from motions import panels, services

        register_home_panel(20, "motions/_home_panel.html", panels.home_panel)
        register_dashboard_panel(20, "motions/_dashboard_panel.html", panels.dashboard_panel)
        register_kind = getattr(deadlines, "register_kind", None)
        if register_kind is not None:
            register_kind(services.KIND_PLAN, _("motion handling plan"))
            register_kind(services.KIND_YEARLY, _("yearly motion handling report"))
            register_kind(services.KIND_SESSION, _("report on motions to the congress session"))
