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


def seed(ctx: DemoContext) -> None:
    seed_registry(ctx)


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

    for username, number in (("deputy", "D17-0007"), ("deputy2", "D17-0010")):
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
