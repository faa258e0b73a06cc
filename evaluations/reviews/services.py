"""Every state change of a report review. Deadlines go through congress.deadlines."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress import deadlines
from congress.errors import DomainError, InvalidInput, PermissionRefused
from congress.models import Meeting, MeetingKind, Obligation, ObligationState
from congress.notifications import notify
from congress.workflow import ensure_transition, log_transition
from evaluations.reviews.models import (
    KIND_PLAN_REPORT,
    KIND_REPORT,
    KIND_STATUS_REPORT,
    RULE_PLAN_REPORT,
    RULE_STATUS_REPORT,
    TOPIC_TRANSITIONS,
    LetterState,
    OpinionLetter,
    Rating,
    RatingValue,
    ReviewTopic,
    TopicState,
)


class ReviewError(DomainError):
    pass


def _locked(topic: ReviewTopic) -> ReviewTopic:
    return ReviewTopic.objects.select_for_update().select_related("plan", "agency").get(pk=topic.pk)


def _move(topic: ReviewTopic, target: str, *, actor, reason: str = "", now=None, fields=()):
    ensure_transition(
        TOPIC_TRANSITIONS,
        topic.state,
        target,
        ReviewError,
        _("This step is not possible in the topic's current state."),
    )
    old = topic.state
    topic.state = target
    topic.save(update_fields=["state", *fields])
    log_transition(topic, old, target, actor=actor, reason=reason, at=now)


def _sync(source: ReviewTopic, target: ReviewTopic) -> None:
    for name in ("state", "meeting_id", "reviewed_on", "deliberation", "published_at"):
        setattr(source, name, getattr(target, name))


def obligation(topic: ReviewTopic, kind: str) -> Obligation | None:
    return deadlines.obligations_for(topic).filter(kind=kind).order_by("-pk").first()


@transaction.atomic
def request_report(
    topic: ReviewTopic, *, actor, due_date: dt.date, now: dt.datetime | None = None
) -> Obligation:
    """Ask the agency for its special work report, due before the meeting (planned → report_due).

    Opens an obligation of the agency (kind `reviews.report`). Errors: `date_past`,
    `bad_transition`.
    """
    now = now or timezone.now()
    t = _locked(topic)
    if due_date < deadlines.local_today(now):
        raise InvalidInput("date_past", _("The due date has passed."), field="due_date")
    _move(t, TopicState.REPORT_DUE, actor=actor, now=now)
    ob = deadlines.open_obligation(
        unit=t.agency,
        kind=KIND_REPORT,
        subject=t,
        title=t.title,
        starts_on=deadlines.local_today(now),
        due_date=due_date,
        supervising_office=t.committee,
        actor=actor,
        now=now,
    )
    _sync(topic, t)
    return ob


@transaction.atomic
def record_review(
    topic: ReviewTopic,
    *,
    actor,
    meeting: Meeting,
    deliberation: str = "",
    now: dt.datetime | None = None,
) -> ReviewTopic:
    """The standing committee meeting heard and reviewed the report (report_due → reviewed).

    The agency's report must have been submitted (it is accepted now if it was not yet).
    Errors: `bad_meeting` (not a standing committee meeting), `report_missing`, `bad_transition`.
    """
    now = now or timezone.now()
    if meeting.kind != MeetingKind.STANDING_COMMITTEE:
        raise InvalidInput(
            "bad_meeting", _("Choose a standing committee meeting."), field="meeting"
        )
    t = _locked(topic)
    report = obligation(t, KIND_REPORT)
    if report is None or report.state not in (ObligationState.SUBMITTED, ObligationState.ACCEPTED):
        raise ReviewError("report_missing", _("The agency has not submitted its report yet."))
    if report.state == ObligationState.SUBMITTED:
        deadlines.accept_report(report, actor=actor, note=str(meeting), now=now)
    t.meeting, t.reviewed_on, t.deliberation = meeting, meeting.starts_on, deliberation
    _move(
        t,
        TopicState.REVIEWED,
        actor=actor,
        now=now,
        fields=("meeting", "reviewed_on", "deliberation"),
    )
    _sync(topic, t)
    return t


@transaction.atomic
def save_letter(
    topic: ReviewTopic,
    *,
    actor,
    number: str,
    title: str,
    addressee: str,
    body: str,
    copy_to: str = "",
) -> OpinionLetter:
    """Staff draft (or redraft) the review opinion letter. Errors: `not_reviewed`, `letter_issued`,
    `empty_letter`."""
    t = _locked(topic)
    if t.state != TopicState.REVIEWED:
        raise ReviewError("not_reviewed", _("Draft the letter after the meeting's review."))
    if not body.strip():
        raise InvalidInput("empty_letter", _("Write the review opinions."), field="body")
    letter = OpinionLetter.objects.filter(topic=t).first()
    if letter and letter.state == LetterState.ISSUED:
        raise ReviewError("letter_issued", _("The letter has been issued already."))
    if letter is None:
        letter = OpinionLetter(topic=t, drafted_by=actor)
    letter.number, letter.title, letter.addressee = number.strip(), title.strip(), addressee.strip()
    letter.body, letter.copy_to = body, copy_to.strip()
    letter.save()
    return letter


@transaction.atomic
def issue_letter(
    topic: ReviewTopic,
    *,
    actor,
    issued_on: dt.date | None = None,
    now: dt.datetime | None = None,
) -> OpinionLetter:
    """Issue the letter to the agency (reviewed → opinion_issued) and open its two obligations:
    the research-and-handling plan report (rule review-plan-report, 3 months) and the
    handling-status report (review-status-report, 6 months), both counted from the letter.

    Errors: `no_letter`, `number_required`, `number_taken`, `bad_transition`.
    """
    now = now or timezone.now()
    issued_on = issued_on or deadlines.local_today(now)
    t = _locked(topic)
    letter = OpinionLetter.objects.select_for_update().filter(topic=t).first()
    if letter is None:
        raise ReviewError("no_letter", _("Draft the review opinion letter first."))
    if not letter.number:
        raise InvalidInput(
            "number_required", _("Give the letter its document number."), field="number"
        )
    if OpinionLetter.objects.filter(number=letter.number, state=LetterState.ISSUED).exists():
        raise InvalidInput(
            "number_taken", _("Another letter was issued with this number."), field="number"
        )
    _move(t, TopicState.OPINION_ISSUED, actor=actor, now=now)
    letter.state, letter.issued_on, letter.issued_by = LetterState.ISSUED, issued_on, actor
    try:
        with transaction.atomic():
            letter.save(update_fields=["state", "issued_on", "issued_by"])
    except IntegrityError:  # pragma: no cover - a concurrent issue with the same number
        raise InvalidInput(
            "number_taken", _("Another letter was issued with this number."), field="number"
        )
    for kind, rule, label in (
        (KIND_PLAN_REPORT, RULE_PLAN_REPORT, "研究处理方案报告"),
        (KIND_STATUS_REPORT, RULE_STATUS_REPORT, "处理情况报告"),
    ):
        deadlines.open_obligation(
            unit=t.agency,
            kind=kind,
            subject=t,
            title=f"{t.title}审议意见的{label}",
            starts_on=issued_on,
            rule_code=rule,
            supervising_office=t.committee,
            actor=actor,
            now=now,
        )
    notify(
        deadlines.liaisons_of(t.agency_id),
        kind="reviews.letter_issued",
        title=_("Review opinion letter issued: %(title)s") % {"title": t.title},
        body=_(
            "Report the research and handling plan, then the handling status, by their due dates."
        ),
        url=_portal_url(),
        subject=t,
        key=f"reviews:letter:{letter.pk}",
    )
    _sync(topic, t)
    return letter


def _portal_url() -> str:
    from django.urls import reverse

    return reverse("portal:obligations")


def advance_after_status_report(topic: ReviewTopic, *, actor=None, now=None) -> bool:
    """Once the handling-status report is accepted: open the members' rating (when the plan asks
    for one) or conclude. Idempotent; returns whether the topic moved."""
    with transaction.atomic():
        t = _locked(topic)
        if t.state != TopicState.OPINION_ISSUED:
            return False
        status = obligation(t, KIND_STATUS_REPORT)
        if status is None or status.state != ObligationState.ACCEPTED:
            return False
        target = TopicState.RATING if t.rating_required else TopicState.CONCLUDED
        _move(t, target, actor=actor, now=now, reason="status report accepted")
        _sync(topic, t)
        return True


def on_obligation_changed(sender, obligation, old_state, new_state, actor=None, **kwargs):
    """congress.signals.obligation_changed receiver (sent on commit)."""
    if obligation.kind != KIND_STATUS_REPORT or new_state != ObligationState.ACCEPTED:
        return
    topic = ReviewTopic.objects.filter(pk=obligation.subject_id).first()
    if topic is not None:
        advance_after_status_report(topic, actor=actor)


def is_committee_member(user, topic: ReviewTopic) -> bool:
    """A serving standing committee member of the plan's term. (Adapter over deputies.models:
    deputies has no query for it yet.)"""
    if user is None or not user.is_authenticated:
        return False
    from deputies.models import Mandate

    return Mandate.objects.filter(
        deputy__user=user, term_id=topic.plan.term_id, is_committee_member=True, status="serving"
    ).exists()


@transaction.atomic
def rate(topic: ReviewTopic, *, actor, value: str, now: dt.datetime | None = None) -> Rating:
    """A committee member rates the handling-status report, once.

    Errors: `not_rating`, `not_member` (403), `bad_value`, `already_rated`.
    """
    now = now or timezone.now()
    t = _locked(topic)
    if t.state != TopicState.RATING:
        raise ReviewError("not_rating", _("Rating is not open for this topic."))
    if value not in RatingValue.values:
        raise InvalidInput("bad_value", _("Choose a rating."), field="value")
    if not is_committee_member(actor, t):
        raise PermissionRefused("not_member", _("Only standing committee members rate."))
    if Rating.objects.filter(topic=t, member=actor).exists():
        raise ReviewError("already_rated", _("You have already rated this report."))
    try:
        with transaction.atomic():
            return Rating.objects.create(topic=t, member=actor, value=value, rated_at=now)
    except IntegrityError:  # two submissions at once: the unique constraint decides
        raise ReviewError("already_rated", _("You have already rated this report."))


@transaction.atomic
def close_rating(topic: ReviewTopic, *, actor, now: dt.datetime | None = None) -> ReviewTopic:
    """Close the members' rating (rating → concluded). Errors: `no_ratings`, `bad_transition`."""
    t = _locked(topic)
    if t.state == TopicState.RATING and not t.ratings.exists():
        raise ReviewError("no_ratings", _("No member has rated yet."))
    _move(t, TopicState.CONCLUDED, actor=actor, now=now)
    _sync(topic, t)
    return t


@transaction.atomic
def publish(
    topic: ReviewTopic, *, actor, summary: str, now: dt.datetime | None = None
) -> ReviewTopic:
    """Publish the results (结果公开) of a concluded review. Errors: `not_concluded`,
    `summary_required`."""
    now = now or timezone.now()
    if not summary.strip():
        raise InvalidInput("summary_required", _("Write the result to publish."), field="summary")
    t = _locked(topic)
    if t.state != TopicState.CONCLUDED:
        raise ReviewError("not_concluded", _("Only a concluded review can be published."))
    t.result_summary, t.published_at = summary, now
    t.save(update_fields=["result_summary", "published_at"])
    log_transition(t, t.state, t.state, actor=actor, reason="published", at=now)
    _sync(topic, t)
    topic.result_summary = summary
    return t


@transaction.atomic
def unpublish(topic: ReviewTopic, *, actor, now: dt.datetime | None = None) -> ReviewTopic:
    t = _locked(topic)
    t.published_at = None
    t.save(update_fields=["published_at"])
    log_transition(t, t.state, t.state, actor=actor, reason="unpublished", at=now)
    _sync(topic, t)
    return t
