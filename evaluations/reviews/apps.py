from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "evaluations.reviews"
    label = "reviews"
    verbose_name = _("Special work report reviews")

    def ready(self) -> None:
        from congress import deadlines
        from congress.panels import register_dashboard_panel, register_home_panel
        from congress.signals import obligation_changed
        from evaluations.reviews import queries, services
        from evaluations.reviews.models import KIND_PLAN_REPORT, KIND_REPORT, KIND_STATUS_REPORT

        obligation_changed.connect(
            services.on_obligation_changed, dispatch_uid="reviews.on_obligation_changed"
        )
        deadlines.register_kind(KIND_REPORT, _("special work report"))
        deadlines.register_kind(KIND_PLAN_REPORT, _("research and handling plan report"))
        deadlines.register_kind(KIND_STATUS_REPORT, _("handling status report"))
        register_dashboard_panel(40, "reviews/_dashboard_panel.html", queries.dashboard_panel)
        register_home_panel(40, "reviews/_home_panel.html", queries.home_panel)
