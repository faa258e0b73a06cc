from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuggestionsConfig(AppConfig):
    name = "motions.suggestions"
    label = "suggestions"
    verbose_name = _("Deputy suggestions")

    def ready(self) -> None:
        from congress import deadlines
        from congress.panels import register_dashboard_panel
        from motions.suggestions import panels

        def assignment_page(obligation) -> str:
            from django.urls import reverse

            return reverse("suggestions:unit_detail", args=[obligation.subject_id])

        deadlines.register_kind(
            "suggestions.reply", _("reply to a deputy suggestion"), submit_page=assignment_page
        )
        deadlines.register_kind(
            "suggestions.rehandling",
            _("reply to a deputy suggestion after re-handling"),
            submit_page=assignment_page,
        )
        deadlines.register_kind(
            "suggestions.followup",
            _("completion report on a deputy suggestion (B reply)"),
            submit_page=assignment_page,
        )

        register_dashboard_panel(
            20, "suggestions/_panel_to_rate.html", panels.replies_to_rate_panel
        )
        register_dashboard_panel(21, "suggestions/_panel_unit.html", panels.unit_panel)
