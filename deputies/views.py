"""Pages of the deputies app: the public directory, stations and their calendars; the deputy's
portal (duty days, voter opinions, duty record, training); staff pages (roster, statistics)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from congress import access
from congress.caching import cache_public_page
from congress.errors import DomainError
from congress.models import AccessChannel
from congress.privacy import log_access
from congress.queries import current_term
from deputies import calendar, queries, roster, services
from deputies.forms import (
    AnswerForm,
    CloseForm,
    DirectoryFilter,
    DutyEntryForm,
    ForwardForm,
    OpinionForm,
    ReplyForm,
    ReportForm,
    RosterUploadForm,
    StationFilter,
    SuggestionForm,
)
from deputies.models import (
    Deputy,
    DutyKind,
    DutyRecord,
    Mandate,
    MandateStatus,
    OpinionState,
    ReceptionDay,
    RosterImport,
    RosterImportState,
    Station,
    TrainingMaterial,
    VoterOpinion,
)

PAGE_SIZE = 20


def _query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


# --- Public -------------------------------------------------------------------------------------

# What the public roster and station pages read (their cache is bumped when any of these change).
ROSTER_MODELS = (
    "congress.Congress",
    "congress.Term",
    "congress.Meeting",
    "congress.Unit",
    "congress.Street",
    "deputies.Deputy",
    "deputies.Mandate",
    "deputies.DeputyGroup",
    "deputies.Station",
    "deputies.ReceptionDay",
    "deputies.ReceptionDay_deputies",
)


@cache_public_page(*ROSTER_MODELS)
@require_GET
def deputy_list(request):
    form = DirectoryFilter(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = queries.public_deputies(
        level=filters.get("level") or "",
        group=filters["group"].pk if filters.get("group") else None,
        station=filters["station"].pk if filters.get("station") else None,
        q=filters.get("q") or "",
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "deputies/deputy_list.html",
        {"form": form, "page": page, "query": _query_without_page(request)},
    )


@cache_public_page(
    "congress.Congress",
    "congress.Term",
    "congress.Meeting",
    "congress.Unit",
    "congress.Street",
    "deputies.Deputy",
    "deputies.Mandate",
    "deputies.DeputyGroup",
    "deputies.Station",
    "deputies.ReceptionDay",
    "deputies.DutyRecord",
    "deputies.ReceptionDay_deputies",
)
@require_GET
def deputy_detail(request, pk: int):
    deputy = get_object_or_404(queries.public_deputies(), pk=pk)
    duty = Paginator(queries.published_duty(deputy), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "deputies/deputy_detail.html", {"deputy": deputy, "page": duty})


@cache_public_page(*ROSTER_MODELS)
@require_GET
def station_list(request):
    form = StationFilter(request.GET or None)
    f = form.cleaned_data if form.is_valid() else {}
    qs = queries.public_stations(
        street=f["street"].pk if f.get("street") else None,
        kind=f.get("kind") or "",
        q=f.get("q") or "",
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    upcoming = {}
    for day in queries.reception_days(start=today).filter(
        station_id__in=[s.pk for s in page.object_list]
    ):
        upcoming.setdefault(day.station_id, day)
    for station in page.object_list:
        station.next_day = upcoming.get(station.pk)
    return render(
        request,
        "deputies/station_list.html",
        {"form": form, "page": page, "query": _query_without_page(request)},
    )


@cache_public_page(*ROSTER_MODELS)
@require_GET
def station_detail(request, pk: int):
    station = get_object_or_404(Station.objects.select_related("street"), pk=pk, is_active=True)
    today = timezone.localdate()
    days = list(queries.reception_days(station=station, start=today)[:12])
    return render(
        request,
        "deputies/station_detail.html",
        {
            "station": station,
            "days": days,
            "deputies": list(queries.station_deputies(station)),
        },
    )


@require_GET
def station_ical(request, pk: int):
    station = get_object_or_404(Station, pk=pk, is_active=True)
    today = timezone.localdate()
    days = queries.reception_days(station=station, start=today - dt.timedelta(days=90))
    response = HttpResponse(
        calendar.station_calendar(station, days, request),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'inline; filename="station-{station.pk}.ics"'
    return response


@cache_public_page(*ROSTER_MODELS)
@require_GET
def reception_calendar(request):
    """Reception days of every station in the coming weeks, by date."""
    today = timezone.localdate()
    form = StationFilter(request.GET or None)
    f = form.cleaned_data if form.is_valid() else {}
    qs = queries.reception_days(start=today, end=today + dt.timedelta(days=60))
    if f.get("street"):
        qs = qs.filter(station__street=f["street"])
    if f.get("kind"):
        qs = qs.filter(station__kind=f["kind"])
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "deputies/reception_calendar.html",
        {"form": form, "page": page, "query": _query_without_page(request)},
    )


# --- Portal: deputy home ------------------------------------------------------------------------


def _deputy_or_403(request) -> Deputy:
    deputy = queries.deputy_of(request.user)
    if deputy is None:
        raise PermissionDenied
    return deputy


@login_required
@require_GET
def portal_home(request):
    deputy = queries.deputy_of(request.user)
    if deputy is None:
        if queries.is_deputies_staff(request.user):
            return redirect("deputies:statistics")
        raise PermissionDenied
    today = timezone.localdate()
    return render(
        request,
        "deputies/portal_home.html",
        {
            "deputy": deputy,
            "mandates": list(queries.public_mandates().filter(deputy=deputy).order_by("level")),
            "duty_days": queries.next_duty_days(deputy, today),
            "opinions": list(queries.open_opinions_for_deputy(deputy)[:10]),
            "trainings": list(queries.trainings_to_complete(deputy)[:5]),
            "recent_duty": list(DutyRecord.objects.filter(deputy=deputy)[:5]),
            "duty_to_confirm": list(
                ReceptionDay.objects.filter(
                    deputies=deputy,
                    is_cancelled=False,
                    date__lte=today,
                    date__gte=today - dt.timedelta(days=60),
                )
                .exclude(
                    pk__in=DutyRecord.objects.filter(
                        deputy=deputy, kind=DutyKind.STATION_DUTY
                    ).values("source_id")
                )
                .select_related("station")[:5]
            ),
        },
    )


# --- Portal: voter opinions ---------------------------------------------------------------------


@login_required
@require_GET
def opinion_list(request):
    qs = queries.opinions_for(request.user)
    if not (queries.deputy_of(request.user) or access.actor_for(request.user).is_liaison) and not (
        queries.is_deputies_staff(request.user)
    ):
        raise PermissionDenied
    state = request.GET.get("state", "")
    if state in OpinionState.values:
        qs = qs.filter(state=state)
    elif state == "open":
        qs = qs.exclude(state=OpinionState.CLOSED)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "deputies/opinion_list.html",
        {
            "page": page,
            "state": state,
            "states": OpinionState.choices,
            "query": _query_without_page(request),
            "can_record": bool(queries.station_ids_of(queries.deputy_of(request.user))),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def opinion_create(request):
    deputy = _deputy_or_403(request)
    stations = queries.station_ids_of(deputy)
    if not stations:
        raise PermissionDenied
    today = timezone.localdate()
    form = OpinionForm(
        request.POST or None,
        station_ids=stations,
        today=today,
        initial={"received_on": today, "station": next(iter(stations))},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            opinion = services.record_opinion(
                d["station"],
                recorded_by=deputy,
                content=d["content"],
                category=d["category"],
                voter_name=d["voter_name"],
                voter_contact=d["voter_contact"],
                reception_day=d["reception_day"],
                received_on=d["received_on"],
                actor=request.user,
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("The voter opinion was recorded."))
            return redirect(opinion.get_absolute_url())
    return render(request, "deputies/opinion_form.html", {"form": form})


ACTION_FORMS = {
    "answer": AnswerForm,
    "forward": ForwardForm,
    "reply": ReplyForm,
    "report": ReportForm,
    "suggestion": SuggestionForm,
    "close": CloseForm,
}


def _opinion_forms(request, opinion, bound_action=None):
    """The action forms the user may use on the opinion in its state."""
    can_handle = queries.can_handle_opinion(request.user, opinion)
    can_reply = queries.can_reply_opinion(request.user, opinion)
    allowed = []
    if opinion.state == OpinionState.RECORDED and can_handle:
        allowed = ["answer", "forward", "suggestion", "report"]
    elif opinion.state == OpinionState.FORWARDED and can_reply:
        allowed = ["reply"]
    elif (
        opinion.state != OpinionState.CLOSED
        and opinion.state != OpinionState.FORWARDED
        and can_handle
    ):
        allowed = ["close"]
    forms = {}
    for name in allowed:
        data = request.POST if name == bound_action else None
        if name == "suggestion":
            forms[name] = SuggestionForm(
                data,
                deputies=opinion.deputies.all(),
                initial={
                    "title": opinion.content[:40],
                    "proposers": [d.pk for d in opinion.deputies.all()],
                },
            )
        else:
            forms[name] = ACTION_FORMS[name](data)
    return forms


def _render_opinion(request, opinion, forms, status=200):
    from congress.workflow import transitions_of

    voter = None
    if opinion.has_voter_data and queries.can_see_voter_data(request.user, opinion):
        voter = services.reveal_voter_data(
            opinion, user=request.user, channel="page", request=request
        )
    return render(
        request,
        "deputies/opinion_detail.html",
        {
            "opinion": opinion,
            "voter": voter,
            "forms": forms,
            "obligation": services.opinion_obligation(opinion),
            "history": [
                (t, OpinionState(t.to_state).label if t.to_state in OpinionState.values else "")
                for t in transitions_of(opinion)
            ],
            "deputies": list(opinion.deputies.all()),
        },
        status=status,
    )


@login_required
@require_GET
def opinion_detail(request, pk: int):
    opinion = get_object_or_404(queries.opinions_for(request.user), pk=pk)
    return _render_opinion(request, opinion, _opinion_forms(request, opinion))


@login_required
@require_POST
def opinion_action(request, pk: int, action: str):
    opinion = get_object_or_404(queries.opinions_for(request.user), pk=pk)
    forms = _opinion_forms(request, opinion, bound_action=action)
    form = forms.get(action)
    if form is None:
        if action not in ACTION_FORMS:
            raise Http404
        raise PermissionDenied
    if form.is_valid():
        d = form.cleaned_data
        try:
            if action == "answer":
                services.answer_on_spot(opinion, answer=d["answer"], actor=request.user)
            elif action == "forward":
                services.forward_opinion(opinion, unit=d["unit"], actor=request.user)
            elif action == "reply":
                services.record_unit_reply(opinion, reply=d["reply"], actor=request.user)
            elif action == "report":
                services.report_to_committee(opinion, note=d["note"], actor=request.user)
            elif action == "suggestion":
                services.convert_to_suggestion(
                    opinion,
                    title=d["title"],
                    proposers=list(d["proposers"]),
                    term=current_term(),
                    actor=request.user,
                )
            elif action == "close":
                services.close_opinion(opinion, feedback=d["feedback"], actor=request.user)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Saved."))
            return redirect(opinion.get_absolute_url())
    opinion.refresh_from_db()
    return _render_opinion(request, opinion, forms, status=400)


# --- Portal: reception days ---------------------------------------------------------------------


@login_required
@require_POST
def reception_confirm(request, pk: int):
    """A deputy on duty confirms they kept it; staff confirm for everyone on the roster."""
    day = get_object_or_404(ReceptionDay.objects.select_related("station"), pk=pk)
    deputy = queries.deputy_of(request.user)
    if deputy is not None and day.deputies.filter(pk=deputy.pk).exists():
        present = [deputy]
    elif access.is_staff_member(request.user) and request.user.has_perm(
        "deputies.change_receptionday"
    ):
        present = list(day.deputies.all())
    else:
        raise Http404
    try:
        services.confirm_reception_duty(day, present=present, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The duty was entered in the duty record."))
    return redirect("deputies:portal_home" if deputy else "deputies:statistics")


# --- Portal: duty record ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def duty_record(request):
    deputy = _deputy_or_403(request)
    if request.method == "POST":
        ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
        publish = request.POST.get("publish") == "1"
        n = services.set_duty_published(ids, deputy=deputy, published=publish)
        messages.success(
            request,
            (_("%(n)d entries published.") if publish else _("%(n)d entries withdrawn."))
            % {"n": n},
        )
        return redirect(request.get_full_path())
    qs = DutyRecord.objects.filter(deputy=deputy)
    kind = request.GET.get("kind", "")
    if kind in DutyKind.values:
        qs = qs.filter(kind=kind)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    years = [d.year for d in DutyRecord.objects.filter(deputy=deputy).dates("date", "year", "DESC")]
    return render(
        request,
        "deputies/duty_record.html",
        {
            "page": page,
            "kind": kind,
            "kinds": DutyKind.choices,
            "years": years,
            "query": _query_without_page(request),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def duty_add(request):
    deputy = _deputy_or_403(request)
    form = DutyEntryForm(request.POST or None, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.add_manual_duty(
                deputy,
                kind=d["kind"],
                title=d["title"],
                date=d["date"],
                note=d["note"],
                actor=request.user,
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("The activity was added to your duty record."))
            return redirect("deputies:duty_record")
    return render(request, "deputies/duty_form.html", {"form": form})


@login_required
@require_POST
def duty_delete(request, pk: int):
    deputy = _deputy_or_403(request)
    record = get_object_or_404(DutyRecord, pk=pk, deputy=deputy)
    try:
        services.delete_manual_duty(record, deputy=deputy)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The entry was deleted."))
    return redirect("deputies:duty_record")


@login_required
@require_GET
def duty_summary(request, year: int):
    deputy = _deputy_or_403(request)
    labels = dict(DutyKind.choices)
    rows = [
        {"kind": labels.get(r["kind"], r["kind"]), "n": r["n"]}
        for r in queries.duty_summary(deputy, year)
    ]
    entries = DutyRecord.objects.filter(deputy=deputy, date__year=year).order_by("date", "id")
    return render(
        request,
        "deputies/duty_summary.html",
        {
            "deputy": deputy,
            "year": year,
            "rows": rows,
            "total": sum(r["n"] for r in rows),
            "entries": entries,
        },
    )


# --- Portal: training ---------------------------------------------------------------------------


@login_required
@require_GET
def training_list(request):
    deputy = _deputy_or_403(request)
    qs = (
        TrainingMaterial.objects.filter(is_published=True)
        .annotate(done=Count("completions", filter=Q(completions__deputy=deputy)))
        .order_by("-published_on", "-id")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "deputies/training_list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def training_detail(request, pk: int):
    deputy = _deputy_or_403(request)
    material = get_object_or_404(TrainingMaterial, pk=pk, is_published=True)
    if request.method == "POST":
        services.complete_training(material, deputy=deputy)
        messages.success(request, _("Training marked as completed."))
        return redirect(material.get_absolute_url())
    done = material.completions.filter(deputy=deputy).first()
    return render(request, "deputies/training_detail.html", {"material": material, "done": done})


# --- Staff: roster and statistics ---------------------------------------------------------------


def _staff_with(request, perm: str) -> None:
    if not (access.is_staff_member(request.user) and request.user.has_perm(perm)):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def roster_import(request):
    _staff_with(request, "deputies.import_roster")
    term = current_term()
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        upload.seek(0)
        record, _parsed = roster.upload(
            content=upload.read(),
            filename=getattr(upload, "original_name", "") or upload.name,
            term=term,
            actor=request.user,
        )
        return redirect("deputies:roster_preview", pk=record.pk)
    return render(
        request,
        "deputies/roster_import.html",
        {
            "form": form,
            "term": term,
            "columns": [c for c, _k in roster.COLUMNS],
            "recent": RosterImport.objects.filter(uploaded_by=request.user).defer("content")[:5],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def roster_preview(request, pk: int):
    _staff_with(request, "deputies.import_roster")
    record = get_object_or_404(RosterImport, pk=pk, uploaded_by=request.user)
    if request.method == "POST":
        try:
            roster.confirm(record, actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The roster was imported."))
        return redirect("deputies:roster_preview", pk=record.pk)
    parsed = (
        roster.parse(bytes(record.content), record.term)
        if record.state == RosterImportState.PREVIEW
        else None
    )
    return render(request, "deputies/roster_preview.html", {"record": record, "parsed": parsed})


@login_required
@require_GET
def roster_export(request):
    _staff_with(request, "deputies.change_deputy")  # personal data: the registry's keepers only
    term = current_term()
    if term is None:
        raise Http404
    log_access(
        request.user,
        list(Deputy.objects.filter(mandates__term=term).distinct().order_by("pk")),
        channel=AccessChannel.EXPORT,
        request=request,
    )
    response = HttpResponse(
        roster.export(term),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = roster.export_filename(term, timezone.localdate())
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def statistics(request):
    _staff_with(request, "deputies.view_dutyrecord")
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    by_kind = (
        DutyRecord.objects.filter(date__year=year)
        .values("kind")
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    labels = dict(DutyKind.choices)
    groups = (
        Mandate.objects.filter(
            status=MandateStatus.SERVING, term__is_current=True, group__isnull=False
        )
        .values("group__name", "group__sort_order")
        .annotate(
            deputies=Count("deputy", distinct=True),
            activities=Count(
                "deputy__duty_records", filter=Q(deputy__duty_records__date__year=year)
            ),
        )
        .order_by("group__sort_order")
    )
    opinions = (
        VoterOpinion.objects.filter(received_on__year=year).values("state").annotate(n=Count("id"))
    )
    state_labels = dict(OpinionState.choices)
    return render(
        request,
        "deputies/statistics.html",
        {
            "year": year,
            "years": list(range(today.year, 2021, -1)),
            "by_kind": [{"kind": labels.get(r["kind"], r["kind"]), "n": r["n"]} for r in by_kind],
            "groups": groups,
            "opinions": [{"state": state_labels.get(r["state"]), "n": r["n"]} for r in opinions],
            "export_url": reverse("deputies:roster_export"),
        },
    )
