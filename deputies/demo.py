"""Demo data of the deputies app (contract in congress/demo_support.py).

For the 17th term of 海淀区人民代表大会: 27 deputy groups, 22 deputies' homes and 40 liaison
stations, about 430 district deputies (40 on the standing committee), 20 city deputies of the 16th
Beijing congress and 105 town deputies of the 7 town congresses, the logins `deputy` and `deputy2`;
then reception days from 2022 to a few weeks ahead, voter opinions, trainings and duty records.

Deputy groups: the 22 streets and 7 towns make 29 areas but Haidian has 27 groups (since 1987).
We merge two pairs of small neighbouring areas: 燕园 with 清华园 (university campuses with few
residents) and 青龙桥 with 香山 (adjoining streets at the foot of the Western Hills).

Everything is found or created by natural keys (deputy number, station and group names, dates), so
a second run changes no counts. Synthetic names, mobiles and e-mails come from `ctx.person`.
"""

from __future__ import annotations

import datetime as dt

from congress.demo_support import DemoContext, demo_user
from congress.models import Congress, CongressLevel, Street, StreetKind, Term

STREETS = [
    "万寿路", "永定路", "羊坊店", "甘家口", "八里庄", "紫竹院", "北下关", "北太平庄", "学院路",
    "中关村", "海淀", "青龙桥", "清华园", "燕园", "香山", "清河", "花园路", "西三旗", "马连洼",
    "田村路", "上地", "曙光",
]  # fmt: skip
TOWNS = ["四季青", "海淀", "东升", "温泉", "西北旺", "苏家坨", "上庄"]
MERGED = {"燕园": "清华园", "香山": "青龙桥"}  # merged area -> the group it belongs to

# Liaison stations (代表联络站): three per town, one in 19 of the streets: 40 in all.
TOWN_STATIONS = {
    "四季青": ["常青", "玉泉", "门头村"],
    "海淀": ["六郎庄", "树村", "万泉庄"],
    "东升": ["清河营", "马坊", "塔院"],
    "温泉": ["白家疃", "杨家庄", "温泉村"],
    "西北旺": ["永丰", "唐家岭", "韩家川"],
    "苏家坨": ["北安河", "前沙涧", "西小营"],
    "上庄": ["上庄村", "西马坊", "李家坟"],
}
STREET_STATIONS = {
    "万寿路": "翠微路", "永定路": "复兴路", "羊坊店": "茂林居", "甘家口": "增光路",
    "八里庄": "五路居", "紫竹院": "车道沟", "北下关": "双榆树北里", "北太平庄": "北三环中路",
    "学院路": "石油大院", "中关村": "科源", "海淀": "苏州街", "青龙桥": "颐和园路",
    "清河": "清河小营", "花园路": "牡丹园", "西三旗": "育新花园", "马连洼": "菊园",
    "田村路": "永定路东", "上地": "上地西里", "曙光": "世纪城",
}  # fmt: skip

OCCUPATIONS = [
    "区教委中学教师", "北京大学教授", "清华大学研究员", "社区党委书记", "社区居委会主任",
    "区医院主任医师", "中关村科技企业总经理", "街道办事处副主任", "律师事务所主任",
    "物业服务企业负责人", "小学校长", "区卫生健康委副主任", "软件企业工程师", "村党支部书记",
    "农业合作社负责人", "派出所所长", "养老服务中心主任", "民营企业董事长", "国有企业职工",
    "幼儿园园长", "环卫所所长", "社区卫生服务中心主任", "高新技术企业研发人员", "出租车司机",
]  # fmt: skip
PARTIES = (
    ["中国共产党"] * 13 + ["中国民主同盟", "中国民主建国会", "九三学社", "中国民主促进会"]
    + ["中国农工民主党", "中国致公党", "中国国民党革命委员会"] + ["无党派人士"] * 2 + ["群众"] * 2
)  # fmt: skip
ETHNICITIES = ["汉族"] * 16 + ["回族", "满族", "蒙古族", "朝鲜族"]

DISTRICT_DEPUTIES = 430
COMMITTEE_MEMBERS = 40
CITY_DEPUTIES = 20
TOWN_DEPUTIES_EACH = 15


