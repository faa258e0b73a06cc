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
        JointMeeting.objects.get_or_create(
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
    _seed_more(ctx, committees, DEMO_RECORDER_STREET)


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


def _seed_more(ctx: DemoContext, committees, recorder_street_name: str) -> None:
    """Attendance, sign-off versions, a correction, photos, and the next meeting's lead."""
    from django.utils import timezone

    from congress.jointmeetings.models import (
        EntryVersion,
        JointMeeting,
        JointMeetingState,
        LeadChange,
    )

    rng = ctx.rng("jointmeetings")
    meetings = list(JointMeeting.objects.order_by("number"))
    ctx.step("attendance, sign-offs and photos")
    for i, m in enumerate(meetings):
        proposed = committees[i % len(committees)]
        if m.proposed_lead_id is None:
            m.proposed_lead = proposed
            m.save(update_fields=["proposed_lead"])
        if m.state != JointMeetingState.PLANNED and not m.attending.exists():
            absent = {rng.randrange(len(committees))} if rng.random() < 0.4 else set()
            m.attending.set([c for k, c in enumerate(committees) if k not in absent])
        if m.state == JointMeetingState.SIGNED_OFF and not m.versions.exists():
            signed = timezone.make_aware(
                dt.datetime.combine(m.date + dt.timedelta(days=7), dt.time(17, 0))
            )
            texts = {f: getattr(m, f) for f in ENTRY_FIELDS}
            EntryVersion.objects.create(meeting=m, number=1, created_at=signed, **texts)
            m.version, m.signed_off_at = 1, signed
            m.save(update_fields=["version", "signed_off_at"])
            if m.number in CORRECTED:
                _correct(m, signed + dt.timedelta(days=20), CORRECTED[m.number])
        if m.state != JointMeetingState.PLANNED and not m.photos.exists():
            for k in range(1 + (m.number % 2)):
                _photo(m, k, rng)
        ctx.progress("entries", i + 1, len(meetings))

    upcoming = [m for m in meetings if m.state == JointMeetingState.PLANNED]
    recorder_committee = next(
        (c for c in committees if c.street.name == recorder_street_name), None
    )
    for m in upcoming:
        if (
            recorder_committee
            and m.lead_id != recorder_committee.pk
            and not m.lead_changes.exists()
        ):
            ctx.step(f"next meeting no. {m.number}: lead moved to {recorder_committee.street}")
            LeadChange.objects.create(
                meeting=m,
                proposed=m.lead,
                chosen=recorder_committee,
                reason=f"{m.lead.street}人大工委本期承担区级重点调研任务，经协商与"
                f"{recorder_committee.street}人大工委对调牵头顺序。",
                at=ctx.now - dt.timedelta(days=20),
            )
            m.lead_override_reason = LeadChange.objects.filter(meeting=m).last().reason
            m.lead = recorder_committee
            m.notice = m.notice.replace(str(m.proposed_lead.street), str(m.lead.street))
            m.agenda = m.agenda.replace(str(m.proposed_lead.street), str(m.lead.street))
            m.save(update_fields=["lead", "lead_override_reason", "notice", "agenda"])


ENTRY_FIELDS = ("topic", "place", "attendance", "notice", "agenda", "information")
# Entries corrected after sign-off (number → (field, new text suffix, reason)).
CORRECTED = {
    3: (
        "attendance",
        "21个街道人大工委主任出席（清河街道工委主任因公请假）；"
        "区人大常委会代表工作委员会负责同志列席。",
        "更正出席情况：原记录漏记请假人员",
    ),
    8: ("information", None, "补充会议议定事项"),
}


def _correct(meeting, at, spec) -> None:
    from congress.jointmeetings.models import EntryVersion

    field, text, reason = spec
    if text is None:
        text = getattr(meeting, field) + "会议议定：下次联席会重点交流代表建议督办经验。"
    setattr(meeting, field, text)
    meeting.version = 2
    meeting.corrected_at, meeting.correction_reason = at, reason
    meeting.save(update_fields=[field, "version", "corrected_at", "correction_reason"])
    EntryVersion.objects.create(
        meeting=meeting,
        number=2,
        reason=reason,
        created_at=at,
        **{f: getattr(meeting, f) for f in ENTRY_FIELDS},
    )


PALETTE = [(176, 32, 38), (36, 92, 150), (40, 120, 80), (200, 140, 40), (90, 90, 110)]


def _photo(meeting, k: int, rng) -> None:
    """A small generated picture (a meeting room or street scene in flat shapes), run through
    the upload policy like a real upload: re-encoded, no metadata, thumbnail."""
    import io

    from PIL import Image, ImageDraw

    from congress import uploads
    from congress.jointmeetings.models import JointMeetingPhoto

    w, h = 640, 400
    image = Image.new("RGB", (w, h), (236, 232, 226))
    draw = ImageDraw.Draw(image)
    colour = PALETTE[(meeting.number + k) % len(PALETTE)]
    if meeting.form == "discussion":
        # A conference table with people around it.
        draw.rounded_rectangle((120, 170, 520, 250), radius=30, fill=(150, 110, 70))
        for x in range(140, 520, 55):
            for y in (140, 280):
                draw.ellipse((x, y, x + 30, y + 30), fill=colour)
        draw.rectangle((0, 0, w, 60), fill=colour)
    else:
        # Buildings along a street and a group of visitors.
        for x in range(0, w, 90):
            top = 80 + rng.randrange(100)
            draw.rectangle((x + 5, top, x + 80, 300), fill=(190, 190 - (x % 60), 180))
        draw.rectangle((0, 300, w, h), fill=(120, 120, 120))
        for x in range(220, 420, 35):
            draw.ellipse((x, 310, x + 24, 334), fill=colour)
            draw.rectangle((x + 4, 334, x + 20, 370), fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    clean = uploads.clean_image(buffer.getvalue())
    thumb = uploads.make_thumbnail(clean)
    photo = JointMeetingPhoto(
        meeting=meeting,
        caption=f"第{meeting.number}次联席会{'会议现场' if meeting.form == 'discussion' else '实地调研'}"
        f"（{k + 1}）",
        sort_order=k + 1,
    )
    photo.image.save(clean.name, clean, save=False)
    photo.thumbnail.save(thumb.name, thumb, save=False)
    photo.save()
