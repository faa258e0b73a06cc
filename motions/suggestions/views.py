"""Pages: the deputy portal (my suggestions, rating), the unit portal (assignments, contact, reply,
return, follow-up), staff scoring (ranking, XLSX) and the public statistics and published texts.

Every object is looked up in the actor's scope (queries.*): another actor's object answers 404.
"""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_POST

from congress.access import actor_for
from congress.caching import cache_public_page
from congress.errors import DomainError
from congress.models import Term
from congress.workflow import transitions_of
from motions.suggestions import queries, services
from motions.suggestions.forms import (
    ContactForm,
    FileSuggestionForm,
    FollowUpForm,
    RatingForm,
    ReplyForm,
    ReturnForm,
)
from motions.suggestions.models import (
    Assignment,
    AssignmentRole,
    AssignmentState,
    Attachment,
    Contact,
    FollowUp,
    Proposer,
    Rating,
    Reply,
    Suggestion,
    SuggestionState,
)


def _form_error(form, exc: DomainError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, str(exc.message))


def _current_term() -> Term | None:
    from congress.queries import current_term

    return current_term()  # the default (district) congress's current term


def _require_deputy(request):
    deputy = queries.deputy_of(request.user)
    if deputy is None:
        raise PermissionDenied
    return deputy


# --- Deputy portal ----------------------------------------------------------------------------


@login_required
@require_GET
def portal_list(request):
    """My suggestions and where each stands, and the replies waiting for my rating. Unit liaisons
    are sent to their assignments and staff to the scoring page."""
    deputy = queries.deputy_of(request.user)
    if deputy is None:
        actor = actor_for(request.user)
        if actor.is_liaison:
            return redirect("suggestions:unit_list")
        if actor.is_staff_member:
            return redirect("suggestions:staff_scores")
        raise PermissionDenied
    qs = queries.suggestions_of_deputy(deputy)
    state = request.GET.get("state", "")
    if state in SuggestionState.values:
        qs = qs.filter(state=state)
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "suggestions/portal_list.html",
        {
            "page": page,
            "to_rate": list(queries.replies_to_rate(deputy)[:20]),
            "states": SuggestionState.choices,
            "state": state,
            "query": urlencode({"state": state}) if state else "",
        },
    )


def _detail_context(suggestion: Suggestion, deputy=None) -> dict:
    role_order = {AssignmentRole.LEAD: 0, AssignmentRole.SPLIT: 1, AssignmentRole.JOINT: 2}
    assignments = sorted(
        Assignment.objects.filter(suggestion=suggestion)
        .select_related("unit", "obligation")
        .prefetch_related(
            Prefetch(
                "replies",
                queryset=Reply.objects.prefetch_related(
                    Prefetch("ratings", queryset=Rating.objects.select_related("deputy"))
                ).select_related("follow_up"),
            ),
            Prefetch("contacts", queryset=Contact.objects.select_related("deputy")),
        ),
        key=lambda a: (role_order.get(a.role, 9), a.pk),
    )
    return {
        "suggestion": suggestion,
        "proposers": list(suggestion.proposers.select_related("deputy")),
        "attachments": list(suggestion.attachments.all()),
        "assignments": assignments,
        "history": [
            (
                t.at,
                SuggestionState(t.to_state).label
                if t.to_state in SuggestionState.values
                else t.to_state,
                t.reason,
            )
            for t in transitions_of(suggestion)
            if t.from_state != t.to_state or t.reason
        ],
    }


@login_required
def portal_detail(request, pk: int):
    """A deputy's suggestion (proposers and staff only), its handling and the rating forms."""
    actor = actor_for(request.user)
    deputy = queries.deputy_of(request.user)
    if actor.is_staff_member:
        suggestion = get_object_or_404(Suggestion.objects.select_related("category"), pk=pk)
    elif deputy is not None:
        suggestion = get_object_or_404(
            queries.suggestions_of_deputy(deputy).select_related("category"), pk=pk
        )
    else:
        raise Http404
    return _render_detail(request, suggestion, deputy)


