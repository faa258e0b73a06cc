"""Demo data of the shared institution: Haidian District, 17th term (2022 to today)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from congress import access
from congress.demo_support import DemoContext, demo_user
from congress.models import (
    Congress,
    CongressLevel,
    Meeting,
    MeetingKind,
    Membership,
    Regulation,
    RegulationKind,
    Role,
    Street,
    StreetKind,
    Term,
    Unit,
    UnitKind,
    WorkCommittee,
)

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
TOWNS = ["四季青", "海淀", "东升", "温泉", "西北旺", "苏家坨", "上庄"]
# The 2001 pilot: four streets first; all 22 had a work committee by 2009.
PILOT_STREETS = {"北下关", "中关村", "学院路", "八里庄"}

DEPARTMENTS = [
    ("区发展改革委", "发展改革委"),
    ("区教委", "教委"),
    ("区科委", "科委"),
    ("区经济和信息化局", "经信局"),
    ("区民政局", "民政局"),
    ("区司法局", "司法局"),
    ("区财政局", "财政局"),
    ("区人力资源社会保障局", "人力社保局"),
    ("区生态环境局", "生态环境局"),
    ("区住房城乡建设委", "住建委"),
    ("区城市管理委", "城管委"),
    ("区交通委", "交通委"),
    ("区农业农村局", "农业农村局"),
    ("区商务局", "商务局"),
    ("区文化和旅游局", "文旅局"),
    ("区卫生健康委", "卫健委"),
    ("区退役军人事务局", "退役军人局"),
    ("区应急管理局", "应急局"),
    ("区审计局", "审计局"),
    ("区国资委", "国资委"),
    ("区市场监管局", "市场监管局"),
    ("区体育局", "体育局"),
    ("区统计局", "统计局"),
    ("区医保局", "医保局"),
    ("区园林绿化局", "园林绿化局"),
    ("区水务局", "水务局"),
    ("区房管局", "房管局"),
    ("区信访办", "信访办"),
    ("区政务服务局", "政务服务局"),
    ("区民族宗教办", "民族宗教办"),
    ("区城管执法局", "城管执法局"),
]
AGENCIES = [
    ("海淀区人民政府", "区政府", UnitKind.GOVERNMENT),
    ("海淀区监察委员会", "区监委", UnitKind.SUPERVISORY),
    ("海淀区人民法院", "区法院", UnitKind.COURT),
    ("海淀区人民检察院", "区检察院", UnitKind.PROCURATORATE),
]
OFFICES = [
    ("区人大常委会办公室", "办公室", "general_office"),
    ("区人大常委会代表工作委员会", "代表工委", "deputy_affairs"),
    ("区人大法制委员会", "法制委", "special_committee"),
    ("区人大财政经济委员会", "财经委", "special_committee"),
    ("区人大城市建设和环境保护委员会", "城建环保委", "special_committee"),
    ("区人大教育科学文化卫生委员会", "教科文卫委", "special_committee"),
    ("区人大社会建设委员会", "社会委", "special_committee"),
    ("区人大监察和司法委员会", "监察司法委", "special_committee"),
    ("区人大常委会农村工作委员会", "农工委", "special_committee"),
    ("区人大常委会预算工作委员会", "预算工委", "special_committee"),
]

REGULATIONS = [
    # (title, kind, meeting kind, meeting number, is_revision, is_trial, effective)
    (
        "海淀区人民代表大会常务委员会组成人员履职规定",
        RegulationKind.PROVISIONS,
        MeetingKind.STANDING_COMMITTEE,
        2,
        False,
        True,
        dt.date(2022, 3, 1),
    ),
    (
        "海淀区人民代表大会专门委员会工作规则",
        RegulationKind.RULES,
        MeetingKind.STANDING_COMMITTEE,
        2,
        False,
        True,
        dt.date(2022, 3, 1),
    ),
    (
        "海淀区人大常委会专家顾问工作规则",
        RegulationKind.RULES,
        MeetingKind.STANDING_COMMITTEE,
        3,
        False,
        True,
        dt.date(2022, 4, 28),
    ),
    (
        "海淀区人民代表大会议事规则",
        RegulationKind.RULES,
        MeetingKind.STANDING_COMMITTEE,
        3,
        True,
        False,
        dt.date(2022, 4, 28),
    ),
    (
        "海淀区人民代表大会关于议案的规定",
        RegulationKind.PROVISIONS,
        MeetingKind.STANDING_COMMITTEE,
        3,
        True,
        False,
        dt.date(2022, 4, 28),
    ),
    (
        "人大代表联络站工作规则",
        RegulationKind.RULES,
        MeetingKind.CHAIRPERSONS,
        5,
        False,
        False,
        dt.date(2022, 5, 1),
    ),
    (
        "人大代表进站联系选民及意见处理办法",
        RegulationKind.MEASURES,
        MeetingKind.CHAIRPERSONS,
        5,
        False,
        False,
        dt.date(2022, 5, 1),
    ),
    (
        "北京市海淀区人民代表大会常务委员会代表建议、批评和意见办理工作评估细则",
        RegulationKind.DETAILED_RULES,
        MeetingKind.CHAIRPERSONS,
        6,
        True,
        False,
        dt.date(2022, 6, 1),
    ),
    (
        "海淀区人大常委会街道工作委员会主任联席会议工作制度",
        RegulationKind.RULES,
        MeetingKind.CHAIRPERSONS,
        4,
        False,
        False,
        dt.date(2022, 3, 29),
    ),
]
REGULATION_TEXT = {
    "海淀区人民代表大会关于议案的规定": (
        "第一条 为规范区人民代表大会议案的提出、审议和办理工作，根据有关法律法规，结合本区实际，制定本规定。\n"
        "第二条 区人民代表大会代表十人以上联名，可以向区人民代表大会提出属于本级人民代表大会职权范围内的议案。\n"
        "第三条 议案审查委员会对代表提出的议案进行审查，提出是否列入会议议程或者作为代表建议、批评和意见处理的意见。\n"
        "第四条 议案交办后，实行督办一年、跟踪督办两年机制。\n"
        "第五条 议案办理及督办情况，应向下一次区人民代表大会报告。"
    ),
}


def _d(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, day)


def seed(ctx: DemoContext) -> None:
    ctx.step("congresses and terms")
    city, _ = Congress.objects.get_or_create(
        name="北京市人民代表大会", defaults={"level": CongressLevel.CITY}
    )
    district, _ = Congress.objects.get_or_create(
        name="海淀区人民代表大会",
        defaults={"level": CongressLevel.DISTRICT, "parent": city, "is_default": True},
    )
    Term.objects.get_or_create(
        congress=city, number=16, defaults={"starts_on": _d(2023, 1, 15), "is_current": True}
    )
    Term.objects.get_or_create(
        congress=district,
        number=16,
        defaults={"starts_on": _d(2016, 11, 15), "ends_on": _d(2021, 12, 31)},
    )
    term, _ = Term.objects.get_or_create(
        congress=district, number=17, defaults={"starts_on": _d(2022, 1, 5), "is_current": True}
    )
    for name in TOWNS:
        town, _ = Congress.objects.get_or_create(
            name=f"{name}镇人民代表大会", defaults={"level": CongressLevel.TOWN, "parent": district}
        )
        Term.objects.get_or_create(
            congress=town, number=18, defaults={"starts_on": _d(2021, 12, 20), "is_current": True}
        )

    ctx.step("meetings of the 17th term")
    _seed_meetings(ctx, term)

    ctx.step("units: 一府一委两院, 31 departments, streets, towns, committee offices")
    for i, (name, short, kind) in enumerate(AGENCIES):
        Unit.objects.get_or_create(
            name=name, defaults={"short_name": short, "kind": kind, "sort_order": i}
        )
    for i, (name, short) in enumerate(DEPARTMENTS):
        Unit.objects.get_or_create(
            name=name,
            defaults={
                "short_name": short,
                "kind": UnitKind.DEPARTMENT,
                "sort_order": 10 + i,
                "email": f"office{i + 1}@gov.haidian.invalid",
            },
        )
    offices = {}
    for i, (name, short, role) in enumerate(OFFICES):
        offices[short], _ = Unit.objects.get_or_create(
            name=name,
            defaults={
                "short_name": short,
                "kind": UnitKind.OFFICE,
                "office_role": role,
                "sort_order": 100 + i,
            },
        )

    ctx.step("22 streets with work committees, 7 towns")
    for i, name in enumerate(STREETS):
        office, _ = Unit.objects.get_or_create(
            name=f"{name}街道办事处",
            defaults={"short_name": f"{name}街道", "kind": UnitKind.STREET, "sort_order": 200 + i},
        )
        street, _ = Street.objects.get_or_create(
            name=name, kind=StreetKind.STREET, defaults={"office": office, "sort_order": i}
        )
        pilot = name in PILOT_STREETS
        WorkCommittee.objects.get_or_create(
            street=street,
            defaults={
                "rotation_order": i + 1,
                "is_pilot": pilot,
                "established_year": 2001 if pilot else 2002 + (i * 7) % 8,
                "director_name": ctx.person(i, salt="wc-director")[0],
            },
        )
    for i, name in enumerate(TOWNS):
        office, _ = Unit.objects.get_or_create(
            name=f"{name}镇人民政府",
            defaults={"short_name": f"{name}镇", "kind": UnitKind.TOWN, "sort_order": 300 + i},
        )
        # Towns are stored with their suffix: 海淀 is both a street and a town.
        Street.objects.get_or_create(
            name=f"{name}镇",
            kind=StreetKind.TOWN,
            defaults={"office": office, "sort_order": 100 + i},
        )

    ctx.step("regulations")
    for title, kind, meeting_kind, number, revision, trial, effective in REGULATIONS:
        meeting = Meeting.objects.filter(term=term, kind=meeting_kind, number=number).first()
        Regulation.objects.get_or_create(
            title=title,
            defaults={
                "kind": kind,
                "meeting": meeting,
                "is_revision": revision,
                "is_trial": trial,
                "effective_on": effective,
                "text": REGULATION_TEXT.get(title, f"《{title}》全文由常委会办公室发布。"),
            },
        )

    ctx.step("demo logins for staff, units and street recorders")
    admin = demo_user(
        ctx, "admin", "系统管理员", email="admin@demo.haidian.invalid", superuser=True
    )
    ctx.login("superuser (系统管理员)", admin.username)
    for username, office_short, display, label in [
        ("staff", "办公室", "办公室 王秘书", "staff, general office (办公室)"),
        ("daffairs", "代表工委", "代表工委 刘干部", "staff, deputy affairs (代表工委)"),
        ("committee", "教科文卫委", "教科文卫委 陈干部", "staff, special committee (教科文卫委)"),
        (
            "urbancommittee",
            "城建环保委",
            "城建环保委 赵干部",
            "staff, special committee (城建环保委)",
        ),
    ]:
        user = demo_user(ctx, username, display, email=f"{username}@demo.haidian.invalid")
        _grant(user, Role.STAFF, unit=offices[office_short])
        ctx.login(label, username)
    for username, unit_name, display in [
        ("liaison", "区教委", "区教委 联络员"),
        ("liaison2", "区体育局", "区体育局 联络员"),
        ("govliaison", "海淀区人民政府", "区政府办 联络员"),
        ("courtliaison", "海淀区人民法院", "区法院 联络员"),
    ]:
        user = demo_user(ctx, username, display, email=f"{username}@demo.haidian.invalid")
        _grant(user, Role.LIAISON, unit=Unit.objects.get(name=unit_name))
        ctx.login(f"unit liaison ({unit_name})", username)
    recorder = demo_user(
        ctx, "recorder", "北下关街道工委 记录员", email="recorder@demo.haidian.invalid"
    )
    _grant(
        recorder, Role.RECORDER, street=Street.objects.get(name="北下关", kind=StreetKind.STREET)
    )
    ctx.login("street recorder (北下关街道)", "recorder")
    _seed_demo_second_factor(ctx, ["admin", "staff", "daffairs", "committee", "urbancommittee"])


def _seed_demo_second_factor(ctx: DemoContext, usernames: list[str]) -> None:
    """Staff must pass a second factor (congress/mfa.py): the demo's staff logins get a TOTP
    device with the fixed, documented demo key (README: `manage.py demo_totp staff` prints the
    code; or add key GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ to an authenticator app). Demo only."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from congress.mfa import DEMO_TOTP_KEY_HEX
    from congress.models import User

    ctx.step("second factor (TOTP, demo key) for the staff logins")
    for user in User.objects.filter(username__in=usernames).order_by("username"):
        TOTPDevice.objects.get_or_create(
            user=user,
            name="demo",
            defaults={"key": DEMO_TOTP_KEY_HEX, "confirmed": True},
        )


