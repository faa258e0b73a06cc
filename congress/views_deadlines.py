"""Pages of the deadline engine: the unit's "reports owed" (portal:obligations), one obligation
with its actions, the staff deadline dashboard and its XLSX export.

Liaisons see and act for their own units' obligations only (another unit's answers 404); committee
staff see all and decide (accept, return, urge, extension decisions). Every action calls the
service in congress.deadlines; domain errors re-render the page with the message and the input.
"""

from __future__ import annotations

import datetime as dt
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, Count, Q, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from congress import deadlines
from congress.access import actor_for
from congress.errors import DomainError
from congress.forms import (
    DecideExtensionForm,
    ExtensionRequestForm,
    NoteForm,
    ObligationFilterForm,
    ReturnReportForm,
    SubmitReportForm,
)
from congress.models import (
    PENDING_STATES,
    ExtensionRequest,
    ExtensionState,
    Obligation,
    ObligationState,
    Unit,
)
from congress.uploads import serve_file

STATE_TAGS = {
    ObligationState.OPEN: "",
    ObligationState.SUBMITTED: "warn",
    ObligationState.ACCEPTED: "ok",
    ObligationState.RETURNED: "warn",
    ObligationState.OVERDUE: "danger",
    ObligationState.WAIVED: "",
}


EVENT_LABELS = {
    "created": gettext_lazy("opened"),
    "submitted": gettext_lazy("report submitted"),
    "accepted": gettext_lazy("report accepted"),
    "returned": gettext_lazy("returned for revision"),
    "waived": gettext_lazy("waived"),
    "overdue": gettext_lazy("became overdue"),
    "urged": gettext_lazy("urged"),
    "extension_requested": gettext_lazy("extension requested"),
    "extension_approved": gettext_lazy("extension approved"),
    "extension_refused": gettext_lazy("extension refused"),
    "extension_withdrawn": gettext_lazy("extension request withdrawn"),
}
STATE_LABELS = dict(ObligationState.choices)


def _kinds() -> list[tuple[str, str]]:
    kinds = Obligation.objects.order_by("kind").values_list("kind", flat=True).distinct()
    return [(k, deadlines.kind_label(k)) for k in kinds]


