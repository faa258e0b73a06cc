"""State changes of department evaluations. Views, admin actions and the API all call these."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress import caching, deadlines, notifications
from congress.errors import DomainError, InvalidInput, PermissionRefused
from congress.models import Obligation, ObligationState
from congress.workflow import ensure_transition, log_transition
from evaluations.models import (
    ITEM_TRANSITIONS,
    OPINION_STATES,
    SATISFACTION_OPTIONS,
    Inspection,
    Item,
    ItemState,
    Method,
    Opinion,
    OpinionSource,
    Option,
    Participation,
    PhaseKind,
    Tally,
    Vote,
    VoterGroup,
    VoteState,
)

KIND_SELF_REPORT = "evaluations.self_report"
KIND_PLAN = "evaluations.rectification_plan"
KIND_REPORT = "evaluations.rectification_report"
OPINION_MAX_LENGTH = 2000


class EvaluationError(DomainError):
    pass


class BallotError(DomainError):
    pass


def _today(now: dt.datetime | None) -> dt.date:
    return timezone.localdate(now or timezone.now())


def _move(item: Item, target: str, *, actor, reason: str = "", now=None) -> None:
    ensure_transition(
        ITEM_TRANSITIONS,
        item.state,
        target,
        EvaluationError,
        _("This step is not possible while the item is “%(state)s”.")
        % {"state": item.get_state_display()},
    )
    old = item.state
    item.state = target
    item.save(update_fields=["state"])
    log_transition(item, old, target, actor=actor, reason=reason, at=now)


def _locked_item(item: Item) -> Item:
    return Item.objects.select_for_update().select_related("campaign", "unit").get(pk=item.pk)


def meeting_date(item: Item) -> dt.date | None:
    """The evaluation meeting date: the ballot's, else the campaign schedule's meeting phase."""
    vote = Vote.objects.filter(item=item).only("meeting_on").first()
    if vote is not None and vote.meeting_on:
        return vote.meeting_on
    phase = item.campaign.phases.filter(kind=PhaseKind.MEETING).first()
    return phase.starts_on if phase else None


@transaction.atomic
def request_self_report(
    item: Item,
    *,
    actor,
    due_date: dt.date | None = None,
    meeting_on: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Obligation:
    """Ask the department for its self-report (自查报告): opens an `evaluation-self-report`
    obligation. The rule counts back from the evaluation meeting (given, or from the ballot or
    the schedule); an explicit `due_date` overrides it. PLANNED → SELF_REPORT.
    Errors: `bad_transition`; `no_meeting_date` when neither a due date nor a meeting date is known."""
    item = _locked_item(item)
    anchor = meeting_on or meeting_date(item)
    if due_date is None and anchor is None:
        raise InvalidInput(
            "no_meeting_date",
            _("Set the evaluation meeting date in the schedule, or give a due date."),
            field="due_date",
        )
    _move(item, ItemState.SELF_REPORT, actor=actor, now=now)
    return deadlines.open_obligation(
        unit=item.unit,
        kind=KIND_SELF_REPORT,
        subject=item,
        title=f"{item.campaign.year}年评议自查报告：{item.title}",
        starts_on=anchor or _today(now),
        rule_code=None if due_date else "evaluation-self-report",
        due_date=due_date,
        supervising_office=item.campaign.lead_office,
        actor=actor,
        now=now,
    )


@transaction.atomic
def start_research(item: Item, *, actor, now: dt.datetime | None = None) -> Item:
    """Research, inspections and opinion gathering begin. SELF_REPORT → RESEARCH."""
    item = _locked_item(item)
    _move(item, ItemState.RESEARCH, actor=actor, now=now)
    return item


@transaction.atomic
def record_inspection(
    item: Item, *, actor, title: str, date: dt.date, deputies, place: str = "", notes: str = ""
) -> Inspection:
    """Record a research or inspection visit; every deputy who took part gets a duty entry."""
    if not title.strip():
        raise InvalidInput("title_required", _("Give the visit a title."), field="title")
    inspection = Inspection.objects.create(
        item=item, title=title, date=date, place=place, notes=notes
    )
    inspection.deputies.set(deputies)
    log_inspection_duties(inspection)
    return inspection


def log_inspection_duties(inspection: Inspection) -> None:
    """Idempotent: (re)log the inspection in the duty record of each of its deputies."""
    from deputies.services import log_duty

    title = f"评议调研视察：{inspection.item.unit}·{inspection.title}"
    for deputy in inspection.deputies.all():
        log_duty(deputy, kind="inspection", title=title, date=inspection.date, source=inspection)


def add_opinion(
    item: Item,
    *,
    source: str,
    text: str,
    deputy=None,
    station: str = "",
    name: str = "",
    contact: str = "",
) -> Opinion:
    """Gather an opinion (deputy, station or public form) while the item accepts them."""
    text = (text or "").strip()
    if not text:
        raise InvalidInput("empty_opinion", _("Write your opinion."), field="text")
    if len(text) > OPINION_MAX_LENGTH:
        raise InvalidInput(
            "opinion_too_long",
            _("An opinion may have at most %(n)d characters.") % {"n": OPINION_MAX_LENGTH},
            field="text",
        )
    if Item.objects.values_list("state", flat=True).get(pk=item.pk) not in OPINION_STATES:
        raise EvaluationError(
            "opinions_closed", _("Opinions on this item are not being gathered now.")
        )
    if source == OpinionSource.DEPUTY and deputy is None:
        raise InvalidInput("deputy_required", _("A deputy's opinion needs the deputy."))
    return Opinion.objects.create(
        item=item,
        source=source,
        text=text,
        deputy=deputy,
        station=station[:100],
        name=name[:50],
        contact=contact[:100],
    )


# --- Ballots ---------------------------------------------------------------------------------


def committee_voters(item: Item):
    """Deputies who are standing committee members serving in the campaign's term."""
    from deputies.models import Deputy

    return Deputy.objects.filter(
        mandates__term_id=item.campaign.term_id,
        mandates__is_committee_member=True,
        mandates__status="serving",
    )