def _street(name: str, kind: str, order: int) -> Street:
    """The street or town created by congress/demo.py, or created here if it is missing."""
    suffix = "街道" if kind == StreetKind.STREET else "镇"
    found = Street.objects.filter(kind=kind, name__in=[name, name + suffix]).first()
    if found:
        return found
    taken = Street.objects.filter(name=name).exists()
    return Street.objects.create(name=name + suffix if taken else name, kind=kind, sort_order=order)


def _district_term(ctx: DemoContext) -> Term:
    congress = Congress.objects.filter(is_default=True).first()
    if congress is None:
        congress, _ = Congress.objects.get_or_create(
            name="海淀区人民代表大会",
            defaults={"level": CongressLevel.DISTRICT, "is_default": True},
        )
    term = congress.terms.filter(is_current=True).first()
    if term is None:
        term, _ = Term.objects.get_or_create(
            congress=congress,
            number=17,
            defaults={"starts_on": dt.date(2022, 1, 5), "is_current": True},
        )
    return term


def _other_term(name: str, level: str, number: int, starts_on: dt.date, parent) -> Term:
    congress, _ = Congress.objects.get_or_create(
        name=name, defaults={"level": level, "parent": parent}
    )
    term = congress.terms.filter(is_current=True).first()
    if term is None:
        term, _ = Term.objects.get_or_create(
            congress=congress,
            number=number,
            defaults={"starts_on": starts_on, "is_current": True},
        )
    return term


def _landline(rng) -> str:
    return f"010-6{rng.randrange(10**6, 10**7):07d}"


DEMO_LOGINS = {"deputy": "D17-0007", "deputy2": "D17-0010"}


def seed(ctx: DemoContext) -> None:
    world = seed_registry(ctx)
    seed_reception_days(ctx, world)
    seed_opinions(ctx, world)
    seed_trainings(ctx, world)
    seed_duty(ctx, world)


def seed_registry(ctx: DemoContext) -> dict:
    from deputies.models import DeputyGroup, Station, StationKind

    rng = ctx.rng("deputies.registry")
    term = _district_term(ctx)
    district = term.congress
    ctx.step(f"{district.name}{term.label}: deputy groups and stations")

    streets = {n: _street(n, StreetKind.STREET, i + 1) for i, n in enumerate(STREETS)}
    towns = {n: _street(n, StreetKind.TOWN, i + 1) for i, n in enumerate(TOWNS)}

    # 27 deputy groups, established 1987.
    groups: dict[tuple[str, str], DeputyGroup] = {}
    order = 0
    for kind, names, places in (("street", STREETS, streets), ("town", TOWNS, towns)):
        for n in names:
            if kind == "street" and n in MERGED:
                continue
            order += 1
            partner = [m for m, into in MERGED.items() if into == n] if kind == "street" else []
            label = str(places[n]) if not partner else f"{n}·{partner[0]}"
            group, _ = DeputyGroup.objects.get_or_create(
                name=f"{label}代表小组",
                defaults={"street": places[n], "established_year": 1987, "sort_order": order},
            )
            groups[(kind, n)] = group
    for m, into in MERGED.items():
        groups[("street", m)] = groups[("street", into)]

    # Stations: a deputies' home per street, liaison stations per town and in 19 streets.
    stations: dict[tuple[str, str], list[Station]] = {}
    order = 0
    for n in STREETS:
        order += 1
        street = streets[n]
        home, _ = Station.objects.get_or_create(
            name=f"{street}代表之家",
            defaults={
                "kind": StationKind.HOME,
                "street": street,
                "sort_order": order,
                "address": f"北京市海淀区{street}{n}路{rng.randint(1, 99)}号{street}办事处一层",
                "opening_hours": "周一至周五 9:00—17:00；每月第二个周三下午为代表接待日",
                "phone": _landline(rng),
                "contact_person": f"{street}人大工委工作人员",
                "description": f"{street}代表之家是区人大代表联系{street}选民的固定场所，"
                "设接待室、议事厅和履职档案展示区。",
            },
        )
        stations[("street", n)] = [home]
    for n, place in STREET_STATIONS.items():
        order += 1
        street = streets[n]
        st, _ = Station.objects.get_or_create(
            name=f"{street}{place}社区代表联络站",
            defaults={
                "kind": StationKind.STATION,
                "street": street,
                "sort_order": order,
                "address": f"北京市海淀区{place}社区服务站二层",
                "opening_hours": "周二、周四 14:00—17:00",
                "phone": _landline(rng),
                "contact_person": f"{place}社区居委会",
            },
        )
        stations[("street", n)].append(st)
    for n, places in TOWN_STATIONS.items():
        town = towns[n]
        stations[("town", n)] = []
        for place in places:
            order += 1
            st, _ = Station.objects.get_or_create(
                name=f"{town}{place}代表联络站",
                defaults={
                    "kind": StationKind.STATION,
                    "street": town,
                    "sort_order": order,
                    "address": f"北京市海淀区{town}{place}村（社区）党群服务中心",
                    "opening_hours": "周一至周五 8:30—17:30；每月第一个周五为代表接待日",
                    "phone": _landline(rng),
                    "contact_person": f"{town}人大办公室",
                },
            )
            stations[("town", n)].append(st)

    city_term = _other_term(
        "北京市人民代表大会", CongressLevel.CITY, 16, dt.date(2023, 1, 13), None
    )
    town_terms = {
        n: _other_term(
            f"{towns[n]}人民代表大会", CongressLevel.TOWN, 18, dt.date(2021, 12, 28), district
        )
        for n in TOWNS
    }

    areas = [("street", n) for n in STREETS] + [("town", n) for n in TOWNS]
    deputies = _seed_deputies(ctx, term, city_term, town_terms, areas, groups, stations)
    return {
        "term": term,
        "city_term": city_term,
        "town_terms": town_terms,
        "groups": groups,
        "stations": stations,
        "deputies": deputies,
    }


