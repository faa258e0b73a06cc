"""Portal pages: deputies draft and co-sign, units answer and report, staff review, assign,
supervise and publish. Every page starts from `queries.portal_motions(user)`: a motion the user
may not open answers 404; an action they may not take answers 403."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from congress import deadlines
from congress.access import actor_for
from congress.errors import DomainError, PermissionRefused
from congress.models import PENDING_STATES
from congress.workflow import transitions_of
from motions import forms, permissions, queries, services
from motions.models import (
    ACTIVE_ASSIGNMENT_STATES,
    PHASES,
    PUBLIC_STATES,
    Assignment,
    AssignmentState,
    Cosigner,
    CosignerState,
    Follow,
    Motion,
    MotionState,
    ProgressUpdate,
    UpdateState,
)
from motions.views.public import planned_years


def _motion(request, pk: int) -> Motion:
    return get_object_or_404(
        queries.portal_motions(request.user).select_related(
            "session__term__congress", "lead_deputy", "lead_unit", "supervising_office", "topic"
        ),
        pk=pk,
    )


def _apply(request, form, call) -> tuple[bool, object]:
    """Run a service: (True, its result), or (False, None) with the domain error on the form.
    A refusal of permission is a 403."""
    try:
        return True, call()
    except PermissionRefused:
        raise PermissionDenied
    except DomainError as exc:
        field = exc.field if exc.field in form.fields else None
        form.add_error(field, str(exc.message))
        return False, None


def _act(request, call, success: str) -> bool:
    """For buttons without a form: errors become messages."""
    try:
        call()
    except PermissionRefused:
        raise PermissionDenied
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return False
    messages.success(request, success)
    return True


def _form_page(
    request,
    motion,
    form,
    *,
    title: str,
    intro: str = "",
    submit: str = "",
    template: str = "motions/action_form.html",
    extra=None,
):
    context = {
        "motion": motion,
        "form": form,
        "page_title": title,
        "intro": intro,
        "submit_label": submit or _("Save"),
        **(extra or {}),
    }
    return render(request, template, context, status=400 if form.is_bound else 200)


# --- lists ----------------------------------------------------------------------------------


@login_required
def portal_list(request):
    """What this user has to do about motions, then the motions they can open."""
    user = request.user
    actor = actor_for(user)
    deputy = permissions.deputy_of(user)
    filters = queries.PublicFilters.from_query(request.GET)
    state = request.GET.get("state", "")
    qs = filters.apply(queries.portal_list(user))
    if state in MotionState.values:
        qs = qs.filter(state=state)
    page = Paginator(qs, queries.PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "state": state,
        "states": MotionState.choices,
        "query": filters.querystring() + (f"&state={state}" if state else ""),
        "deputy": deputy,
    }
    if deputy is not None:
        context["invitations"] = list(queries.invitations(deputy))
        context["changes"] = queries.recent_changes(user)
    if actor.is_liaison:
        context["assignments"] = list(queries.my_assignments(user))
        context["owed"] = list(queries.unit_obligations(user))
    if actor.is_staff_member:
        context.update(
            Motion.objects.aggregate(
                to_review=Count("pk", filter=Q(state=MotionState.SUBMITTED)),
                to_assign=Count("pk", filter=Q(state=MotionState.REGISTERED)),
            )
        )
        context["to_publish"] = list(queries.pending_updates(user)[:20])
        context["can_review"] = permissions.can_review(user)
        context["can_prepare_reports"] = permissions.can_prepare_reports(user)
    return render(request, "motions/portal_list.html", context)


# --- the motion page ------------------------------------------------------------------------


@login_required
def portal_detail(request, pk: int):
    motion = _motion(request, pk)
    user = request.user
    deputy = permissions.deputy_of(user)
    supervisor = permissions.can_supervise(user, motion)
    unit_ids = permissions.liaison_unit_ids(user)
    is_lead = permissions.is_lead(user, motion)
    # The lead unit first ("lead" > "co"), then by date.
    assignments = list(motion.assignments.select_related("unit").order_by("-role", "assigned_at"))
    my_units = {a.unit_id for a in assignments if a.is_active and a.unit_id in unit_ids}
    staff = actor_for(user).is_staff_member
    updates = (
        ProgressUpdate.objects.filter(motion=motion)
        .select_related("unit", "author")
        .prefetch_related("photos", "videos", "comments__author")
        .order_by("-happened_on", "-id")
    )
    if not supervisor:
        # Others see published updates, and a unit also its own updates awaiting publication.
        updates = updates.filter(Q(state=UpdateState.PUBLISHED) | Q(unit_id__in=my_units))
    obligations = deadlines.obligations_for(motion).select_related("unit").order_by("due_date")
    if not (staff or supervisor):
        obligations = obligations.filter(unit_id__in=my_units) if my_units else obligations.none()
    cosigners = (
        Cosigner.objects.filter(motion=motion).select_related("deputy").order_by("invited_at", "id")
    )
    if not (is_lead or staff):
        cosigners = cosigners.filter(state=CosignerState.CONFIRMED)
    invitation = Cosigner.objects.filter(motion=motion, deputy=deputy).first() if deputy else None
    context = {
        "motion": motion,
        "is_lead": is_lead,
        "is_draft": motion.state == MotionState.DRAFT,
        "invitation": invitation,
        "cosigners": list(cosigners),
        "assignments": assignments,
        "answerable": [
            a for a in assignments if a.state == AssignmentState.PENDING and a.unit_id in my_units
        ],
        "years": planned_years(motion),
        "updates": list(updates),
        "obligations": list(obligations),
        "attachments": list(motion.attachments.all()),
        "supervisor": supervisor,
        "can_review": permissions.can_review(user) and motion.state == MotionState.SUBMITTED,
        "can_assign": permissions.can_assign(user),
        "can_post": motion.state in PHASES
        and (supervisor or bool(my_units))
        or (supervisor and motion.state == MotionState.CLOSED),
        "is_deputy": deputy is not None,
        "following": Follow.objects.filter(user=user, motion=motion).exists(),
        "minimum": services.minimum_signers(motion.term.congress.level),
        "deadline": services.session_deadline(motion.session),
        "history": _history(motion) if (staff or is_lead or my_units) else [],
        "in_handling": motion.state in PHASES,
        "pending_states": PENDING_STATES,
    }
    return render(request, "motions/portal_detail.html", context)


def _history(motion: Motion) -> list:
    labels = dict(MotionState.choices)
    rows = list(transitions_of(motion).order_by("-at", "-id"))
    for t in rows:
        t.from_label, t.to_label = labels.get(t.from_state, ""), labels.get(t.to_state, t.to_state)
    return rows


# --- drafting (deputies) --------------------------------------------------------------------


@login_required
def create(request):
    deputy = permissions.deputy_of(request.user)
    if deputy is None:
        raise PermissionDenied
    form = forms.MotionForm(request.POST or None, deputy=deputy)
    if request.method == "POST" and form.is_valid():
        ok, motion = _apply(
            request, form, lambda: services.create_draft(actor=request.user, **form.cleaned_data)
        )
        if ok:
            messages.success(request, _("Draft saved. Invite co-signers, then submit it."))
            return redirect(motion.get_portal_url())
    return _form_page(
        request,
        None,
        form,
        title=_("New motion"),
        intro=_(
            "A motion asks the congress to act on a matter within its powers. Describe the "
            "problem, the grounds and the measures you propose; co-signers confirm in the portal."
        ),
        submit=_("Save the draft"),
    )


@login_required
def edit(request, pk: int):
    motion = _motion(request, pk)
    if not permissions.is_lead(request.user, motion) or motion.state != MotionState.DRAFT:
        raise PermissionDenied
    initial = {f: getattr(motion, f) for f in ("title", "reasons", "grounds", "measures")}
    initial["topic"] = motion.topic_id
    form = forms.MotionForm(request.POST or None, initial=initial, editing=True)
    if (
        request.method == "POST"
        and form.is_valid()
        and _apply(
            request,
            form,
            lambda: services.update_draft(motion, actor=request.user, **form.cleaned_data),
        )[0]
    ):
        messages.success(request, _("Draft saved."))
        return redirect(motion.get_portal_url())
    return _form_page(request, motion, form, title=_("Edit the draft"), submit=_("Save"))


@login_required
def invite(request, pk: int):
    motion = _motion(request, pk)
    if not permissions.is_lead(request.user, motion) or motion.state != MotionState.DRAFT:
        raise PermissionDenied
    search = (request.GET.get("q") or "").strip()[:20]
    form = forms.InviteForm(
        request.POST or None, term=motion.term, search=search, exclude=motion.lead_deputy
    )
    if request.method == "POST" and form.is_valid():
        ok, rows = _apply(
            request,
            form,
            lambda: services.invite_cosigners(
                motion, form.cleaned_data["chosen"], actor=request.user
            ),
        )
        if ok:
            messages.success(request, _("%(n)d deputies invited.") % {"n": len(rows)})
            return redirect(motion.get_portal_url())
    return _form_page(
        request,
        motion,
        form,
        title=_("Invite co-signers"),
        submit=_("Send the invitations"),
        template="motions/invite.html",
        extra={"search": search, "found": form.found},
    )


@login_required
@require_POST
def answer_invitation(request, pk: int):
    motion = _motion(request, pk)
    accept = request.POST.get("accept") == "1"
    _act(
        request,
        lambda: services.answer_invitation(motion, actor=request.user, accept=accept),
        _("You co-signed the motion.") if accept else _("You declined to co-sign."),
    )
    return redirect(motion.get_portal_url())


@login_required
@require_POST
def submit(request, pk: int):
    motion = _motion(request, pk)
    _act(
        request,
        lambda: services.submit_motion(motion, actor=request.user),
        _("The motion was submitted to the motion review committee."),
    )
    return redirect(motion.get_portal_url())


@login_required
@require_POST
def withdraw(request, pk: int):
    motion = _motion(request, pk)
    _act(
        request,
        lambda: services.withdraw_motion(
            motion, actor=request.user, reason=request.POST.get("reason", "")
        ),
        _("The motion was withdrawn."),
    )
    return redirect(motion.get_portal_url())


@login_required
def attach(request, pk: int):
    motion = _motion(request, pk)
    if not permissions.is_lead(request.user, motion) or motion.state != MotionState.DRAFT:
        raise PermissionDenied
    form = forms.AttachmentForm(request.POST or None, request.FILES or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _apply(
            request,
            form,
            lambda: services.add_attachment(
                motion,
                actor=request.user,
                title=form.cleaned_data["title"],
                file=form.cleaned_data["file"],
            ),
        )[0]
    ):
        messages.success(request, _("Attachment added."))
        return redirect(motion.get_portal_url())
    return _form_page(
        request,
        motion,
        form,
        title=_("Attach a document"),
        submit=_("Upload"),
        extra={"multipart": True},
    )


# --- review and assignment (staff) ----------------------------------------------------------


@login_required
def review(request, pk: int):
    motion = _motion(request, pk)
    if not permissions.can_review(request.user):
        raise PermissionDenied
    form = forms.ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decision, reasons = form.cleaned_data["decision"], form.cleaned_data["reasons"]
        service = {
            form.REGISTER: services.register_motion,
            form.CONVERT: services.convert_to_suggestion,
            form.REFUSE: services.refuse_registration,
        }[decision]
        if _apply(request, form, lambda: service(motion, actor=request.user, reasons=reasons))[0]:
            messages.success(request, _("The decision was recorded and the signers told."))
            return redirect(motion.get_portal_url())
    return _form_page(
        request, motion, form, title=_("Review the motion"), submit=_("Record the decision")
    )


@login_required
def body_motion(request):
    if not permissions.can_review(request.user):
        raise PermissionDenied
    form = forms.BodyMotionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, motion = _apply(
            request,
            form,
            lambda: services.create_body_motion(actor=request.user, **form.cleaned_data),
        )
        if ok:
            messages.success(request, _("The motion was entered for review."))
            return redirect(motion.get_portal_url())
    return _form_page(
        request,
        None,
        form,
        title=_("Enter a motion of the presidium or a delegation"),
        submit=_("Enter the motion"),
    )


@login_required
def assign(request, pk: int):
    motion = _motion(request, pk)
    if not permissions.can_assign(request.user):
        raise PermissionDenied
    form = forms.AssignForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _apply(
            request,
            form,
            lambda: services.assign_motion(
                motion,
                actor=request.user,
                lead_unit=form.cleaned_data["lead_unit"],
                co_units=list(form.cleaned_data["co_units"]),
                supervising_office=form.cleaned_data["supervising_office"],
            ),
        )[0]
    ):
        messages.success(request, _("The motion was assigned; its supervision year began."))
        return redirect(motion.get_portal_url())
    return _form_page(request, motion, form, title=_("Assign the motion"), submit=_("Assign"))


@login_required
def add_unit(request, pk: int):
    motion = _motion(request, pk)
    if not permissions.can_assign(request.user):
        raise PermissionDenied
    form = forms.AddUnitForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _apply(
            request,
            form,
            lambda: services.add_unit(
                motion,
                actor=request.user,
                unit=form.cleaned_data["unit"],
                role=form.cleaned_data["role"],
            ),
        )[0]
    ):
        messages.success(request, _("The unit was assigned."))
        return redirect(motion.get_portal_url())
    return _form_page(request, motion, form, title=_("Assign another unit"), submit=_("Assign"))


@login_required
def answer_assignment(request, pk: int, assignment_id: int):
    motion = _motion(request, pk)
    assignment = get_object_or_404(
        Assignment.objects.select_related("unit"),
        pk=assignment_id,
        motion=motion,
        unit_id__in=permissions.liaison_unit_ids(request.user),
        state__in=ACTIVE_ASSIGNMENT_STATES,
    )
    form = forms.AnswerAssignmentForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _apply(
            request,
            form,
            lambda: services.answer_assignment(
                assignment,
                actor=request.user,
                accept=form.cleaned_data["accept"],
                reasons=form.cleaned_data["reasons"],
            ),
        )[0]
    ):
        messages.success(request, _("Your answer was recorded."))
        return redirect(motion.get_portal_url())
    return _form_page(
        request,
        motion,
        form,
        title=_("Accept or return the assignment"),
        intro=_("%(unit)s is assigned as %(role)s.")
        % {"unit": assignment.unit, "role": assignment.get_role_display()},
        submit=_("Send the answer"),
    )


@login_required
def phase(request, pk: int):
    motion = _motion(request, pk)
    if not permissions.can_supervise(request.user, motion):
        raise PermissionDenied
    form = forms.PhaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        action = data["action"]

        def call():
            if action == form.ADVANCE:
                services.advance_phase(motion, actor=request.user, reason=data["reason"])
            elif action == form.EXTEND:
                services.extend_phase(
                    motion, actor=request.user, ends_on=data["ends_on"], reason=data["reason"]
                )
            else:
                services.close_motion(motion, actor=request.user, reason=data["reason"])

        if _apply(request, form, call)[0]:
            messages.success(request, _("Done."))
            return redirect(motion.get_portal_url())
    return _form_page(
        request,
        motion,
        form,
        title=_("Handling years"),
        extra={"years": planned_years(motion)},
        submit=_("Apply"),
    )


# --- progress updates -----------------------------------------------------------------------


@login_required
def post_update(request, pk: int):
    motion = _motion(request, pk)
    supervisor = permissions.can_supervise(request.user, motion)
    form = forms.UpdateForm(
        request.POST or None,
        request.FILES or None,
        can_publish=supervisor,
        initial={"happened_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def call():
            services.post_update(
                motion,
                actor=request.user,
                kind=data["kind"],
                title=data["title"],
                text=data["text"],
                happened_on=data["happened_on"],
                proposed_progress=data["proposed_progress"],
                video_url=data["video_url"],
                photos=data["photos"],
                video=data["video"],
                poster=data["poster"],
                video_caption=data["video_caption"],
                publish=data.get("publish", False),
            )

        if _apply(request, form, call)[0]:
            messages.success(
                request,
                _("Update published.")
                if data.get("publish")
                else _("Update saved; it is public once the supervising office publishes it."),
            )
            return redirect(motion.get_portal_url())
    return _form_page(
        request,
        motion,
        form,
        title=_("Post a progress update"),
        submit=_("Post the update"),
        extra={"multipart": True},
    )


def _update(request, pk: int, update_id: int) -> ProgressUpdate:
    motion = _motion(request, pk)
    return get_object_or_404(
        ProgressUpdate.objects.select_related("motion"), pk=update_id, motion=motion
    )


@login_required
def publish_update(request, pk: int, update_id: int):
    update = _update(request, pk, update_id)
    motion = update.motion
    if not permissions.can_supervise(request.user, motion):
        raise PermissionDenied
    form = forms.PublishForm(
        request.POST or None, initial={"approved_progress": update.proposed_progress}
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and _apply(
            request,
            form,
            lambda: services.publish_update(
                update,
                actor=request.user,
                approved_progress=form.cleaned_data["approved_progress"],
            ),
        )[0]
    ):
        messages.success(request, _("Update published."))
        return redirect(motion.get_portal_url())
    return _form_page(
        request,
        motion,
        form,
        title=_("Publish the update"),
        intro=update.title,
        submit=_("Publish"),
        extra={"update": update},
    )


@login_required
@require_POST
def unpublish_update(request, pk: int, update_id: int):
    update = _update(request, pk, update_id)
    _act(
        request,
        lambda: services.unpublish_update(
            update, actor=request.user, reason=request.POST.get("reason", "")
        ),
        _("The update is no longer public."),
    )
    return redirect(update.motion.get_portal_url())


@login_required
@require_POST
def comment(request, pk: int, update_id: int):
    update = _update(request, pk, update_id)
    form = forms.CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write your comment."))
    else:
        _act(
            request,
            lambda: services.comment_on_update(
                update, actor=request.user, text=form.cleaned_data["text"]
            ),
            _("Comment added."),
        )
    return redirect(f"{update.motion.get_portal_url()}#update-{update.pk}")


@login_required
@require_POST
def follow(request, pk: int):
    # Anyone logged in may follow a registered motion, whatever their role.
    motion = get_object_or_404(Motion, pk=pk, state__in=PUBLIC_STATES)
    if request.POST.get("follow") == "0":
        services.unfollow(motion, user=request.user)
        messages.success(request, _("You no longer follow this motion."))
    else:
        _act(
            request,
            lambda: services.follow(motion, user=request.user),
            _("You follow this motion: each published update reaches your inbox and e-mail."),
        )
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect(motion.get_portal_url())
