import pytest

from congress.errors import DomainError
from congress.models import Transition, Unit
from congress.workflow import ensure_transition, log_transition, transitions_of


class SampleError(DomainError):
    pass


def test_ensure_transition_allows_only_the_table():
    table = {"draft": {"submitted"}, "submitted": {"registered", "rejected"}}
    ensure_transition(table, "draft", "submitted", SampleError, "no")
    with pytest.raises(SampleError) as exc:
        ensure_transition(table, "draft", "registered", SampleError, "no")
    assert exc.value.code == "bad_transition"


@pytest.mark.django_db
def test_transition_log_is_append_only(staff):
    unit = Unit.objects.create(name="区测试局", kind="department")
    t = log_transition(unit, "a", "b", actor=staff, reason="测试")
    assert list(transitions_of(unit)) == [t]
    t.reason = "改写"
    with pytest.raises(ValueError):
        t.save()
    assert Transition.objects.get(pk=t.pk).reason == "测试"


@pytest.mark.django_db
def test_meeting_titles_follow_the_official_forms(session_meeting, term):
    from congress.models import MeetingKind
    from tests.factories import MeetingFactory

    assert session_meeting.title == "海淀区第十七届人民代表大会第一次会议"
    standing = MeetingFactory(term=term, kind=MeetingKind.STANDING_COMMITTEE, number=3)
    assert standing.title == "第十七届常委会第三次会议"