def _seed_deputies(ctx, term, city_term, town_terms, areas, groups, stations) -> dict:
    """Bulk-create the deputies and mandates that are missing (seconds, not minutes)."""
    from congress import access
    from deputies.models import Deputy, Mandate

    rng = ctx.rng("deputies.people")
    specs: list[dict] = []
    # District deputies: spread over the 29 areas; number D17-0001...
    for i in range(DISTRICT_DEPUTIES):
        kind, area = areas[i % len(areas)]
        name, mobile, email = ctx.person(i, salt="district")
        specs.append(
            {
                "number": f"D17-{i + 1:04d}",
                "name": name,
                "mobile": mobile,
                "email": email,
                "area": (kind, area),
                "level": CongressLevel.DISTRICT,
                "term": term,
                "committee": i % 10 == 5 and i < COMMITTEE_MEMBERS * 10,
                "seat": i // len(areas) + 1,
            }
        )
    # The two demo logins: fixed names at fixed stations.
    specs[6].update(name="李明", area=("street", "北下关"), station_index=0)
    specs[9].update(name="王芳", area=("street", "中关村"), station_index=0)
    for i in range(CITY_DEPUTIES):
        name, mobile, email = ctx.person(i, salt="city")
        kind, area = areas[(i * 3) % len(areas)]
        specs.append(
            {
                "number": f"C16-{i + 1:04d}",
                "name": name,
                "mobile": mobile,
                "email": email,
                "area": (kind, area),
                "level": CongressLevel.CITY,
                "term": city_term,
                "committee": False,
                "seat": i + 1,
            }
        )
    for t, town in enumerate(TOWNS):
        for j in range(TOWN_DEPUTIES_EACH):
            i = t * TOWN_DEPUTIES_EACH + j
            name, mobile, email = ctx.person(i, salt="town")
            specs.append(
                {
                    "number": f"T18-{t + 1:02d}{j + 1:03d}",
                    "name": name,
                    "mobile": mobile,
                    "email": email,
                    "area": ("town", town),
                    "level": CongressLevel.TOWN,
                    "term": town_terms[town],
                    "committee": False,
                    "seat": j + 1,
                }
            )

    existing = dict(Deputy.objects.filter(number__isnull=False).values_list("number", "pk"))
    new = []
    for spec in specs:
        if spec["number"] in existing:
            continue
        birth = rng.randint(1958, 1992)
        new.append(
            Deputy(
                number=spec["number"],
                name=spec["name"],
                gender="F" if rng.random() < 0.36 else "M",
                birth_year=birth,
                ethnicity=rng.choice(ETHNICITIES),
                party=rng.choice(PARTIES),
                occupation=rng.choice(OCCUPATIONS),
                mobile=spec["mobile"],
                email=spec["email"],
                address=f"北京市海淀区{spec['area'][1]}某小区{rng.randint(1, 30)}号楼",
                bio=f"{birth}年生，{rng.choice(['大学本科', '研究生', '大专', '博士研究生'])}学历。"
                "当选后积极参加代表小组活动，定期进站接待选民。",
            )
        )
    Deputy.objects.bulk_create(new, batch_size=200)
    ctx.progress("deputies", len(specs), len(specs))
    by_number = {
        d.number: d for d in Deputy.objects.filter(number__in=[s["number"] for s in specs])
    }

    have = set(
        Mandate.objects.filter(deputy__number__in=by_number).values_list("deputy_id", "term_id")
    )
    mandates = []
    for spec in specs:
        deputy = by_number[spec["number"]]
        if (deputy.pk, spec["term"].pk) in have:
            continue
        kind, area = spec["area"]
        options = stations[(kind, area)]
        index = spec.get("station_index", spec["seat"] % len(options))
        station = options[index] if spec["level"] != CongressLevel.CITY else options[0]
        place = f"{area}{'街道' if kind == 'street' else '镇'}"
        mandates.append(
            Mandate(
                deputy=deputy,
                term=spec["term"],
                level=spec["level"],
                electoral_unit=f"{place}第{(spec['seat'] - 1) % 9 + 1}选区"
                if spec["level"] != CongressLevel.CITY
                else "海淀区",
                group=groups[(kind, area)] if spec["level"] == CongressLevel.DISTRICT else None,
                station=station,
                is_committee_member=spec["committee"],
                started_on=spec["term"].starts_on,
            )
        )
    Mandate.objects.bulk_create(mandates, batch_size=200)

    # Two district deputies resigned during the term (a realistic registry has some).
    for number in ("D17-0421", "D17-0427"):
        Mandate.objects.filter(deputy__number=number, term=term, ended_on__isnull=True).update(
            status="resigned", ended_on=dt.date(2024, 6, 30)
        )

    for username, number in DEMO_LOGINS.items():
        deputy = by_number[number]
        user = demo_user(ctx, username, deputy.name, email=deputy.email)
        if deputy.user_id != user.pk:
            Deputy.objects.filter(pk=deputy.pk).update(user=user)
            deputy.user = user
        access.sync_groups(user)
        ctx.login("deputy", username)
    ctx.step(
        f"{Mandate.objects.filter(term=term).count()} district deputies, "
        f"{len(specs) - DISTRICT_DEPUTIES} city and town deputies"
    )
    return by_number


