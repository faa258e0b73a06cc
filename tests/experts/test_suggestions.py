"""The portal suggests experts by field and by load (fewest open consultations first)."""

from __future__ import annotations

import datetime as dt

import pytest

from experts import queries, services

pytestmark = pytest.mark.django_db


def test_suggestion_by_field_and_load(staff, office, law, finance, make_expert):
    busy = make_expert("忙碌专家", fields=[law])
    free = make_expert("空闲专家", fields=[law])
    both = make_expert("复合专家", fields=[law, finance])
    make_expert("财经专家", fields=[finance])
    make_expert("过期专家", fields=[law], appointment_ends_on=dt.date(2023, 1, 1))
    make_expert("离任专家", fields=[law], status="withdrawn")
    today = dt.date(2024, 3, 1)

    def consult(title):
        return services.request_consultation(
            actor=staff,
            office=office,
            title=title,
            subject_kind="motion",
            question="q",
            fields=[law],
            opinion_due=dt.date(2030, 1, 1),
        )

    for i in range(2):
        services.invite(consult(f"c{i}"), [busy], actor=staff)
    services.invite(consult("c3"), [both], actor=staff)
    # A submitted opinion no longer counts as open load.
    done = consult("c4")
    inv = services.invite(done, [free], actor=staff)[0]
    free_user = _login_for(free)
    services.declare_conflict(inv, actor=free_user, has_conflict=False)
    services.submit_opinion(inv, actor=free_user, opinion="ok")

    names = [(e.name, e.open_count) for e in queries.suggest_experts([law], today=today)]
    assert names == [("空闲专家", 0), ("复合专家", 1), ("忙碌专家", 2)]
    # Several fields: still by load first; the finance-only expert joins the list.
    names = [e.name for e in queries.suggest_experts([law, finance], today=today)]
    assert names == ["空闲专家", "财经专家", "复合专家", "忙碌专家"]
    # Already invited experts are left out for that consultation.
    c = consult("c5")
    services.invite(c, [free], actor=staff)
    assert "空闲专家" not in [
        e.name for e in queries.suggest_experts([law], exclude=c, today=today)
    ]


def test_equal_load_prefers_more_matching_fields(make_expert, law, finance):
    make_expert("单一", fields=[law])
    make_expert("复合", fields=[law, finance])
    names = [e.name for e in queries.suggest_experts([law, finance], today=dt.date(2024, 1, 1))]
    assert names == ["复合", "单一"]


def _login_for(expert):
    from tests.factories import UserFactory

    user = UserFactory(username=f"u{expert.pk}")
    expert.user = user
    expert.save(update_fields=["user"])
    return user
