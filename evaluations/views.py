"""Pages: public results, items, coverage and the opinion form; the portal's ballots and items."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from congress.access import actor_for
from congress.caching import cache_public_page
from congress.errors import DomainError
from evaluations import queries, services
from evaluations.forms import BallotForm, DeputyOpinionForm, PublicOpinionForm
from evaluations.models import OPINION_STATES, Item, OpinionSource, Vote

RATE_LIMIT = 5  # public opinions per IP address
RATE_WINDOW = 60 * 60  # per hour

# What the public results and item pages read (their cache is bumped when any of these change).
RESULT_MODELS = (
    "congress.Congress",
    "congress.Term",
    "congress.Meeting",
    "congress.Unit",
    "evaluations.Campaign",
    "evaluations.Item",
    "evaluations.Vote",
    "evaluations.Tally",
)


def chart_rows(items) -> dict:
    """The bars of the results chart (an HTML bar list): label, value, bar length in percent.

    A satisfaction rate is a percentage; a score (evaluations without a rate) is out of 100 too.
    """
    bars = []
    for item in items:
        vote = getattr(item, "vote", None)
        if vote is None or not vote.is_closed or not item.published_at:
            continue
        is_rate = vote.satisfaction_rate is not None
        value = vote.satisfaction_rate if is_rate else vote.score
        if value is None:
            continue
        bars.append(
            {
                "label": item.unit.short_name or item.unit.name,
                "value": value,
                "is_rate": is_rate,
                "percent": max(0, min(100, round(float(value)))),
            }
        )
    return {"bars": bars}


def _published_item(pk: int) -> Item:
    """An item of a published campaign (with its unit and campaign), else 404."""
    return get_object_or_404(
        Item.objects.filter(campaign__is_published=True).select_related("unit", "campaign"),
        pk=pk,
    )


@cache_public_page(*RESULT_MODELS)
@require_GET
def public_results(request):
    """Results per year. Queries: years (1), items with unit and vote (1)."""
    years = queries.campaign_years()
    year = request.GET.get("year")
    if year and year.isdigit() and int(year) in years:
        year = int(year)
    elif year:
        raise Http404
    else:
        year = years[0] if years else None
    items = list(queries.public_items(year)) if year else []
    campaign = items[0].campaign if items else None
    return render(
        request,
        "evaluations/public_results.html",
        {
            "years": years,
            "year": year,
            "campaign": campaign,
            "items": items,
            "chart": chart_rows(items),
        },
    )


@cache_public_page(*RESULT_MODELS)
@require_GET
def public_item(request, pk: int):
    item = _published_item(pk)
    vote = Vote.objects.filter(item=item).first()
    return render(
        request,
        "evaluations/public_item.html",
        {
            "item": item,
            "vote": vote if (vote and vote.is_closed and item.published_at) else None,
            "accepts_opinions": item.state in OPINION_STATES,
        },
    )


@cache_public_page(*RESULT_MODELS, "evaluations.CoverageRecord")
@require_GET
def public_coverage(request):
    """Coverage (全覆盖) of the departments in a term. Queries: terms (2), coverage (3)."""
    return _coverage_page(request, "evaluations/coverage.html", staff_view=False)


def _coverage_page(request, template: str, *, staff_view: bool):
    """Coverage of the departments in the term asked for (?term=), else the current one, else the
    latest; staff also see campaigns not yet published."""
    terms = queries.coverage_terms()
    number = request.GET.get("term")
    number = int(number) if number and number.isdigit() else queries.current_term_number()
    if number is None or number not in terms:
        number = terms[0] if terms else None
    rows = queries.coverage(number, public=not staff_view) if number else []
    return render(
        request,
        template,
        {
            "terms": terms,
            "term_number": number,
            "rows": rows,
            "covered": sum(1 for r in rows if r.covered),
            "staff_view": staff_view,
        },
    )


def _client_ip(request) -> str:
    # Behind the project's reverse proxy REMOTE_ADDR is set by the proxy (see deployment docs).
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _rate_limited(request) -> bool:
    key = f"evaluations:opinion-rate:{_client_ip(request)}"
    try:
        if cache.add(key, 1, RATE_WINDOW):
            return False
        return cache.incr(key) > RATE_LIMIT
    except ValueError:  # the key expired between add and incr
        cache.add(key, 1, RATE_WINDOW)
        return False


@require_http_methods(["GET", "POST"])
def public_opinion(request, pk: int):
    item = _published_item(pk)
    if item.state not in OPINION_STATES:
        messages.info(request, _("Opinions on this item are not being gathered now."))
        return redirect("evaluations:public_item", pk=item.pk)
    if request.method == "POST":
        form = PublicOpinionForm(request.POST)
        if form.is_valid():
            if _rate_limited(request):
                form.add_error(
                    None, _("Too many opinions from your network. Please try again later.")
                )
            else:
                try:
                    services.add_opinion(
                        item,
                        source=OpinionSource.PUBLIC,
                        text=form.cleaned_data["text"],
                        name=form.cleaned_data["name"],
                        contact=form.cleaned_data["contact"],
                    )
                except DomainError as exc:
                    form.add_error("text" if exc.field == "text" else None, exc.message)
                else:
                    messages.success(request, _("Thank you. Your opinion has been received."))
                    return redirect("evaluations:public_item", pk=item.pk)
        form.fresh_token()
        status = 400
    else:
        form = PublicOpinionForm()
        status = 200
    return render(
        request, "evaluations/public_opinion.html", {"item": item, "form": form}, status=status
    )


# --- Portal -----------------------------------------------------------------------------------


def _ballots(votes, submitted: BallotForm | None = None) -> list[tuple[Vote, BallotForm]]:
    """Each open vote with its ballot form; a submitted form (with its errors and what was typed)
    stands for its own vote, the others get empty forms. A form's prefix names its vote."""
    ballots = []
    for vote in votes:
        prefix = f"v{vote.pk}"
        if submitted is not None and submitted.prefix == prefix:
            ballots.append((vote, submitted))
        else:
            ballots.append((vote, BallotForm(method=vote.method, prefix=prefix)))
    return ballots


