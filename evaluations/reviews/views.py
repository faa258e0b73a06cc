"""Pages of report reviews: the public results, the staff loop, members' rating, the letter."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_POST

from congress import deadlines
from congress.access import actor_for
from congress.caching import cache_public_page
from congress.errors import DomainError
from evaluations.reviews import letters, queries, services
from evaluations.reviews.forms import (
    IssueLetterForm,
    LetterForm,
    PublishForm,
    RateForm,
    RecordReviewForm,
    RequestReportForm,
)
from evaluations.reviews.models import (
    KIND_PLAN_REPORT,
    KIND_REPORT,
    KIND_STATUS_REPORT,
    LetterState,
    Rating,
    ReviewTopic,
    TopicState,
)

# --- Public -----------------------------------------------------------------------------------


@cache_public_page(
    "congress.Congress",
    "congress.Term",
    "congress.Meeting",
    "congress.Unit",
    "reviews.SupervisionPlan",
    "reviews.ReviewTopic",
    "reviews.OpinionLetter",
    "reviews.Rating",
)
@require_GET
def public_list(request):
    topics = list(queries.published_topics())
    years: dict[int, list] = {}
    for t in topics:
        t.rating = queries.rating_summary(t)
        years.setdefault(t.plan.year, []).append(t)
    return render(
        request, "reviews/public_list.html", {"years": sorted(years.items(), reverse=True)}
    )


def _public_documents(topic: ReviewTopic) -> list[tuple[str, object]]:
    """The agency's accepted documents, in loop order (report, plan report, status report)."""
    obligations = queries.obligations_of(topic)
    result = []
    for kind in (KIND_REPORT, KIND_PLAN_REPORT, KIND_STATUS_REPORT):
        ob = obligations.get(kind)
        if ob is not None and ob.state == "accepted":
            result.append((deadlines.kind_label(kind), ob))
    return result


@cache_public_page(
    "congress.Congress",
    "congress.Term",
    "congress.Meeting",
    "congress.Unit",
    "reviews.SupervisionPlan",
    "reviews.ReviewTopic",
    "reviews.OpinionLetter",
    "reviews.Rating",
    "congress.Obligation",
    "congress.ObligationDocument",
    "contenttypes.ContentType",
)
@require_GET
def public_detail(request, pk: int):
    topic = get_object_or_404(queries.published_topics(), pk=pk)
    return render(
        request,
        "reviews/public_detail.html",
        {
            "topic": topic,
            "rating": queries.rating_summary(topic),
            "documents": _public_documents(topic),
            "letter": getattr(topic, "letter", None),
        },
    )


# --- The letter (printable HTML, DOCX, PDF) ---------------------------------------------------


def _letter_for(request, pk: int):
    """Issued letters of topics the user may see; drafts for staff only. Others: 404."""
    topic = get_object_or_404(queries.topics_visible_to(request.user), pk=pk)
    letter = getattr(topic, "letter", None)
    if letter is None:
        raise Http404
    if letter.state != LetterState.ISSUED and not actor_for(request.user).is_staff_member:
        raise Http404
    return topic, letter


@require_GET
def letter_html(request, pk: int):
    topic, letter = _letter_for(request, pk)
    return render(
        request,
        "reviews/letter.html",
        {"topic": topic, "letter": letter, "l": letters.letter_context(letter)},
    )


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
def letter_docx(request, pk: int):
    topic, letter = _letter_for(request, pk)
    return _download(
        letters.render_docx(letter),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        f"review-opinions-{topic.pk}.docx",
    )


@require_GET
def letter_pdf(request, pk: int):
    topic, letter = _letter_for(request, pk)
    return _download(
        letters.render_pdf(letter), "application/pdf", f"review-opinions-{topic.pk}.pdf"
    )


# --- Portal: staff loop and members' rating ---------------------------------------------------


@login_required
@require_GET
def portal_list(request):
    actor = actor_for(request.user)
    topics = list(queries.topics_visible_to(request.user))
    if not topics and not actor.is_staff_member:
        raise PermissionDenied
    return render(
        request,
        "reviews/portal_list.html",
        {"topics": topics, "is_staff_member": actor.is_staff_member},
    )


