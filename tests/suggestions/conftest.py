"""Fixtures of the suggestions tests: the deadline rules they use, a filed suggestion, a letter."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from congress.models import DeadlineRule

FILED_AT = timezone.make_aware(dt.datetime(2024, 1, 10, 10, 0))


@pytest.fixture(autouse=True)
def suggestion_rules(db):
    rules = {}
    for code, amount in (
        ("suggestion-reply", 3),
        ("suggestion-rehandling", 1),
        ("suggestion-followup", 6),
    ):
        rules[code], _ = DeadlineRule.objects.get_or_create(
            code=code,
            defaults={
                "name": code,
                "amount": amount,
                "limit_unit": "months",
                "anchor": "交办之日",
                "source": "测试",
            },
        )
    return rules


def pdf_letter(name: str = "答复函.pdf") -> SimpleUploadedFile:
    from congress.uploads import sample_pdf

    return SimpleUploadedFile(name, sample_pdf("reply letter"), content_type="application/pdf")


@pytest.fixture
def letter():
    return pdf_letter()


@pytest.fixture
def suggestion(term, deputy, other_deputy):
    """Filed on 10 January 2024 by 李明 (lead) with 王芳 as co-proposer."""
    from motions.suggestions.services import file_suggestion

    return file_suggestion(
        deputy=deputy.deputy,
        co_proposers=[other_deputy.deputy],
        title="关于增设学校周边停车接送区的建议",
        content="建议在北下关地区小学周边增设临时停车接送区，缓解上下学高峰拥堵。",
        term=term,
        category="教育",
        actor=deputy,
        now=FILED_AT,
    )


@pytest.fixture
def assigned(suggestion, unit, staff):
    """The suggestion assigned to 区教委 (lead) on 15 January 2024; returns the lead assignment."""
    from motions.suggestions.services import assign_suggestion

    [assignment] = assign_suggestion(
        suggestion,
        lead_unit=unit,
        actor=staff,
        now=timezone.make_aware(dt.datetime(2024, 1, 15, 9, 0)),
    )
    return assignment