def _grant(user, role: str, *, unit=None, street=None) -> None:
    Membership.objects.get_or_create(user=user, role=role, unit=unit, street=street)
    access.sync_groups(user)


def _seed_meetings(ctx: DemoContext, term: Term) -> None:
    """Congress sessions each January, standing committee meetings about every two months,
    chairpersons' meetings about every month — up to today, plus the next ones (scheduled)."""
    horizon = ctx.today + dt.timedelta(days=400)
    # Sessions: the first in January 2022 (the 180-deputy motion), then each January.
    for number, year in enumerate(range(2022, horizon.year + 1), start=1):
        starts = _d(year, 1, 5 if number == 1 else 8)
        if starts > horizon:
            break
        deadline = timezone.make_aware(
            dt.datetime.combine(starts + dt.timedelta(days=2), dt.time(12, 0))
        )
        Meeting.objects.get_or_create(
            term=term,
            kind=MeetingKind.CONGRESS_SESSION,
            number=number,
            defaults={
                "starts_on": starts,
                "ends_on": starts + dt.timedelta(days=3),
                "motion_deadline": deadline,
            },
        )
    # Standing committee: the 3rd meeting in April 2022 revised the motion rules.
    day, number = _d(2022, 1, 10), 1
    while day <= ctx.today + dt.timedelta(days=60):
        starts = _d(2022, 4, 28) if number == 3 else day
        Meeting.objects.get_or_create(
            term=term,
            kind=MeetingKind.STANDING_COMMITTEE,
            number=number,
            defaults={"starts_on": starts},
        )
        day = starts + dt.timedelta(days=56)
        number += 1
    day, number = _d(2022, 1, 20), 1
    while day <= ctx.today + dt.timedelta(days=30):
        Meeting.objects.get_or_create(
            term=term, kind=MeetingKind.CHAIRPERSONS, number=number, defaults={"starts_on": day}
        )
        day += dt.timedelta(days=28)
        number += 1
