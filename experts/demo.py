"""Demo data for the expert advisor pool: 63 experts from Haidian's universities and institutes.

Appointments follow the expert advisor rules adopted in April 2022 (专家顾问工作规则): a first batch
appointed on 1 May 2022 for three years and renewed in 2025, a second batch for five years, and a
few whose appointment ends within weeks of `ctx.today` (so the expiry obligations are live).
Contacts are synthetic (`ctx.person(i, salt="expert")`, `.invalid` e-mail domain).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from congress import access
from congress.demo_support import DemoContext, demo_user

FIELDS = [
    "法律",
    "财政经济",
    "城市规划",
    "交通",
    "生态环境",
    "教育",
    "医疗卫生",
    "社会保障",
    "科技创新",
    "文化",
    "农业农村",
    "审计",
    "住房与物业管理",
    "应急管理",
    "基层治理",
]

# (organisation, [(title, fields…)]) — titles and fields typical of each institution.
ORGANISATIONS = [
    ("北京大学", ["教授", "副教授", "研究员"], ["法律", "财政经济", "基层治理", "文化"]),
    ("清华大学", ["教授", "副教授", "长聘教授"], ["城市规划", "科技创新", "生态环境", "交通"]),
    ("中国人民大学", ["教授", "副教授"], ["法律", "财政经济", "社会保障", "审计"]),
    ("北京师范大学", ["教授", "副教授"], ["教育", "社会保障", "文化"]),
    ("北京理工大学", ["教授", "研究员"], ["科技创新", "交通", "应急管理"]),
    ("北京航空航天大学", ["教授", "副教授"], ["科技创新", "交通", "城市规划"]),
    ("中国科学院", ["研究员", "副研究员"], ["生态环境", "科技创新", "农业农村"]),
    ("中国农业大学", ["教授", "副教授"], ["农业农村", "生态环境"]),
    ("北京交通大学", ["教授"], ["交通", "城市规划"]),
    ("中国政法大学", ["教授", "副教授"], ["法律", "基层治理"]),
    ("北京林业大学", ["教授"], ["生态环境", "城市规划"]),
    ("北京外国语大学", ["教授"], ["文化", "教育"]),
    ("首都体育学院", ["教授"], ["教育", "文化"]),
    ("北京大学第三医院", ["主任医师", "副主任医师"], ["医疗卫生", "社会保障"]),
    ("中国财政科学研究院", ["研究员"], ["财政经济", "审计"]),
    ("北京市社会科学院", ["研究员", "副研究员"], ["基层治理", "住房与物业管理", "文化"]),
]

EXPERT_COUNT = 63
EXPIRING_SOON = (5, 18, 31, 44)  # expert indexes whose appointment ends within weeks of today
FIRST_APPOINTMENT = dt.date(2022, 5, 1)


def expert_specs(ctx: DemoContext) -> list[dict]:
    """The 63 experts, deterministic: same names, organisations and terms on every run."""
    rng = ctx.rng("experts")
    specs: list[dict] = []
    used: set[str] = set()
    index = 0
    while len(specs) < EXPERT_COUNT:
        name, mobile, email = ctx.person(index, salt="expert")
        index += 1
        if name in used:
            continue  # keep names unique so the natural key (name, organisation) is stable
        used.add(name)
        i = len(specs)
        organisation, titles, org_fields = ORGANISATIONS[i % len(ORGANISATIONS)]
        title = titles[rng.randrange(len(titles))]
        fields = [org_fields[i % len(org_fields)]]
        extra = org_fields[(i + 1) % len(org_fields)]
        if rng.random() < 0.5 and extra not in fields:
            fields.append(extra)
        if i in EXPIRING_SOON:
            # Appointed in 2023 for a term ending within weeks of today.
            ends = ctx.today + dt.timedelta(days=7 + 9 * EXPIRING_SOON.index(i))
            starts, renewed_from = dt.date(2023, 9, 1), None
        elif i % 2 == 0:
            # First batch: 2022-2025, renewed for three more years.
            starts, ends = dt.date(2025, 5, 1), dt.date(2028, 4, 30)
            renewed_from = (FIRST_APPOINTMENT, dt.date(2025, 4, 30))
        else:
            starts, ends, renewed_from = FIRST_APPOINTMENT, dt.date(2027, 4, 30), None
        specs.append(
            {
                "name": name,
                "mobile": mobile,
                "email": email,
                "organisation": organisation,
                "title": title,
                "fields": fields,
                "appointed_on": starts,
                "appointment_ends_on": ends,
                "renewed_from": renewed_from,
                "bio": f"{organisation}{title}，长期从事{('、'.join(fields))}领域的教学与研究，"
                "受聘为海淀区人大常委会专家顾问。",
            }
        )
    return specs


def seed(ctx: DemoContext) -> None:
    from experts.models import Expert, ExpertiseField

    ctx.step("fields of expertise")
    fields = {}
    for i, name in enumerate(FIELDS):
        fields[name], _ = ExpertiseField.objects.get_or_create(
            name=name, defaults={"sort_order": (i + 1) * 10}
        )

    ctx.step(f"{EXPERT_COUNT} expert advisors")
    specs = expert_specs(ctx)
    experts = []
    for i, spec in enumerate(specs, start=1):
        expert, created = Expert.objects.get_or_create(
            name=spec["name"],
            organisation=spec["organisation"],
            defaults={
                "title": spec["title"],
                "appointed_on": spec["appointed_on"],
                "appointment_ends_on": spec["appointment_ends_on"],
                "bio": spec["bio"],
                "mobile": spec["mobile"],
                "email": spec["email"],
            },
        )
        if created:
            expert.fields.set([fields[f] for f in spec["fields"]])
        _seed_appointment_terms(expert, spec)
        experts.append(expert)
        ctx.progress("experts", i, len(specs))

    ctx.step("demo login for an expert")
    first = experts[0]
    user = demo_user(ctx, "expert", first.name, email="expert@demo.haidian.invalid")
    if first.user_id != user.pk:
        first.user = user
        first.save(update_fields=["user"])
    access.sync_groups(user)
    ctx.login(f"expert advisor ({first.organisation} {first.name})", "expert")

    _seed_more(ctx, experts)


def _seed_appointment_terms(expert, spec) -> None:
    """The appointment terms (聘期): the first one and, for renewed experts, the renewal."""
    from experts.models import AppointmentTerm

    if spec["renewed_from"]:
        start, end = spec["renewed_from"]
        AppointmentTerm.objects.get_or_create(
            expert=expert, starts_on=start, defaults={"ends_on": end}
        )
    AppointmentTerm.objects.get_or_create(
        expert=expert,
        starts_on=spec["appointed_on"],
        defaults={"ends_on": spec["appointment_ends_on"], "is_renewal": bool(spec["renewed_from"])},
    )


# (title, subject kind, reference, office short name, fields, months after 2022-05, state)
CONSULTATIONS = [
    (
        "《海淀区街道人大工委工作规范（草案）》专家论证",
        "regulation_draft",
        "工作规范草案",
        "法制委",
        ["法律", "基层治理"],
        2,
    ),
    (
        "2022年区级预算调整方案审查咨询",
        "major_decision",
        "2022年预算调整方案",
        "财经委",
        ["财政经济", "审计"],
        4,
    ),
    (
        "加快科学城北区道路交通等基础设施建设议案督办咨询",
        "motion",
        "2022年第1号议案",
        "城建环保委",
        ["交通", "城市规划"],
        6,
    ),
    (
        "区政府关于义务教育优质均衡发展情况报告审议咨询",
        "report_review",
        "专项工作报告",
        "教科文卫委",
        ["教育"],
        10,
    ),
    (
        "区体育局全民健身工作评议咨询",
        "evaluation_item",
        "2022年评议项目",
        "教科文卫委",
        ["教育", "文化", "医疗卫生"],
        12,
    ),
    (
        "老旧小区物业管理代表建议办理咨询",
        "suggestion",
        "代表建议第0215号",
        "城建环保委",
        ["住房与物业管理", "基层治理"],
        18,
    ),
    (
        "海淀区“十四五”规划实施中期评估咨询",
        "major_decision",
        "“十四五”规划中期评估",
        "财经委",
        ["财政经济", "科技创新", "城市规划"],
        26,
    ),
    (
        "区政府关于生态环境保护工作情况报告审议咨询",
        "report_review",
        "专项工作报告",
        "城建环保委",
        ["生态环境"],
        34,
    ),
    (
        "关于养老服务体系建设的重大事项决定咨询",
        "major_decision",
        "养老服务体系建设",
        "社会委",
        ["社会保障", "医疗卫生"],
        -1,
    ),
    (
        "《海淀区数字政府建设规划（草案）》咨询",
        "regulation_draft",
        "数字政府建设规划草案",
        "财经委",
        ["科技创新", "法律"],
        -2,
    ),
]


def _seed_more(ctx: DemoContext, experts) -> None:
    """Consultations (past ones summarised, two open with live deadlines) and the managing
    office's obligations for appointments ending soon."""
    from congress.models import DeadlineRule, Unit, User
    from experts import queries, services
    from experts.models import Consultation, ExpertiseField, Invitation, InvitationState

    rules = set(
        DeadlineRule.objects.filter(
            code__in=[services.CONSULTATION_RULE, services.EXPIRY_RULE]
        ).values_list("code", flat=True)
    )
    if services.CONSULTATION_RULE not in rules:
        ctx.step("deadline rules not installed yet: consultations skipped")
        return
    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    rng = ctx.rng("expert-consultations")
    ctx.step(f"{len(CONSULTATIONS)} consultations")
    for i, (title, kind, reference, office_short, field_names, month) in enumerate(CONSULTATIONS):
        office = Unit.objects.filter(short_name=office_short).first()
        if office is None:
            continue
        if month >= 0:
            y, m = divmod(4 + month, 12)
            asked = dt.date(2022 + y, m + 1, 10)
            if asked >= ctx.today - dt.timedelta(days=30):
                asked = ctx.today - dt.timedelta(days=40 + i)
        else:  # live: asked recently, opinions due in the coming days
            asked = ctx.today - dt.timedelta(days=10 + i)
        opinion_due = asked + dt.timedelta(days=20 if month >= 0 else 12 - i)
        if month < 0:
            opinion_due = ctx.today + dt.timedelta(days=2 if month == -1 else 6)
        asked_at = timezone.make_aware(dt.datetime.combine(asked, dt.time(9, 30)))
        existing = Consultation.objects.filter(title=title).first()
        if existing is not None:
            continue
        fields = list(ExpertiseField.objects.filter(name__in=field_names))
        c = services.request_consultation(
            actor=_office_actor(office, admin),
            office=office,
            title=title,
            subject_kind=kind,
            subject_reference=reference,
            question=f"请围绕“{title.replace('咨询', '')}”提出书面意见：主要问题、风险和具体建议。",
            fields=fields,
            opinion_due=max(opinion_due, asked),
            due_date=max(opinion_due, asked) + dt.timedelta(days=15),
            now=asked_at,
        )
        suggested = list(queries.suggest_experts(fields, today=asked, limit=4))
        if month == -1 and experts[0] not in suggested:
            suggested = [experts[0], *suggested[:3]]  # the demo `expert` login has a live one
        invitations = services.invite(
            c, suggested, actor=_office_actor(office, admin), now=asked_at
        )
        for n, inv in enumerate(invitations):
            if month < 0 and (n == 0 or rng.random() < 0.5):
                continue  # still owing an opinion: live reminders
            declared = asked_at + dt.timedelta(days=2)
            if inv.expert.user_id:
                _answer_as_expert(inv, inv.expert.user, declared, rng)
            else:
                _record_paper_answer(inv, declared, rng)
        if month >= 0:
            services.summarise(
                c,
                actor=_office_actor(office, admin),
                summary=f"共收到{Invitation.objects.filter(consultation=c, state=InvitationState.SUBMITTED).count()}"
                "位专家的书面意见，主要集中在统筹推进、制度完善和跟踪评估三个方面，已转有关专门委员会参考。",
                now=timezone.make_aware(dt.datetime.combine(c.due_date, dt.time(16, 0))),
            )
    if services.EXPIRY_RULE in rules:
        opened = services.open_expiring_appointments(now=ctx.now)
        ctx.step(f"appointment expiry obligations opened: {opened}")