# --- Activity: reception days, opinions, trainings, duty records ---------------------------------

OPINIONS = {
    "housing": [
        "小区物业费上涨后服务质量没有提高，电梯经常停运，希望街道督促物业公司整改。",
        "老旧小区加装电梯意见不统一，低层住户反对，希望有关部门出面协调。",
        "楼顶防水层老化，雨季屋内漏水，多次报修未解决。",
    ],
    "transport": [
        "小区周边停车位严重不足，晚上车辆占用消防通道，存在安全隐患。",
        "学校门口早晚高峰拥堵，建议增设临时停车接送区和交通协管员。",
        "公交站台离地铁站太远，老人换乘不便，建议调整站位。",
    ],
    "education": [
        "社区附近缺少普惠性幼儿园，入园难问题突出。",
        "希望学校课后服务增加体育和艺术类课程，放学时间与家长下班时间衔接。",
    ],
    "health": [
        "社区卫生服务站药品种类少，慢性病老人需要到大医院开药，希望增加常用药配备。",
        "希望增加社区养老驿站的助餐服务点，方便独居老人就餐。",
        "家庭医生签约后联系不上，希望公开联系方式和服务时间。",
    ],
    "environment": [
        "垃圾分类投放点设置在楼门口，夏季异味大，建议调整位置并增加清运频次。",
        "河道边绿地缺少照明，晚上散步不安全，建议增设路灯。",
        "附近餐馆油烟直排，影响居民开窗通风。",
    ],
    "urban": [
        "人行道被共享单车大量占用，盲道无法通行。",
        "背街小巷路面破损，雨天积水严重，希望尽快修补。",
    ],
    "social": [
        "灵活就业人员社保缴费办理流程不清楚，希望社区提供咨询。",
        "希望为社区残疾人提供更多就业培训机会。",
    ],
    "safety": [
        "小区监控设施老化，近期发生多起电动车电池被盗事件。",
        "楼道内电动自行车充电现象普遍，存在火灾隐患，建议建设集中充电设施。",
    ],
    "other": ["希望社区多组织群众文化活动，丰富老年人精神生活。"],
}
ANSWERS = [
    "代表当场解释了相关政策，并告知办理渠道和所需材料，选民表示满意。",
    "代表联系社区居委会现场了解情况，居委会承诺一周内协调解决。",
]
REPLIES = [
    "经核查，我单位已将该问题列入年度工作计划，预计下季度完成整改，并将定期向社区通报进展。",
    "我单位已会同街道办事处实地踏勘，制定了解决方案，相关工作正在推进中。",
]
FEEDBACK = [
    "已电话告知选民承办单位的答复和整改安排，选民表示理解。",
    "代表在下一次接待日当面向选民反馈办理结果，选民表示满意。",
]
FORWARD_UNITS = {
    "housing": "区房管局",
    "transport": "区交通委",
    "education": "区教委",
    "health": "区卫生健康委",
    "environment": "区生态环境局",
    "urban": "区城市管理委",
    "social": "区人力资源社会保障局",
    "safety": "区应急管理局",
}
TRAININGS = [
    (
        "人大代表履职基本知识",
        dt.date(2022, 2, 15),
        "代表法、选举法和地方组织法关于代表权利和义务的规定。",
    ),
    ("如何撰写高质量的代表建议", dt.date(2022, 9, 1), "代表建议的选题、调研、撰写要求和常见问题。"),
    (
        "代表之家、代表联络站工作规则",
        dt.date(2023, 3, 10),
        "进站接待选民的流程、选民意见的登记与处理、反馈要求。",
    ),
    (
        "预算审查监督的重点和方法",
        dt.date(2024, 4, 20),
        "如何阅读政府预算报告，审查重点和监督方式。",
    ),
    (
        "智慧人大平台操作指南",
        dt.date(2025, 1, 10),
        "在手机上联名、提交建议、评价办理结果和发布履职情况。",
    ),
    (
        "2026年代表履职培训：基层治理与接诉即办",
        dt.date(2026, 5, 8),
        "接诉即办与代表联系群众工作的衔接。",
    ),
]


