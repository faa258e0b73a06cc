"""Pages of the expert pool: the public list by field (no contacts), the experts' invitations,
and the staff pages for consultations and the yearly review."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from congress.access import actor_for
from congress.caching import cache_public_page
from congress.errors import DomainError
from congress.models import AccessChannel, Unit, UnitKind
from congress.privacy import log_access
from experts import queries, services
from experts.forms import CancelForm, ConsultationForm, DeclarationForm, OpinionForm, SummaryForm
from experts.models import (
    Consultation,
    ConsultationState,
    Expert,
    InvitationState,
)


def _form_error(form, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))


def _require_staff(request) -> None:
    if not actor_for(request.user).is_staff_member:
        raise PermissionDenied


# --- Public ----------------------------------------------------------------------------------


@cache_public_page(
    "experts.Expert",
    "experts.ExpertiseField",
    "experts.AppointmentTerm",
    "experts.Expert_fields",
)
@require_GET
def public_list(request):
    fields = list(queries.fields_with_counts())
    selected = None
    raw = request.GET.get("field", "")
    if raw.isdigit():
        selected = next((f for f in fields if f.pk == int(raw)), None)
    page = Paginator(queries.public_experts(selected), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "experts/public_list.html",
        {
            "fields": fields,
            "selected": selected,
            "page": page,
            "query": f"field={selected.pk}" if selected else "",
        },
    )


# --- Portal: experts ---------------------------------------------------------------------------


@login_required
@require_GET
def portal_list(request):
    actor = actor_for(request.user)
    expert = getattr(request.user, "expert", None)
    if not actor.is_staff_member and expert is None:
        raise PermissionDenied
    context = {"actor": actor, "expert": expert}
    if expert is not None:
        invitations = list(queries.invitations_for(request.user).filter(expert=expert))
        context["open_invitations"] = [i for i in invitations if i.is_open]
        context["past_invitations"] = [i for i in invitations if not i.is_open]
    if actor.is_staff_member:
        context["consultations"] = Paginator(
            Consultation.objects.select_related("office").order_by("-created_at"), 20
        ).get_page(request.GET.get("page"))
    return render(request, "experts/portal_list.html", context)


def _invitation(request, pk: int):
    expert = getattr(request.user, "expert", None)
    if expert is None:
        raise Http404
    return get_object_or_404(
        queries.invitations_for(request.user)
        .filter(expert=expert)
        .select_related("consultation__office"),
        pk=pk,
    )


def _render_invitation(request, inv, status=200, **forms):
    context = {
        "inv": inv,
        "consultation": inv.consultation,
        "fields": list(inv.consultation.fields.all()),
        "declaration_form": forms.get("declaration_form") or DeclarationForm(),
        "opinion_form": forms.get("opinion_form") or OpinionForm(),
        "today": timezone.localdate(),
    }
    return render(request, "experts/invitation.html", context, status=status)


@login_required
@require_GET
def invitation(request, pk: int):
    """An expert's own invitation; another expert's (or anybody else) gets 404."""
    return _render_invitation(request, _invitation(request, pk))


@login_required
@require_POST
def invitation_declare(request, pk: int):
    inv = _invitation(request, pk)
    form = DeclarationForm(request.POST)
    if form.is_valid():
        try:
            services.declare_conflict(
                inv,
                actor=request.user,
                has_conflict=form.cleaned_data["has_conflict"],
                details=form.cleaned_data["conflict_details"],
            )
        except DomainError as exc:
            _form_error(form, exc)
            return _render_invitation(request, inv, exc.status, declaration_form=form)
        messages.success(request, _("Your declaration was recorded."))
        return redirect("experts:invitation", pk=inv.pk)
    return _render_invitation(request, inv, 400, declaration_form=form)


@login_required
@require_POST
def invitation_opinion(request, pk: int):
    inv = _invitation(request, pk)
    form = OpinionForm(request.POST)
    if form.is_valid():
        try:
            services.submit_opinion(inv, actor=request.user, opinion=form.cleaned_data["opinion"])
        except DomainError as exc:
            _form_error(form, exc)
            return _render_invitation(request, inv, exc.status, opinion_form=form)
        messages.success(request, _("Your opinion was submitted. Thank you."))
        return redirect("experts:invitation", pk=inv.pk)
    return _render_invitation(request, inv, 400, opinion_form=form)


@login_required
@require_POST
def invitation_decline(request, pk: int):
    inv = _invitation(request, pk)
    try:
        services.decline(inv, actor=request.user, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("You declined the invitation."))
    return redirect("experts:invitation", pk=inv.pk)


# --- Portal: staff -----------------------------------------------------------------------------


def _staff_offices(request):
    actor = actor_for(request.user)
    qs = Unit.objects.filter(kind=UnitKind.OFFICE)
    return qs if actor.is_superuser else qs.filter(pk__in=actor.staff_office_ids)


@login_required
def consultation_new(request):
    _require_staff(request)
    offices = _staff_offices(request)
    status = 200
    if request.method == "POST":
        form = ConsultationForm(request.POST, offices=offices)
        if form.is_valid():
            d = form.cleaned_data
            try:
                c = services.request_consultation(
                    actor=request.user,
                    office=d["office"],
                    title=d["title"],
                    subject_kind=d["subject_kind"],
                    subject_reference=d["subject_reference"],
                    question=d["question"],
                    fields=d["fields"],
                    opinion_due=d["opinion_due"],
                    due_date=d["due_date"],
                )
            except DomainError as exc:
                _form_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("The consultation was opened; now invite experts."))
                return redirect("experts:consultation", pk=c.pk)
        else:
            status = 400
    else:
        form = ConsultationForm(offices=offices, initial={"office": offices.first()})
    return render(request, "experts/consultation_new.html", {"form": form}, status=status)


def _staff_consultation(request, pk: int) -> Consultation:
    consultation = get_object_or_404(queries.consultations_for(request.user), pk=pk)
    return consultation


@login_required
@require_GET
def consultation(request, pk: int):
    """Staff: the whole consultation. An invited expert is sent to their invitation."""
    c = _staff_consultation(request, pk)
    if not actor_for(request.user).is_staff_member:
        inv = c.invitations.get(expert=request.user.expert)
        return redirect("experts:invitation", pk=inv.pk)
    return _render_consultation(request, c)


def _render_consultation(request, c, status=200, **forms):
    from congress.deadlines import obligations_for

    fields = list(c.fields.all())
    invitations = list(c.invitations.select_related("expert").order_by("expert__name"))
    context = {
        "c": c,
        "fields": fields,
        "invitations": invitations,
        "suggestions": list(queries.suggest_experts(fields, exclude=c))
        if c.state == ConsultationState.OPEN
        else [],
        "obligations": list(obligations_for(c)),
        "summary_form": forms.get("summary_form") or SummaryForm(),
        "cancel_form": forms.get("cancel_form") or CancelForm(),
        "submitted": [i for i in invitations if i.state == InvitationState.SUBMITTED],
    }
    return render(request, "experts/consultation.html", context, status=status)


@login_required
@require_POST
def consultation_invite(request, pk: int):
    _require_staff(request)
    c = _staff_consultation(request, pk)
    ids = [int(i) for i in request.POST.getlist("experts") if i.isdigit()]
    experts = list(Expert.objects.filter(pk__in=ids))
    if not experts:
        messages.error(request, _("Choose at least one expert."))
        return redirect("experts:consultation", pk=c.pk)
    try:
        created = services.invite(c, experts, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("%(n)d expert(s) invited.") % {"n": len(created)})
    return redirect("experts:consultation", pk=c.pk)


@login_required
@require_POST
def consultation_summarise(request, pk: int):
    _require_staff(request)
    c = _staff_consultation(request, pk)
    form = SummaryForm(request.POST)
    if form.is_valid():
        try:
            services.summarise(c, actor=request.user, summary=form.cleaned_data["summary"])
        except DomainError as exc:
            _form_error(form, exc)
            return _render_consultation(request, c, exc.status, summary_form=form)
        messages.success(request, _("The summary was recorded and the consultation closed."))
        return redirect("experts:consultation", pk=c.pk)
    return _render_consultation(request, c, 400, summary_form=form)


@login_required
@require_POST
def consultation_cancel(request, pk: int):
    _require_staff(request)
    c = _staff_consultation(request, pk)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.cancel(c, actor=request.user, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            _form_error(form, exc)
            return _render_consultation(request, c, exc.status, cancel_form=form)
        messages.success(request, _("The consultation was cancelled."))
        return redirect("experts:consultation", pk=c.pk)
    return _render_consultation(request, c, 400, cancel_form=form)


@login_required
@require_GET
def yearly_review(request):
    _require_staff(request)
    this_year = timezone.localdate().year
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= this_year + 1 else this_year
    return render(
        request,
        "experts/yearly_review.html",
        {
            "year": year,
            "rows": list(queries.yearly_record(year)),
            "years": range(2022, this_year + 1),
        },
    )


@login_required
@require_GET
def expert_record(request, pk: int):
    """One expert's consultation record (staff; an expert sees their own)."""
    actor = actor_for(request.user)
    own = getattr(request.user, "expert", None)
    if not actor.is_staff_member and (own is None or own.pk != pk):
        raise Http404
    expert = get_object_or_404(Expert.objects.prefetch_related("fields", "terms"), pk=pk)
    if actor.is_staff_member:
        log_access(request.user, expert, channel=AccessChannel.PAGE, request=request)
    return render(
        request,
        "experts/expert_record.html",
        {
            "expert": expert,
            "invitations": list(queries.record_of(expert)),
            "show_contacts": actor.is_staff_member,
        },
    )