def _portal_detail(request, topic: ReviewTopic, *, forms: dict | None = None, status: int = 200):
    actor = actor_for(request.user)
    forms = forms or {}
    topic = (
        queries.with_rating_counts(ReviewTopic.objects.filter(pk=topic.pk))
        .select_related("plan", "agency", "committee", "meeting__term__congress")
        .get()
    )
    letter = getattr(topic, "letter", None)
    obligations = queries.obligations_of(topic)
    steps = [
        (deadlines.kind_label(kind), obligations.get(kind))
        for kind in (KIND_REPORT, KIND_PLAN_REPORT, KIND_STATUS_REPORT)
    ]
    own = Rating.objects.filter(topic=topic, member=request.user).first()
    can_rate = (
        topic.state == TopicState.RATING
        and own is None
        and services.is_committee_member(request.user, topic)
    )
    letter_initial = {
        "number": "",
        "title": f"关于{topic.title.removesuffix('的报告').removeprefix(topic.agency.name + '关于')}的审议意见",
        "addressee": topic.agency.name,
    }
    ctx = {
        "topic": topic,
        "letter": letter,
        "steps": steps,
        "rating": queries.rating_summary(topic),
        "own_rating": own,
        "can_rate": can_rate,
        "is_staff_member": actor.is_staff_member,
        "request_form": forms.get("request") or RequestReportForm(),
        "review_form": forms.get("review") or RecordReviewForm(),
        "letter_form": forms.get("letter")
        or LetterForm(
            initial=(
                {
                    "number": letter.number,
                    "title": letter.title,
                    "addressee": letter.addressee,
                    "body": letter.body,
                    "copy_to": letter.copy_to,
                }
                if letter
                else letter_initial
            )
        ),
        "issue_form": forms.get("issue") or IssueLetterForm(),
        "rate_form": forms.get("rate") or RateForm(),
        "publish_form": forms.get("publish")
        or PublishForm(initial={"summary": topic.result_summary}),
    }
    return render(request, "reviews/portal_detail.html", ctx, status=status)


@login_required
@require_GET
def portal_detail(request, pk: int):
    topic = get_object_or_404(queries.topics_visible_to(request.user), pk=pk)
    return _portal_detail(request, topic)


def _staff_topic(request, pk: int) -> ReviewTopic:
    if not actor_for(request.user).is_staff_member:
        raise Http404
    return get_object_or_404(ReviewTopic.objects.select_related("plan", "agency"), pk=pk)


def _run(request, topic, name: str, form, call, success: str):
    """Validate `form`, call the service; on a domain error re-render with the message."""
    if not form.is_valid():
        return _portal_detail(request, topic, forms={name: form}, status=400)
    try:
        call(form.cleaned_data)
    except DomainError as exc:
        if exc.field and exc.field in form.fields:
            form.add_error(exc.field, str(exc.message))
        else:
            form.add_error(None, str(exc.message))
        messages.error(request, str(exc.message))
        return _portal_detail(
            request, topic, forms={name: form}, status=400 if exc.status == 400 else exc.status
        )
    messages.success(request, success)
    return redirect("reviews:portal_detail", pk=topic.pk)


@login_required
@require_POST
def request_report(request, pk: int):
    topic = _staff_topic(request, pk)
    return _run(
        request,
        topic,
        "request",
        RequestReportForm(request.POST),
        lambda d: services.request_report(topic, actor=request.user, due_date=d["due_date"]),
        _("The agency was asked for its report."),
    )


@login_required
@require_POST
def record_review(request, pk: int):
    topic = _staff_topic(request, pk)
    return _run(
        request,
        topic,
        "review",
        RecordReviewForm(request.POST),
        lambda d: services.record_review(
            topic, actor=request.user, meeting=d["meeting"], deliberation=d["deliberation"]
        ),
        _("The review was recorded."),
    )


@login_required
@require_POST
def save_letter(request, pk: int):
    topic = _staff_topic(request, pk)
    return _run(
        request,
        topic,
        "letter",
        LetterForm(request.POST),
        lambda d: services.save_letter(topic, actor=request.user, **d),
        _("The draft letter was saved."),
    )


@login_required
@require_POST
def issue_letter(request, pk: int):
    topic = _staff_topic(request, pk)
    return _run(
        request,
        topic,
        "issue",
        IssueLetterForm(request.POST),
        lambda d: services.issue_letter(topic, actor=request.user, issued_on=d["issued_on"]),
        _("The letter was issued; the agency's plan and status reports are now due."),
    )


@login_required
@require_POST
def rate(request, pk: int):
    topic = get_object_or_404(queries.topics_visible_to(request.user), pk=pk)
    return _run(
        request,
        topic,
        "rate",
        RateForm(request.POST),
        lambda d: services.rate(topic, actor=request.user, value=d["value"]),
        pgettext("ballot", "Thank you: your rating was recorded."),
    )


@login_required
@require_POST
def close_rating(request, pk: int):
    topic = _staff_topic(request, pk)
    from django import forms as django_forms

    return _run(
        request,
        topic,
        "close",
        django_forms.Form(request.POST),
        lambda d: services.close_rating(topic, actor=request.user),
        _("The rating was closed."),
    )


@login_required
@require_POST
def publish(request, pk: int):
    topic = _staff_topic(request, pk)
    return _run(
        request,
        topic,
        "publish",
        PublishForm(request.POST),
        lambda d: services.publish(topic, actor=request.user, summary=d["summary"]),
        _("The results were published."),
    )


@login_required
@require_POST
def unpublish(request, pk: int):
    topic = _staff_topic(request, pk)
    services.unpublish(topic, actor=request.user)
    messages.success(request, _("The results were withdrawn from the public page."))
    return redirect("reviews:portal_detail", pk=topic.pk)