def _months(start: dt.date, end: dt.date):
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        yield y, m
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)


def _nth_weekday(y: int, m: int, weekday: int, n: int) -> dt.date:
    first = dt.date(y, m, 1)
    offset = (weekday - first.weekday()) % 7
    return first + dt.timedelta(days=offset + 7 * (n - 1))


def _station_rosters(world) -> dict[int, list]:
    """Serving district deputies per station (the login deputies first, so they are on duty)."""
    from deputies.models import Mandate

    rosters: dict[int, list] = {}
    mandates = (
        Mandate.objects.filter(term=world["term"], status="serving", station__isnull=False)
        .select_related("deputy")
        .order_by("deputy__number")
    )
    for m in mandates:
        rosters.setdefault(m.station_id, []).append(m.deputy)
    for roster in rosters.values():
        # By fixed numbers, not by "has a login": later demos give more deputies logins.
        roster.sort(key=lambda d: (d.number not in DEMO_LOGINS.values(), d.number or ""))
    return rosters


def seed_reception_days(ctx: DemoContext, world) -> None:
    """Monthly reception days at every station from January 2022 to a few weeks ahead; past ones
    held (duty confirmed: station duty entered in the deputies' duty records)."""
    from django.contrib.contenttypes.models import ContentType

    from deputies.models import DutyKind, DutyRecord, ReceptionDay, Station, StationKind

    ctx.step("reception days 2022 → the coming weeks")
    end = ctx.today + dt.timedelta(days=35)
    stations = list(Station.objects.filter(is_active=True).order_by("sort_order", "pk"))
    rosters = _station_rosters(world)
    existing = set(ReceptionDay.objects.values_list("station_id", "date", "starts_at"))
    new = []
    plan = []
    for station in stations:
        home = station.kind == StationKind.HOME
        for y, m in _months(dt.date(2022, 1, 1), end):
            date = _nth_weekday(y, m, 2, 2) if home else _nth_weekday(y, m, 4, 1)
            if date > end:
                continue
            starts = dt.time(14, 30) if home else dt.time(9, 0)
            ends = dt.time(17, 0) if home else dt.time(11, 30)
            plan.append((station, date, starts))
            if (station.pk, date, starts) not in existing:
                new.append(
                    ReceptionDay(
                        station=station,
                        date=date,
                        starts_at=starts,
                        ends_at=ends,
                        topic="代表接待日：听取选民意见建议" if home else "代表进站接待选民",
                        held_at=ctx.now if date <= ctx.today else None,
                    )
                )
    ReceptionDay.objects.bulk_create(new, batch_size=500)
    days = {
        (d.station_id, d.date, d.starts_at): d
        for d in ReceptionDay.objects.filter(pk__gte=0).only(
            "id", "station_id", "date", "starts_at"
        )
    }
    through = ReceptionDay.deputies.through
    have = set(through.objects.values_list("receptionday_id", "deputy_id"))
    links, duty = [], []
    day_type = ContentType.objects.get_for_model(ReceptionDay)
    have_duty = set(
        DutyRecord.objects.filter(kind=DutyKind.STATION_DUTY).values_list("deputy_id", "source_id")
    )
    for station, date, starts in plan:
        day = days[(station.pk, date, starts)]
        roster = rosters.get(station.pk, [])
        if not roster:
            continue
        month_index = (date.year - 2022) * 12 + date.month
        on_duty = {roster[(month_index * 2 + k) % len(roster)] for k in range(2)}
        if date >= ctx.today and roster[0].number in DEMO_LOGINS.values():
            on_duty.add(roster[0])  # the demo login deputy has duty days ahead
        for deputy in on_duty:
            if (day.pk, deputy.pk) not in have:
                links.append(through(receptionday_id=day.pk, deputy_id=deputy.pk))
            if date <= ctx.today and (deputy.pk, day.pk) not in have_duty:
                duty.append(
                    DutyRecord(
                        deputy=deputy,
                        kind=DutyKind.STATION_DUTY,
                        title=f"在{station.name}参加代表接待日",
                        date=date,
                        source_type=day_type,
                        source_id=day.pk,
                        is_published=(deputy.pk + month_index) % 3 != 0,
                    )
                )
    through.objects.bulk_create(links, batch_size=1000)
    DutyRecord.objects.bulk_create(duty, batch_size=1000)
    ctx.step(f"{len(days)} reception days, {len(duty)} new station duty entries")


