"""Demo data for report reviews: supervision plans 2022 → today with four topics a year, each
loop advanced as far as the calendar allows, plus live cases anchored to today (plan reports due
in the coming days, one overdue, one waiting for an extension decision).

Deterministic (names and dates derive from ctx.today and fixed tables) and idempotent (topics are
found by plan and title; each step runs only if the topic is still before it). At the end the
deadline sweep runs once as of ctx.now (without e-mail), so overdue states and reminders are real.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from congress import deadlines
from congress.demo_support import DemoContext, demo_user
from congress.models import (
    ExtensionRequest,
    Meeting,
    MeetingKind,
    ObligationState,
    Term,
    Unit,
    User,
)
from evaluations.reviews import services
from evaluations.reviews.models import (
    KIND_PLAN_REPORT,
    KIND_REPORT,
    KIND_STATUS_REPORT,
    OpinionLetter,
    Rating,
    RatingValue,
    ReviewTopic,
    SupervisionPlan,
    TopicState,
)

GOV, SUP, COURT, PROC = "海淀区人民政府", "海淀区监察委员会", "海淀区人民法院", "海淀区人民检察院"

# year → [(title, agency, committee short name, members rate?)]
TOPICS: dict[int, list[tuple[str, str, str, bool]]] = {
    2022: [
        ("区政府关于2021年度国有资产管理情况的报告", GOV, "财经委", False),
        ("区人民法院关于行政审判工作情况的报告", COURT, "监察司法委", True),
        ("区人民检察院关于公益诉讼工作情况的报告", PROC, "监察司法委", True),
        ("区政府关于义务教育优质均衡发展情况的报告", GOV, "教科文卫委", True),
    ],
    2023: [
        ("区政府关于2022年度国有资产管理情况的报告", GOV, "财经委", False),
        ("区监察委员会关于整治群众身边腐败和不正之风工作情况的报告", SUP, "监察司法委", True),
        ("区政府关于生态环境保护工作情况的报告", GOV, "城建环保委", True),
        ("区人民法院关于涉企案件审判执行工作情况的报告", COURT, "监察司法委", False),
    ],
    2024: [
        ("区政府关于2023年度国有资产管理情况的报告", GOV, "财经委", False),
        ("区人民检察院关于未成年人检察工作情况的报告", PROC, "监察司法委", True),
        ("区政府关于生活垃圾分类工作情况的报告", GOV, "城建环保委", True),
        ("区政府关于养老服务体系建设情况的报告", GOV, "社会委", True),
    ],
    2025: [
        ("区政府关于2024年度国有资产管理情况的报告", GOV, "财经委", False),
        ("区人民法院关于多元解纷和诉源治理工作情况的报告", COURT, "监察司法委", True),
        ("区政府关于老旧小区综合整治工作情况的报告", GOV, "城建环保委", True),
        ("区人民检察院关于民事检察工作情况的报告", PROC, "监察司法委", True),
    ],
    2026: [
        ("区政府关于2025年度国有资产管理情况的报告", GOV, "财经委", False),
        ("区监察委员会关于加强基层监督工作情况的报告", SUP, "监察司法委", True),
        ("区政府关于中小学生课后服务工作情况的报告", GOV, "教科文卫委", True),
        ("区人民检察院关于行政检察工作情况的报告", PROC, "监察司法委", True),
    ],
}

# Live cases anchored to today: (title, agency, committee, days until the plan report is due,
# whether the agency asked for an extension).
LIVE = [
    ("区政府关于优化营商环境工作情况的报告", GOV, "财经委", 4, False),
    ("区人民法院关于审判质效提升工作情况的报告", COURT, "监察司法委", 9, False),
    ("区政府关于城市更新工作情况的报告", GOV, "城建环保委", -12, False),  # overdue
    ("区人民检察院关于检察公益诉讼工作情况的报告", PROC, "监察司法委", 20, True),  # extension
]

# Live case: the status report was accepted two days ago; members are rating it now.
LIVE_RATING = ("区监察委员会关于派驻监督工作情况的报告", SUP, "监察司法委")

OPINIONS = [
    "一、提高思想认识，进一步增强做好相关工作的责任感和紧迫感。",
    "二、坚持问题导向，针对审议中组成人员指出的突出问题逐项研究，明确责任单位和完成时限。",
    "三、健全长效机制，完善制度措施，加强部门协同和信息共享，形成工作合力。",
    "四、加强队伍建设和经费保障，提升工作的专业化、规范化水平。",
    "五、主动接受监督，及时向常委会报告研究处理情况，并向社会公开。",
]


def _dt(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def seed(ctx: DemoContext) -> None:
    term = Term.objects.filter(is_current=True, congress__is_default=True).first()
    if term is None:
        ctx.step("reviews: no current term, skipped")
        return
    units = {u.name: u for u in Unit.objects.filter(name__in=[GOV, SUP, COURT, PROC])}
    offices = {u.short_name: u for u in Unit.objects.filter(kind="office")}
    if len(units) < 4:
        ctx.step("reviews: the agencies are missing, skipped")
        return
    staff = (
        User.objects.filter(username="committee").first()
        or User.objects.filter(is_superuser=True).first()
    )
    members = _committee_members(ctx, term)
    ctx.step(f"reviews: {len(members)} committee members with logins for rating")
    meetings = list(
        Meeting.objects.filter(term=term, kind=MeetingKind.STANDING_COMMITTEE).order_by("starts_on")
    )
    if not meetings:
        return
    today = ctx.today
    total = sum(len(v) for y, v in TOPICS.items() if y <= today.year) + len(LIVE)
    done = 0
    for year, topics in TOPICS.items():
        if year > today.year:
            continue
        plan, _ = SupervisionPlan.objects.get_or_create(
            year=year,
            defaults={
                "term": term,
                "title": f"海淀区人大常委会{year}年度监督工作计划",
                "adopted_at": _first(meetings, dt.date(year - 1, 12, 1)),
            },
        )
        for order, (title, agency, committee, rate) in enumerate(topics):
            # Spread the year's meetings: March, May, July, September (roughly).
            meeting = _first(meetings, dt.date(year, 3 + 2 * order, 1))
            topic = _topic(plan, title, units[agency], offices.get(committee), rate, order)
            if meeting is not None:
                letter_on = meeting.starts_on + dt.timedelta(days=15)
                _advance(ctx, topic, staff, meeting, letter_on, members, rng_name=title)
            done += 1
            ctx.progress("review topics", done, total)
    live_plan = SupervisionPlan.objects.filter(year=today.year).first()
    if live_plan is not None:
        for order, (title, agency, committee, days, extension) in enumerate(LIVE, start=10):
            plan_due = today + dt.timedelta(days=days)
            letter_on = deadlines.add_months(plan_due, -3)
            meeting = _last(meetings, letter_on - dt.timedelta(days=10))
            topic = _topic(live_plan, title, units[agency], offices.get(committee), True, order)
            if meeting is not None:
                # Live: the plan report is still owed (due in days, overdue, or extension asked).
                _advance(ctx, topic, staff, meeting, letter_on, members, rng_name=title, live=True)
                if extension:
                    _ask_extension(topic, ctx.now)
            done += 1
            ctx.progress("review topics", done, total)
        title, agency, committee = LIVE_RATING
        letter_on = deadlines.add_months(today, -6) + dt.timedelta(days=2)
        meeting = _last(meetings, letter_on - dt.timedelta(days=10))
        topic = _topic(live_plan, title, units[agency], offices.get(committee), True, 20)
        if meeting is not None:
            _advance(ctx, topic, staff, meeting, letter_on, members, rng_name=title, live=True)
            _hand_in(topic, staff, today)
    from congress.sweep import sweep

    result = sweep(ctx.now, send_emails=False)
    ctx.step(
        "deadline sweep as of today: "
        + ", ".join(f"{k} {v}" for k, v in result.counts().items() if k != "batches")
    )


def _first(meetings: list[Meeting], on_or_after: dt.date) -> Meeting | None:
    return next((m for m in meetings if m.starts_on >= on_or_after), None)


def _last(meetings: list[Meeting], on_or_before: dt.date) -> Meeting | None:
    found = [m for m in meetings if m.starts_on <= on_or_before]
    return found[-1] if found else None


def _topic(plan, title, agency, committee, rate: bool, order: int) -> ReviewTopic:
    topic, _ = ReviewTopic.objects.get_or_create(
        plan=plan,
        title=title,
        defaults={
            "agency": agency,
            "committee": committee,
            "rating_required": rate,
            "sort_order": order,
            "research": "会前，常委会组成人员和部分代表分三组赴有关部门和街道镇开展调研，"
            "召开座谈会听取基层意见，梳理形成调研报告供会议审议参考。",
        },
    )
    return topic


def _committee_members(ctx: DemoContext, term) -> list[User]:
    """Logins for a few standing committee members so that ratings can be shown and tried.
    (The deputies demo creates the members; we only give ten of them a login.)"""
    from deputies.models import Mandate

    mandates = list(
        Mandate.objects.filter(term=term, is_committee_member=True, status="serving")
        .select_related("deputy")
        .order_by("deputy__number", "pk")[:10]
    )
    users = []
    for i, mandate in enumerate(mandates, start=1):
        deputy = mandate.deputy
        if deputy.user_id is None:
            username = "member" if i == 1 else f"member{i}"
            user = demo_user(ctx, username, deputy.name, email=f"{username}@demo.haidian.invalid")
            type(deputy).objects.filter(pk=deputy.pk, user__isnull=True).update(user=user)
            from congress import access

            access.sync_groups(user)
            if i == 1:
                ctx.login("standing committee member (rates status reports)", username)
            users.append(user)
        else:
            users.append(deputy.user)
    return users


def _advance(
    ctx,
    topic: ReviewTopic,
    staff,
    meeting: Meeting,
    letter_on: dt.date,
    members,
    *,
    rng_name,
    live: bool = False,
):
    """Run the loop's steps whose dates have passed (as of ctx.today), from where it stands."""
    rng = ctx.rng(f"reviews:{rng_name}")
    today = ctx.today
    request_on = meeting.starts_on - dt.timedelta(days=45)
    liaison = _liaison(topic)
    if topic.state == TopicState.PLANNED and request_on <= today:
        services.request_report(
            topic,
            actor=staff,
            due_date=meeting.starts_on - dt.timedelta(days=5),
            now=_dt(request_on),
        )
    report = services.obligation(topic, KIND_REPORT)
    submit_on = meeting.starts_on - dt.timedelta(days=8)
    if report and report.state == ObligationState.OPEN and submit_on <= today:
        deadlines.submit_report(
            report,
            actor=liaison,
            title=topic.title,
            text=_report_text(topic),
            now=_dt(submit_on),
        )
    if topic.state == TopicState.REPORT_DUE and meeting.starts_on <= today:
        services.record_review(
            topic,
            actor=staff,
            meeting=meeting,
            deliberation="常委会组成人员认为，报告客观全面，工作取得积极成效；同时指出存在的问题，"
            "提出了进一步改进工作的意见和建议。",
            now=_dt(meeting.starts_on, 15),
        )
    if topic.state == TopicState.REVIEWED and letter_on <= today:
        year = letter_on.year
        seq = OpinionLetter.objects.filter(issued_on__year=year).count() + 1
        while OpinionLetter.objects.filter(number=f"海人常审〔{year}〕{seq}号").exists():
            seq += 1
        number = f"海人常审〔{year}〕{seq}号"
        subject = topic.title.removesuffix("的报告").split("关于", 1)[-1]
        services.save_letter(
            topic,
            actor=staff,
            number=number,
            title=f"关于{subject}的审议意见",
            addressee=topic.agency.name,
            body=f"{meeting.title}听取和审议了《{topic.title}》。现将常委会组成人员的审议意见整理如下，请认真研究处理。\n"
            + "\n".join(OPINIONS),
            copy_to="区人民政府办公室" if topic.agency.kind != "government" else "",
        )
        services.issue_letter(topic, actor=staff, issued_on=letter_on, now=_dt(letter_on))
    for kind, label, margin in (
        (KIND_PLAN_REPORT, "研究处理方案报告", rng.randint(2, 20)),
        (KIND_STATUS_REPORT, "处理情况报告", rng.randint(1, 25)),
    ):
        ob = services.obligation(topic, kind)
        if live or ob is None or ob.state not in (ObligationState.OPEN, ObligationState.OVERDUE):
            continue
        submit_on = ob.due_date - dt.timedelta(days=margin)
        if submit_on > today:
            continue
        deadlines.submit_report(
            ob,
            actor=liaison,
            title=f"关于{topic.title.removesuffix('的报告')}审议意见的{label}",
            text=_handling_text(topic, label),
            now=_dt(submit_on),
        )
        accept_on = submit_on + dt.timedelta(days=5)
        if accept_on <= today:
            ob.refresh_from_db()
            deadlines.accept_report(ob, actor=staff, now=_dt(accept_on))
    services.advance_after_status_report(topic, actor=staff)
    status = services.obligation(topic, KIND_STATUS_REPORT)
    if topic.state == TopicState.RATING and status and status.accepted_at:
        rated_on = timezone.localdate(status.accepted_at) + dt.timedelta(days=7)
        if rated_on <= today:
            for user in members:
                if not Rating.objects.filter(topic=topic, member=user).exists():
                    value = rng.choices(
                        [RatingValue.SATISFIED, RatingValue.BASICALLY, RatingValue.UNSATISFIED],
                        weights=[6, 3, 1],
                    )[0]
                    services.rate(topic, actor=user, value=value, now=_dt(rated_on))
            if topic.ratings.exists():
                services.close_rating(topic, actor=staff, now=_dt(rated_on + dt.timedelta(days=3)))
    if (
        topic.state == TopicState.CONCLUDED
        and topic.published_at is None
        and status
        and status.accepted_at
    ):
        publish_on = timezone.localdate(status.accepted_at) + dt.timedelta(days=20)
        if publish_on <= today:
            services.publish(
                topic,
                actor=staff,
                summary=f"{topic.agency.name}对常委会审议意见高度重视，逐条研究制定了处理方案，"
                "明确了责任分工和时间表，按期报告了研究处理情况。常委会认为，审议意见提出的问题"
                "已基本得到解决或正在积极推进，将继续跟踪监督。",
                now=_dt(publish_on),
            )


