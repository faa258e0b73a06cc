from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExpertsConfig(AppConfig):
    name = "experts"
    label = "experts"
    verbose_name = _("Expert advisor pool")

    def ready(self) -> None:
        import experts.services  # noqa: F401  (registers the obligation kinds' names)
        from congress.panels import register_dashboard_panel

        register_dashboard_panel(45, "experts/_panel.html", _expert_panel)


def _expert_panel(request):
    """Experts: invitations waiting for them. One query (the profile is read once per user)."""
    from experts.models import OPEN_INVITATION_STATES, Invitation

    expert = getattr(request.user, "expert", None) if request.user.is_authenticated else None
    if expert is None:
        return None
    invitations = list(
        Invitation.objects.filter(expert=expert, state__in=OPEN_INVITATION_STATES)
        .select_related("consultation")
        .order_by("opinion_due")[:5]
    )
    return {"invitations": invitations}