def seed_opinions(ctx: DemoContext, world) -> None:
    """Voter opinions at the stations: older ones closed by every route; recent ones live —
    awaiting processing, forwarded with the reply due in the coming days, or overdue (obligations
    of the deadline engine, whose sweep marks them)."""
    from deputies.models import ReceptionDay, StationKind, VoterOpinion

    rng = ctx.rng("deputies.opinions")
    ctx.step("voter opinions")
    days = list(
        ReceptionDay.objects.filter(date__lte=ctx.today, is_cancelled=False)
        .select_related("station")
        .prefetch_related("deputies")
        .order_by("date", "station__sort_order", "station_id", "starts_at", "pk")
    )
    known = set(VoterOpinion.objects.values_list("station_id", "received_on", "content"))
    # The demo logins' deputies, by their fixed numbers: other apps' demos give more deputies
    # logins later in the first run, and a second run must make exactly the same choices.
    logins = {world[number].pk for number in DEMO_LOGINS.values() if number in world}
    total, created, voter_index = len(days), 0, 0
    for i, day in enumerate(days, start=1):
        ctx.progress("reception days", i, total)
        on_duty = sorted(day.deputies.all(), key=lambda d: d.pk)
        age = (ctx.today - day.date).days
        home = day.station.kind == StationKind.HOME
        if age <= 75:
            share = 1.0 if logins & {d.pk for d in on_duty} else (0.9 if home else 0.4)
        else:
            share = 0.3 if home else 0.08
        for k in range(2):
            # Draw every random number first, so that a second run makes the same choices.
            plan = _opinion_plan(rng)
            if not on_duty or plan["chance"] > share or (k == 1 and age > 75):
                continue
            voter_index += 1
            key = (day.station_id, day.date, plan["content"])
            if key in known:
                continue
            known.add(key)
            created += 1
            _seed_opinion(ctx, world, day, on_duty, plan, voter_index, age)
    ctx.step(f"{created} new voter opinions ({VoterOpinion.objects.count()} in all)")