def _render_detail(request, suggestion, deputy, rating_forms=None, status=200):
    context = _detail_context(suggestion)
    is_proposer = deputy is not None and any(p.deputy_id == deputy.pk for p in context["proposers"])
    rating_forms = rating_forms or {}
    to_rate = []
    if is_proposer:
        for a in context["assignments"]:
            if a.state != AssignmentState.REPLIED:
                continue
            for reply in a.replies.all():
                if reply.round == a.round and not any(
                    r.deputy_id == deputy.pk for r in reply.ratings.all()
                ):
                    to_rate.append(
                        (reply, rating_forms.get(reply.pk) or RatingForm(prefix=f"r{reply.pk}"))
                    )
    can_withdraw = suggestion.state == SuggestionState.FILED and any(
        p.is_lead and deputy is not None and p.deputy_id == deputy.pk for p in context["proposers"]
    )
    context.update({"to_rate": to_rate, "is_proposer": is_proposer, "can_withdraw": can_withdraw})
    return render(request, "suggestions/portal_detail.html", context, status=status)


@login_required
def portal_new(request):
    """File a suggestion (during a session or in the closing period) with an optional attachment."""
    deputy = _require_deputy(request)
    term = _current_term()
    if term is None:
        raise Http404
    if request.method == "POST":
        form = FileSuggestionForm(request.POST, request.FILES, term=term, deputy=deputy)
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    suggestion = services.file_suggestion(
                        deputy=deputy,
                        co_proposers=list(data["co_proposers"]),
                        title=data["title"],
                        content=data["content"],
                        category=data["category"],
                        term=term,
                        actor=request.user,
                    )
                    if data.get("attachment"):
                        upload = data["attachment"]
                        Attachment.objects.create(
                            suggestion=suggestion,
                            title=getattr(upload, "original_name", "")[:200],
                            file=upload,
                            uploaded_by=request.user,
                        )
            except DomainError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, _("Your suggestion was filed."))
                return redirect("suggestions:portal_detail", pk=suggestion.pk)
    else:
        form = FileSuggestionForm(term=term, deputy=deputy)
    return render(request, "suggestions/portal_new.html", {"form": form, "term": term})


