from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CongressConfig(AppConfig):
    name = "congress"
    verbose_name = _("Institution and deadlines")

    def ready(self) -> None:
        from congress import caching, mfa, roles, security, signals  # noqa: F401
        from congress.panels import register_dashboard_panel
        from congress.views_deadlines import deadline_panel

        roles.connect()
        # Revocation: a removed right ends the user's sessions (congress/security.py).
        security.connect_revocation()
        # Public page cache: every watched model's save/delete/m2m change bumps its version.
        caching.connect()
        # The deadline engine's dashboard panel: staff see what is due soon, overdue, extension
        # requests and the sweep heartbeat; liaisons see what their unit owes.
        register_dashboard_panel(20, "congress/deadlines/_panel.html", deadline_panel)