def _filtered(request, qs, *, staff: bool):
    form = ObligationFilterForm(
        request.GET or None,
        kinds=_kinds(),
        units=Unit.objects.exclude(kind="office").order_by("sort_order", "name") if staff else None,
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data.get("unit"):
            qs = qs.filter(unit=data["unit"])
        if data.get("kind"):
            qs = qs.filter(kind=data["kind"])
        if data.get("state"):
            qs = qs.filter(state=data["state"])
    return form, qs


def _decorate(obligations, today: dt.date):
    for ob in obligations:
        ob.kind_label = deadlines.kind_label(ob.kind)
        ob.tag = STATE_TAGS.get(ob.state, "")
        ob.days_left = (ob.due_date - today).days
    return obligations


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _require_portal_user(request):
    actor = actor_for(request.user)
    if not (actor.is_staff_member or actor.is_liaison):
        raise PermissionDenied
    return actor


@login_required
@require_GET
def obligation_list(request):
    """Reports owed: a liaison's units' obligations (or, for staff, everybody's), filterable."""
    actor = _require_portal_user(request)
    qs = deadlines.with_pending_extension(deadlines.visible_obligations(request.user))
    form, qs = _filtered(request, qs, staff=actor.is_staff_member)
    # What is still owed first (by due date), then the rest.
    pending_first = qs.annotate(
        closed=Case(When(state__in=PENDING_STATES, then=Value(0)), default=Value(1))
    ).order_by("closed", "due_date", "pk")
    page = Paginator(pending_first, 20).get_page(request.GET.get("page"))
    today = timezone.localdate()
    _decorate(page.object_list, today)
    return render(
        request,
        "congress/obligation_list.html",
        {
            "page": page,
            "filter_form": form,
            "today": today,
            "is_staff_member": actor.is_staff_member,
            "query": _query_without_page(request),
        },
    )


def _get_visible(request, pk: int) -> Obligation:
    return get_object_or_404(deadlines.visible_obligations(request.user), pk=pk)


def _label_event(event):
    event.label = EVENT_LABELS.get(event.kind, event.kind)
    event.to_label = STATE_LABELS.get(event.to_state, event.to_state)
    return event


def _detail(request, ob: Obligation, *, forms: dict | None = None, status: int = 200):
    actor = actor_for(request.user)
    today = timezone.localdate()
    _decorate([ob], today)
    requests = list(ob.extension_requests.select_related("requested_by", "decided_by", "meeting"))
    pending = next((r for r in requests if r.state == ExtensionState.PENDING), None)
    can_act = ob.unit_id in actor.liaison_unit_ids
    forms = forms or {}
    ctx = {
        "ob": ob,
        "documents": list(ob.documents.select_related("submitted_by")),
        "events": [_label_event(e) for e in ob.events.select_related("actor").order_by("at", "pk")],
        "extension_requests": requests,
        "pending_extension": pending,
        "is_staff_member": actor.is_staff_member,
        "can_submit": can_act and ob.state in PENDING_STATES and not deadlines.submit_page_for(ob),
        "submit_page": deadlines.submit_page_for(ob)
        if can_act and ob.state in PENDING_STATES
        else None,
        "can_request_extension": can_act
        and ob.state in (ObligationState.OPEN, ObligationState.RETURNED)
        and today <= ob.due_date
        and pending is None,
        "submit_form": forms.get("submit") or SubmitReportForm(),
        "extension_form": forms.get("extension") or ExtensionRequestForm(),
        "decide_form": forms.get("decide") or DecideExtensionForm(),
        "return_form": forms.get("return") or ReturnReportForm(),
        "note_form": forms.get("note") or NoteForm(),
        "can_withdraw": can_act and pending is not None,
    }
    return render(request, "congress/obligation_detail.html", ctx, status=status)


@login_required
@require_GET
def obligation_detail(request, pk: int):
    _require_portal_user(request)
    return _detail(request, _get_visible(request, pk))


def _for_unit(request, pk: int) -> Obligation:
    ob = _get_visible(request, pk)
    if ob.unit_id not in actor_for(request.user).liaison_unit_ids:
        raise PermissionDenied
    return ob


def _for_staff(request, pk: int) -> Obligation:
    if not actor_for(request.user).is_staff_member:
        raise Http404
    return _get_visible(request, pk)


def _done(request, ob: Obligation, message: str):
    messages.success(request, message)
    return redirect("portal:obligation", pk=ob.pk)


def _failed(request, ob: Obligation, exc: DomainError, name: str, form):
    if exc.field and exc.field in form.fields:
        form.add_error(exc.field, str(exc.message))
    else:
        form.add_error(None, str(exc.message))
    messages.error(request, str(exc.message))
    return _detail(request, ob, forms={name: form}, status=400 if exc.status == 400 else 409)


@login_required
@require_POST
def submit(request, pk: int):
    ob = _for_unit(request, pk)
    form = SubmitReportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, ob, forms={"submit": form}, status=400)
    data = form.cleaned_data
    try:
        deadlines.ensure_generic_submission(ob)
        deadlines.submit_report(
            ob, actor=request.user, title=data["title"], text=data["text"], file=data["file"]
        )
    except DomainError as exc:
        return _failed(request, ob, exc, "submit", form)
    return _done(request, ob, _("The report was submitted."))


@login_required
@require_POST
def request_extension(request, pk: int):
    ob = _for_unit(request, pk)
    form = ExtensionRequestForm(request.POST)
    if not form.is_valid():
        return _detail(request, ob, forms={"extension": form}, status=400)
    try:
        deadlines.request_extension(
            ob,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            requested_due_date=form.cleaned_data["requested_due_date"],
        )
    except DomainError as exc:
        return _failed(request, ob, exc, "extension", form)
    return _done(request, ob, _("The extension request was sent."))


