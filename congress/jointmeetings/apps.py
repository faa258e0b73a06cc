from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JointMeetingsConfig(AppConfig):
    name = "congress.jointmeetings"
    label = "jointmeetings"
    verbose_name = _("Joint meeting record book")