def voter_group(vote: Vote, deputy) -> str | None:
    """The voter group of `deputy` for `vote`, or None when not eligible."""
    if committee_voters(vote.item).filter(pk=deputy.pk).exists():
        return VoterGroup.COMMITTEE
    if vote.invited.filter(pk=deputy.pk).exists():
        return VoterGroup.INVITED
    return None


def eligible_voter_ids(vote: Vote) -> set[int]:
    ids = set(committee_voters(vote.item).values_list("pk", flat=True))
    ids |= set(vote.invited.values_list("pk", flat=True))
    return ids


@transaction.atomic
def prepare_vote(item: Item, *, actor, meeting_on: dt.date | None = None, invited=()) -> Vote:
    """Create (or update, while not open) the ballot of an item with the campaign's method."""
    vote, _created = Vote.objects.get_or_create(
        item=item, defaults={"method": item.campaign.method, "meeting_on": meeting_on}
    )
    if vote.state != VoteState.DRAFT:
        raise BallotError("not_draft", _("The ballot has already been opened."))
    if meeting_on and vote.meeting_on != meeting_on:
        vote.meeting_on = meeting_on
        vote.save(update_fields=["meeting_on"])
    if invited:
        vote.invited.add(*invited)
    return vote


@transaction.atomic
def open_vote(vote: Vote, *, actor, now: dt.datetime | None = None, notify: bool = True) -> Vote:
    """Staff open voting. Creates every tally row at once (so casting only updates counters).
    The item moves RESEARCH → VOTING; eligible voters are notified (not when seeding history).
    Errors: `not_draft`, `bad_transition`."""
    now = now or timezone.now()
    vote = Vote.objects.select_for_update().select_related("item__campaign").get(pk=vote.pk)
    if vote.state != VoteState.DRAFT:
        raise BallotError("not_draft", _("The ballot has already been opened."))
    item = _locked_item(vote.item)
    _move(item, ItemState.VOTING, actor=actor, now=now)
    options = SATISFACTION_OPTIONS if vote.method == Method.SATISFACTION else (Option.SCORE,)
    Tally.objects.bulk_create(
        [Tally(vote=vote, group=g, option=o) for g in VoterGroup.values for o in options]
    )
    caching.changed(Tally)  # bulk_create sends no post_save
    vote.state, vote.opened_at = VoteState.OPEN, now
    vote.meeting_on = vote.meeting_on or timezone.localdate(now)
    vote.save(update_fields=["state", "opened_at", "meeting_on"])
    if not notify:
        return vote
    url = reverse("evaluations:portal_ballots")
    recipients = [d.user for d in _eligible_deputies(vote) if d.user_id]
    transaction.on_commit(
        lambda: notifications.notify(
            recipients,
            kind="evaluations.vote_open",
            title=_("Evaluation ballot open: %(item)s") % {"item": item},
            body=_("You are invited to vote on the department's work. Your ballot is secret."),
            url=url,
            subject=vote,
            key=f"evaluations.vote_open.{vote.pk}",
        )
    )
    return vote


