"""EXPLAIN the Chinese search and the main public list queries on generated rows (PostgreSQL).

    DATABASE_URL=postgres://… python bench/search_explain.py [--suggestions 50000] [--motions 2000]

Generates deterministic rows (Chinese titles and texts drawn from a vocabulary of district
affairs), ANALYZEs, prints `EXPLAIN (ANALYZE, BUFFERS)` of each query with its timing, and rolls
everything back: the database is left as it was. The plans quoted in docs/performance.md
("Search") come from this script.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congress.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

WORDS = [
    "道路",
    "学校",
    "医院",
    "公园",
    "停车",
    "社区",
    "养老",
    "托育",
    "垃圾",
    "分类",
    "污水",
    "管网",
    "供暖",
    "电梯",
    "加装",
    "老旧",
    "小区",
    "改造",
    "交通",
    "拥堵",
    "地铁",
    "公交",
    "站点",
    "绿化",
    "河道",
    "治理",
    "空气",
    "噪声",
    "食品",
    "安全",
    "物业",
    "管理",
    "菜市场",
    "便民",
    "服务",
    "文化",
    "体育",
    "场馆",
    "图书馆",
    "科技",
    "园区",
    "企业",
    "创新",
    "人才",
    "住房",
    "租赁",
    "就业",
    "培训",
    "残疾人",
    "无障碍",
    "设施",
    "消防",
    "应急",
    "避难",
    "农村",
    "集体",
    "经济",
    "环境",
    "整治",
    "历史",
    "街区",
    "保护",
    "中关村",
    "科学城",
    "海淀",
    "北部",
    "西山",
    "学生",
    "课后",
    "托管",
    "食堂",
    "社区卫生",
    "家庭医生",
    "慢病",
    "药品",
    "健身",
    "步道",
    "自行车",
    "道",
    "照明",
    "雨水",
    "排涝",
]


def sentence(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(WORDS) for _ in range(n))


def generate(n_suggestions: int, n_motions: int) -> None:
    from congress.models import Congress, Meeting, Term, Unit
    from motions.models import Motion, MotionState
    from motions.suggestions.models import Category, Suggestion

    rng = random.Random(9)
    congress, _ = Congress.objects.get_or_create(
        name="检索测试区人民代表大会", defaults={"level": "district", "is_default": True}
    )
    Congress.objects.exclude(pk=congress.pk).update(is_default=False)
    term, _ = Term.objects.get_or_create(
        congress=congress,
        number=99,
        defaults={"starts_on": dt.date(2022, 1, 1), "is_current": True},
    )
    unit = Unit.objects.create(name="检索测试单位", kind="department")
    category, _ = Category.objects.get_or_create(name="检索测试类别")
    sessions = [
        Meeting.objects.create(
            term=term, kind="session", number=90 + i, starts_on=dt.date(2016 + i, 1, 6)
        )
        for i in range(10)
    ]
    now = timezone.now()
    started = time.perf_counter()
    batch = []
    for i in range(n_suggestions):
        batch.append(
            Suggestion(
                term=term,
                meeting=sessions[i % 10],
                number=i + 1,
                title=f"关于{sentence(rng, 3)}的建议",
                content=sentence(rng, 60),
                category=category,
                state="assigned",
                filed_at=now - dt.timedelta(minutes=i),
                is_published=i % 3 == 0,
            )
        )
        if len(batch) == 5000:
            Suggestion.objects.bulk_create(batch)
            batch = []
            print(f"  suggestions: {i + 1:,}", flush=True)
    Suggestion.objects.bulk_create(batch)
    states = [MotionState.SUPERVISION, MotionState.CLOSED, MotionState.FOLLOW_UP_1]
    Motion.objects.bulk_create(
        [
            Motion(
                term=term,
                session=sessions[i % 10],
                year=2016 + i % 10,
                number=1000 + i,
                title=f"关于{sentence(rng, 3)}的议案",
                reasons=sentence(rng, 80),
                measures=sentence(rng, 80),
                state=states[i % 3],
                lead_unit=unit,
                progress=i % 100,
            )
            for i in range(n_motions)
        ],
        batch_size=2000,
    )
    print(
        f"generated {n_suggestions:,} suggestions and {n_motions:,} motions "
        f"in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE suggestions_suggestion")
        cursor.execute("ANALYZE motions_motion")


def explain(title: str, queryset) -> None:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        plan = [row[0] for row in cursor.fetchall()]
    print(f"\n### {title}\n")
    for line in plan:
        print("    " + line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suggestions", type=int, default=50_000)
    parser.add_argument("--motions", type=int, default=2_000)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("This script EXPLAINs PostgreSQL plans: set DATABASE_URL=postgres://…")

    from motions import queries as motion_queries
    from motions.suggestions import queries as suggestion_queries
    from motions.suggestions.models import Suggestion

    class Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            generate(args.suggestions, args.motions)
            for term in ("路", "道路", "加装电", "老旧小区改造"):
                explain(
                    f"suggestions: title icontains {term!r} ({len(term)} characters)",
                    Suggestion.objects.filter(title__icontains=term).order_by("-filed_at")[:20],
                )
            from congress.search import contains_q

            for term in ("路", "道路"):
                explain(
                    f"suggestions API search (congress.search.contains_q) {term!r}: "
                    "the bigram index",
                    Suggestion.objects.filter(contains_q("title", term)).order_by("-filed_at")[:20],
                )
            for term in ("道路", "老旧小区"):
                filters = motion_queries.PublicFilters.from_query({"q": term})
                explain(
                    f"public motion list, search {term!r} (title, reasons, measures)",
                    filters.apply(motion_queries.public_motions())[:20],
                )
            explain(
                "public motion list, first page (no search)",
                motion_queries.public_motions()[:20],
            )
            explain(
                "published suggestions, first page",
                suggestion_queries.published_suggestions()[:20],
            )
            explain(
                "published suggestions, page 100",
                suggestion_queries.published_suggestions()[1980:2000],
            )
            raise Rollback
    except Rollback:
        print("\n(rolled back: the generated rows are gone)")


if __name__ == "__main__":
    main()
