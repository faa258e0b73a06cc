"""Demo data for department evaluations (评议政府部门工作), driven through the services.

- the 2022 campaign: 8 departments and their key work items, ballots by the standing committee
  members (synthetic, cast through `cast_ballot`), results, rectification done and published;
- 2023–2025: a few items each, completed and published;
- the current year: one item gathering opinions (self-report due in a few days), one with an open
  ballot (the demo deputies are invited), one whose rectification report is due soon and one
  whose rectification plan is overdue;
- the 16th term's coverage of all 31 departments, recorded without ballots.
Idempotent: campaigns by year, items by (campaign, unit); every step only runs when the item is
behind it.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from congress.demo_support import DemoContext

CAMPAIGN_2022 = [
    (
        "区信访办",
        "积案攻坚化解",
        "聚焦信访积案，开展“接诉即办”与积案化解攻坚，推动疑难信访事项案结事了。",
    ),
    (
        "区农业农村局",
        "美丽乡村建设",
        "推进北部地区美丽乡村建设，改善农村人居环境，完善村庄基础设施。",
    ),
    ("区体育局", "全民健身", "完善全民健身公共服务体系，建设社区体育设施，推动体育场馆开放共享。"),
    ("区房管局", "物业管理", "规范物业服务，推进老旧小区物业管理全覆盖，加强物业服务监管。"),
    ("区教委", "学位供给", "加快中小学、幼儿园建设，扩大优质学位供给，缓解入学压力。"),
    ("区卫生健康委", "基层医疗卫生服务", "提升社区卫生服务中心能力，推进家庭医生签约服务。"),
    ("区城市管理委", "生活垃圾分类", "落实生活垃圾分类，提升分类投放准确率和收运处理能力。"),
    ("区民政局", "养老服务", "完善居家社区养老服务网络，建设养老服务驿站，发展老年助餐服务。"),
]
HISTORY = {
    2023: [
        ("区生态环境局", "大气污染防治", "推进细颗粒物与臭氧协同治理，持续改善空气质量。"),
        ("区水务局", "河长制落实", "落实河长制，推进河道治理和水环境改善。"),
        ("区市场监管局", "食品安全监管", "加强校园周边和餐饮环节食品安全监管。"),
    ],
    2024: [
        ("区交通委", "慢行系统建设", "完善自行车道和步行系统，治理停车难问题。"),
        ("区人力资源社会保障局", "稳就业促就业", "做好高校毕业生等重点群体就业服务。"),
        ("区应急管理局", "安全生产监管", "压实安全生产责任，开展重点行业领域隐患排查整治。"),
    ],
    2025: [
        ("区园林绿化局", "公园绿地建设", "建设口袋公园和城市绿道，提升公园服务水平。"),
        ("区商务局", "消费提质升级", "推动商圈改造提升，发展便民生活服务业态。"),
        ("区文化和旅游局", "公共文化服务", "完善公共文化设施网络，丰富基层文化活动供给。"),
    ],
}
CURRENT = [
    # (unit, item, description, stage)
    (
        "区科委",
        "科技成果转化",
        "推动高校院所科技成果就地转化，完善中关村科学城创新服务体系。",
        "research",
    ),
    (
        "区住房城乡建设委",
        "老旧小区综合整治",
        "推进老旧小区综合整治和加装电梯，改善居住条件。",
        "voting",
    ),
    ("区医保局", "医保便民服务", "推进医保服务下沉街道社区，提升经办服务便利度。", "report_due"),
    ("区政务服务局", "“一网通办”", "深化政务服务“一网通办”，提高办事效率。", "plan_overdue"),
]
TERM16_TOPICS = "重点工作落实情况"


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))


def seed(ctx: DemoContext) -> None:
    from congress.models import Term, Unit, UnitKind, User
    from deputies.models import Deputy

    term = Term.objects.filter(congress__is_default=True, number=17).first()
    if term is None:
        ctx.step("no 17th term: skipping evaluations")
        return
    staff = (
        User.objects.filter(username="staff").first()
        or User.objects.filter(is_superuser=True).first()
    )
    office = Unit.objects.filter(office_role="general_office").first()
    units = {u.name: u for u in Unit.objects.filter(kind=UnitKind.DEPARTMENT)}
    members = list(
        Deputy.objects.filter(
            mandates__term=term, mandates__is_committee_member=True, mandates__status="serving"
        ).order_by("pk")
    )
    world = {"term": term, "staff": staff, "office": office, "units": units, "members": members}

    ctx.step("2022 campaign: 8 departments, one key work item each")
    _campaign(ctx, world, 2022, CAMPAIGN_2022, completed=True)
    for year, specs in HISTORY.items():
        if year < ctx.today.year:
            ctx.step(f"{year} campaign")
            _campaign(ctx, world, year, specs, completed=True)
    if ctx.today.year > 2022:
        ctx.step(f"{ctx.today.year} campaign in progress")
        _current(ctx, world)
    ctx.step("16th term coverage: all 31 departments")
    _coverage_16(ctx, world)


def _plan_text(year: int, count: int) -> str:
    return (
        f"根据《海淀区人大常委会评议政府部门工作实施方案》，{year}年常委会选取{count}个政府工作部门，"
        "各评议一项重点工作。评议分为部门自查、代表调研视察、征求意见、评议会议满意度测评、"
        "整改落实和结果公开等阶段。"
    )


def _get_campaign(world, year: int, count: int, meeting: dt.date):
    from evaluations.models import Campaign, Phase, PhaseKind

    campaign, _ = Campaign.objects.get_or_create(
        year=year,
        defaults={
            "term": world["term"],
            "title": f"{year}年评议政府部门工作",
            "plan": _plan_text(year, count),
            "lead_office": world["office"],
            "is_published": True,
        },
    )
    schedule = [
        (PhaseKind.PLAN, meeting.replace(month=3, day=15), None),
        (PhaseKind.SELF_REPORT, meeting - dt.timedelta(days=100), meeting - dt.timedelta(days=30)),
        (PhaseKind.RESEARCH, meeting - dt.timedelta(days=90), meeting - dt.timedelta(days=15)),
        (PhaseKind.OPINIONS, meeting - dt.timedelta(days=90), meeting - dt.timedelta(days=15)),
        (PhaseKind.MEETING, meeting, None),
        (
            PhaseKind.RECTIFICATION,
            meeting + dt.timedelta(days=25),
            meeting + dt.timedelta(days=210),
        ),
        (PhaseKind.PUBLICATION, meeting + dt.timedelta(days=280), None),
    ]
    for kind, starts, ends in schedule:
        Phase.objects.get_or_create(
            campaign=campaign, kind=kind, defaults={"starts_on": starts, "ends_on": ends}
        )
    return campaign


def _item(campaign, unit, title, description, order):
    from evaluations.models import Item

    item, _ = Item.objects.get_or_create(
        campaign=campaign,
        unit=unit,
        defaults={"title": title, "description": description, "sort_order": order},
    )
    return item


def _research(ctx, world, item, meeting: dt.date, *, self_report_accepted: bool) -> None:
    """PLANNED → SELF_REPORT → RESEARCH with an inspection visit and a few opinions."""
    from congress import deadlines
    from congress.models import ObligationState
    from evaluations import services
    from evaluations.models import ItemState, OpinionSource

    staff = world["staff"]
    start = meeting - dt.timedelta(days=100)
    if item.state == ItemState.PLANNED:
        services.request_self_report(item, actor=staff, meeting_on=meeting, now=_at(start))
        item.refresh_from_db()
    if item.state == ItemState.SELF_REPORT:
        services.start_research(item, actor=staff, now=_at(start + dt.timedelta(days=10)))
        item.refresh_from_db()
        rng = ctx.rng(f"evaluations.research.{item.campaign.year}.{item.unit.name}")
        sample = rng.sample(world["members"], min(5, len(world["members"])))
        visit = start + dt.timedelta(days=30)
        services.record_inspection(
            item,
            actor=staff,
            title=f"{item.title}专题调研",
            date=visit,
            deputies=sample,
            place=f"{item.unit.short_name or item.unit.name}及相关街道",
            notes="听取部门汇报，实地察看，与基层群众座谈。",
        )
        if sample:
            services.add_opinion(
                item,
                source=OpinionSource.DEPUTY,
                deputy=sample[0],
                text=f"建议{item.unit.short_name or item.unit.name}在{item.title}方面进一步细化措施，明确时间表。",
            )
        services.add_opinion(
            item,
            source=OpinionSource.STATION,
            station="北下关街道代表之家",
            text=f"选民反映：希望{item.title}工作多听取社区居民意见。",
        )
        services.add_opinion(
            item,
            source=OpinionSource.PUBLIC,
            name="群众",
            text=f"关于{item.title}，希望信息公开更及时。",
        )
    if self_report_accepted:
        for ob in deadlines.obligations_for(item).filter(
            kind=services.KIND_SELF_REPORT, state__in=("open", "overdue", "returned")
        ):
            deadlines.submit_report(
                ob,
                actor=None,
                title=f"{item.unit}关于{item.title}工作的自查报告",
                text=f"本部门对{item.title}工作进行了全面自查，现将有关情况报告如下……",
                now=_at(ob.due_date - dt.timedelta(days=3)),
            )
            ob.refresh_from_db()
            if ob.state == ObligationState.SUBMITTED:
                deadlines.accept_report(ob, actor=staff, now=_at(ob.due_date))


def _ballot(ctx, world, item, meeting: dt.date, *, close: bool, invited=()) -> None:
    from evaluations import services
    from evaluations.models import ItemState, Participation, VoteState

    staff = world["staff"]
    if item.state not in (ItemState.RESEARCH, ItemState.VOTING):
        return
    vote = (
        services.prepare_vote(item, actor=staff, meeting_on=meeting, invited=invited)
        if (item.state == ItemState.RESEARCH)
        else item.vote
    )
    if vote.state == VoteState.DRAFT:
        services.open_vote(vote, actor=staff, now=_at(meeting, 9), notify=not close)
        vote.refresh_from_db()
    rng = ctx.rng(f"evaluations.ballots.{item.campaign.year}.{item.unit.name}")
    # A plausible distribution per item; about nine in ten members vote.
    p_satisfied = 0.35 + rng.random() * 0.35
    p_basic = (1 - p_satisfied) * (0.55 + rng.random() * 0.3)
    voted = set(Participation.objects.filter(vote=vote).values_list("voter_id", flat=True))
    voters = world["members"] if close else world["members"][: len(world["members"]) // 2]
    for i, deputy in enumerate(voters):
        draw, turnout = rng.random(), rng.random()
        if deputy.pk in voted or turnout > 0.9:
            continue
        if draw < p_satisfied:
            choice = "satisfied"
        elif draw < p_satisfied + p_basic:
            choice = "basically"
        else:
            choice = "unsatisfied"
        services.cast_ballot(vote, voter=deputy, choice=choice, now=_at(meeting, 10))
        ctx.progress(f"ballots {item.unit.short_name or item.unit.name}", i + 1, len(voters))
    if close and vote.state == VoteState.OPEN:
        services.close_vote(vote, actor=staff, now=_at(meeting, 11))


def _rectify(ctx, world, item, opinion_on: dt.date, *, plan_done: bool, report_done: bool):
    from congress import deadlines
    from evaluations import services
    from evaluations.models import ItemState

    staff = world["staff"]
    if item.state == ItemState.VOTED:
        services.issue_opinion(
            item,
            actor=staff,
            text=(
                f"常委会组成人员认为，{item.unit}在{item.title}方面做了大量工作，取得积极成效；"
                "同时指出工作中仍存在统筹协调不够、群众获得感有待提升等问题，"
                "要求认真研究整改，按期报送整改方案和整改情况报告。"
            ),
            now=_at(opinion_on),
        )
        item.refresh_from_db()
    done = {services.KIND_PLAN: plan_done, services.KIND_REPORT: report_done}
    for ob in deadlines.obligations_for(item).filter(kind__in=list(done)):
        if not done[ob.kind] or ob.state not in ("open", "overdue", "returned"):
            continue
        title = "整改方案" if ob.kind == services.KIND_PLAN else "整改情况报告"
        deadlines.submit_report(
            ob,
            actor=None,
            title=f"{item.unit}关于{item.title}评议意见的{title}",
            text=f"针对评议意见，我单位逐条研究，制定{title}如下……",
            now=_at(ob.due_date - dt.timedelta(days=7)),
        )
        deadlines.accept_report(ob, actor=staff, now=_at(ob.due_date - dt.timedelta(days=3)))
    item.refresh_from_db()


def _finish(world, item, follow_on: dt.date) -> None:
    from evaluations import services
    from evaluations.models import ItemState

    staff = world["staff"]
    if item.state == ItemState.RECTIFYING:
        services.record_follow_up(
            item,
            actor=staff,
            note="常委会组织代表开展跟踪视察，整改措施基本落实，群众满意度明显提升。",
            now=_at(follow_on),
        )
        item.refresh_from_db()
    if item.state == ItemState.FOLLOW_UP:
        services.complete_item(item, actor=staff, now=_at(follow_on + dt.timedelta(days=20)))
    if item.published_at is None:
        services.publish_results(item, actor=staff, now=_at(follow_on + dt.timedelta(days=30)))


def _campaign(ctx, world, year: int, specs, *, completed: bool) -> None:
    meeting = dt.date(year, 8, 25)
    campaign = _get_campaign(world, year, len(specs), meeting)
    for order, (unit_name, title, description) in enumerate(specs):
        unit = world["units"].get(unit_name)
        if unit is None:
            continue
        item = _item(campaign, unit, title, description, order)
        _research(ctx, world, item, meeting, self_report_accepted=True)
        _ballot(ctx, world, item, meeting, close=True)
        item.refresh_from_db()
        _rectify(
            ctx, world, item, meeting + dt.timedelta(days=26), plan_done=True, report_done=True
        )
        if completed:
            _finish(world, item, meeting + dt.timedelta(days=26 + 200))


def _current(ctx, world) -> None:
    from deputies.models import Deputy
    from evaluations.models import ItemState

    today = ctx.today
    year = today.year
    campaign = _get_campaign(world, year, len(CURRENT), dt.date(year, 8, 25))
    invited = list(Deputy.objects.filter(user__username__in=["deputy", "deputy2"]))
    for order, (unit_name, title, description, stage) in enumerate(CURRENT):
        unit = world["units"].get(unit_name)
        if unit is None:
            continue
        item = _item(campaign, unit, title, description, order)
        if stage == "research":
            # The meeting in 35 days: the self-report is due in 5 days (30 days before).
            _research(ctx, world, item, today + dt.timedelta(days=35), self_report_accepted=False)
        elif stage == "voting":
            _research(ctx, world, item, today, self_report_accepted=True)
            _ballot(ctx, world, item, today, close=False, invited=invited)
        elif stage == "report_due":
            # Opinion issued 6 months less 5 days ago: the rectification report is due in 5 days.
            opinion_on = _months_ago(today, 6) + dt.timedelta(days=5)
            meeting = opinion_on - dt.timedelta(days=20)
            _research(ctx, world, item, meeting, self_report_accepted=True)
            _ballot(ctx, world, item, meeting, close=True)
            item.refresh_from_db()
            _rectify(ctx, world, item, opinion_on, plan_done=True, report_done=False)
            if item.published_at is None and item.state == ItemState.RECTIFYING:
                from evaluations import services

                services.publish_results(item, actor=world["staff"], now=_at(opinion_on))
        elif stage == "plan_overdue":
            # Opinion issued a month and 4 days ago: the rectification plan is 4 days overdue.
            opinion_on = _months_ago(today, 1) - dt.timedelta(days=4)
            meeting = opinion_on - dt.timedelta(days=20)
            _research(ctx, world, item, meeting, self_report_accepted=True)
            _ballot(ctx, world, item, meeting, close=True)
            item.refresh_from_db()
            _rectify(ctx, world, item, opinion_on, plan_done=False, report_done=False)


def _months_ago(day: dt.date, months: int) -> dt.date:
    from congress.deadlines import add_months

    return add_months(day, -months)


def _coverage_16(ctx, world) -> None:
    from evaluations.models import CoverageRecord

    names = sorted(world["units"].values(), key=lambda u: (u.sort_order, u.name))
    years = [2017, 2018, 2019, 2020, 2021]
    for i, unit in enumerate(names):
        CoverageRecord.objects.get_or_create(
            unit=unit,
            term_number=16,
            year=years[i % len(years)],
            defaults={"topic": TERM16_TOPICS},
        )