def _eligible_deputies(vote: Vote):
    from deputies.models import Deputy

    return Deputy.objects.filter(pk__in=eligible_voter_ids(vote)).select_related("user")


def cast_ballot(
    vote: Vote,
    *,
    voter,
    choice: str | None = None,
    score: int | None = None,
    now: dt.datetime | None = None,
) -> None:
    """`voter` (a Deputy) casts a secret ballot: a satisfaction choice or a 0–100 score.

    Records THAT the voter voted (Participation, unique per voter and vote) and adds the choice
    to the aggregated counters; nothing stores who chose what. Returns nothing on purpose.
    Errors: `not_open` (draft or closed), `not_eligible` (403), `already_voted`, `bad_choice`.
    """
    now = now or timezone.now()
    try:
        with transaction.atomic():
            _cast(vote, voter=voter, choice=choice, score=score)
    except IntegrityError:
        # Two ballots from the same voter at once: the unique constraint refused the second.
        raise BallotError("already_voted", _("You have already voted on this item."))
    from deputies.services import log_duty

    log_duty(
        voter,
        kind="ballot",
        title=f"参加评议满意度测评：{vote.item}",
        date=vote.meeting_on or timezone.localdate(now),
        source=vote,
    )


def _cast(vote: Vote, *, voter, choice, score) -> None:
    locked = Vote.objects.select_for_update().select_related("item__campaign").get(pk=vote.pk)
    if locked.state != VoteState.OPEN:
        raise BallotError("not_open", _("This ballot is not open for voting."))
    group = voter_group(locked, voter)
    if group is None:
        raise PermissionRefused("not_eligible", _("You are not among the voters of this ballot."))
    if locked.method == Method.SATISFACTION:
        if choice not in SATISFACTION_OPTIONS:
            raise InvalidInput(
                "bad_choice",
                _("Choose satisfied, basically satisfied or unsatisfied."),
                field="choice",
            )
        option, points = choice, 0
    else:
        if score is None or isinstance(score, bool) or not (0 <= int(score) <= 100):
            raise InvalidInput(
                "bad_choice", _("Give a whole-number score from 0 to 100."), field="score"
            )
        option, points = Option.SCORE, int(score)
    if Participation.objects.filter(vote=locked, voter=voter).exists():
        raise BallotError("already_voted", _("You have already voted on this item."))
    Participation.objects.create(vote=locked, voter=voter)
    touched = Tally.objects.filter(vote=locked, group=group, option=option).update(
        count=F("count") + 1, score_sum=F("score_sum") + points
    )
    caching.changed(Tally)  # update() sends no signal
    if touched != 1:  # pragma: no cover - tallies are created when the vote opens
        raise BallotError("no_tally", _("The ballot is not set up correctly."))


def compute_results(method: str, tallies, committee_weight: int) -> dict:
    """Results from tally rows. Satisfaction rate = (satisfied + basically satisfied) / ballots
    cast × 100, rounded half up to 2 decimals. Weighted score = Σ weight × group average, the
    weights renormalised over the groups that cast ballots."""
    counts = {o: 0 for o in SATISFACTION_OPTIONS}
    groups: dict[str, tuple[int, int]] = {}
    cast = 0
    for t in tallies:
        cast += t.count
        if t.option in counts:
            counts[t.option] += t.count
        n, s = groups.get(t.group, (0, 0))
        groups[t.group] = (n + t.count, s + t.score_sum)
    result = {
        "ballots_cast": cast,
        "satisfied": counts[Option.SATISFIED],
        "basically_satisfied": counts[Option.BASICALLY_SATISFIED],
        "unsatisfied": counts[Option.UNSATISFIED],
        "satisfaction_rate": None,
        "score": None,
    }
    q = Decimal("0.01")
    if method == Method.SATISFACTION and cast:
        good = counts[Option.SATISFIED] + counts[Option.BASICALLY_SATISFIED]
        result["satisfaction_rate"] = (Decimal(good) * 100 / cast).quantize(q, ROUND_HALF_UP)
    if method == Method.SCORE and cast:
        weights = {
            VoterGroup.COMMITTEE: Decimal(committee_weight),
            VoterGroup.INVITED: Decimal(100 - committee_weight),
        }
        used = {g: w for g, w in weights.items() if groups.get(g, (0, 0))[0] and w}
        total_w = sum(used.values())
        if total_w:
            score = sum(w * Decimal(groups[g][1]) / groups[g][0] for g, w in used.items()) / total_w
            result["score"] = score.quantize(q, ROUND_HALF_UP)
    return result


