"""Demo data of the motions app (contract in congress/demo_support.py).

The story, replayed through the motion services in date order up to `ctx.today`:

- 2022: at the 17th term's first session, 180 deputies propose 加快科学城北区道路交通等基础设施建设，
  推动中关村科学城高质量发展 (第1号). Assigned to the district government's 区发展改革委 with five
  co-units, supervised by the urban construction committee: a supervision year (2022), two
  follow-up years (2023, 2024), published inspections and "议案督办vlog" episodes, the units'
  handling plan and yearly reports, and each January a report to the congress session; closed in
  February 2025 after its third year.
- 2023–2026: a motion each year in a different stage (closed, follow-up year 2, follow-up year 1,
  a supervision year whose lead unit returned it and was replaced), one motion converted into a
  deputy suggestion and one not registered (2024).
- Live: the replaced lead unit's handling plan falls due in the coming days, the 2025 motion's
  supervision-year report is overdue, an update waits for publication, the report to the next
  session is due in December, and the demo deputy has a draft for the next session with a
  co-sign request waiting for the second demo deputy.

Deputies' own steps (drafting, co-signing) are written as data because most demo deputies have
no login; every step of staff and units goes through the services with the historical `now=`.
Progress photos are drawn with Pillow at seed time (nothing binary is committed). Idempotent:
each step checks the state it would change, so a second run changes no counts.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.core.files.base import ContentFile
from django.utils import timezone

from congress import access, deadlines
from congress.demo_support import DemoContext, demo_user
from congress.models import (
    PENDING_STATES,
    Meeting,
    MeetingKind,
    Membership,
    ObligationState,
    Role,
    Term,
    Unit,
    User,
)
from congress.workflow import log_transition
from deputies.models import Deputy, MandateStatus
from motions import services
from motions.models import (
    Assignment,
    AssignmentState,
    Cosigner,
    CosignerState,
    Follow,
    Motion,
    MotionState,
    ProgressUpdate,
    SessionReport,
    Topic,
    UpdateComment,
    UpdateState,
)

ROADS_TITLE = "加快科学城北区道路交通等基础设施建设，推动中关村科学城高质量发展"


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def d(y: int, m: int, day: int) -> dt.date:
    return dt.date(y, m, day)


# --- the cast ---------------------------------------------------------------------------------


@dataclass
class Cast:
    term: Term
    sessions: dict[int, Meeting]
    deputies: list[Deputy]
    users: dict[str, User]
    units: dict[str, Unit]
    topics: dict[str, Topic]
    events: list[tuple[dt.datetime, int, Callable[[], None]]] = field(default_factory=list)

    def on(self, when: dt.datetime, fn: Callable[[], None]) -> None:
        self.events.append((when, len(self.events), fn))

    def unit(self, name: str) -> Unit:
        return self.units[name]


def _units(names: list[str]) -> dict[str, Unit]:
    found = {u.name: u for u in Unit.objects.filter(name__in=names)}
    missing = set(names) - set(found)
    if missing:
        raise RuntimeError(f"units missing from the institution seed: {sorted(missing)}")
    return found


def _liaison(ctx: DemoContext, username: str, display: str, unit: Unit) -> User:
    user = demo_user(ctx, username, display, email=f"{username}@demo.haidian.invalid")
    Membership.objects.get_or_create(user=user, role=Role.LIAISON, unit=unit, street=None)
    access.sync_groups(user)
    ctx.login(f"unit liaison ({unit.name})", username)
    return user


def _cast(ctx: DemoContext) -> Cast | None:
    term = Term.objects.filter(congress__is_default=True, is_current=True).first()
    if term is None:
        return None
    sessions = {
        m.starts_on.year: m
        for m in Meeting.objects.filter(
            term__congress=term.congress, kind=MeetingKind.CONGRESS_SESSION
        )
    }
    deputies = list(
        Deputy.objects.filter(
            mandates__term=term,
            mandates__level=term.congress.level,
            mandates__status=MandateStatus.SERVING,
        )
        .order_by("number", "pk")
        .distinct()
    )
    if len(deputies) < 200 or 2022 not in sessions:
        return None
    units = _units(
        [
            "区发展改革委",
            "区交通委",
            "区住房城乡建设委",
            "区城市管理委",
            "区水务局",
            "区园林绿化局",
            "区文化和旅游局",
            "区教委",
            "区体育局",
            "区城管执法局",
            "区人大城市建设和环境保护委员会",
            "区人大教育科学文化卫生委员会",
        ]
    )
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=[
                "staff",
                "daffairs",
                "committee",
                "urbancommittee",
                "liaison",
                "liaison2",
                "deputy",
                "deputy2",
            ]
        )
    }
    if not {"staff", "daffairs", "committee", "urbancommittee", "liaison", "liaison2"} <= set(
        users
    ):
        return None
    users["ndrc"] = _liaison(ctx, "ndrcliaison", "区发展改革委 联络员", units["区发展改革委"])
    topics = {t.slug: t for t in Topic.objects.all()}
    return Cast(term, sessions, deputies, users, units, topics)


# --- pictures ---------------------------------------------------------------------------------


def scene(seed: int, *, kind: str = "road") -> ContentFile:
    """A small drawn "photo" (960×540 JPEG): sky, buildings, a road or a sports ground."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    image = Image.new("RGB", (960, 540), (150, 190, 230))
    draw = ImageDraw.Draw(image)
    for y in range(0, 300, 6):  # a soft sky gradient
        shade = 230 - y // 4
        draw.rectangle([0, y, 960, y + 6], fill=(120 + y // 10, 170 + y // 20, shade))
    x = 0
    while x < 960:  # the skyline of Zhongguancun's science parks
        w, h = rng.randint(60, 140), rng.randint(80, 230)
        grey = rng.randint(150, 210)
        draw.rectangle([x, 320 - h, x + w, 320], fill=(grey, grey, grey + 10))
        for wy in range(330 - h, 310, 18):
            for wx in range(x + 8, x + w - 8, 16):
                draw.rectangle([wx, wy, wx + 8, wy + 9], fill=(200, 220, 240))
        x += w + rng.randint(4, 20)
    if kind == "sports":
        draw.rectangle([0, 320, 960, 540], fill=(60, 140, 70))
        draw.ellipse([180, 350, 780, 530], outline=(240, 240, 240), width=6)
        draw.rectangle([420, 330, 540, 540], outline=(240, 240, 240), width=4)
    else:
        draw.rectangle([0, 320, 960, 540], fill=(70, 72, 78))
        draw.rectangle([0, 320, 960, 336], fill=(110, 150, 90))
        for lane in (395, 465):
            for lx in range(-40 + rng.randint(0, 40), 960, 90):
                draw.rectangle([lx, lane, lx + 50, lane + 6], fill=(245, 245, 245))
        for _ in range(rng.randint(3, 7)):  # cars and buses
            cx, cy = rng.randint(0, 900), rng.choice([350, 420, 488])
            colour = rng.choice([(200, 40, 40), (240, 240, 240), (40, 90, 170), (30, 140, 80)])
            draw.rounded_rectangle([cx, cy, cx + rng.choice([70, 150]), cy + 34], 6, fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=78)
    return ContentFile(buffer.getvalue(), name=f"scene-{seed}.jpg")


# --- building blocks (each idempotent) --------------------------------------------------------


def proposed(
    cast: Cast,
    *,
    year: int,
    title: str,
    lead: Deputy,
    cosigners: list[Deputy],
    topic: str,
    reasons: str,
    grounds: str,
    measures: str,
    submitted: dt.datetime,
) -> Motion:
    """A motion drafted, co-signed and submitted by deputies during the session (as data)."""
    session = cast.sessions[year]
    created_at = submitted - dt.timedelta(hours=30)
    motion, created = Motion.objects.get_or_create(
        session=session,
        title=title,
        defaults={
            "term": session.term,
            "year": session.starts_on.year,
            "lead_deputy": lead,
            "reasons": reasons,
            "grounds": grounds,
            "measures": measures,
            "topic": cast.topics.get(topic),
            "created_at": created_at,
            "created_by": lead.user,
        },
    )
    if not created:
        return motion
    log_transition(motion, "", MotionState.DRAFT, actor=lead.user, at=created_at)
    Cosigner.objects.bulk_create(
        [
            Cosigner(
                motion=motion,
                deputy=deputy,
                state=CosignerState.CONFIRMED,
                invited_at=created_at + dt.timedelta(minutes=20),
                responded_at=created_at + dt.timedelta(hours=2, minutes=i % 600),
            )
            for i, deputy in enumerate(cosigners)
        ],
        batch_size=200,
    )
    motion.signer_count = 1 + len(cosigners)
    motion.state, motion.submitted_at = MotionState.SUBMITTED, submitted
    motion.save(update_fields=["signer_count", "state", "submitted_at"])
    log_transition(motion, MotionState.DRAFT, MotionState.SUBMITTED, actor=lead.user, at=submitted)
    services.log_signers_duty(motion, submitted)
    return motion


def register(cast: Cast, motion: Motion, when: dt.datetime) -> None:
    def run():
        motion.refresh_from_db()
        if motion.state == MotionState.SUBMITTED:
            services.register_motion(motion, actor=cast.users["daffairs"], now=when)

    cast.on(when, run)


def assign(cast, motion, when, lead: str, co: list[str], office: str) -> None:
    def run():
        motion.refresh_from_db()
        if motion.state == MotionState.REGISTERED:
            services.assign_motion(
                motion,
                actor=cast.users["daffairs"],
                lead_unit=cast.unit(lead),
                co_units=[cast.unit(n) for n in co],
                supervising_office=cast.unit(office),
                now=when,
            )

    cast.on(when, run)


def accept_all(cast, motion, when, *, liaison: str | None = None, except_lead=False) -> None:
    """The units accept (the lead unit through its demo login; co-units recorded as data)."""

    def run():
        for a in Assignment.objects.filter(motion=motion, state=AssignmentState.PENDING):
            if a.role == "lead" and except_lead:
                continue
            if a.role == "lead" and liaison:
                services.answer_assignment(a, actor=cast.users[liaison], accept=True, now=when)
            else:
                Assignment.objects.filter(pk=a.pk).update(
                    state=AssignmentState.ACCEPTED, responded_at=when
                )

    cast.on(when, run)


def report(
    cast,
    motion,
    kind: str,
    submitted: dt.datetime,
    accepted: dt.datetime | None,
    *,
    unit_user: str | None,
    office_user: str,
    title: str,
    text: str,
    year_start: dt.date | None = None,
):
    """The lead unit hands in its plan or a yearly report; staff accept it."""

    def find():
        qs = deadlines.obligations_for(motion).filter(kind=kind).exclude(state="waived")
        if year_start is not None:
            qs = qs.filter(starts_on=year_start)
        return qs.order_by("-id").first()

    def hand_in():
        ob = find()
        if ob is not None and ob.state in PENDING_STATES:
            deadlines.submit_report(
                ob, actor=cast.users.get(unit_user or ""), title=title, text=text, now=submitted
            )

    def accept():
        ob = find()
        if ob is not None and ob.state == ObligationState.SUBMITTED:
            deadlines.accept_report(ob, actor=cast.users[office_user], now=accepted)

    cast.on(submitted, hand_in)
    if accepted is not None:
        cast.on(accepted, accept)


DEMO_ASSETS = Path(__file__).resolve().parent / "demo_assets"


def demo_video(name: str) -> ContentFile:
    """A small real MP4 of demo_assets/ (H.264, see its README), as an upload would give it."""
    return ContentFile((DEMO_ASSETS / name).read_bytes(), name=name)


def update(
    cast,
    motion,
    when: dt.datetime,
    kind: str,
    title: str,
    text: str,
    progress: int,
    *,
    office_user: str,
    unit_user: str | None = None,
    photos: int = 0,
    video_url: str = "",
    video: str = "",
    participants: int = 0,
    publish_after: int | None = 1,
    picture: str = "road",
):
    """A progress update: posted and published by the supervising office, or posted by the lead
    unit and published by the office `publish_after` days later (None: still waiting)."""

    def run():
        if ProgressUpdate.objects.filter(motion=motion, title=title).exists():
            return
        motion.refresh_from_db()
        seed = int(when.timestamp()) % 100000 + motion.pk
        people = []
        if participants:
            rng = random.Random(seed)
            people = rng.sample(cast.deputies[:300], participants)
        by_unit = unit_user is not None
        posted = services.post_update(
            motion,
            actor=cast.users[unit_user or office_user],
            kind=kind,
            title=title,
            text=text,
            happened_on=timezone.localdate(when),
            proposed_progress=progress,
            video_url=video_url,
            photos=[scene(seed + i, kind=picture) for i in range(photos)],
            video=demo_video(video) if video else None,
            video_caption=title if video else "",
            participants=people,
            publish=not by_unit,
            now=when,
        )
        if by_unit and publish_after is not None:
            services.publish_update(
                posted,
                actor=cast.users[office_user],
                now=when + dt.timedelta(days=publish_after),
            )

    cast.on(when, run)


def session_reports(cast: Cast, today: dt.date) -> None:
    """For each session after the first: draft, hand in and accept the report on motions."""
    for year, session in sorted(cast.sessions.items()):
        if year == 2022:
            continue
        due = session.starts_on - dt.timedelta(days=30)
        draft_on = at(due - dt.timedelta(days=8), 15)
        steps = _report_steps(cast, session)
        if draft_on.date() <= today:
            cast.on(draft_on, lambda steps=steps, when=draft_on: steps["draft"](when))
            hand_in_on, accept_on = (
                at(due - dt.timedelta(days=3), 11),
                at(due + dt.timedelta(days=4), 16),
            )
            cast.on(hand_in_on, lambda steps=steps, when=hand_in_on: steps["hand_in"](when))
            cast.on(accept_on, lambda steps=steps, when=accept_on: steps["accept"](when))
        elif session.starts_on > today:
            # The next session: its draft exists today, not yet handed in (a live deadline).
            cast.on(at(today, 8), lambda steps=steps: steps["draft"](at(today, 8)))


def _report_steps(cast: Cast, session: Meeting) -> dict[str, Callable[[dt.datetime], None]]:
    staff = cast.users["staff"]

    def current():
        report = SessionReport.objects.filter(session=session).first()
        return report, report and services.session_report_obligation(report)

    def draft(when):
        services.ensure_session_report(cast.term, now=when - dt.timedelta(days=1))
        report, _ob = current()
        if report is not None and report.generated_at is None:
            services.generate_session_report(report, actor=staff, now=when)

    def hand_in(when):
        report, ob = current()
        if ob is not None and ob.state in PENDING_STATES:
            services.submit_session_report(report, actor=staff, now=when)

    def accept(when):
        _report, ob = current()
        if ob is not None and ob.state == ObligationState.SUBMITTED:
            deadlines.accept_report(ob, actor=staff, now=when)

    return {"draft": draft, "hand_in": hand_in, "accept": accept}


# --- the story --------------------------------------------------------------------------------

ROADS_REASONS = (
    "中关村科学城北区是海淀区“两翼”发展的重要承载区，但北区路网密度偏低，规划道路实施率不足一半，"
    "断头路、瓶颈路较多，早晚高峰北清路、永丰路、西北旺地区拥堵严重；公共交通覆盖不足，"
    "市政、水务等配套设施滞后，难以支撑科学城北区新型城市形态建设和创新主体集聚。"
)
ROADS_GROUNDS = (
    "《中关村科学城北区发展规划》提出建设新型城市形态示范区；区第十七届人民代表大会第一次会议"
    "政府工作报告提出加快北部地区基础设施建设。2021年北区规划城市道路实施率约45%，"
    "北清路高峰时段平均车速低于每小时20公里，群众和企业反映强烈。"
)
ROADS_MEASURES = (
    "一、制定科学城北区道路交通基础设施三年行动计划，打通永丰路、友谊路、西北旺东路等断头路；\n"
    "二、推进北清路快速化改造，优化与京新高速、地铁16号线的衔接；\n"
    "三、增设公交线路和微循环，建设公交专用道，完善慢行系统；\n"
    "四、同步完善供水、排水、电力、燃气和绿化等配套设施；\n"
    "五、建立区领导牵头、部门和镇街协同的推进机制，定期向区人大常委会报告进展。"
)


def seed(ctx: DemoContext) -> None:
    cast = _cast(ctx)
    if cast is None:
        ctx.step("motions: skipped (the institution and the deputies are not seeded)")
        return
    today = ctx.today
    ctx.step("motions: the 2022 motion of 180 deputies on Science City North (第1号)")
    _roads(cast, today)
    ctx.step("motions: later sessions (2023–2026) in every stage, drafts for the next session")
    _later(ctx, cast, today)
    session_reports(cast, today)

    events = sorted((e for e in cast.events if e[0].date() <= today), key=lambda e: e[:2])
    for i, (when, _order, fn) in enumerate(events, start=1):
        _daily_task_until(when)
        fn()
        ctx.progress("motion events", i, len(events))
    _daily_task_until(ctx.now)
    _live(ctx, cast, today)
    counts = Motion.objects.values_list("state", flat=True)
    ctx.step(
        f"motions: {len(counts)} motions, "
        f"{ProgressUpdate.objects.filter(state=UpdateState.PUBLISHED).count()} published updates, "
        f"{SessionReport.objects.count()} reports to the congress sessions"
    )


def _daily_task_until(moment: dt.datetime) -> None:
    """Run the daily phase task on each day a handling year ended before `moment`, at 01:30 the
    next morning, as beat would have."""
    while True:
        ended = (
            Motion.objects.filter(
                state__in=services.PHASES, phase_ends_on__lt=timezone.localdate(moment)
            )
            .order_by("phase_ends_on")
            .values_list("phase_ends_on", flat=True)
            .first()
        )
        if ended is None:
            return
        run_at = timezone.make_aware(
            dt.datetime.combine(ended + dt.timedelta(days=1), dt.time(1, 30))
        )
        services.advance_due_phases(now=min(run_at, moment))


def _roads(cast: Cast, today: dt.date) -> None:
    lead, cosigners = cast.deputies[0], cast.deputies[1:180]
    motion = proposed(
        cast,
        year=2022,
        title=ROADS_TITLE,
        lead=lead,
        cosigners=cosigners,
        topic="urban",
        reasons=ROADS_REASONS,
        grounds=ROADS_GROUNDS,
        measures=ROADS_MEASURES,
        submitted=at(d(2022, 1, 6), 16),
    )
    office, ndrc, urban = "区人大城市建设和环境保护委员会", "ndrc", "urbancommittee"
    register(cast, motion, at(d(2022, 1, 7), 18))
    assign(
        cast,
        motion,
        at(d(2022, 2, 15)),
        "区发展改革委",
        ["区交通委", "区住房城乡建设委", "区城市管理委", "区水务局", "区园林绿化局"],
        office,
    )
    accept_all(cast, motion, at(d(2022, 2, 17)), liaison=ndrc)
    report(
        cast,
        motion,
        services.KIND_PLAN,
        at(d(2022, 3, 10)),
        at(d(2022, 3, 14)),
        unit_user=ndrc,
        office_user=urban,
        title="科学城北区道路交通基础设施建设议案办理方案",
        text="区政府成立由主管副区长牵头的议案办理工作专班，区发展改革委统筹，区交通委、区住房城乡建设委等"
        "单位分工负责。三年内打通断头路12条，完成北清路快速化改造，新增公交线路8条，同步建设配套管网。",
    )
    vlog = "https://video.haidian-rd.invalid/vlog/{}"
    plan = [
        (
            d(2022, 3, 25),
            "meeting",
            "议案督办工作启动会召开",
            "城建环保委召开议案督办工作启动会，听取区发展改革委关于办理方案的汇报，明确督办重点和时间节点。",
            5,
            {},
        ),
        (
            d(2022, 5, 18),
            "research",
            "代表调研北清路沿线交通拥堵情况",
            "部分市、区、镇三级人大代表沿北清路实地调研早高峰通行情况，与企业职工座谈。",
            12,
            {"photos": 2, "participants": 12},
        ),
        (
            d(2022, 7, 6),
            "inspection",
            "议案督办vlog第一期：走进科学城北区",
            "以短视频方式记录代表视察永丰路、友谊路断头路施工现场，全体代表可在线“云视察”。",
            20,
            {"photos": 1, "participants": 18, "video_url": vlog.format("2022-01")},
        ),
        (
            d(2022, 9, 20),
            "milestone",
            "永丰路南延段建成通车",
            "永丰路南延段（北清路至西北旺东路）建成通车，打通北区南北向断头路一条。",
            30,
            {"unit_user": ndrc, "photos": 2},
        ),
        (
            d(2022, 11, 15),
            "inspection",
            "议案督办vlog第二期：公交微循环上线",
            "记录新开通的三条公交微循环线路运行情况，代表随车体验并提出优化站点的意见。",
            35,
            {"photos": 1, "participants": 10, "video_url": vlog.format("2022-02")},
        ),
        (
            d(2023, 4, 12),
            "research",
            "代表专题调研北区市政配套管网建设",
            "代表调研西北旺地区供水、雨污分流管网建设，建议与道路工程同步设计、同步施工。",
            50,
            {"photos": 1, "participants": 9},
        ),
        (
            d(2023, 6, 28),
            "inspection",
            "议案督办vlog第三期：北清路快速化改造",
            "跟随代表视察北清路快速化改造工程，介绍主路、辅路和慢行系统建设进展。",
            60,
            {"photos": 2, "participants": 20, "video_url": vlog.format("2023-01")},
        ),
        (
            d(2023, 10, 16),
            "milestone",
            "北清路快速化改造主体工程完工",
            "北清路快速化改造主体工程完工，高峰时段平均车速较改造前提高约四成。",
            70,
            {"unit_user": ndrc, "photos": 1},
        ),
        (
            d(2024, 5, 22),
            "inspection",
            "代表视察西北旺地区新建道路和公交场站",
            "代表视察新建成的西北旺东路、公交场站和慢行步道，听取群众对出行改善的评价。",
            80,
            {"photos": 2, "participants": 15},
        ),
        (
            d(2024, 9, 10),
            "milestone",
            "科学城北区12条断头路全部打通",
            "三年行动计划确定的12条断头路全部打通，新增公交线路8条。",
            90,
            {"unit_user": ndrc, "photos": 1},
        ),
        (
            d(2024, 12, 3),
            "inspection",
            "议案督办vlog第四期：三年变化看北区",
            "回顾议案办理三年来北区路网、公交和配套设施的变化，代表评议办理成效。",
            95,
            {
                "photos": 1,
                "participants": 16,
                "video_url": vlog.format("2024-01"),
                "video": "vlog-sample.mp4",
            },
        ),
        (
            d(2025, 2, 10),
            "milestone",
            "议案主要目标全部完成",
            "议案办理三年行动计划主要目标全部完成，常委会主任会议听取办理情况报告。",
            100,
            {"unit_user": ndrc},
        ),
    ]
    for day, kind, title, text, progress, extra in plan:
        update(cast, motion, at(day), kind, title, text, progress, office_user=urban, **extra)
    for year, submitted, accepted, start in (
        (2022, d(2023, 2, 8), d(2023, 2, 16), d(2022, 2, 15)),
        (2023, d(2024, 2, 6), d(2024, 2, 14), d(2023, 2, 15)),
        (2024, d(2025, 2, 7), d(2025, 2, 12), d(2024, 2, 15)),
    ):
        report(
            cast,
            motion,
            services.KIND_YEARLY,
            at(submitted),
            at(accepted),
            unit_user=ndrc,
            office_user=urban,
            year_start=start,
            title=f"{year}年度议案办理情况报告",
            text=f"{year}年度，区发展改革委会同各协办单位推进科学城北区道路交通基础设施建设，"
            "按计划完成年度建设任务，详见附表。",
        )


def _later(ctx: DemoContext, cast: Cast, today: dt.date) -> None:
    rng = ctx.rng("motions.signers")
    pool = cast.deputies[180:]
    users = cast.users
    deputy = getattr(users.get("deputy"), "deputy", None) or cast.deputies[6]
    deputy2 = getattr(users.get("deputy2"), "deputy", None) or cast.deputies[9]

    def signers(n: int, *exclude: Deputy) -> list[Deputy]:
        return [p for p in rng.sample(pool, n + len(exclude)) if p not in exclude][:n]

    # 2023: the Three Hills and Five Gardens — closed after three years.
    culture = proposed(
        cast,
        year=2023,
        title="关于加强“三山五园”地区历史文化保护与利用的议案",
        lead=pool[0],
        cosigners=signers(24, pool[0]),
        topic="culture",
        reasons="“三山五园”地区历史文化资源丰富，但部分文物周边环境杂乱，保护利用统筹不足。",
        grounds="《北京历史文化名城保护条例》；“三山五园”国家文化遗产保护利用示范区建设要求。",
        measures="编制保护利用规划，整治文物周边环境，建设历史文化步道，完善公共文化服务。",
        submitted=at(d(2023, 1, 9), 15),
    )
    if 2023 in cast.sessions:
        register(cast, culture, at(d(2023, 1, 10), 18))
        assign(
            cast,
            culture,
            at(d(2023, 2, 20)),
            "区文化和旅游局",
            ["区园林绿化局", "区住房城乡建设委"],
            "区人大教育科学文化卫生委员会",
        )
        accept_all(cast, culture, at(d(2023, 2, 22)))
        for day, kind, title, progress in (
            (d(2023, 5, 16), "research", "代表调研颐和园周边环境整治", 20),
            (d(2023, 10, 19), "inspection", "代表视察三山五园历史文化步道建设", 40),
            (d(2024, 6, 5), "milestone", "历史文化步道一期建成开放", 65),
            (d(2025, 4, 22), "inspection", "代表视察圆明园周边环境整治成效", 85),
            (d(2025, 11, 12), "milestone", "保护利用规划实施评估完成", 95),
            (d(2026, 2, 5), "milestone", "议案确定的主要任务全部完成", 100),
        ):
            update(
                cast,
                culture,
                at(day),
                kind,
                title,
                f"{title}。",
                progress,
                office_user="committee",
                photos=1,
                participants=8,
            )
        report(
            cast,
            culture,
            services.KIND_PLAN,
            at(d(2023, 3, 16)),
            at(d(2023, 3, 22)),
            unit_user=None,
            office_user="committee",
            title="“三山五园”议案办理方案",
            text="编制保护利用三年计划，分年度实施文物周边环境整治和历史文化步道建设。",
        )
        for year, submitted, start in (
            (2023, d(2024, 2, 18), d(2023, 2, 20)),
            (2024, d(2025, 2, 17), d(2024, 2, 20)),
            (2025, d(2026, 2, 16), d(2025, 2, 20)),
        ):
            report(
                cast,
                culture,
                services.KIND_YEARLY,
                at(submitted),
                at(submitted + dt.timedelta(days=2)),
                unit_user=None,
                office_user="committee",
                year_start=start,
                title=f"{year}年度议案办理情况报告",
                text=f"{year}年度完成文物周边环境整治和步道建设任务。",
            )

    # 2024: school surroundings — led by the demo deputy, now in follow-up year 2.
    school = proposed(
        cast,
        year=2024,
        title="关于加强中小学校园周边交通安全治理的议案",
        lead=deputy,
        cosigners=signers(31, deputy),
        topic="education",
        reasons="部分中小学校园周边上下学时段人车混行、违停严重，学生通行安全隐患突出。",
        grounds="《未成年人保护法》关于学校周边安全的规定；区教委2023年校园周边交通状况排查结果。",
        measures="建设学校周边护学通道和临时停车区，优化信号灯配时，开展“一校一策”治理。",
        submitted=at(d(2024, 1, 9), 15),
    )
    converted = proposed(
        cast,
        year=2024,
        title="关于在老旧小区增设社区养老服务驿站的议案",
        lead=deputy2,
        cosigners=signers(11, deputy2),
        topic="welfare",
        reasons="老旧小区老年人口比例高，就近养老服务供给不足。",
        grounds="区民政局养老服务设施专项规划。",
        measures="利用闲置用房增设养老服务驿站，提供助餐、助浴、日间照料服务。",
        submitted=at(d(2024, 1, 9), 17),
    )
    refused = proposed(
        cast,
        year=2024,
        title="关于调整本市机动车尾号限行措施的议案",
        lead=pool[5],
        cosigners=signers(9, pool[5]),
        topic="transport",
        reasons="尾号限行措施对部分通勤群众影响较大。",
        grounds="群众来信反映。",
        measures="建议调整机动车尾号限行时段和范围。",
        submitted=at(d(2024, 1, 9), 18),
    )
    if 2024 in cast.sessions:
        register(cast, school, at(d(2024, 1, 10), 18))

        def convert():
            converted.refresh_from_db()
            if converted.state == MotionState.SUBMITTED:
                services.convert_to_suggestion(
                    converted,
                    actor=users["daffairs"],
                    now=at(d(2024, 1, 10), 18),
                    reasons="所提事项具体明确，可由有关部门直接办理，经议案审查委员会审议，转为代表建议办理。",
                )

        def refuse():
            refused.refresh_from_db()
            if refused.state == MotionState.SUBMITTED:
                services.refuse_registration(
                    refused,
                    actor=users["daffairs"],
                    now=at(d(2024, 1, 10), 18),
                    reasons="机动车限行措施属于市级事权，不属于区人民代表大会职权范围，建议通过市人大代表反映。",
                )

        cast.on(at(d(2024, 1, 10), 18), convert)
        cast.on(at(d(2024, 1, 10), 18), refuse)
        assign(
            cast,
            school,
            at(d(2024, 2, 26)),
            "区教委",
            ["区交通委", "区城管执法局"],
            "区人大教育科学文化卫生委员会",
        )
        accept_all(cast, school, at(d(2024, 2, 27)), liaison="liaison")
        report(
            cast,
            school,
            services.KIND_PLAN,
            at(d(2024, 3, 20)),
            at(d(2024, 3, 25)),
            unit_user="liaison",
            office_user="committee",
            title="校园周边交通安全治理议案办理方案",
            text="分三年完成全区中小学“一校一策”交通治理，第一年完成40所学校护学通道建设。",
        )
        report(
            cast,
            school,
            services.KIND_YEARLY,
            at(d(2025, 2, 20)),
            at(d(2025, 2, 28)),
            unit_user="liaison",
            office_user="committee",
            year_start=d(2024, 2, 26),
            title="2024年度议案办理情况报告",
            text="完成42所学校护学通道和临时停车区建设。",
        )
        report(
            cast,
            school,
            services.KIND_YEARLY,
            at(d(2026, 2, 24)),
            at(d(2026, 3, 3)),
            unit_user="liaison",
            office_user="committee",
            year_start=d(2025, 2, 26),
            title="2025年度议案办理情况报告",
            text="累计完成78所学校周边交通治理，事故隐患点全部整改。",
        )
        for day, kind, title, progress, by_unit in (
            (d(2024, 4, 18), "research", "代表调研中关村一小周边早高峰交通", 10, False),
            (d(2024, 9, 12), "inspection", "代表视察新学期校园周边护学通道", 35, False),
            (d(2025, 3, 26), "milestone", "首批42所学校护学通道全部建成", 55, True),
            (d(2025, 10, 15), "inspection", "议案督办vlog：放学路上的变化", 70, False),
            (d(2026, 5, 20), "milestone", "信号灯配时优化覆盖全部中小学周边路口", 85, True),
        ):
            update(
                cast,
                school,
                at(day),
                kind,
                title,
                f"{title}。",
                progress,
                office_user="committee",
                unit_user="liaison" if by_unit else None,
                photos=1,
                participants=0 if by_unit else 10,
            )

    # 2025: fitness facilities — follow-up year 1; its supervision-year report is overdue.
    sports = proposed(
        cast,
        year=2025,
        title="关于推进全民健身场地设施补短板的议案",
        lead=pool[8],
        cosigners=signers(15, pool[8]),
        topic="culture",
        reasons="部分街镇全民健身场地不足，设施老化，群众就近健身需求难以满足。",
        grounds="《全民健身条例》；区体育局2024年全民健身设施普查。",
        measures="利用城市边角地、桥下空间建设口袋公园和多功能运动场，推动学校场地开放。",
        submitted=at(d(2025, 1, 9), 15),
    )
    if 2025 in cast.sessions:
        register(cast, sports, at(d(2025, 1, 10), 18))
        assign(
            cast,
            sports,
            at(d(2025, 2, 20)),
            "区体育局",
            ["区园林绿化局", "区城市管理委"],
            "区人大教育科学文化卫生委员会",
        )
        accept_all(cast, sports, at(d(2025, 2, 21)), liaison="liaison2")
        report(
            cast,
            sports,
            services.KIND_PLAN,
            at(d(2025, 3, 18)),
            at(d(2025, 3, 24)),
            unit_user="liaison2",
            office_user="committee",
            title="全民健身场地设施议案办理方案",
            text="三年新建改建多功能运动场30处、口袋公园健身设施50处。",
        )
        for day, kind, title, progress in (
            (d(2025, 5, 27), "research", "代表调研桥下空间建设运动场", 15),
            (d(2025, 9, 16), "inspection", "代表视察首批多功能运动场", 30),
        ):
            update(
                cast,
                sports,
                at(day),
                kind,
                title,
                f"{title}。",
                progress,
                office_user="committee",
                photos=1,
                participants=8,
                picture="sports",
            )

    # 2026: school grounds — the first lead unit returned it; staff reassign (live plan).
    grounds = proposed(
        cast,
        year=2026,
        title="关于推进中小学体育场地向社会有序开放的议案",
        lead=pool[12],
        cosigners=signers(13, pool[12]),
        topic="education",
        reasons="社区健身场地紧张，而学校体育场地课余时间闲置。",
        grounds="《全民健身条例》关于公共体育设施和学校体育设施开放的规定。",
        measures="分批推动学校场地错时开放，建立预约、保险和安全管理机制。",
        submitted=at(d(2026, 1, 9), 15),
    )
    if 2026 in cast.sessions:
        register(cast, grounds, at(d(2026, 1, 10), 18))
        assign(
            cast,
            grounds,
            at(d(2026, 2, 10)),
            "区体育局",
            ["区城市管理委"],
            "区人大教育科学文化卫生委员会",
        )

        def give_back():
            lead = Assignment.objects.filter(
                motion=grounds,
                role="lead",
                unit=cast.unit("区体育局"),
                state=AssignmentState.PENDING,
            ).first()
            if lead is not None:
                services.answer_assignment(
                    lead,
                    actor=users["liaison2"],
                    accept=False,
                    now=at(d(2026, 2, 13)),
                    reasons="学校体育场地开放的责任主体是学校及其主管部门，建议改由区教委主办，本局协办。",
                )

        cast.on(at(d(2026, 2, 13)), give_back)
        reassign_on = max(d(2026, 2, 20), today - dt.timedelta(days=25))

        def reassign():
            grounds.refresh_from_db()
            if grounds.state in services.PHASES and grounds.lead_unit_id is None:
                when = at(reassign_on, 15)
                services.add_unit(
                    grounds,
                    actor=users["daffairs"],
                    unit=cast.unit("区教委"),
                    role="lead",
                    now=when,
                )
                services.add_unit(
                    grounds,
                    actor=users["daffairs"],
                    unit=cast.unit("区体育局"),
                    role="co",
                    now=when,
                )

        cast.on(at(reassign_on, 15), reassign)


def _live(ctx: DemoContext, cast: Cast, today: dt.date) -> None:
    """What is waiting today: an update to publish, a draft with co-sign requests, follows."""
    users = cast.users
    school = Motion.objects.filter(title="关于加强中小学校园周边交通安全治理的议案").first()
    if school is not None and school.state in services.PHASES:
        title = "校园周边交通治理工作情况（本周）"
        if not ProgressUpdate.objects.filter(motion=school, title=title).exists():
            services.post_update(
                school,
                actor=users["liaison"],
                kind="meeting",
                title=title,
                text="区教委会同区交通委召开推进会，部署寒假前护学通道检查。",
                proposed_progress=88,
                happened_on=today - dt.timedelta(days=3),
                now=at(today - dt.timedelta(days=2)),
            )
        published = school.updates.filter(state=UpdateState.PUBLISHED).first()
        if (
            published
            and "deputy2" in users
            and not UpdateComment.objects.filter(update=published).exists()
        ):
            services.comment_on_update(
                published,
                actor=users["deputy2"],
                text="建议在学校门口增设家长等候区，并延长护学岗值守时间。",
                now=at(today - dt.timedelta(days=10)),
            )
    roads = Motion.objects.filter(title=ROADS_TITLE).first()
    for name in ("deputy", "deputy2"):
        if roads is not None and name in users:
            Follow.objects.get_or_create(user=users[name], motion=roads)

    # The demo deputy's draft for the next session, with co-sign requests.
    upcoming = [
        m
        for year, m in sorted(cast.sessions.items())
        if m.motion_deadline and m.motion_deadline > ctx.now
    ]
    deputy_user = users.get("deputy")
    if not upcoming or deputy_user is None or not hasattr(deputy_user, "deputy"):
        return
    session = upcoming[0]
    title = "关于加快社区嵌入式服务设施建设的议案"
    motion = Motion.objects.filter(session=session, title=title).first()
    if motion is None:
        when = min(ctx.now - dt.timedelta(days=3), services.session_deadline(session))
        motion = services.create_draft(
            actor=deputy_user,
            session=session,
            title=title,
            topic=cast.topics.get("welfare"),
            reasons="社区托育、助餐、康养等服务设施分散不足，居民“一刻钟便民生活圈”尚不完善。",
            grounds="国务院办公厅关于推进城市社区嵌入式服务设施建设的要求。",
            measures="利用存量空间建设社区嵌入式服务综合体，统筹托育、养老、助餐和便民服务。",
            now=when,
        )
        rng = ctx.rng("motions.draft")
        invited = rng.sample(cast.deputies[200:400], 12)
        deputy2 = getattr(users.get("deputy2"), "deputy", None)
        if deputy2 is not None:
            invited.append(deputy2)
        services.invite_cosigners(motion, invited, actor=deputy_user, now=when)
        confirmed = [
            c for c in motion.cosigners.all() if c.deputy_id != getattr(deputy2, "pk", None)
        ][:7]
        Cosigner.objects.filter(pk__in=[c.pk for c in confirmed]).update(
            state=CosignerState.CONFIRMED, responded_at=when + dt.timedelta(hours=5)
        )
        services.recount_signers(motion)
