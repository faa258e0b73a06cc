"""Builders for suggestion tests: go through the services so the data is what users would make."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from motions.suggestions import services


def filed(term, deputy_user, n: int = 1, *, co=(), when=None, title="关于改善社区环境的建议"):
    """`n` suggestions filed by `deputy_user` (a user with a deputy profile)."""
    when = when or timezone.make_aware(dt.datetime(2024, 1, 10, 10))
    return [
        services.file_suggestion(
            deputy=deputy_user.deputy,
            co_proposers=[u.deputy for u in co],
            title=f"{title}（{i + 1}）",
            content="建议内容。",
            term=term,
            category="社区治理",
            now=when,
        )
        for i in range(n)
    ]


def assigned(suggestions, unit, staff, *, when=None):
    when = when or timezone.make_aware(dt.datetime(2024, 1, 15, 9))
    return [
        services.assign_suggestion(s, lead_unit=unit, actor=staff, now=when)[0] for s in suggestions
    ]


def replied(assignment, liaison, *, reply_class="A", when=None, contact=True):
    from tests.suggestions.conftest import pdf_letter

    when = when or timezone.make_aware(dt.datetime(2024, 3, 1, 10))
    if contact:
        services.record_contact(
            assignment,
            actor=liaison,
            method="phone",
            contacted_on=timezone.localdate(when),
            note="电话沟通",
            now=when,
        )
    return services.submit_reply(
        assignment,
        actor=liaison,
        reply_class=reply_class,
        text="答复内容。",
        letter=pdf_letter(),
        now=when,
    )