def _opinion_plan(rng) -> dict:
    category = rng.choice(list(OPINIONS))
    return {
        "chance": rng.random(),
        "category": category,
        "content": rng.choice(OPINIONS[category]),
        "with_contact": rng.random() < 0.6,
        "route": rng.random(),
        "answer": rng.choice(ANSWERS),
        "feedback": rng.choice(FEEDBACK),
        "reply": rng.choice(REPLIES),
        "reply_delay": rng.randint(8, 20),
    }


def _seed_opinion(ctx, world, day, on_duty, plan, voter_index, age) -> None:
    from django.utils import timezone

    from congress.errors import DomainError
    from congress.models import Unit
    from deputies import services

    name, mobile, _email = ctx.person(voter_index, salt="voter")
    at = timezone.make_aware(dt.datetime.combine(day.date, day.starts_at))
    opinion = services.record_opinion(
        day.station,
        recorded_by=on_duty[0],
        content=plan["content"],
        category=plan["category"],
        voter_name=name if plan["with_contact"] else "",
        voter_contact=mobile if plan["with_contact"] else "",
        reception_day=day,
        now=at,
    )
    route = plan["route"]
    unit = Unit.objects.filter(name=FORWARD_UNITS.get(plan["category"], "")).first()
    unit = unit or Unit.objects.filter(kind="street").order_by("pk").first()
    try:
        if age <= 30 and route < 0.35:
            return  # just recorded, awaiting processing
        if unit is not None and (0.35 <= route < 0.85 if age > 30 else route < 0.9):
            services.forward_opinion(opinion, unit=unit, actor=None, now=at)
            # Replies arrive for older ones; recent ones are due soon, some are overdue.
            if age > 75 or (age > 30 and route >= 0.6):
                reply_at = at + dt.timedelta(days=plan["reply_delay"])
                services.record_unit_reply(opinion, reply=plan["reply"], actor=None, now=reply_at)
                if age > 90:
                    services.close_opinion(
                        opinion,
                        feedback=plan["feedback"],
                        actor=None,
                        now=reply_at + dt.timedelta(days=7),
                    )
        elif route < 0.35 or route >= 0.9 or unit is None:
            services.answer_on_spot(opinion, answer=plan["answer"], actor=None, now=at)
            if age > 14:
                services.close_opinion(
                    opinion,
                    feedback="代表在接待时已当面答复，并在一周后电话回访，选民表示满意。",
                    actor=None,
                    now=at + dt.timedelta(days=7),
                )
        elif route < 0.88:
            services.report_to_committee(
                opinion,
                note="涉及多个部门职责，建议由代表工委协调有关部门研究解决。",
                actor=None,
                now=at,
            )
        else:
            services.convert_to_suggestion(
                opinion,
                title=f"关于{plan['content'][:16]}的建议",
                proposers=on_duty,
                term=world["term"],
                actor=None,
                now=at,
            )
    except DomainError as exc:  # e.g. the suggestions app refusing: the opinion stays open
        ctx.step(f"opinion {opinion.pk}: {exc.code}")


