"""Pages of the record book: the public book (published entries), its print, PDF and DOCX
editions, and the portal where lead streets' recorders keep their entries and staff oversee."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from congress.access import actor_for
from congress.caching import cache_public_page
from congress.errors import DomainError
from congress.jointmeetings import exports, queries, services
from congress.jointmeetings.forms import (
    ChangeLeadForm,
    CorrectionForm,
    EntryForm,
    PhotoForm,
    ScheduleForm,
)
from congress.jointmeetings.models import JointMeeting, JointMeetingPhoto, JointMeetingState
from congress.workflow import transitions_of


def _form_error(form, exc: DomainError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, str(exc.message))


# --- Public: the record book -----------------------------------------------------------------


@cache_public_page(
    "congress.Congress",
    "congress.Term",
    "congress.Meeting",
    "congress.Unit",
    "congress.Street",
    "jointmeetings.JointMeeting",
    "jointmeetings.EntryVersion",
    "jointmeetings.LeadChange",
    "jointmeetings.JointMeetingPhoto",
    "congress.WorkCommittee",
)
@require_GET
def book(request):
    years = queries.book_years()
    year = request.GET.get("year", "")
    selected = (
        int(year) if year.isdigit() and int(year) in years else (years[-1] if years else None)
    )
    entries = list(queries.published_entries().filter(date__year=selected)) if selected else []
    return render(
        request,
        "jointmeetings/book.html",
        {"years": years, "year": selected, "entries": entries},
    )


@require_GET
def book_print(request):
    """The whole book on one page, laid out for printing as a bound book (print stylesheet)."""
    entries = list(queries.published_entries())
    return render(request, "jointmeetings/book_print.html", {"entries": entries})


@require_GET
def book_pdf(request):
    data = exports.book_pdf(list(queries.published_entries()))
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="joint-meeting-record-book.pdf"'
    return response


@require_GET
def book_docx(request):
    data = exports.book_docx(list(queries.published_entries()))
    response = HttpResponse(
        data,
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = 'attachment; filename="joint-meeting-record-book.docx"'
    return response


@cache_public_page(
    "congress.Congress",
    "congress.Term",
    "congress.Meeting",
    "congress.Unit",
    "congress.Street",
    "jointmeetings.JointMeeting",
    "jointmeetings.EntryVersion",
    "jointmeetings.LeadChange",
    "jointmeetings.JointMeetingPhoto",
    "congress.WorkCommittee",
    "congress.User",
)
@require_GET
def entry(request, number: int):
    meeting = get_object_or_404(queries.published_entries(), number=number)
    return render(
        request,
        "jointmeetings/entry.html",
        {"meeting": meeting, "versions": list(queries.versions_of(meeting))},
    )


@require_GET
def version(request, number: int, version_number: int):
    meeting = get_object_or_404(queries.published_entries(), number=number)
    shown = get_object_or_404(queries.versions_of(meeting), number=version_number)
    return render(
        request,
        "jointmeetings/version.html",
        {"meeting": meeting, "shown": shown, "versions": list(queries.versions_of(meeting))},
    )


@require_GET
def photo(request, pk: int, size: str):
    """Photos are served through this view: a signed-off entry's to everyone, an open entry's to
    staff and street recorders only."""
    if size not in ("thumb", "full"):
        raise Http404
    p = get_object_or_404(JointMeetingPhoto.objects.select_related("meeting"), pk=pk)
    if not p.meeting.is_published:
        actor = actor_for(request.user)
        if not (actor.is_staff_member or actor.is_recorder):
            raise Http404
    field = p.thumbnail if size == "thumb" else p.image
    try:
        handle = field.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404
    response = FileResponse(handle, content_type=_image_type(field.name))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=86400" if p.meeting.is_published else "private"
    return response


def _image_type(name: str) -> str:
    return "image/png" if name.lower().endswith(".png") else "image/jpeg"


# --- Portal --------------------------------------------------------------------------------------


def _require_portal(request):
    actor = actor_for(request.user)
    if not (actor.is_staff_member or actor.is_recorder):
        raise PermissionDenied
    return actor


@login_required
@require_GET
def portal_list(request):
    actor = _require_portal(request)
    page = Paginator(queries.portal_entries(request.user), 20).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "mine": list(queries.open_entries_for(request.user)),
        "actor": actor,
        "recorder_street_ids": actor.recorder_street_ids,
    }
    if actor.is_staff_member:
        context["proposed_lead"] = queries.propose_next_lead()
    return render(request, "jointmeetings/portal_list.html", context)


def _entry_context(request, meeting, **extra):
    actor = actor_for(request.user)
    context = {
        "meeting": meeting,
        "actor": actor,
        "can_edit": queries.can_edit(request.user, meeting),
        "is_lead_recorder": meeting.lead.street_id in actor.recorder_street_ids,
        "versions": list(queries.versions_of(meeting)) if meeting.is_locked else [],
        "lead_changes": list(
            meeting.lead_changes.select_related("proposed__street", "chosen__street")
        ),
        "transitions": [
            (
                t,
                JointMeetingState(t.to_state).label
                if t.to_state in JointMeetingState.values
                else t.to_state,
            )
            for t in transitions_of(meeting)
        ],
        "photo_form": PhotoForm(),
    }
    context.update(extra)
    return context


@login_required
@require_GET
def portal_entry(request, pk: int):
    _require_portal(request)
    meeting = get_object_or_404(queries.readable_entry(request.user, pk))
    return render(request, "jointmeetings/portal_entry.html", _entry_context(request, meeting))


@login_required
def portal_edit(request, pk: int):
    """The lead street's recorder writes the entry; anybody else gets 404, a locked entry 409."""
    meeting = get_object_or_404(queries.editable_entries(request.user), pk=pk)
    status = 200
    if request.method == "POST":
        form = EntryForm(request.POST, instance=JointMeeting.objects.get(pk=meeting.pk))
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.update_entry(
                    meeting,
                    actor=request.user,
                    attending=list(data["attending"]),
                    **{k: data[k] for k in services.RECORDER_FIELDS},
                )
            except DomainError as exc:
                _form_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("The entry was saved."))
                return redirect("jointmeetings:portal_entry", pk=meeting.pk)
        else:
            status = 400
    else:
        form = EntryForm(instance=meeting)
        if meeting.is_locked:
            status = 409
    return render(
        request, "jointmeetings/portal_edit.html", {"meeting": meeting, "form": form}, status=status
    )


