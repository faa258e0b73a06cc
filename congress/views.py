"""Pages of the shared institution: the public home, regulations, the portal dashboard, the inbox."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from congress import health, notifications, queries
from congress.caching import cache_public_page
from congress.panels import DASHBOARD_PANELS, HOME_PANELS, render_panels


@cache_public_page(
    "congress.Congress",
    "congress.Term",
    "congress.Meeting",
    "congress.Unit",
    "motions.Motion",
    "motions.ProgressUpdate",
    "deputies.ReceptionDay",
    "deputies.Station",
    "reviews.ReviewTopic",
    "evaluations.Item",
    "evaluations.Campaign",
)
@require_GET
def home(request):
    term = queries.current_term()
    today = timezone.localdate()
    return render(
        request,
        "congress/home.html",
        {
            "term": term,
            "meetings": queries.recent_meetings(term, today),
            "upcoming": queries.upcoming_meetings(term, today),
            "panels": render_panels(HOME_PANELS, request),
        },
    )


@cache_public_page(
    "congress.Regulation",
    "congress.Congress",
    "congress.Term",
    "congress.Meeting",
    "congress.Unit",
)
@require_GET
def regulation_list(request):
    return render(
        request, "congress/regulation_list.html", {"regulations": queries.published_regulations()}
    )


@cache_public_page(
    "congress.Regulation",
    "congress.Congress",
    "congress.Term",
    "congress.Meeting",
    "congress.Unit",
)
@require_GET
def regulation_detail(request, pk: int):
    regulation = get_object_or_404(queries.published_regulations(), pk=pk)
    return render(request, "congress/regulation_detail.html", {"regulation": regulation})


@never_cache
@require_GET
def healthz(request):
    ok, report = health.health()
    report["status"] = "ok" if ok else "down"
    return JsonResponse(report, status=200 if ok else 503)


@login_required
@require_GET
def dashboard(request):
    return render(
        request, "congress/dashboard.html", {"panels": render_panels(DASHBOARD_PANELS, request)}
    )


@login_required
def inbox(request):
    if request.method == "POST":
        ids = request.POST.getlist("ids")
        count = notifications.mark_read(
            request.user, [int(i) for i in ids if i.isdigit()] if ids else None
        )
        messages.success(request, _("%(count)d notifications marked as read.") % {"count": count})
        return redirect("portal:inbox")
    page = Paginator(queries.inbox(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "congress/inbox.html", {"page": page})


@login_required
@require_POST
def open_notification(request, pk: int):
    n = get_object_or_404(queries.inbox(request.user), pk=pk)
    notifications.mark_read(request.user, [n.pk])
    target = n.url if n.url.startswith("/") and not n.url.startswith("//") else "portal:inbox"
    return redirect(target)