@login_required
@require_POST
def withdraw_extension(request, pk: int):
    ob = _for_unit(request, pk)
    req = get_object_or_404(ExtensionRequest, obligation=ob, state=ExtensionState.PENDING)
    try:
        deadlines.withdraw_extension(req, actor=request.user)
    except DomainError as exc:
        return _failed(request, ob, exc, "note", NoteForm())
    return _done(request, ob, _("The extension request was withdrawn."))


@login_required
@require_POST
def accept(request, pk: int):
    ob = _for_staff(request, pk)
    form = NoteForm(request.POST)
    form.is_valid()
    try:
        deadlines.accept_report(ob, actor=request.user, note=form.cleaned_data.get("note", ""))
    except DomainError as exc:
        return _failed(request, ob, exc, "note", form)
    return _done(request, ob, _("The report was accepted."))


@login_required
@require_POST
def return_report(request, pk: int):
    ob = _for_staff(request, pk)
    form = ReturnReportForm(request.POST)
    if not form.is_valid():
        return _detail(request, ob, forms={"return": form}, status=400)
    try:
        deadlines.return_report(
            ob,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            new_due_date=form.cleaned_data["new_due_date"],
        )
    except DomainError as exc:
        return _failed(request, ob, exc, "return", form)
    return _done(request, ob, _("The report was returned for revision."))


@login_required
@require_POST
def urge(request, pk: int):
    ob = _for_staff(request, pk)
    form = NoteForm(request.POST)
    form.is_valid()
    try:
        deadlines.urge_obligation(ob, actor=request.user, note=form.cleaned_data.get("note", ""))
    except DomainError as exc:
        return _failed(request, ob, exc, "note", form)
    return _done(request, ob, _("The unit was urged."))


@login_required
@require_POST
def decide_extension(request, pk: int, request_pk: int):
    ob = _for_staff(request, pk)
    req = get_object_or_404(ExtensionRequest, obligation=ob, pk=request_pk)
    form = DecideExtensionForm(request.POST)
    if not form.is_valid():
        return _detail(request, ob, forms={"decide": form}, status=400)
    data = form.cleaned_data
    try:
        deadlines.decide_extension(
            req,
            actor=request.user,
            approve=data["decision"] == "approve",
            new_due_date=data["new_due_date"],
            meeting=data["meeting"],
            note=data["note"],
        )
    except DomainError as exc:
        return _failed(request, ob, exc, "decide", form)
    return _done(request, ob, _("The decision was recorded."))


@login_required
@require_GET
def document(request, pk: int, document_pk: int):
    """Download a submitted document (only for those who may see the obligation)."""
    ob = _get_visible(request, pk)
    doc = get_object_or_404(ob.documents, pk=document_pk)
    if not doc.file:
        raise Http404
    return serve_file(doc.file, download_name=doc.title)


# --- Staff dashboard --------------------------------------------------------------------------


def _require_staff(request):
    if not actor_for(request.user).is_staff_member:
        raise PermissionDenied


def dashboard_data(qs, today: dt.date) -> dict:
    """The staff dashboard's figures for the obligations in `qs` (a fixed number of queries)."""
    soon = list(
        qs.filter(
            state__in=[ObligationState.OPEN, ObligationState.RETURNED],
            due_date__range=(today, today + dt.timedelta(days=30)),
        ).order_by("due_date", "pk")[:200]
    )
    overdue_by_unit = list(
        qs.filter(state=ObligationState.OVERDUE)
        .values("unit_id", "unit__name")
        .annotate(count=Count("pk"))
        .order_by("-count", "unit__name")
    )
    waiting = list(
        ExtensionRequest.objects.filter(
            state=ExtensionState.PENDING, obligation__in=qs.values("pk")
        )
        .select_related("obligation__unit", "requested_by")
        .order_by("requested_at")
    )
    totals = qs.aggregate(
        pending=Count("pk", filter=Q(state__in=PENDING_STATES)),
        overdue=Count("pk", filter=Q(state=ObligationState.OVERDUE)),
        submitted=Count("pk", filter=Q(state=ObligationState.SUBMITTED)),
    )
    return {
        "soon": _decorate(soon, today),
        "overdue_by_unit": overdue_by_unit,
        "waiting": waiting,
        "rates": deadlines.on_time_rates(qs),
        "totals": totals,
    }