@login_required
@require_GET
def portal_ballots(request):
    """Open ballots for me. Queries: session+user (2), open votes with has_voted (1)."""
    deputy = queries.deputy_of(request.user)
    votes = list(queries.open_votes_for(deputy))
    return render(
        request,
        "evaluations/portal_ballots.html",
        {
            "deputy": deputy,
            "ballots": _ballots(votes),
        },
    )


@login_required
@require_POST
def portal_cast(request, pk: int):
    deputy = queries.deputy_of(request.user)
    vote = get_object_or_404(queries.open_votes_for(deputy), pk=pk)
    form = BallotForm(request.POST, method=vote.method, prefix=f"v{vote.pk}")
    if form.is_valid():
        try:
            services.cast_ballot(
                vote,
                voter=deputy,
                choice=form.cleaned_data.get("choice"),
                score=form.cleaned_data.get("score"),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Your ballot has been recorded. It is secret: nobody can see what you voted."),
            )
        return redirect("evaluations:portal_ballots")
    votes = list(queries.open_votes_for(deputy))
    ballots = _ballots(votes, submitted=form)
    return render(
        request,
        "evaluations/portal_ballots.html",
        {"deputy": deputy, "ballots": ballots},
        status=400,
    )


@login_required
@require_GET
def portal_items(request):
    deputy = queries.deputy_of(request.user)
    actor = actor_for(request.user)
    return render(
        request,
        "evaluations/portal_items.html",
        {
            "items": list(queries.items_for(request.user)[:200]),
            "inspecting": list(queries.inspecting_items(deputy)),
            "is_staff": actor.is_staff_member,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def portal_item(request, pk: int):
    item = get_object_or_404(queries.items_for(request.user), pk=pk)
    actor = actor_for(request.user)
    deputy = queries.deputy_of(request.user)
    form = DeputyOpinionForm()
    status = 200
    if request.method == "POST":
        if deputy is None:
            raise PermissionDenied
        form = DeputyOpinionForm(request.POST)
        if form.is_valid():
            try:
                services.add_opinion(
                    item, source=OpinionSource.DEPUTY, text=form.cleaned_data["text"], deputy=deputy
                )
            except DomainError as exc:
                form.add_error("text" if exc.field == "text" else None, exc.message)
            else:
                messages.success(request, _("Your opinion has been recorded."))
                return redirect("evaluations:portal_item", pk=item.pk)
        status = 400
    today = timezone.localdate()
    obligations = [(o, queries.is_overdue(o, today)) for o in queries.item_obligations(item)]
    vote = Vote.objects.filter(item=item).first()
    return render(
        request,
        "evaluations/portal_item.html",
        {
            "item": item,
            "obligations": obligations,
            "inspections": list(item.inspections.prefetch_related("deputies")),
            "opinions": list(item.opinions.select_related("deputy"))
            if actor.is_staff_member
            else [],
            "vote": vote,
            "is_staff": actor.is_staff_member,
            "form": form if deputy is not None and item.state in OPINION_STATES else None,
        },
        status=status,
    )


@login_required
@require_GET
def portal_coverage(request):
    """The staff dashboard of coverage (全覆盖)."""
    if not actor_for(request.user).is_staff_member:
        raise PermissionDenied
    return _coverage_page(request, "evaluations/portal_coverage.html", staff_view=True)
