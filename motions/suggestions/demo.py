"""Demo data: deputy suggestions of the 17th term from January 2022 to today.

A few hundred suggestions filed at each January congress session (and some in the closing period)
by district deputies, assigned to the demo units, contacted, replied (A/B/C/D), rated, some
re-handled after an unsatisfied rating, B replies followed up; live items: replies due in the
coming days, overdue ones, replies awaiting the deputies' rating, suggestions awaiting assignment.
Plus the first bureau visit: 区教委 at the 北下关 deputies' home.

Everything is computed from a plan (deterministic per `ctx.rng("suggestions")`) and written with
bulk inserts (a few dozen queries), so seeding takes a few seconds. Events later than
`ctx.today` are not written: the state of each suggestion is its state as of today.
Idempotent: a suggestion whose (term, title, filing time) exists is not planned again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

from congress.deadlines import add_months
from congress.demo_support import DemoContext

CATEGORIES = [
    "城市建设",
    "交通出行",
    "教育",
    "医疗卫生",
    "养老",
    "环境保护",
    "社区治理",
    "文化体育",
    "就业与社会保障",
    "营商环境",
]

# category -> (lead unit candidates, title templates); {s} is a street name.
TOPICS: dict[str, tuple[list[str], list[str]]] = {
    "城市建设": (
        ["区住房城乡建设委", "区城市管理委", "区房管局"],
        [
            "关于加快{s}地区老旧小区综合整治的建议",
            "关于推进{s}地区老楼加装电梯的建议",
            "关于完善{s}地区市政配套设施的建议",
            "关于加强{s}地区背街小巷环境整治的建议",
        ],
    ),
    "交通出行": (
        ["区交通委", "区城市管理委"],
        [
            "关于缓解{s}地区早晚高峰交通拥堵的建议",
            "关于在{s}地区增设公共停车设施的建议",
            "关于优化{s}地区公交线路和站点设置的建议",
            "关于打通{s}地区断头路的建议",
            "关于规范{s}地区共享单车停放的建议",
        ],
    ),
    "教育": (
        ["区教委"],
        [
            "关于增加{s}地区普惠性幼儿园学位的建议",
            "关于改善{s}地区中小学校园周边交通秩序的建议",
            "关于加强{s}地区课后托管服务的建议",
            "关于推进{s}地区优质教育资源均衡配置的建议",
        ],
    ),
    "医疗卫生": (
        ["区卫生健康委", "区医保局"],
        [
            "关于提升{s}地区社区卫生服务中心服务能力的建议",
            "关于在{s}地区推广家庭医生签约服务的建议",
            "关于优化{s}地区就医预约和转诊流程的建议",
        ],
    ),
    "养老": (
        ["区民政局"],
        [
            "关于在{s}地区建设社区养老服务驿站的建议",
            "关于完善{s}地区老年助餐服务的建议",
            "关于推进{s}地区居家适老化改造的建议",
        ],
    ),
    "环境保护": (
        ["区生态环境局", "区园林绿化局", "区水务局"],
        [
            "关于加强{s}地区餐饮油烟治理的建议",
            "关于在{s}地区建设口袋公园和小微绿地的建议",
            "关于改善{s}地区河道水环境的建议",
            "关于推进{s}地区垃圾分类精细化管理的建议",
        ],
    ),
    "社区治理": (
        ["street"],
        [
            "关于完善{s}地区物业管理和业委会建设的建议",
            "关于加强{s}地区社区议事协商的建议",
            "关于提升{s}地区接诉即办响应效率的建议",
        ],
    ),
    "文化体育": (
        ["区文化和旅游局", "区体育局"],
        [
            "关于在{s}地区增加全民健身场地设施的建议",
            "关于推动{s}地区公共文化设施错时开放的建议",
            "关于保护利用{s}地区历史文化资源的建议",
        ],
    ),
    "就业与社会保障": (
        ["区人力资源社会保障局", "区民政局"],
        [
            "关于加强{s}地区高校毕业生就业服务的建议",
            "关于完善{s}地区困难群众帮扶机制的建议",
        ],
    ),
    "营商环境": (
        ["区市场监管局", "区政务服务局", "区商务局"],
        [
            "关于优化{s}地区中小微企业政务服务的建议",
            "关于支持{s}地区便民商业网点建设的建议",
        ],
    ),
}

STREETS = [
    "万寿路",
    "永定路",
    "羊坊店",
    "甘家口",
    "八里庄",
    "紫竹院",
    "北下关",
    "北太平庄",
    "学院路",
    "中关村",
    "海淀",
    "青龙桥",
    "清华园",
    "燕园",
    "香山",
    "清河",
    "花园路",
    "西三旗",
    "马连洼",
    "田村路",
    "上地",
    "曙光",
]

CONTENT = (
    "{s}地区群众反映较为集中的问题是：{topic}。经代表走访调研和在代表之家接待选民了解，"
    "该问题涉及居民日常生活，群众期盼尽快解决。\n"
    "为此建议：一是由相关部门会同{s}街道开展专题调研，摸清底数；二是制定分步实施计划，"
    "明确责任单位和完成时限；三是建立定期通报机制，及时向代表和群众反馈进展。"
)
REPLY_TEXT = {
    "A": "您提出的建议已办理完毕。我单位会同{s}街道开展实地调研，已完成相关工作，"
    "群众反映的问题基本得到解决。感谢您对我区工作的关心和支持。",
    "B": "您提出的建议正在办理中。我单位已将相关事项纳入年度工作计划，"
    "预计于年内完成，届时将及时向您反馈落实情况。",
    "C": "您提出的建议很有针对性。受规划、资金等条件限制，目前暂不具备实施条件，"
    "我单位将积极创造条件，待条件成熟时推动解决。",
    "D": "感谢您的建议。该事项涉及市级事权，我单位已将您的意见报送市级主管部门，"
    "并将在今后工作中参考。",
}
CONTACT_NOTES = [
    "与代表电话沟通，了解建议具体情况和代表的诉求。",
    "到代表所在社区实地查看，听取代表和居民意见。",
    "邀请代表参加办理座谈会，通报办理思路。",
    "通过代表之家与代表面对面沟通办理方案。",
]
RATING_COMMENTS = {
    "satisfied": "办理认真，沟通及时，问题已解决。",
    "basic": "办理态度较好，但落实进度还需加快。",
    "unsatisfied": "答复未回应建议的核心问题，希望重新研究办理。",
}


@dataclass
class Plan:
    """One suggestion and its history as of today."""

    title: str
    category: str
    street: str
    proposers: list  # Deputy objects, lead first
    filed_at: dt.datetime
    meeting: object = None
    lead_unit: object = None
    co_unit: object = None
    returned_unit: object = None
    is_key: bool = False
    slow_rating: bool = False  # the demo deputy's recent replies still await their rating
    events: list = field(default_factory=list)


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def seed(ctx: DemoContext) -> None:
    from congress.models import HANDLING_UNIT_KINDS, Meeting, MeetingKind, Term, Unit
    from deputies.models import Deputy, MandateStatus
    from motions.suggestions.models import Category, ScoringRules, Suggestion

    ctx.step("suggestions: categories and the handling evaluation rules")
    categories = {}
    for i, name in enumerate(CATEGORIES):
        categories[name], _created = Category.objects.get_or_create(
            name=name, defaults={"sort_order": i}
        )
    ScoringRules.objects.get_or_create(
        effective_year=2022,
        defaults={
            "name": "海淀区人大常委会代表建议办理工作评估细则（2022年修订）",
            "source": "区人大常委会主任会议2022年修订《建议办理评估细则》",
            "timeliness_weight": Decimal(30),
            "contact_weight": Decimal(10),
            "satisfaction_weight": Decimal(40),
            "resolution_weight": Decimal(20),
            "basic_satisfied_factor": Decimal("0.6"),
        },
    )

    term = Term.objects.filter(is_current=True, congress__is_default=True).first()
    if term is None:
        ctx.step("suggestions: no current term (congress demo missing); nothing more to seed")
        return
    deputies = list(
        Deputy.objects.filter(mandates__term=term, mandates__status=MandateStatus.SERVING).order_by(
            "number", "id"
        )
    )
    if not deputies:
        ctx.step("suggestions: no deputies of the term (deputies demo missing); nothing to seed")
        return
    units = {u.name: u for u in Unit.objects.filter(kind__in=HANDLING_UNIT_KINDS, is_active=True)}
    street_units = {
        name: units.get(f"{name}街道办事处") for name in STREETS if f"{name}街道办事处" in units
    }
    offices = {u.office_role: u for u in Unit.objects.filter(kind="office")}
    sessions = {
        m.starts_on.year: m
        for m in Meeting.objects.filter(term=term, kind=MeetingKind.CONGRESS_SESSION)
        if m.starts_on <= ctx.today
    }
    demo_deputy = Deputy.objects.filter(user__username="deputy").first()

    plans = _plan(ctx, term, deputies, demo_deputy, units, street_units, sessions)
    existing = set(Suggestion.objects.filter(term=term).values_list("title", "filed_at"))
    plans = [p for p in plans if (p.title, p.filed_at) not in existing]
    # Suggestions other apps created earlier in the seed (voter opinions turned into suggestions,
    # motions converted by the review committee) are triaged and handled like the others.
    waiting = _waiting(ctx, term, categories, units, street_units)
    if not plans and not waiting:
        ctx.step("suggestions: already seeded")
    else:
        _write(ctx, term, plans, waiting, categories, offices)
    _bureau_visit(ctx, units)


KEYWORDS = [
    (("停车", "公交", "单车", "交通", "道路", "地铁"), "交通出行"),
    (("幼儿园", "学校", "课后", "教育", "学位"), "教育"),
    (("卫生", "医生", "药品", "医院", "就医"), "医疗卫生"),
    (("养老", "助餐", "老人"), "养老"),
    (("油烟", "垃圾", "绿地", "噪音", "河道"), "环境保护"),
    (("电梯", "老旧", "防水", "路面", "管网"), "城市建设"),
    (("文化", "体育", "健身"), "文化体育"),
    (("社保", "就业"), "就业与社会保障"),
]


def _category_for(title: str) -> str:
    for words, category in KEYWORDS:
        if any(w in title for w in words):
            return category
    return "社区治理"


def _waiting(ctx, term, categories, units, street_units) -> list:
    """(plan, suggestion) for suggestions filed by other apps more than two weeks ago that are
    still awaiting assignment and were never assigned."""
    from motions.suggestions.models import Suggestion, SuggestionState

    rng = ctx.rng("suggestions-waiting")
    cutoff = _at(ctx.today - dt.timedelta(days=14))
    result = []
    for s in (
        Suggestion.objects.filter(
            term=term, state=SuggestionState.FILED, filed_at__lt=cutoff, assignments__isnull=True
        )
        .prefetch_related("proposers__deputy")
        .order_by("filed_at", "id")
    ):
        category = s.category.name if s.category_id else _category_for(s.title)
        street = rng.choice(STREETS)
        name = rng.choice(TOPICS[category][0])
        lead = street_units.get(street) if name == "street" else units.get(name)
        if lead is None:
            continue
        if not s.category_id:
            s.category = categories[category]
        plan = Plan(
            title=s.title,
            category=category,
            street=street,
            proposers=[p.deputy for p in s.proposers.all()],
            filed_at=s.filed_at,
            meeting=s.meeting,
            lead_unit=lead,
        )
        result.append((plan, s))
    return result


def _plan(ctx, term, deputies, demo_deputy, units, street_units, sessions) -> list[Plan]:
    rng = ctx.rng("suggestions")
    today = ctx.today
    plans: list[Plan] = []
    seen_titles: set[tuple[str, dt.datetime]] = set()

    def lead_for(category: str, street: str):
        candidates, _templates = TOPICS[category]
        name = rng.choice(candidates)
        if name == "street":
            return street_units.get(street) or units.get("区民政局")
        return units.get(name)

    def make(
        filed_at: dt.datetime, meeting, *, lead_deputy=None, force_recent=False
    ) -> Plan | None:
        category = rng.choice(CATEGORIES)
        street = rng.choice(STREETS)
        title = rng.choice(TOPICS[category][1]).format(s=street)
        if (title, filed_at) in seen_titles:
            return None
        seen_titles.add((title, filed_at))
        count = rng.choices([1, 2, 3, 5], weights=[55, 25, 15, 5])[0]
        people = rng.sample(deputies, k=min(count, len(deputies)))
        if lead_deputy is not None:
            people = [lead_deputy] + [d for d in people if d.pk != lead_deputy.pk][: count - 1]
        plan = Plan(
            title=title,
            category=category,
            street=street,
            proposers=people,
            filed_at=filed_at,
            meeting=meeting,
            lead_unit=lead_for(category, street),
            is_key=rng.random() < 0.05,
        )
        if plan.lead_unit is None:
            return None
        plan.slow_rating = lead_deputy is not None and meeting is None
        if (
            rng.random() < 0.25
            and street_units.get(street)
            and street_units[street] != plan.lead_unit
        ):
            plan.co_unit = street_units[street]
        if rng.random() < 0.02:
            plan.returned_unit = plan.lead_unit
            others = [u for u in units.values() if u.kind == "department" and u != plan.lead_unit]
            plan.lead_unit = rng.choice(others)
        return plan

    # At each January session: 60–75 suggestions.
    for year in sorted(sessions):
        meeting = sessions[year]
        n = rng.randint(60, 75)
        for i in range(n):
            day = meeting.starts_on + dt.timedelta(days=rng.randint(0, 3))
            lead = demo_deputy if demo_deputy is not None and i < 2 else None
            plan = make(_at(day, 9 + i % 8), meeting, lead_deputy=lead)
            if plan:
                plans.append(plan)
    # Closing period (闭会期间) of the current year: filed over the last five months, so some
    # replies are due in the coming days, some overdue, some awaiting assignment.
    for i in range(36):
        day = today - dt.timedelta(days=4 + i * 5)
        if day.year < 2022:
            continue
        lead = demo_deputy if demo_deputy is not None and i % 6 == 0 else None
        plan = make(_at(day, 15), None, lead_deputy=lead)
        if plan:
            plans.append(plan)
    return plans


def _write(ctx, term, plans: list[Plan], waiting: list, categories, offices) -> None:
    from congress.models import (
        DeadlineRule,
        Obligation,
        ObligationDocument,
        ObligationState,
        Transition,
    )
    from deputies.models import DutyKind, DutyRecord
    from motions.suggestions.models import (
        Assignment,
        AssignmentRole,
        AssignmentState,
        Contact,
        FollowUp,
        Proposer,
        Rating,
        Reply,
        Suggestion,
        SuggestionState,
    )

    rng = ctx.rng("suggestions-handling")
    today = ctx.today
    rules = {r.code: r for r in DeadlineRule.objects.filter(code__startswith="suggestion-")}
    supervising = offices.get("deputy_affairs")
    letter_name = "suggestions/demo/reply-letter-sample.pdf"
    if not default_storage.exists(letter_name):
        from congress.uploads import sample_pdf

        letter_name = default_storage.save(
            letter_name, ContentFile(sample_pdf("Reply letter (demo)"))
        )

    ctx.step(f"suggestions: {len(plans)} suggestions with their handling")
    number = Suggestion.objects.filter(term=term).order_by("-number").first() or None
    next_number = (number.number if number and number.number else 0) + 1
    rows = []
    for plan in plans:
        rows.append(
            Suggestion(
                term=term,
                meeting=plan.meeting,
                number=next_number,
                title=plan.title,
                content=CONTENT.format(s=plan.street, topic=plan.title[2:-3]),
                category=categories[plan.category],
                filed_at=plan.filed_at,
                is_key=plan.is_key,
                supervising_leader="区人大常委会副主任" if plan.is_key else "",
                supervising_office=supervising if plan.is_key else None,
            )
        )
        next_number += 1
    created = Suggestion.objects.bulk_create(rows, batch_size=200)

    proposers, duty = [], []
    sug_type = ContentType.objects.get_for_model(Suggestion)
    for plan, s in zip(plans, created, strict=True):
        for i, d in enumerate(plan.proposers):
            proposers.append(Proposer(suggestion=s, deputy=d, is_lead=i == 0, position=i))
            duty.append(
                DutyRecord(
                    deputy=d,
                    kind=DutyKind.SUGGESTION,
                    title=f"提出建议：{s.title}"[:300],
                    date=timezone.localdate(s.filed_at),
                    source_type=sug_type,
                    source_id=s.pk,
                )
            )
    Proposer.objects.bulk_create(proposers, batch_size=500)
    plans = plans + [plan for plan, _s in waiting]
    suggestions = created + [s for _plan, s in waiting]
    new_ids = {s.pk for s in created}

    # Pass 1: assignments (the lead's history is computed below).
    transitions: list[Transition] = []
    assignments, lead_of, plan_of = [], {}, {}
    for plan, s in zip(plans, suggestions, strict=True):
        if s.pk in new_ids:  # the others logged their filing when they were created
            transitions.append(
                Transition(subject_type=sug_type, subject_id=s.pk, to_state="filed", at=s.filed_at)
            )
        delay = rng.randint(20, 45) if plan.meeting else rng.randint(3, 12)
        assigned_on = timezone.localdate(s.filed_at) + dt.timedelta(days=delay)
        if assigned_on > today:
            continue  # still awaiting assignment
        s.assigned_at = _at(assigned_on, 11)
        if plan.returned_unit is not None:
            returned_on = assigned_on + dt.timedelta(days=rng.randint(3, 10))
            if returned_on > today:
                plan.lead_unit = plan.returned_unit
                plan.returned_unit = None
            else:
                assignments.append(
                    Assignment(
                        suggestion=s,
                        unit=plan.returned_unit,
                        role=AssignmentRole.LEAD,
                        state=AssignmentState.RETURNED,
                        assigned_at=s.assigned_at,
                        return_reason="经研究，该建议所提事项不属于本单位职责范围，建议改由相关单位办理。",
                        returned_at=_at(returned_on, 16),
                    )
                )
                assigned_on = returned_on + dt.timedelta(days=rng.randint(2, 6))
                if assigned_on > today:
                    s.state = SuggestionState.FILED
                    continue
        lead = Assignment(
            suggestion=s,
            unit=plan.lead_unit,
            role=AssignmentRole.LEAD,
            assigned_at=_at(assigned_on, 11),
        )
        assignments.append(lead)
        lead_of[s.pk] = lead
        plan_of[s.pk] = plan
        if plan.co_unit is not None:
            assignments.append(
                Assignment(
                    suggestion=s,
                    unit=plan.co_unit,
                    role=AssignmentRole.JOINT,
                    assigned_at=_at(assigned_on, 11),
                )
            )
        transitions.append(
            Transition(
                subject_type=sug_type,
                subject_id=s.pk,
                from_state="filed",
                to_state="assigned",
                at=_at(assigned_on, 11),
            )
        )
    Assignment.objects.bulk_create(assignments, batch_size=500)

    # Pass 2: handling of each lead assignment, as of today.
    a_type = ContentType.objects.get_for_model(Assignment)
    obligations: list[Obligation] = []
    owed: list[tuple[Assignment, Obligation]] = []  # the obligation each assignment owes now
    contacts, replies_plan, ratings_plan, followups_plan = [], [], [], []

    def obligation(a, kind, rule_code, title, starts, due, state, submitted=None):
        ob = Obligation(
            unit=a.unit,
            kind=kind,
            title=title[:300],
            subject_type=a_type,
            subject_id=a.pk,
            rule=rules.get(rule_code),
            starts_on=starts,
            due_date=due,
            original_due_date=due,
            state=state,
            supervising_office=supervising if plan_of[a.suggestion_id].is_key else None,
            submitted_at=submitted,
            accepted_at=submitted + dt.timedelta(days=10) if state == "accepted" else None,
            overdue_since=_at(due + dt.timedelta(days=1), 0) if state == "overdue" else None,
            created_at=_at(starts, 11),
        )
        obligations.append(ob)
        return ob

    def open_state(due):
        return ObligationState.OVERDUE if due < today else ObligationState.OPEN

    cls_weights = {"A": 45, "B": 30, "C": 18, "D": 7}
    results_by_class = {
        "A": [80, 18, 2],
        "B": [60, 35, 5],
        "C": [35, 45, 20],
        "D": [20, 50, 30],
    }
    for s in suggestions:
        a = lead_of.get(s.pk)
        if a is None:
            continue
        plan = plan_of[s.pk]
        start = timezone.localdate(a.assigned_at)
        state, round_, last_state = AssignmentState.HANDLING, 1, "assigned"
        for round_ in (1, 2):
            due = add_months(start, 3 if round_ == 1 else 1)
            title = ("代表建议答复：" if round_ == 1 else "代表建议重新办理答复：") + s.title
            late = rng.random() < (0.08 if round_ == 1 else 0.1)
            # Some units let the deadline pass: mostly recent closing-period suggestions.
            never = (
                rng.random() < (0.35 if plan.meeting is None else 0.06)
                and today - dt.timedelta(days=60) < due < today
            )
            contact_on = start + dt.timedelta(days=rng.randint(5, 30))
            # Units reply close to the deadline; closing-period ones closest (live items).
            early = 25 if plan.meeting is not None else 10
            reply_on = (
                due + dt.timedelta(days=rng.randint(2, 20))
                if late
                else due - dt.timedelta(days=rng.randint(1, early))
            )
            reply_on = max(reply_on, contact_on + dt.timedelta(days=3))
            if contact_on <= today:
                contacts.append(
                    Contact(
                        assignment=a,
                        deputy=plan.proposers[0],
                        round=round_,
                        method=rng.choice(["phone", "visit", "meeting", "inspection"]),
                        contacted_on=contact_on,
                        note=rng.choice(CONTACT_NOTES),
                        recorded_at=_at(contact_on, 17),
                    )
                )
            if never or reply_on > today:
                obligation(
                    a,
                    "suggestions.reply" if round_ == 1 else "suggestions.rehandling",
                    "suggestion-reply" if round_ == 1 else "suggestion-rehandling",
                    title,
                    start,
                    due,
                    open_state(due),
                )
                owed.append((a, obligations[-1]))
                state = AssignmentState.HANDLING if round_ == 1 else AssignmentState.REHANDLING
                break
            if round_ == 1:
                cls = rng.choices(list(cls_weights), weights=list(cls_weights.values()))[0]
            else:
                cls = rng.choices(["A", "B", "C"], weights=[50, 35, 15])[0]
            rated_on = reply_on + dt.timedelta(
                days=rng.randint(35, 60) if plan.slow_rating else rng.randint(5, 25)
            )
            concluded = rated_on <= today
            ob = obligation(
                a,
                "suggestions.reply" if round_ == 1 else "suggestions.rehandling",
                "suggestion-reply" if round_ == 1 else "suggestion-rehandling",
                title,
                start,
                due,
                ObligationState.ACCEPTED if concluded else ObligationState.SUBMITTED,
                submitted=_at(reply_on, 16),
            )
            owed.append((a, ob))
            replies_plan.append((a, round_, cls, ob, reply_on, due, s, plan))
            transitions.append(
                Transition(
                    subject_type=sug_type,
                    subject_id=s.pk,
                    from_state=last_state,
                    to_state="replied",
                    at=_at(reply_on, 16),
                )
            )
            last_state = "replied"
            if cls == "B":
                fu_due = add_months(reply_on, 6)
                report_on = fu_due - dt.timedelta(days=rng.randint(5, 40))
                followups_plan.append((a, round_, fu_due, report_on, s))
            if not concluded:
                state = AssignmentState.REPLIED
                break
            weights = results_by_class[cls] if round_ == 1 else [55, 40, 5]
            results = [
                rng.choices(["satisfied", "basic", "unsatisfied"], weights=weights)[0]
                for _d in plan.proposers
            ]
            ratings_plan.append((a, round_, plan.proposers, results, rated_on))
            if "unsatisfied" in results and round_ == 1:
                start = rated_on
                transitions.append(
                    Transition(
                        subject_type=sug_type,
                        subject_id=s.pk,
                        from_state="replied",
                        to_state="rehandling",
                        at=_at(rated_on, 18),
                    )
                )
                last_state = "rehandling"
                continue
            state = AssignmentState.DONE
            s.closed_at = _at(rated_on, 18)
            transitions.append(
                Transition(
                    subject_type=sug_type,
                    subject_id=s.pk,
                    from_state="replied",
                    to_state="closed",
                    at=s.closed_at,
                )
            )
            break
        a.state, a.round = state, round_
        s.state = {
            AssignmentState.HANDLING: SuggestionState.ASSIGNED,
            AssignmentState.REHANDLING: SuggestionState.REHANDLING,
            AssignmentState.REPLIED: SuggestionState.REPLIED,
            AssignmentState.DONE: SuggestionState.CLOSED,
        }[state]
        s.is_published = state == AssignmentState.DONE and rng.random() < 0.5

    ctx.step(f"suggestions: {len(obligations)} reply obligations, {len(replies_plan)} replies")
    Obligation.objects.bulk_create(obligations, batch_size=500)
    for a, ob in owed:
        a.obligation = ob  # the last one assigned is the current one
    Contact.objects.bulk_create(contacts, batch_size=500)

    documents, replies = [], []
    for a, round_, cls, ob, reply_on, due, s, plan in replies_plan:
        text = REPLY_TEXT[cls].format(s=plan.street)
        documents.append(
            ObligationDocument(
                obligation=ob,
                title=ob.title[:200],
                text=text,
                file=letter_name,
                submitted_at=_at(reply_on, 16),
            )
        )
        replies.append(
            Reply(
                assignment=a,
                round=round_,
                reply_class=cls,
                text=text,
                letter=letter_name,
                obligation=ob,
                due_date=due,
                submitted_at=_at(reply_on, 16),
                on_time=reply_on <= due,
                contact_before=True,
                is_published=s.is_published,
            )
        )
    ObligationDocument.objects.bulk_create(documents, batch_size=500)
    Reply.objects.bulk_create(replies, batch_size=500)
    reply_of = {(r.assignment_id, r.round): r for r in replies}

    ratings = []
    for a, round_, people, results, rated_on in ratings_plan:
        reply = reply_of[(a.pk, round_)]
        for i, (d, result) in enumerate(zip(people, results, strict=True)):
            ratings.append(
                Rating(
                    reply=reply,
                    deputy=d,
                    result=result,
                    comment=RATING_COMMENTS[result] if result != "satisfied" or i == 0 else "",
                    rated_at=_at(rated_on + dt.timedelta(days=i), 10),
                )
            )
    Rating.objects.bulk_create(ratings, batch_size=500)

    fu_obligations, followups = [], []
    for a, round_, fu_due, report_on, s in followups_plan:
        reply = reply_of[(a.pk, round_)]
        reported = report_on <= today
        ob = Obligation(
            unit=a.unit,
            kind="suggestions.followup",
            title=f"代表建议落实情况报告：{s.title}"[:300],
            subject_type=a_type,
            subject_id=a.pk,
            rule=rules.get("suggestion-followup"),
            starts_on=timezone.localdate(reply.submitted_at),
            due_date=fu_due,
            original_due_date=fu_due,
            state=ObligationState.SUBMITTED if reported else open_state(fu_due),
            submitted_at=_at(report_on, 15) if reported else None,
            overdue_since=_at(fu_due + dt.timedelta(days=1), 0)
            if not reported and fu_due < today
            else None,
            created_at=reply.submitted_at,
        )
        fu_obligations.append(ob)
        followups.append(
            FollowUp(
                reply=reply,
                obligation=ob,
                report="相关工作已按计划完成，已向代表反馈。" if reported else "",
                reported_at=_at(report_on, 15) if reported else None,
            )
        )
    Obligation.objects.bulk_create(fu_obligations, batch_size=500)
    for f, ob in zip(followups, fu_obligations, strict=True):
        f.obligation = ob
    FollowUp.objects.bulk_create(followups, batch_size=500)

    # Co-units finish with the lead unit.
    for a in assignments:
        if a.role == AssignmentRole.JOINT and a.suggestion.state == SuggestionState.CLOSED:
            a.state = AssignmentState.DONE
    # bulk_update builds one CASE per field and row, which takes seconds here; a prepared
    # UPDATE run for every row (executemany) takes milliseconds.
    dt_value = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {Assignment._meta.db_table} SET state = %s, round = %s, obligation_id = %s "
            "WHERE id = %s",
            [(a.state, a.round, a.obligation_id, a.pk) for a in assignments],
        )
        cursor.executemany(
            f"UPDATE {Suggestion._meta.db_table} SET state = %s, assigned_at = %s, "
            "closed_at = %s, is_published = %s, category_id = %s WHERE id = %s",
            [
                (
                    s.state,
                    dt_value(s.assigned_at),
                    dt_value(s.closed_at),
                    s.is_published,
                    s.category_id,
                    s.pk,
                )
                for s in suggestions
            ],
        )
    Transition.objects.bulk_create(transitions, batch_size=500)

    rating_type = ContentType.objects.get_for_model(Rating)
    for r in ratings:
        duty.append(
            DutyRecord(
                deputy=r.deputy,
                kind=DutyKind.RATING,
                title=f"评价建议办理：{r.reply.assignment.suggestion.title}"[:300],
                date=timezone.localdate(r.rated_at),
                source_type=rating_type,
                source_id=r.pk,
            )
        )
    DutyRecord.objects.bulk_create(duty, batch_size=500, ignore_conflicts=True)
    by_state: dict[str, int] = {}
    for s in suggestions:
        by_state[s.state] = by_state.get(s.state, 0) + 1
    ctx.step("suggestions: " + ", ".join(f"{k} {v}" for k, v in sorted(by_state.items())))


def _bureau_visit(ctx, units) -> None:
    from deputies.models import Mandate, Station
    from motions.suggestions.models import Suggestion
    from motions.suggestions.services import record_bureau_visit

    unit = units.get("区教委")
    station = (
        Station.objects.filter(street__name="北下关", kind="home").first()
        or Station.objects.filter(street__name="北下关").first()
    )
    if unit is None or station is None:
        ctx.step("suggestions: no 区教委 or no station in 北下关; bureau visit not seeded")
        return
    day = dt.date(2022, 6, 16)
    if day > ctx.today:
        return
    discussed = list(
        Suggestion.objects.filter(
            assignments__unit=unit, filed_at__year=2022, category__name="教育"
        ).distinct()[:4]
    )
    present = [
        m.deputy
        for m in Mandate.objects.filter(station=station, status="serving").select_related("deputy")[
            :6
        ]
    ]
    record_bureau_visit(
        unit=unit,
        station=station,
        title="区教委进北下关街道代表之家——政府委办局进“家”“站”首场活动",
        date=day,
        actor=None,
        suggestions=discussed,
        deputies=present,
        staff_present="区教委主任、副主任及基础教育科、学前教育科负责人；"
        "区人大常委会代表工委、教科文卫委工作人员；北下关街道人大工委主任",
        outcomes="区教委通报2022年代表建议办理情况，逐件回应代表关于学位供给、校园周边交通、"
        "课后托管的建议；双方商定建立季度沟通机制，区教委每季度到代表之家通报办理进展。",
        is_published=True,
    )
    ctx.step(f"suggestions: bureau visit of {unit} at {station}")