def _hand_in(topic: ReviewTopic, staff, today: dt.date) -> None:
    """Both reports handed in and accepted, the status report two days ago: rating is open."""
    liaison = _liaison(topic)
    for kind, label, submit_on in (
        (KIND_PLAN_REPORT, "研究处理方案报告", None),
        (KIND_STATUS_REPORT, "处理情况报告", today - dt.timedelta(days=4)),
    ):
        ob = services.obligation(topic, kind)
        if ob is None or ob.state not in (ObligationState.OPEN, ObligationState.OVERDUE):
            continue
        day = submit_on or ob.due_date - dt.timedelta(days=6)
        deadlines.submit_report(
            ob,
            actor=liaison,
            title=f"{topic.title}审议意见的{label}",
            text=_handling_text(topic, label),
            now=_dt(day),
        )
        ob.refresh_from_db()
        deadlines.accept_report(ob, actor=staff, now=_dt(day + dt.timedelta(days=2)))
    services.advance_after_status_report(topic, actor=staff)


def _ask_extension(topic: ReviewTopic, now: dt.datetime) -> None:
    ob = services.obligation(topic, KIND_PLAN_REPORT)
    if ob is None or ob.state != ObligationState.OPEN:
        return
    if ExtensionRequest.objects.filter(obligation=ob).exists():
        return
    deadlines.request_extension(
        ob,
        actor=_liaison(topic),
        reason="审议意见涉及多个部门，需会同区发展改革委、区财政局等单位共同研究，"
        "并开展专题调研，申请延期一个月报送研究处理方案。",
        requested_due_date=deadlines.add_months(ob.due_date, 1),
        now=now,
    )


def _liaison(topic: ReviewTopic):
    users = deadlines.liaisons_of(topic.agency_id)
    if users:
        return users[0]
    return User.objects.filter(is_superuser=True).order_by("pk").first()


def _report_text(topic: ReviewTopic) -> str:
    return (
        f"主任、各位副主任、各位委员：\n受委托，现就{topic.title.split('关于', 1)[-1].removesuffix('的报告')}"
        "报告如下，请予审议。\n一、基本情况\n二、主要做法和成效\n三、存在的问题\n四、下一步工作打算"
    )


def _handling_text(topic: ReviewTopic, label: str) -> str:
    return (
        f"按照常委会审议意见，{topic.agency.name}认真研究，形成{label}如下：\n"
        "一、关于提高认识：已召开专题会议进行部署。\n"
        "二、关于突出问题：逐项明确了责任单位和完成时限。\n"
        "三、关于长效机制：修订完善了相关工作制度。"
    )