@login_required
@require_POST
def portal_rate(request, reply_pk: int):
    deputy = _require_deputy(request)
    reply = get_object_or_404(
        Reply.objects.select_related("assignment__suggestion").filter(
            assignment__suggestion__proposers__deputy=deputy
        ),
        pk=reply_pk,
    )
    form = RatingForm(request.POST, prefix=f"r{reply.pk}")
    if form.is_valid():
        try:
            services.rate_reply(
                reply,
                deputy=deputy,
                result=form.cleaned_data["result"],
                comment=form.cleaned_data["comment"],
                actor=request.user,
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Thank you: your rating was recorded."))
            return redirect("suggestions:portal_detail", pk=reply.assignment.suggestion_id)
    suggestion = reply.assignment.suggestion
    return _render_detail(request, suggestion, deputy, {reply.pk: form}, status=400)


@login_required
@require_POST
def portal_withdraw(request, pk: int):
    """The lead proposer withdraws a suggestion not yet assigned."""
    deputy = _require_deputy(request)
    suggestion = get_object_or_404(queries.suggestions_of_deputy(deputy), pk=pk)
    try:
        services.withdraw_suggestion(suggestion, deputy=deputy, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The suggestion was withdrawn."))
    return redirect("suggestions:portal_detail", pk=suggestion.pk)


# --- Unit portal ------------------------------------------------------------------------------


def _require_liaison(request):
    actor = actor_for(request.user)
    if not (actor.is_liaison or actor.is_staff_member):
        raise PermissionDenied
    return actor


@login_required
@require_GET
def unit_list(request):
    """The unit's assignments with their deadlines (staff see every unit's)."""
    _require_liaison(request)
    qs = queries.assignments_for_user(request.user).order_by("obligation__due_date", "-id")
    state = request.GET.get("state", "")
    if state in AssignmentState.values:
        qs = qs.filter(state=state)
    else:
        state = ""
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "suggestions/unit_list.html",
        {
            "page": page,
            "states": AssignmentState.choices,
            "state": state,
            "today": timezone.localdate(),
            "query": urlencode({"state": state}) if state else "",
        },
    )


def _assignment(request, pk: int) -> Assignment:
    _require_liaison(request)
    return get_object_or_404(queries.assignments_for_user(request.user), pk=pk)


def _render_unit(request, assignment: Assignment, status=200, **forms):
    suggestion = assignment.suggestion
    context = _detail_context(suggestion)
    mine = next(a for a in context["assignments"] if a.pk == assignment.pk)
    follow_ups = [
        r.follow_up for r in mine.replies.all() if hasattr(r, "follow_up") and r.follow_up
    ]
    context.update(
        {
            "assignment": mine,
            "follow_ups": follow_ups,
            "can_handle": mine.state in services.LIVE_HANDLING,
            "can_return": mine.state == AssignmentState.HANDLING,
            "contact_form": forms.get("contact_form") or ContactForm(suggestion=suggestion),
            "reply_form": forms.get("reply_form") or ReplyForm(),
            "return_form": forms.get("return_form") or ReturnForm(),
            "followup_form": forms.get("followup_form") or FollowUpForm(),
            "has_contact": any(c.round == mine.round for c in mine.contacts.all()),
            "today": timezone.localdate(),
        }
    )
    return render(request, "suggestions/unit_detail.html", context, status=status)


@login_required
@require_GET
def unit_detail(request, pk: int):
    return _render_unit(request, _assignment(request, pk))


def _unit_action(request, assignment, call, success: str, *, then=None, **bound):
    """A unit's action on its assignment with one bound form, named as in `_render_unit`
    (`reply_form=ReplyForm(request.POST, …)`): validate it and call the service with its data;
    on success a message and a redirect (`then`, else the assignment's page), otherwise the
    assignment's page again with the form (its errors and what was typed), 400."""
    [(form_name, form)] = bound.items()
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, success)
            return redirect(then or reverse("suggestions:unit_detail", args=[assignment.pk]))
    return _render_unit(request, assignment, status=400, **{form_name: form})


@login_required
@require_POST
def unit_contact(request, pk: int):
    assignment = _assignment(request, pk)
    return _unit_action(
        request,
        assignment,
        lambda d: services.record_contact(assignment, actor=request.user, **d),
        _("The contact was recorded."),
        contact_form=ContactForm(request.POST, suggestion=assignment.suggestion),
    )


@login_required
@require_POST
def unit_reply(request, pk: int):
    assignment = _assignment(request, pk)
    return _unit_action(
        request,
        assignment,
        lambda d: services.submit_reply(
            assignment,
            actor=request.user,
            reply_class=d["reply_class"],
            text=d["text"],
            letter=d["letter"],
        ),
        _("Your reply was submitted to the deputies."),
        reply_form=ReplyForm(request.POST, request.FILES),
    )


@login_required
@require_POST
def unit_return(request, pk: int):
    assignment = _assignment(request, pk)
    return _unit_action(
        request,
        assignment,
        lambda d: services.return_assignment(assignment, actor=request.user, reason=d["reason"]),
        _("The assignment was returned for reassignment."),
        then=reverse("suggestions:unit_list"),
        return_form=ReturnForm(request.POST),
    )


@login_required
@require_POST
def unit_followup(request, pk: int):
    _require_liaison(request)
    follow_up = get_object_or_404(
        FollowUp.objects.filter(
            reply__assignment__in=queries.assignments_for_user(request.user)
        ).select_related("reply__assignment", "obligation"),
        pk=pk,
    )
    return _unit_action(
        request,
        follow_up.reply.assignment,
        lambda d: services.report_follow_up(
            follow_up, actor=request.user, text=d["text"], file=d.get("file")
        ),
        _("The completion report was submitted."),
        followup_form=FollowUpForm(request.POST, request.FILES),
    )


