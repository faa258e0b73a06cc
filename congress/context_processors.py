"""Template context shared by every page: the current actor, unread notices, the site name."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from congress.access import actor_for


def portal(request):
    user = getattr(request, "user", None)

    def unread() -> int:
        if user is None or not user.is_authenticated:
            return 0
        from congress.notifications import unread_count

        return unread_count(user)

    return {
        "actor": SimpleLazyObject(lambda: actor_for(user)),
        "unread_notifications": SimpleLazyObject(unread),
        "SITE_NAME": "海淀区人大常委会",
    }
