from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeputiesConfig(AppConfig):
    name = "deputies"
    label = "deputies"
    verbose_name = _("Deputies and liaison stations")

    def ready(self) -> None:
        from congress import deadlines, panels
        from congress.signals import obligation_changed
        from deputies import panels as deputy_panels
        from deputies import services

        deadlines.register_kind(services.OPINION_REPLY_KIND, _("reply to a voter opinion"))
        obligation_changed.connect(
            services.on_obligation_changed, dispatch_uid="deputies.opinion_reply"
        )
        panels.register_dashboard_panel(
            30, "deputies/_dashboard_panel.html", deputy_panels.dashboard_panel
        )
        panels.register_home_panel(60, "deputies/_home_panel.html", deputy_panels.home_panel)
