from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JointMeetingsConfig(AppConfig):
    name = "congress.jointmeetings"
    label = "jointmeetings"
    verbose_name = _("Joint meeting record book")

    def ready(self) -> None:
        from congress.panels import register_dashboard_panel

        register_dashboard_panel(40, "jointmeetings/_panel.html", _recorder_panel)
        register_dashboard_panel(41, "jointmeetings/_signoff_panel.html", _staff_panel)


def _recorder_panel(request):
    """Recorders: the open entries their street keeps. One query (memberships are cached)."""
    from congress.access import actor_for
    from congress.jointmeetings.queries import open_entries_for

    if not actor_for(request.user).is_recorder:
        return None
    return {"entries": list(open_entries_for(request.user)[:5])}


def _staff_panel(request):
    """Staff: entries being recorded that have their information, waiting for sign-off. One
    query."""
    from congress.access import actor_for
    from congress.jointmeetings.models import JointMeeting, JointMeetingState

    if not actor_for(request.user).is_staff_member:
        return None
    entries = list(
        JointMeeting.objects.filter(state=JointMeetingState.RECORDING)
        .exclude(information="")
        .select_related("lead__street")
        .order_by("date")[:5]
    )
    return {"entries": entries} if entries else None