# --- Staff: scoring ---------------------------------------------------------------------------


def _require_staff(request):
    if not actor_for(request.user).is_staff_member:
        raise PermissionDenied


def _year(request) -> int:
    try:
        return int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year - (1 if timezone.localdate().month < 4 else 0)


@login_required
@require_GET
def staff_scores(request):
    """The ranking of units under the handling evaluation rules, for one year of filing."""
    _require_staff(request)
    year = _year(request)
    rules, scores = queries.unit_scores(year)
    return render(
        request,
        "suggestions/staff_scores.html",
        {"year": year, "years": queries.years(), "rules": rules, "scores": scores},
    )


@login_required
@require_GET
def staff_scores_xlsx(request):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    _require_staff(request)
    year = _year(request)
    rules, scores = queries.unit_scores(year)
    wb = Workbook()
    ws = wb.active
    ws.title = f"{year}"
    header = [
        _("Rank"),
        pgettext("handling", "Unit"),
        _("Assignments"),
        _("Replies"),
        _("On time"),
        _("Overdue without reply"),
        _("With contact"),
        _("Final replies"),
        _("A or B"),
        _("Satisfied"),
        _("Basically satisfied"),
        _("Unsatisfied"),
        _("Timeliness"),
        pgettext("score", "Contact"),
        _("Satisfaction"),
        _("Resolution"),
        _("Score"),
    ]
    ws.append([f"{rules.name}（{year}）"])
    ws.append(header)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for s in scores:
        points = [
            s.parts.get(k, (None, None))[1]
            for k in ("timeliness", "contact", "satisfaction", "resolution")
        ]
        ws.append(
            [
                s.rank,
                s.unit_name,
                s.assignments,
                s.replies,
                s.on_time,
                s.overdue_unreplied,
                s.with_contact,
                s.final_replies,
                s.resolved,
                s.satisfied,
                s.basic,
                s.unsatisfied,
                *[float(p) if p is not None else None for p in points],
                float(s.score) if s.score is not None else None,
            ]
        )
    ws.column_dimensions["B"].width = 28
    out = io.BytesIO()
    wb.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="suggestion-scores-{year}.xlsx"'
    return response


# --- Public -----------------------------------------------------------------------------------

# What every public suggestions page reads (its cache is bumped when any of these change).
PUBLIC_MODELS = (
    "congress.Congress",
    "congress.Term",
    "congress.Meeting",
    "congress.Unit",
    "suggestions.Suggestion",
    "suggestions.Category",
    "suggestions.Assignment",
    "suggestions.Reply",
    "suggestions.Rating",
    "suggestions.Proposer",
    "deputies.Deputy",
)


@cache_public_page(*PUBLIC_MODELS, "suggestions.BureauVisit", "deputies.Station")
@require_GET
def public_stats(request):
    """Statistics by unit, reply class and satisfaction; links to the published texts."""
    years = queries.years()
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = None
    return render(
        request,
        "suggestions/public_stats.html",
        {
            "stats": queries.public_stats(year),
            "year": year,
            "years": years,
            "visits": list(queries.published_visits()[:10]),
        },
    )


@cache_public_page(*PUBLIC_MODELS, "congress.Obligation")
@require_GET
def public_list(request):
    page = Paginator(queries.published_suggestions(), 20).get_page(request.GET.get("page"))
    return render(request, "suggestions/public_list.html", {"page": page})


@cache_public_page(*PUBLIC_MODELS, "congress.Obligation")
@require_GET
def public_detail(request, pk: int):
    suggestion = get_object_or_404(queries.published_suggestions(), pk=pk)
    replies = list(
        Reply.objects.filter(assignment__suggestion=suggestion, is_published=True)
        .select_related("assignment__unit")
        .order_by("assignment__role", "round")
    )
    proposers = list(Proposer.objects.filter(suggestion=suggestion).select_related("deputy"))
    return render(
        request,
        "suggestions/public_detail.html",
        {"suggestion": suggestion, "replies": replies, "proposers": proposers},
    )