def _office_actor(office, fallback):
    """A staff member of the office (the demo's staff login is in the general office; staff of
    other offices are created by congress/demo.py when it has them)."""
    from congress.models import Membership, Role

    m = Membership.objects.filter(unit=office, role=Role.STAFF).select_related("user").first()
    return m.user if m else fallback


OPINION = (
    "关于“{title}”的意见：一是加强统筹，明确责任分工；二是完善制度，细化可操作的标准；"
    "三是加强跟踪评估，定期向常委会报告进展。"
)
CONFLICT = "本人所在单位承担相关课题，申请回避。"


def _answer_as_expert(inv, user, declared, rng) -> None:
    """An expert with a login answers in the portal (the services)."""
    from experts import services

    if rng.random() < 0.1:
        services.declare_conflict(
            inv, actor=user, has_conflict=True, details=CONFLICT, now=declared
        )
        return
    services.declare_conflict(inv, actor=user, has_conflict=False, now=declared)
    services.submit_opinion(
        inv,
        actor=user,
        opinion=OPINION.format(title=inv.consultation.title),
        now=declared + dt.timedelta(days=rng.randint(3, 16)),
    )


def _record_paper_answer(inv, declared, rng) -> None:
    """Experts without a login answered on paper; the office recorded it (historical import)."""
    from experts.models import InvitationState

    if rng.random() < 0.1:
        inv.state, inv.conflict_details = InvitationState.RECUSED, CONFLICT
    else:
        inv.state = InvitationState.SUBMITTED
        inv.opinion = OPINION.format(title=inv.consultation.title)
        inv.submitted_at = declared + dt.timedelta(days=rng.randint(3, 16))
    inv.declared_at = declared
    inv.save(update_fields=["state", "conflict_details", "opinion", "submitted_at", "declared_at"])