def seed_trainings(ctx: DemoContext, world) -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from deputies.models import DutyKind, DutyRecord, Mandate, TrainingCompletion, TrainingMaterial

    ctx.step("online training")
    rng = ctx.rng("deputies.training")
    deputies = [
        m.deputy
        for m in Mandate.objects.filter(term=world["term"], status="serving")
        .select_related("deputy")
        .order_by("deputy__number")
    ]
    mtype = ContentType.objects.get_for_model(TrainingMaterial)
    have = set(TrainingCompletion.objects.values_list("material_id", "deputy_id"))
    completions, duty = [], []
    for title, published_on, body in TRAININGS:
        if published_on > ctx.today:
            continue
        material, _ = TrainingMaterial.objects.get_or_create(
            title=title,
            defaults={
                "body": body + "\n\n本课程约四十分钟，学习后请点击“标记为已完成”。",
                "is_published": True,
                "published_on": published_on,
            },
        )
        share = 0.85 if (ctx.today - published_on).days > 365 else 0.4
        for deputy in deputies:
            draw, delay = rng.random(), rng.randint(1, 60)
            if (
                deputy.number in DEMO_LOGINS.values()
                or draw > share
                or (material.pk, deputy.pk) in have
            ):
                continue  # the demo logins keep trainings to complete
            when = published_on + dt.timedelta(days=delay)
            when = min(when, ctx.today)
            completions.append(
                TrainingCompletion(
                    material=material,
                    deputy=deputy,
                    completed_at=timezone.make_aware(dt.datetime.combine(when, dt.time(20))),
                )
            )
            duty.append(
                DutyRecord(
                    deputy=deputy,
                    kind=DutyKind.TRAINING,
                    title=f"完成在线培训：{title}",
                    date=when,
                    source_type=mtype,
                    source_id=material.pk,
                )
            )
    TrainingCompletion.objects.bulk_create(completions, batch_size=1000)
    DutyRecord.objects.bulk_create(duty, batch_size=1000, ignore_conflicts=True)


def seed_duty(ctx: DemoContext, world) -> None:
    """Congress sessions attended (one entry per session held) and a few inspections and
    research visits typed by the deputies; about two thirds published."""
    from django.contrib.contenttypes.models import ContentType

    from congress.models import Meeting, MeetingKind
    from deputies.models import DutyKind, DutyRecord, Mandate

    ctx.step("duty records: sessions attended, inspections")
    rng = ctx.rng("deputies.duty")
    deputies = [
        m.deputy
        for m in Mandate.objects.filter(term=world["term"])
        .select_related("deputy")
        .order_by("deputy__number")
    ]
    sessions = list(
        Meeting.objects.filter(
            term=world["term"], kind=MeetingKind.CONGRESS_SESSION, starts_on__lte=ctx.today
        ).order_by("starts_on", "pk")
    )
    mtype = ContentType.objects.get_for_model(Meeting)
    have = set(
        DutyRecord.objects.filter(kind=DutyKind.MEETING, source_type=mtype).values_list(
            "deputy_id", "source_id"
        )
    )
    manual_have = set(
        DutyRecord.objects.filter(is_manual=True).values_list("deputy_id", "date", "title")
    )
    rows = []
    visits = [
        "参加代表小组视察辖区老旧小区综合整治",
        "参加区人大常委会组织的预算执行情况专题调研",
        "参加“接诉即办”工作专题视察",
        "参加垃圾分类工作执法检查",
        "参加代表小组活动，走访辖区养老驿站",
        "参加市区两级代表联合调研：城市更新",
    ]
    for deputy in deputies:
        for s in sessions:
            published = rng.random() < 0.7
            if (deputy.pk, s.pk) not in have:
                rows.append(
                    DutyRecord(
                        deputy=deputy,
                        kind=DutyKind.MEETING,
                        title=f"出席{s.title}",
                        date=s.starts_on,
                        source_type=mtype,
                        source_id=s.pk,
                        is_published=published,
                    )
                )
        for _k in range(rng.randint(1, 4)):
            date = dt.date(2022, 3, 1) + dt.timedelta(
                days=rng.randint(0, (ctx.today - dt.date(2022, 3, 1)).days)
            )
            title, published = rng.choice(visits), rng.random() < 0.6
            if (deputy.pk, date, title) in manual_have:
                continue
            manual_have.add((deputy.pk, date, title))
            rows.append(
                DutyRecord(
                    deputy=deputy,
                    kind=DutyKind.INSPECTION,
                    title=title,
                    date=date,
                    is_manual=True,
                    is_published=published,
                )
            )
    DutyRecord.objects.bulk_create(rows, batch_size=1000)
    ctx.step(f"{len(rows)} new duty record entries ({DutyRecord.objects.count()} in all)")
