"""Staff pages for the yearly report on motions to the congress session (DOCX and PDF too)."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from congress.access import actor_for
from congress.errors import DomainError, PermissionRefused
from congress.models import Obligation
from congress.queries import current_term
from motions import documents, forms, permissions, queries, services
from motions.models import SessionReport


def _staff_only(request, report: SessionReport | None = None) -> None:
    """The report pages are for committee staff; changing a report needs `can_prepare_reports`."""
    if not actor_for(request.user).is_staff_member:
        raise PermissionDenied
    if report is not None and not permissions.can_prepare_reports(request.user, report):
        raise PermissionDenied


@login_required
def report_list(request):
    _staff_only(request)
    reports = list(queries.session_reports())
    obligations = {
        ob.subject_id: ob
        for ob in Obligation.objects.filter(
            subject_type=ContentType.objects.get_for_model(SessionReport),
            subject_id__in=[r.pk for r in reports],
            kind=services.KIND_SESSION,
        )
    }
    for report in reports:
        report.obligation = obligations.get(report.pk)
    return render(request, "motions/report_list.html", {"reports": reports})


@login_required
@require_POST
def report_prepare(request):
    """Make sure the report to the next session exists (with its obligation) and draft it."""
    _staff_only(request)
    if not permissions.can_prepare_reports(request.user):
        raise PermissionDenied
    term = current_term()
    report = services.ensure_session_report(term, actor=request.user) if term else None
    if report is None:
        messages.error(request, _("No next congress session is scheduled."))
        return redirect("motions:report_list")
    if not report.text:
        services.generate_session_report(report, actor=request.user)
    return redirect(report.get_absolute_url())


@login_required
def report_detail(request, pk: int):
    _staff_only(request)
    report = get_object_or_404(queries.session_reports(), pk=pk)
    may_edit = permissions.can_prepare_reports(request.user, report)
    if request.method == "POST" and not may_edit:
        raise PermissionDenied
    form = forms.SessionReportForm(request.POST or None, instance=report)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_session_report(
                report,
                actor=request.user,
                title=form.cleaned_data["title"],
                text=form.cleaned_data["text"],
            )
        except PermissionRefused:
            raise PermissionDenied
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        else:
            messages.success(request, _("The report was saved."))
            return redirect(report.get_absolute_url())
    return render(
        request,
        "motions/report_detail.html",
        {
            "report": report,
            "form": form,
            "obligation": services.session_report_obligation(report),
            "may_edit": may_edit,
        },
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def report_generate(request, pk: int):
    report = get_object_or_404(SessionReport, pk=pk)
    _staff_only(request, report)
    services.generate_session_report(report, actor=request.user)
    messages.success(request, _("The draft was generated again from the motions of the term."))
    return redirect(report.get_absolute_url())


@login_required
@require_POST
def report_submit(request, pk: int):
    report = get_object_or_404(SessionReport, pk=pk)
    _staff_only(request, report)
    try:
        services.submit_session_report(report, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The report was handed in."))
    return redirect(report.get_absolute_url())


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def report_docx(request, pk: int):
    _staff_only(request)
    report = get_object_or_404(queries.session_reports(), pk=pk)
    return _download(
        documents.render_docx(report),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        f"{report.title}.docx",
    )


@login_required
@require_GET
def report_pdf(request, pk: int):
    _staff_only(request)
    report = get_object_or_404(queries.session_reports(), pk=pk)
    return _download(documents.render_pdf(report), "application/pdf", f"{report.title}.pdf")