@login_required
@require_GET
def staff_dashboard(request):
    _require_staff(request)
    from congress.sweep import is_stale, last_heartbeat

    form, qs = _filtered(request, deadlines.visible_obligations(request.user), staff=True)
    today = timezone.localdate()
    hb = last_heartbeat()
    ctx = dashboard_data(qs, today) | {
        "filter_form": form,
        "today": today,
        "heartbeat": hb,
        "heartbeat_stale": is_stale(hb),
        "query": _query_without_page(request),
    }
    return render(request, "congress/deadlines/dashboard.html", ctx)


EXPORT_COLUMNS = [
    gettext_lazy("Unit"),
    gettext_lazy("Kind of report"),
    gettext_lazy("Title"),
    gettext_lazy("Counted from"),
    gettext_lazy("Due date"),
    gettext_lazy("Original due date"),
    gettext_lazy("State"),
    gettext_lazy("Submitted"),
    gettext_lazy("Accepted"),
]


@login_required
@require_GET
def export_xlsx(request):
    """The filtered obligations as an Excel workbook (one sheet, one row per obligation)."""
    _require_staff(request)
    from openpyxl import Workbook

    _form, qs = _filtered(request, deadlines.visible_obligations(request.user), staff=True)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Obligations"))
    ws.append([str(label) for label in EXPORT_COLUMNS])
    local = timezone.localtime
    for ob in qs.order_by("due_date", "pk").iterator(chunk_size=2000):
        ws.append(
            [
                ob.unit.name,
                deadlines.kind_label(ob.kind),
                ob.title,
                ob.starts_on,
                ob.due_date,
                ob.original_due_date,
                ob.get_state_display(),
                local(ob.submitted_at).replace(tzinfo=None) if ob.submitted_at else None,
                local(ob.accepted_at).replace(tzinfo=None) if ob.accepted_at else None,
            ]
        )
    rates = wb.create_sheet(_("On-time rate"))
    rates.append([_("Unit"), _("Due"), _("On time"), _("Overdue"), _("On-time rate (%)")])
    for row in deadlines.on_time_rates(qs):
        rates.append([row["unit__name"], row["total"], row["on_time"], row["overdue"], row["rate"]])
    buffer = io.BytesIO()
    wb.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="obligations-{stamp}.xlsx"'
    return response


def deadline_panel(request) -> dict | None:
    """The dashboard panel: staff see the engine's state, liaisons what their unit owes.
    Two queries at most (an aggregate, then the heartbeat or the next due obligation)."""
    actor = actor_for(request.user)
    today = timezone.localdate()
    if actor.is_staff_member:
        from congress.sweep import is_stale, last_heartbeat

        # One query; distinct counts because the extension requests join repeats rows.
        totals = Obligation.objects.aggregate(
            soon=Count(
                "pk",
                distinct=True,
                filter=Q(
                    state__in=[ObligationState.OPEN, ObligationState.RETURNED],
                    due_date__range=(today, today + dt.timedelta(days=30)),
                ),
            ),
            overdue=Count("pk", distinct=True, filter=Q(state=ObligationState.OVERDUE)),
            waiting=Count(
                "extension_requests",
                distinct=True,
                filter=Q(extension_requests__state=ExtensionState.PENDING),
            ),
        )
        hb = last_heartbeat()
        return totals | {"staff": True, "heartbeat": hb, "stale": is_stale(hb)}
    if actor.liaison_unit_ids:
        qs = Obligation.objects.filter(unit_id__in=actor.liaison_unit_ids)
        totals = qs.aggregate(
            pending=Count("pk", filter=Q(state__in=PENDING_STATES)),
            overdue=Count("pk", filter=Q(state=ObligationState.OVERDUE)),
        )
        nxt = qs.filter(state__in=PENDING_STATES).order_by("due_date", "pk").first()
        return totals | {"staff": False, "next": nxt}
    return None
