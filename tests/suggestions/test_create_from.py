"""create_suggestion_from: the entry point the motions and deputies apps call."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from congress.errors import InvalidInput
from congress.models import Transition
from deputies.models import DutyKind, DutyRecord
from motions.suggestions.models import Suggestion, SuggestionState
from motions.suggestions.services import create_suggestion_from

NOW = timezone.make_aware(dt.datetime(2022, 1, 7, 10, 0))


@pytest.fixture
def source(chairpersons_meeting):
    # Any saved object stands in for a Motion or a VoterOpinion: the link is generic.
    return chairpersons_meeting


def test_creates_a_filed_suggestion_with_lead_and_co_proposers(
    source, term, deputy, other_deputy, session_meeting, staff
):
    s = create_suggestion_from(
        source=source,
        title="关于加快科学城北区道路建设的建议",
        content="建议加快道路建设。",
        proposers=[other_deputy.deputy, deputy.deputy],
        term=term,
        actor=staff,
        now=NOW,
        category="交通出行",
    )
    assert s.state == SuggestionState.FILED
    assert s.source == source
    assert s.number == 1
    assert s.category.name == "交通出行"
    assert s.meeting == session_meeting  # filed during the January 2022 session
    proposers = list(s.proposers.order_by("position"))
    assert [p.deputy for p in proposers] == [other_deputy.deputy, deputy.deputy]
    assert [p.is_lead for p in proposers] == [True, False]
    assert Transition.objects.filter(subject_id=s.pk, to_state="filed").count() == 1
    assert DutyRecord.objects.filter(kind=DutyKind.SUGGESTION, source_id=s.pk).count() == 2


def test_is_idempotent_per_source(source, term, deputy, staff):
    kwargs = dict(source=source, term=term, actor=staff, now=NOW, proposers=[deputy.deputy])
    first = create_suggestion_from(title="甲", content="内容", **kwargs)
    second = create_suggestion_from(title="乙", content="别的内容", **kwargs)
    assert first.pk == second.pk
    assert Suggestion.objects.count() == 1
    assert second.title == "甲"


def test_closing_period_suggestion_has_no_session(source, term, deputy, session_meeting):
    s = create_suggestion_from(
        source=source,
        title="题目",
        content="内容",
        proposers=[deputy.deputy],
        term=term,
        actor=None,
        now=timezone.make_aware(dt.datetime(2022, 6, 1, 9)),
    )
    assert s.meeting is None


@pytest.mark.parametrize(
    ("title", "content", "proposers", "code"),
    [
        ("", "内容", True, "empty_title"),
        ("题目", "  ", True, "empty_content"),
        ("题目", "内容", False, "no_proposer"),
    ],
)
def test_refuses_bad_input(source, term, deputy, title, content, proposers, code):
    with pytest.raises(InvalidInput) as exc:
        create_suggestion_from(
            source=source,
            title=title,
            content=content,
            proposers=[deputy.deputy] if proposers else [],
            term=term,
            actor=None,
            now=NOW,
        )
    assert exc.value.code == code
    assert Suggestion.objects.count() == 0
