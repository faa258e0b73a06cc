from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def ballots_panel(request):
    """Dashboard panel: open ballots still waiting for my vote. Queries: the deputy profile (1),
    open ballots without my participation (1)."""
    from evaluations.queries import deputy_of, open_votes_for

    deputy = deputy_of(request.user)
    if deputy is None:
        return None
    votes = list(open_votes_for(deputy).filter(has_voted=False)[:10])
    if not votes:
        return None
    return {"votes": votes, "waiting": len(votes)}


def results_panel(request):
    """Home panel: the latest published campaign and how many departments it evaluates (1 query)."""
    from django.db.models import Count, Q

    from evaluations.queries import published_campaigns

    campaign = (
        published_campaigns()
        .annotate(
            departments=Count("items"),
            published=Count("items", filter=Q(items__published_at__isnull=False)),
        )
        .order_by("-year")
        .first()
    )
    if campaign is None:
        return None
    return {"campaign": campaign}


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    label = "evaluations"
    verbose_name = _("Department evaluations")

    def ready(self) -> None:
        from congress.panels import register_dashboard_panel, register_home_panel

        register_dashboard_panel(30, "evaluations/_dashboard_panel.html", ballots_panel)
        register_home_panel(40, "evaluations/_home_panel.html", results_panel)