@transaction.atomic
def close_vote(vote: Vote, *, actor, now: dt.datetime | None = None) -> Vote:
    """Staff close voting; results are computed from the counters and locked. VOTING → VOTED."""
    now = now or timezone.now()
    vote = Vote.objects.select_for_update().select_related("item__campaign").get(pk=vote.pk)
    if vote.state != VoteState.OPEN:
        raise BallotError("not_open", _("Only an open ballot can be closed."))
    item = _locked_item(vote.item)
    _move(item, ItemState.VOTED, actor=actor, now=now)
    results = compute_results(vote.method, list(vote.tallies.all()), item.campaign.committee_weight)
    for field, value in results.items():
        setattr(vote, field, value)
    vote.eligible_count = len(eligible_voter_ids(vote))
    vote.state, vote.closed_at = VoteState.CLOSED, now
    vote.save()
    return vote


# --- Opinion, rectification, follow-up, publication -----------------------------------------


@transaction.atomic
def issue_opinion(
    item: Item, *, actor, text: str, now: dt.datetime | None = None
) -> tuple[Obligation, Obligation]:
    """Issue the evaluation opinion to the department; it owes a rectification plan and a
    rectification report (rules `evaluation-rectification-plan` / `-report`). VOTED → RECTIFYING."""
    if not text.strip():
        raise InvalidInput("opinion_required", _("Write the evaluation opinion."), field="text")
    item = _locked_item(item)
    _move(item, ItemState.RECTIFYING, actor=actor, now=now)
    today = _today(now)
    item.opinion, item.opinion_issued_on = text, today
    item.save(update_fields=["opinion", "opinion_issued_on"])
    common = {
        "unit": item.unit,
        "subject": item,
        "starts_on": today,
        "supervising_office": item.campaign.lead_office,
        "actor": actor,
        "now": now,
    }
    plan = deadlines.open_obligation(
        kind=KIND_PLAN,
        title=f"{item.campaign.year}年评议整改方案：{item.title}",
        rule_code="evaluation-rectification-plan",
        **common,
    )
    report = deadlines.open_obligation(
        kind=KIND_REPORT,
        title=f"{item.campaign.year}年评议整改情况报告：{item.title}",
        rule_code="evaluation-rectification-report",
        **common,
    )
    return plan, report


@transaction.atomic
def record_follow_up(item: Item, *, actor, note: str, now: dt.datetime | None = None) -> Item:
    """Record the follow-up (跟踪监督) once the rectification report is accepted.
    RECTIFYING → FOLLOW_UP. Errors: `report_not_accepted`."""
    item = _locked_item(item)
    accepted = deadlines.obligations_for(item).filter(
        kind=KIND_REPORT, state=ObligationState.ACCEPTED
    )
    if item.state == ItemState.RECTIFYING and not accepted.exists():
        raise EvaluationError(
            "report_not_accepted",
            _("The rectification report must be accepted before the follow-up."),
        )
    _move(item, ItemState.FOLLOW_UP, actor=actor, now=now)
    item.follow_up = note
    item.save(update_fields=["follow_up"])
    return item


@transaction.atomic
def complete_item(item: Item, *, actor, now: dt.datetime | None = None) -> Item:
    item = _locked_item(item)
    _move(item, ItemState.COMPLETED, actor=actor, now=now)
    return item


@transaction.atomic
def publish_results(item: Item, *, actor, now: dt.datetime | None = None) -> Item:
    """Publish an item's results on the public pages (the ballot must be closed)."""
    item = _locked_item(item)
    vote = Vote.objects.filter(item=item).first()
    if vote is None or vote.state != VoteState.CLOSED:
        raise EvaluationError("not_voted", _("Results can be published once the ballot is closed."))
    if item.published_at is None:
        item.published_at = now or timezone.now()
        item.save(update_fields=["published_at"])
        log_transition(item, item.state, item.state, actor=actor, reason="published", at=now)
    return item