@login_required
@require_POST
def portal_photo_add(request, pk: int):
    meeting = get_object_or_404(queries.editable_entries(request.user), pk=pk)
    form = PhotoForm(request.POST, request.FILES)
    status = 400
    if form.is_valid():
        try:
            services.add_photo(
                meeting,
                actor=request.user,
                file=form.cleaned_data["photo"],
                caption=form.cleaned_data["caption"],
            )
        except DomainError as exc:
            _form_error(form, exc)
            status = exc.status
        else:
            messages.success(request, _("The photo was added."))
            return redirect("jointmeetings:portal_entry", pk=meeting.pk)
    meeting = get_object_or_404(queries.readable_entry(request.user, pk))
    return render(
        request,
        "jointmeetings/portal_entry.html",
        _entry_context(request, meeting, photo_form=form),
        status=status,
    )


@login_required
@require_POST
def portal_photo_delete(request, pk: int, photo_pk: int):
    meeting = get_object_or_404(queries.editable_entries(request.user), pk=pk)
    photo_obj = get_object_or_404(meeting.photos, pk=photo_pk)
    try:
        services.remove_photo(photo_obj, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The photo was removed."))
    return redirect("jointmeetings:portal_entry", pk=meeting.pk)


@login_required
@require_POST
def portal_mark_held(request, pk: int):
    actor = _require_portal(request)
    qs = (
        queries.portal_entries(request.user)
        if actor.is_staff_member
        else (queries.editable_entries(request.user))
    )
    meeting = get_object_or_404(qs, pk=pk)
    try:
        services.mark_held(meeting, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The meeting is marked as held; write its information."))
    return redirect("jointmeetings:portal_entry", pk=meeting.pk)


def _staff_meeting(request, pk: int) -> JointMeeting:
    if not actor_for(request.user).is_staff_member:
        raise Http404
    return get_object_or_404(JointMeeting.objects.select_related("lead__street"), pk=pk)


@login_required
@require_POST
def portal_sign_off(request, pk: int):
    meeting = _staff_meeting(request, pk)
    try:
        services.sign_off(meeting, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The entry is signed off, locked and published in the book."))
    return redirect("jointmeetings:portal_entry", pk=meeting.pk)


@login_required
def portal_correct(request, pk: int):
    meeting = _staff_meeting(request, pk)
    status = 200
    if request.method == "POST":
        form = CorrectionForm(request.POST, instance=JointMeeting.objects.get(pk=meeting.pk))
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.correct_entry(
                    meeting,
                    actor=request.user,
                    reason=data["reason"],
                    **{k: data[k] for k in CorrectionForm.Meta.fields},
                )
            except DomainError as exc:
                _form_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("The correction was recorded as a new version."))
                return redirect("jointmeetings:portal_entry", pk=meeting.pk)
        else:
            status = 400
    else:
        form = CorrectionForm(instance=meeting)
    return render(
        request,
        "jointmeetings/portal_correct.html",
        {"meeting": meeting, "form": form},
        status=status,
    )


@login_required
def portal_schedule(request):
    if not actor_for(request.user).is_staff_member:
        raise PermissionDenied
    proposed = queries.propose_next_lead()
    status = 200
    if request.method == "POST":
        form = ScheduleForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                meeting = services.schedule_meeting(
                    actor=request.user,
                    date=data["date"],
                    form=data["form"],
                    topic=data["topic"],
                    place=data["place"],
                    lead=data["lead"],
                    override_reason=data["override_reason"],
                )
            except DomainError as exc:
                _form_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("The joint meeting was scheduled."))
                return redirect("jointmeetings:portal_entry", pk=meeting.pk)
        else:
            status = 400
    else:
        form = ScheduleForm(initial={"lead": proposed})
    return render(
        request,
        "jointmeetings/portal_schedule.html",
        {"form": form, "proposed": proposed},
        status=status,
    )


@login_required
def portal_change_lead(request, pk: int):
    meeting = _staff_meeting(request, pk)
    status = 200
    if request.method == "POST":
        form = ChangeLeadForm(request.POST)
        if form.is_valid():
            try:
                services.change_lead(
                    meeting,
                    actor=request.user,
                    lead=form.cleaned_data["lead"],
                    reason=form.cleaned_data["reason"],
                )
            except DomainError as exc:
                _form_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("The lead street was changed."))
                return redirect("jointmeetings:portal_entry", pk=meeting.pk)
        else:
            status = 400
    else:
        form = ChangeLeadForm()
    return render(
        request,
        "jointmeetings/portal_change_lead.html",
        {"meeting": meeting, "form": form},
        status=status,
    )
