"""Every state change of a deputy suggestion. Views, admin actions, the API and the demo call these.

Flow (docs/suggestions.md): file → assign (lead/co/separate units) → contact → reply (A/B/C/D, by the
reply obligation's due date) → each proposer rates → an unsatisfied rating sends the assignment back
for re-handling (one more round) → final rating → completed. A "B" reply opens a follow-up obligation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress.errors import DomainError, InvalidInput, PermissionRefused
from congress.models import Meeting, MeetingKind, Term
from congress.workflow import log_transition
from motions.suggestions.models import (
    Category,
    Proposer,
    Suggestion,
    SuggestionState,
)


class SuggestionError(DomainError):
    pass


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def session_on(term: Term, day: dt.date) -> Meeting | None:
    """The congress session of `term` running on `day` (a session without an end date is taken to
    last a week), or None: the suggestion is then filed in the closing period (闭会期间)."""
    for meeting in Meeting.objects.filter(
        term=term,
        kind=MeetingKind.CONGRESS_SESSION,
        starts_on__lte=day,
        starts_on__gte=day - dt.timedelta(days=31),
    ).order_by("-starts_on"):
        ends = meeting.ends_on or meeting.starts_on + dt.timedelta(days=6)
        if day <= ends:
            return meeting
    return None


def _resolve_category(category) -> Category | None:
    if category is None or category == "":
        return None
    if isinstance(category, Category):
        return category
    obj, _created = Category.objects.get_or_create(name=str(category)[:40])
    return obj


def _next_number(term: Term) -> int:
    return (Suggestion.objects.filter(term=term).aggregate(m=Max("number"))["m"] or 0) + 1


def _check_proposers(proposers: Sequence) -> list:
    seen, result = set(), []
    for deputy in proposers:
        if deputy is None or deputy.pk in seen:
            continue
        seen.add(deputy.pk)
        result.append(deputy)
    if not result:
        raise InvalidInput(
            "no_proposer", _("A suggestion needs at least one proposing deputy."), field="proposers"
        )
    return result


def _create(
    *,
    term: Term,
    title: str,
    content: str,
    proposers: list,
    actor,
    now: dt.datetime,
    category=None,
    meeting: Meeting | None = None,
    source: models.Model | None = None,
    number: int | None = None,
) -> Suggestion:
    if not (title or "").strip():
        raise InvalidInput("empty_title", _("Give the suggestion a title."), field="title")
    if not (content or "").strip():
        raise InvalidInput(
            "empty_content", _("Write the content of the suggestion."), field="content"
        )
    proposers = _check_proposers(proposers)
    if meeting is None:
        meeting = session_on(term, timezone.localdate(now))
    suggestion = Suggestion(
        term=term,
        meeting=meeting,
        title=title.strip()[:200],
        content=content.strip(),
        category=_resolve_category(category),
        filed_at=now,
        filed_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if source is not None:
        suggestion.source_type = ContentType.objects.get_for_model(source)
        suggestion.source_id = source.pk
    # Numbers are per term; a concurrent filing may take ours, so retry a few times.
    for attempt in range(5):
        suggestion.number = number if number is not None else _next_number(term)
        try:
            with transaction.atomic():
                suggestion.save()
            break
        except IntegrityError:
            if source is not None and existing_for(source) is not None:
                raise
            if attempt == 4 or number is not None:
                raise
            suggestion.pk = None
    Proposer.objects.bulk_create(
        [
            Proposer(suggestion=suggestion, deputy=d, is_lead=(i == 0), position=i)
            for i, d in enumerate(proposers)
        ]
    )
    log_transition(
        suggestion, "", SuggestionState.FILED, actor=actor, reason=_source_note(source), at=now
    )
    _log_filing_duty(suggestion, proposers, now)
    return suggestion


def _source_note(source) -> str:
    if source is None:
        return ""
    return f"{source._meta.verbose_name}: {source}"


def _log_filing_duty(suggestion: Suggestion, proposers: list, now: dt.datetime) -> None:
    from deputies.models import DutyKind
    from deputies.services import log_duty

    day = timezone.localdate(now)
    for deputy in proposers:
        log_duty(
            deputy,
            kind=DutyKind.SUGGESTION,
            title=f"提出建议：{suggestion.title}",
            date=day,
            source=suggestion,
        )


def existing_for(source: models.Model) -> Suggestion | None:
    """The suggestion created from `source`, if any."""
    return Suggestion.objects.filter(
        source_type=ContentType.objects.get_for_model(source), source_id=source.pk
    ).first()


@transaction.atomic
def create_suggestion_from(
    *,
    source: models.Model,
    title: str,
    content: str,
    proposers: Sequence,
    term: Term,
    actor,
    now: dt.datetime | None = None,
    category=None,
) -> Suggestion:
    """Create a suggestion from another object: a motion the review committee converted into a
    suggestion (转为建议), or a voter opinion from a liaison station a deputy turns into one.

    - `source`: the saved Motion / VoterOpinion (any saved model instance). The suggestion keeps a
      generic link to it (`suggestion.source`) so its history stays visible, and the filing is
      logged in the transition log with the source named.
    - `proposers`: a list of `deputies.models.Deputy`; the first is the lead proposer, the others
      co-proposers (a motion's lead deputy then its co-signers). Duplicates are ignored.
    - `term`: the congress term; `category`: a `Category`, a category name (created if new) or None.
    - `actor`: the user acting (staff of the review committee, or the deputy); may be None for
      system conversions. `now`: the filing time (defaults to now); a congress session running on
      that day becomes the suggestion's session, otherwise it is a closing-period suggestion.

    Effects: the suggestion is filed (state `filed`, awaiting assignment by staff), numbered in the
    term, each proposer's duty record gets a "suggestion filed" entry.

    Idempotent per source: calling it again for the same source returns the existing suggestion
    unchanged (whatever the other arguments).

    Errors: `InvalidInput` `empty_title`, `empty_content`, `no_proposer`.
    """
    if source is None or source.pk is None:
        raise ValueError("create_suggestion_from needs a saved source object")
    existing = existing_for(source)
    if existing is not None:
        return existing
    now = _now(now)
    meeting = getattr(source, "meeting", None)
    if not isinstance(meeting, Meeting) or meeting.term_id != term.pk:
        meeting = None
    try:
        with transaction.atomic():
            return _create(
                term=term,
                title=title,
                content=content,
                proposers=list(proposers),
                actor=actor,
                now=now,
                category=category,
                meeting=meeting,
                source=source,
            )
    except IntegrityError:
        existing = existing_for(source)  # a concurrent call created it first
        if existing is None:
            raise
        return existing


@transaction.atomic
def file_suggestion(
    *,
    deputy,
    title: str,
    content: str,
    term: Term,
    co_proposers: Sequence = (),
    category=None,
    actor=None,
    now: dt.datetime | None = None,
) -> Suggestion:
    """A deputy files a suggestion in the portal (during a session or in the closing period).

    Preconditions: `deputy` serves in `term`. Co-proposers must serve in the term too.
    Errors: `InvalidInput` `empty_title`, `empty_content`, `not_serving`.
    """
    from deputies.models import Mandate, MandateStatus

    people = [deputy, *co_proposers]
    serving = set(
        Mandate.objects.filter(
            term=term, deputy__in=[d.pk for d in people], status=MandateStatus.SERVING
        ).values_list("deputy_id", flat=True)
    )
    if deputy.pk not in serving:
        raise PermissionRefused(
            "not_serving", _("Only deputies serving in this term can file suggestions.")
        )
    for other in co_proposers:
        if other.pk not in serving:
            raise InvalidInput(
                "not_serving",
                _("%(name)s is not a deputy of this term.") % {"name": other.name},
                field="co_proposers",
            )
    return _create(
        term=term,
        title=title,
        content=content,
        proposers=people,
        actor=actor,
        now=_now(now),
        category=category,
    )
