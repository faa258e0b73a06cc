"""Demo data for the joint meeting record book (街道工委主任联席会 记录本).

The first joint meeting, on 29 March 2022, adopted the joint meeting rules; then a meeting roughly
every two months up to `ctx.today`, the lead street following the agreed rotation order. Past
meetings are signed off (locked); the latest one, if recent, is still being recorded; the next one
is planned and open for its lead street's recorder (staff move it to 北下关, the demo recorder's
street, when the rotation would give it to another street: a logged override).
"""

from __future__ import annotations

import datetime as dt

from congress.demo_support import DemoContext

RULES_TITLE = "海淀区人大常委会街道工作委员会主任联席会议工作制度"
DEMO_RECORDER_STREET = "北下关"

# (form, topic, what was seen or discussed) — research visits alternate with discussions.
TOPICS = [
    ("research", "老旧小区综合整治与加装电梯", "实地察看老旧小区综合整治和加装电梯进展"),
    ("discussion", "代表联络站（代表之家）规范化建设", "交流“家”“站”建设与代表进站履职经验"),
    ("research", "接诉即办与未诉先办", "调研街道接诉即办工作机制和高频诉求治理"),
    ("discussion", "街道人大工委监督议题的选题与实施", "研讨年度监督议题的选题、调研和跟踪方法"),
    ("research", "垃圾分类与社区环境治理", "察看垃圾分类驿站和社区环境整治成效"),
    ("discussion", "代表建议办理的街道跟踪督办", "交流代表建议在街道层面的督办经验"),
    ("research", "物业管理条例实施情况", "走访物业服务企业和业主委员会"),
    ("discussion", "选民意见的收集、转办与反馈", "研讨进站联系选民及意见处理办法的落实"),
    ("research", "背街小巷环境精细化整治", "实地察看背街小巷整治和“小微空间”改造"),
    ("discussion", "街道预算审查监督工作探索", "交流街道参与预算审查监督的做法"),
    ("research", "养老服务驿站运营情况", "调研社区养老服务驿站建设和运营"),
    ("discussion", "代表履职档案和履职登记", "研讨代表履职档案的记录与公开"),
    ("research", "中关村科学城北区基础设施建设", "察看科学城北区道路交通基础设施建设"),
    ("discussion", "街道工委年度工作总结和计划交流", "各街道工委交流年度工作总结和下年度计划"),
]


def meeting_dates(today: dt.date) -> list[dt.date]:
    """29 March 2022, then roughly every two months; includes the next one after `today`."""
    dates = [dt.date(2022, 3, 29)]
    year, month = 2022, 3
    while dates[-1] <= today:
        month += 2
        if month > 12:
            year, month = year + 1, month - 12
        # The last Tuesday-ish of the month: day 20-28, deterministic from the month.
        day = 20 + (year * 12 + month) % 9
        dates.append(dt.date(year, month, day))
    return dates


def seed(ctx: DemoContext) -> None:
    from congress.jointmeetings.models import JointMeeting, JointMeetingState, MeetingForm
    from congress.models import StreetKind, WorkCommittee

    committees = list(
        WorkCommittee.objects.filter(street__kind=StreetKind.STREET)
        .select_related("street")
        .order_by("rotation_order")
    )
    if not committees:
        ctx.step("no street work committees yet: skipped")
        return
    dates = meeting_dates(ctx.today)
    ctx.step(f"{len(dates)} joint meetings from 2022-03-29 to the next one")
    for i, day in enumerate(dates):
        number = i + 1
        lead = committees[i % len(committees)]
        is_next = day > ctx.today
        if i == 0:
            form = MeetingForm.DISCUSSION
            topic = f"审议通过《{RULES_TITLE}》"
            summary = f"会议讨论并审议通过了《{RULES_TITLE}》，明确联席会议由各街道工委轮流牵头"
        else:
            form, topic, summary = TOPICS[(i - 1) % len(TOPICS)]
        if is_next:
            state = JointMeetingState.PLANNED
        elif (ctx.today - day).days <= 30:
            state = JointMeetingState.RECORDING
        else:
            state = JointMeetingState.SIGNED_OFF
        texts = _texts(number, day, lead, form, topic, summary, state)
        meeting, created = JointMeeting.objects.get_or_create(
            number=number,
            defaults={
                "date": day,
                "lead": lead,
                "form": form,
                "topic": topic,
                "state": state,
                **texts,
            },
        )
        ctx.progress("joint meetings", number, len(dates))
    _seed_more(ctx, committees)


def _texts(number, day, lead, form, topic, summary, state) -> dict[str, str]:
    street = str(lead.street)
    where = f"{street}人大工委会议室" if form == "discussion" else f"{street}辖区"
    notice = (
        f"各街道人大工委：\n定于{day.year}年{day.month}月{day.day}日（星期"
        f"{'一二三四五六日'[day.weekday()]}）上午9:30在{where}召开第{number}次街道工委主任联席会，"
        f"主题为“{topic}”。请各街道工委主任准时参加。\n{street}人大工委（牵头街道）"
    )
    agenda = (
        f"一、{'实地调研' if form == 'research' else '主题交流'}：{summary}；\n"
        f"二、{street}人大工委介绍相关工作情况；\n"
        "三、各街道工委主任交流发言；\n"
        "四、区人大常委会代表工委负责同志讲话；\n"
        "五、确定下次联席会牵头街道。"
    )
    attendance = "22个街道人大工委主任出席；区人大常委会代表工作委员会负责同志列席。"
    information = ""
    if state != "planned":
        information = (
            f"{day.year}年{day.month}月{day.day}日，第{number}次街道工委主任联席会由{street}"
            f"人大工委牵头召开。{summary}。与会人员围绕“{topic}”深入交流，认为要坚持"
            "问题导向，把人大监督和代表工作落到基层，推动解决群众急难愁盼问题。"
        )
    return {
        "notice": notice,
        "agenda": agenda,
        "attendance": attendance,
        "information": information,
    }


def _seed_more(ctx: DemoContext, committees) -> None:
    """Photos, versions and the next meeting's lead override (once those models exist)."""
    try:
        from congress.jointmeetings import demo_extra
    except ImportError:
        return
    demo_extra.seed(ctx, committees, DEMO_RECORDER_STREET)
