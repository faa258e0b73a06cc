"""Demo data for the expert advisor pool: 63 experts from Haidian's universities and institutes.

Appointments follow the expert advisor rules adopted in April 2022 (专家顾问工作规则): a first batch
appointed on 1 May 2022 for three years and renewed in 2025, a second batch for five years, and a
few whose appointment ends within weeks of `ctx.today` (so the expiry obligations are live).
Contacts are synthetic (`ctx.person(i, salt="expert")`, `.invalid` e-mail domain).
"""

from __future__ import annotations

import datetime as dt

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
    """Appointment terms (聘期) history, once the model exists (see experts/models.py)."""
    try:
        from experts.models import AppointmentTerm
    except ImportError:  # pragma: no cover - older schema
        return
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


def _seed_more(ctx: DemoContext, experts) -> None:
    """Consultations and expiry obligations (filled in once those models exist)."""
    try:
        from experts import demo_consultations
    except ImportError:
        return
    demo_consultations.seed(ctx, experts)
