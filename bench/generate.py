"""Scale data for the benchmarks (issue 9): deterministic, bulk-inserted, with progress.

    python bench/generate.py --profile district [--scale 0.1] [--seed 9] [--today 2026-11-26]
    python bench/generate.py --profile multi --scale 0.1

Runs against DATABASE_URL (PostgreSQL) or the default SQLite file, after `manage.py migrate`, on a
database without congresses, motions or deputies (it refuses otherwise: use a fresh database, e.g.
`createdb congress_scale` then `manage.py migrate`).

Profiles (figures at --scale 1):
- district: one district congress (海淀区人民代表大会, default) with ten terms (8th to 17th, five
  years each, the 17th current from 2022-01-05): ~4,500 deputies with mandates, 87 stations and
  their monthly reception days, 1,000 motions (20 a year) each with three handling years of
  monthly progress updates (~30,000 updates), ~50,000 suggestions (lead unit, co-units, replies),
  ~300,000 voter opinions, ~195,000 obligations (suggestion replies, opinion replies, motion plans
  and yearly reports, evaluation reports), ten years of department evaluations with closed votes.
- multi: the city (北京市人民代表大会) with its 16 district congresses, each with its current
  term only (five years of the same yearly volumes): ~80,000 suggestions, ~480,000 opinions,
  ~320,000 obligations. Evaluations only for the default district (a campaign's year is unique).

Rows go in with `bulk_create` in chunks (no model `save()`, no signals, no history rows: the
historical tables stay empty, as after an import). Identical arguments give identical rows.
`--scale` multiplies the yearly volumes (deputies, motions, suggestions, opinions, reception days,
evaluation items); every count has a floor so that a tiny scale still exercises every model.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congress.settings")

# --- names and words (realistic Chinese content) -------------------------------------------------

BEIJING_DISTRICTS = [
    "海淀区",
    "东城区",
    "西城区",
    "朝阳区",
    "丰台区",
    "石景山区",
    "门头沟区",
    "房山区",
    "通州区",
    "顺义区",
    "昌平区",
    "大兴区",
    "怀柔区",
    "平谷区",
    "密云区",
    "延庆区",
]
STREET_NAMES = [
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
    "四季青",
    "西北旺",
    "苏家坨",
    "温泉",
    "东升",
    "上庄",
    "万柳",
]
DEPARTMENTS = [
    "教委",
    "卫生健康委",
    "发展改革委",
    "财政局",
    "民政局",
    "人力社保局",
    "住房城乡建设委",
    "房管局",
    "城管委",
    "交通委",
    "生态环境局",
    "水务局",
    "农业农村局",
    "商务局",
    "文化和旅游局",
    "体育局",
    "市场监管局",
    "应急管理局",
    "司法局",
    "信访办",
    "科委",
    "规划自然资源分局",
    "园林绿化局",
    "退役军人事务局",
    "医保局",
    "统计局",
    "审计局",
    "政务服务局",
    "城市管理指挥中心",
    "公安分局",
    "消防救援支队",
]
OFFICES = [
    ("办公室", "general_office"),
    ("代表工作委员会", "deputy_affairs"),
    ("教育科技文化卫生委员会", "special_committee"),
    ("城市建设和环境保护委员会", "special_committee"),
    ("财政经济委员会", "special_committee"),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国红梅玉兰志强海燕建华文军春梅晓东金凤丹丹晨阳子涵浩然思远雨欣嘉怡宇航一鸣欣怡梓萱"
PARTIES = [
    "中共党员",
    "中共党员",
    "中共党员",
    "民盟盟员",
    "九三学社社员",
    "民进会员",
    "群众",
    "农工党党员",
]
OCCUPATIONS = [
    "区教委副主任",
    "中关村第三小学校长",
    "海淀医院主任医师",
    "北京大学教授",
    "清华大学副教授",
    "社区党委书记",
    "科技企业总经理",
    "街道办事处主任",
    "农业合作社理事长",
    "律师事务所主任",
    "中学高级教师",
    "公交公司驾驶员",
    "社区居委会主任",
    "物业公司经理",
]
ISSUES = [
    ("交通出行", "早晚高峰交通拥堵", "优化信号灯配时、增设潮汐车道并加密公交线路"),
    ("停车管理", "老旧小区停车难", "挖掘周边错时共享车位，建设立体停车设施"),
    ("教育", "学位供给紧张", "加快新建学校建设，扩大优质教育资源覆盖"),
    ("养老", "社区养老服务不足", "建设养老服务驿站，推广助餐助浴服务"),
    ("医疗卫生", "社区卫生服务中心就诊排队时间长", "增加全科医生配备，推广预约诊疗"),
    ("环境", "垃圾分类投放点设置不合理", "优化投放点布局，落实桶前值守"),
    ("绿化", "口袋公园数量少", "利用边角地建设口袋公园和小微绿地"),
    ("住房", "老旧小区加装电梯推进缓慢", "简化审批流程，落实加装电梯补贴政策"),
    ("物业", "物业服务质量不高", "完善物业服务评价机制，加强行业监管"),
    ("安全", "电动自行车充电隐患突出", "建设集中充电设施，开展消防安全检查"),
    ("就业", "高校毕业生就业渠道窄", "搭建校企对接平台，开发社区公益岗位"),
    ("水务", "雨季道路积水", "改造雨水管网，建设下凹式绿地"),
    ("文化体育", "全民健身场地不足", "盘活闲置空间建设健身场地，推动学校场馆开放"),
    ("营商环境", "中小企业融资难", "设立风险补偿资金，推广知识产权质押融资"),
]
OPINION_TEXTS = [
    "小区门口人行道被共享单车占用，老人出行不便，希望加强管理。",
    "楼道照明损坏多日无人维修，晚上出行存在安全隐患。",
    "社区周边缺少菜市场，买菜需要走很远，希望增设便民网点。",
    "公园健身器材老化，希望及时更换维护。",
    "小区地下管网老化经常漏水，希望纳入改造计划。",
    "学校门口接送时段交通混乱，建议设置临时停车区。",
    "社区卫生服务站药品种类少，慢性病患者取药不方便。",
    "夜间施工噪音扰民，希望有关部门加强执法。",
    "老旧小区没有电梯，高层老人下楼困难，希望尽快加装。",
    "垃圾清运不及时，夏天气味很大，希望增加清运频次。",
]
UPDATE_KINDS = ["inspection", "research", "meeting", "milestone"]
UPDATE_TITLES = {
    "inspection": "代表视察{topic}办理现场",
    "research": "承办单位就{topic}开展专题调研",
    "meeting": "召开{topic}办理推进会",
    "milestone": "{topic}办理取得阶段性进展",
}


def _date(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, min(day, 28))


def _aware(day: dt.date, hour: int = 10) -> dt.datetime:
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    return _date(day.year + month // 12, month % 12 + 1, day.day)


# --- plan --------------------------------------------------------------------------------------


@dataclass
class Plan:
    """How much of everything, from the profile and the scale."""

    profile: str
    scale: float
    districts: list[str]
    terms_per_district: int
    deputies_per_term: int
    motions_per_year: int
    suggestions_per_year: int
    opinions_per_year: int
    reception_days_per_station_year: int
    streets: int
    departments: int
    evaluation_items_per_year: int
    evaluation_years: int

    @classmethod
    def build(cls, profile: str, scale: float) -> Plan:
        if profile not in {"district", "multi"}:
            raise ValueError(f"unknown profile {profile!r}")
        if scale <= 0:
            raise ValueError("--scale must be positive")

        def n(base: float, floor: int) -> int:
            return max(floor, round(base * scale))

        return cls(
            profile=profile,
            scale=scale,
            districts=BEIJING_DISTRICTS[:1] if profile == "district" else BEIJING_DISTRICTS,
            terms_per_district=10 if profile == "district" else 1,
            deputies_per_term=n(450, 20),
            motions_per_year=n(20, 2),
            suggestions_per_year=n(1000, 5),
            opinions_per_year=n(6000, 10),
            reception_days_per_station_year=n(12, 1),
            # Small scales keep fewer streets and departments, so that a test stays small.
            streets=min(len(STREET_NAMES), max(3, math.ceil(len(STREET_NAMES) * scale * 20))),
            departments=min(len(DEPARTMENTS), max(4, math.ceil(len(DEPARTMENTS) * scale * 20))),
            evaluation_items_per_year=n(10, 2),
            evaluation_years=10,
        )


# --- writer with progress -----------------------------------------------------------------------


@dataclass
class Writer:
    out: object
    chunk: int = 2000
    counts: Counter = field(default_factory=Counter)
    seconds: Counter = field(default_factory=Counter)
    started: float = field(default_factory=time.perf_counter)
    cpu_started: float = field(default_factory=time.process_time)

    use_copy: bool = False

    def insert(self, model, objs: list) -> list:
        if not objs:
            return objs
        t0 = time.perf_counter()
        if self.use_copy:
            for start in range(0, len(objs), self.chunk):
                copy_rows(model, objs[start : start + self.chunk])
        else:
            model.objects.bulk_create(objs, batch_size=self.chunk)
        label = model._meta.label
        self.counts[label] += len(objs)
        self.seconds[label] += time.perf_counter() - t0
        return objs

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def say(self, text: str) -> None:
        elapsed = time.perf_counter() - self.started
        cpu = time.process_time() - self.cpu_started
        rate = self.total / elapsed if elapsed else 0.0
        print(
            f"[{elapsed:7.1f} s] {text} — {self.total:,} rows so far, {rate:,.0f} rows/s "
            f"({self.total / cpu if cpu else 0:,.0f} per CPU-second of this process)",
            file=self.out,
            flush=True,
        )


def _copy_text(value) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, (dt.date, dt.time)):  # datetime is a date
        return value.isoformat()
    if isinstance(value, (dict, list)):
        import json

        value = json.dumps(value, ensure_ascii=False)
    text = str(value)
    if any(c in text for c in "\\\t\n\r"):
        text = (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


def copy_rows(model, objs: list) -> None:
    """Insert with COPY on PostgreSQL: ids are taken from the table's sequence first (one query),
    then every row goes in one COPY statement; ~5x faster than bulk_create's INSERT."""
    import io

    from django.db import connection

    meta = model._meta
    pk = meta.pk
    fields = [f for f in meta.concrete_fields]
    with connection.cursor() as cursor:
        if pk.get_internal_type() in {"AutoField", "BigAutoField"}:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, pk.column, len(objs)],
            )
            for obj, (new_id,) in zip(objs, cursor.fetchall(), strict=True):
                obj.pk = new_id
        buffer = io.StringIO()
        for obj in objs:
            # As bulk_create does: take the ids of related objects saved after this one was made.
            obj._prepare_related_fields_for_save(operation_name="bulk_create")
            buffer.write("\t".join(_copy_text(f.pre_save(obj, True)) for f in fields))
            buffer.write("\n")
            obj._state.adding = False
            obj._state.db = connection.alias
        buffer.seek(0)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        cursor.cursor.copy_expert(
            f"COPY {connection.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN", buffer
        )


# --- the generator ----------------------------------------------------------------------------


class Generator:
    def __init__(self, plan: Plan, *, seed: int, today: dt.date, writer: Writer):
        self.plan = plan
        self.rng = random.Random(seed)
        self.today = today
        self.w = writer

    # names
    def person(self) -> str:
        r = self.rng
        return r.choice(SURNAMES) + "".join(r.choice(GIVEN) for _ in range(r.choice((1, 2))))

    def mobile(self) -> str:
        return f"1{self.rng.choice('3589')}{self.rng.randrange(10**9):09d}"

    def run(self) -> Counter:
        from django.contrib.contenttypes.models import ContentType
        from django.db import transaction

        from congress.models import Congress, DeadlineRule
        from deputies.models import Deputy, VoterOpinion
        from evaluations.models import Item
        from motions.models import Motion, Topic
        from motions.suggestions.models import Category, Suggestion

        if (
            Congress.objects.exists()
            or Motion.objects.exists()
            or Deputy.objects.exists()
            or Suggestion.objects.exists()
        ):
            raise SystemExit(
                "The database already has congresses, motions, deputies or suggestions: "
                "generate into a freshly migrated database."
            )
        self.rules = {r.code: r for r in DeadlineRule.objects.all()}
        self.ct = {
            "motion": ContentType.objects.get_for_model(Motion),
            "suggestion": ContentType.objects.get_for_model(Suggestion),
            "opinion": ContentType.objects.get_for_model(VoterOpinion),
            "item": ContentType.objects.get_for_model(Item),
        }
        with transaction.atomic():
            self.topics = list(Topic.objects.order_by("sort_order", "pk"))
            if not self.topics:
                self.topics = self.w.insert(
                    Topic,
                    [
                        Topic(name=name, slug=f"bench-{i}", sort_order=i)
                        for i, (name, _, _) in enumerate(ISSUES[:8])
                    ],
                )
            existing = set(Category.objects.values_list("name", flat=True))
            self.w.insert(
                Category,
                [
                    Category(name=name, sort_order=i)
                    for i, (name, _, _) in enumerate(ISSUES)
                    if name not in existing
                ],
            )
            self.categories = list(Category.objects.order_by("sort_order", "pk"))
            parent = None
            if self.plan.profile == "multi":
                parent = Congress.objects.create(name="北京市人民代表大会", level="city")
                self.w.counts["congress.Congress"] += 1
        for index, district in enumerate(self.plan.districts):
            self.district(district, default=index == 0, parent=parent)
        return self.w.counts

    # one district congress ------------------------------------------------------------------

    def district(self, district: str, *, default: bool, parent) -> None:
        from django.db import transaction

        from congress.models import Congress, Street, Term, Unit, WorkCommittee
        from deputies.models import DeputyGroup, Station

        p = self.plan
        short = district.removesuffix("区")
        with transaction.atomic():
            congress = Congress.objects.create(
                name=f"{district}人民代表大会", level="district", parent=parent, is_default=default
            )
            self.w.counts["congress.Congress"] += 1
            units = self.w.insert(
                Unit,
                [Unit(name=f"{district}人民政府", kind="government", sort_order=0)]
                + [
                    Unit(name=f"{district}{name}", short_name=name, kind=kind, sort_order=i + 1)
                    for i, (name, kind) in enumerate(
                        [
                            ("监察委员会", "supervisory"),
                            ("人民法院", "court"),
                            ("人民检察院", "procuratorate"),
                        ]
                    )
                ]
                + [
                    Unit(
                        name=f"{district}{name}",
                        short_name=name,
                        kind="department",
                        sort_order=10 + i,
                    )
                    for i, name in enumerate(DEPARTMENTS[: p.departments])
                ]
                + [
                    Unit(
                        name=f"{district}人大常委会{name}",
                        short_name=name,
                        kind="office",
                        office_role=role,
                        sort_order=100 + i,
                    )
                    for i, (name, role) in enumerate(OFFICES)
                ],
            )
            self.departments = [u for u in units if u.kind == "department"]
            self.offices = [u for u in units if u.kind == "office"]
            self.handling = [u for u in units if u.kind != "office"]
            street_offices = self.w.insert(
                Unit,
                [
                    Unit(
                        name=f"{district}{s}街道办事处",
                        short_name=f"{s}街道",
                        kind="street",
                        sort_order=200 + i,
                    )
                    for i, s in enumerate(STREET_NAMES[: p.streets])
                ],
            )
            self.handling += street_offices
            # Logins: one staff member of the general office, one liaison per handling unit
            # (unusable passwords: nobody logs in with scale data).
            from congress.models import Membership, User

            code = BEIJING_DISTRICTS.index(district) + 1
            users = self.w.insert(
                User,
                [
                    User(
                        username=f"bench{code:02d}-staff",
                        password="!",
                        display_name=f"{district}人大常委会办公室",
                    )
                ]
                + [
                    User(
                        username=f"bench{code:02d}-unit{u.sort_order:03d}",
                        password="!",
                        display_name=self.person(),
                    )
                    for u in self.handling
                ],
            )
            self.staff_user = users[0]
            self.liaison = dict(zip([u.pk for u in self.handling], users[1:], strict=True))
            self.w.insert(
                Membership,
                [Membership(user=users[0], role="staff", unit=self.offices[0])]
                + [
                    Membership(user=user, role="liaison", unit_id=unit_id)
                    for unit_id, user in self.liaison.items()
                ],
            )
            streets = self.w.insert(
                Street,
                [
                    Street(
                        name=s if default else f"{short}{s}",
                        kind="street",
                        office=street_offices[i],
                        sort_order=i,
                    )
                    for i, s in enumerate(STREET_NAMES[: p.streets])
                ],
            )
            base = (BEIJING_DISTRICTS.index(district) + 1) * 100
            self.w.insert(
                WorkCommittee,
                [
                    WorkCommittee(street=s, established_year=2001, rotation_order=base + i)
                    for i, s in enumerate(streets)
                ],
            )
            self.groups = self.w.insert(
                DeputyGroup,
                [
                    DeputyGroup(name=f"{district}{s.name}代表组", street=s, sort_order=i)
                    for i, s in enumerate(streets)
                ],
            )
            stations = []
            for i, s in enumerate(streets):
                name = s.name if default else s.name.removeprefix(short)
                stations.append(
                    Station(
                        name=f"{district}{name}街道代表之家",
                        kind="home",
                        street=s,
                        sort_order=i * 3,
                        address=f"北京市{district}{name}街道{self.rng.randrange(1, 200)}号",
                        opening_hours="每月第二个周三 9:00–11:30",
                        phone=f"010-{self.rng.randrange(10**7, 10**8)}",
                        description=f"{name}街道人大代表之家，接待选民、收集意见建议。",
                    )
                )
                for k in (1, 2):
                    stations.append(
                        Station(
                            name=f"{district}{name}第{k}代表联络站",
                            kind="station",
                            street=s,
                            sort_order=i * 3 + k,
                            address=f"北京市{district}{name}社区服务中心{k}层",
                            opening_hours="每月第一个周六 9:00–11:00",
                            phone=f"010-{self.rng.randrange(10**7, 10**8)}",
                        )
                    )
            self.stations = self.w.insert(Station, stations)
        self.w.say(f"{congress.name}: units, {len(streets)} streets, {len(stations)} stations")

        last = 17
        first = last - p.terms_per_district + 1
        for number in range(first, last + 1):
            starts = dt.date(2022 - 5 * (last - number), 1, 5)
            with transaction.atomic():
                term = Term.objects.create(
                    congress=congress,
                    number=number,
                    starts_on=starts,
                    ends_on=None if number == last else dt.date(starts.year + 5, 1, 4),
                    is_current=number == last,
                )
                self.w.counts["congress.Term"] += 1
                self.term(congress, term, district)
            self.w.say(f"{congress.name} 第{number}届 ({starts.year}–{starts.year + 4})")
        if default:
            with transaction.atomic():
                self.evaluations(congress)
            self.w.say(f"{congress.name}: department evaluations")

    # one term ---------------------------------------------------------------------------------

    def term(self, congress, term, district: str) -> None:
        from congress.models import Meeting
        from deputies.models import Deputy, Mandate, ReceptionDay

        p, r = self.plan, self.rng
        current = term.is_current
        years = [term.starts_on.year + k for k in range(5)]
        sessions = self.w.insert(
            Meeting,
            [
                Meeting(
                    term=term,
                    kind="session",
                    number=k + 1,
                    starts_on=_date(y, 1, 6),
                    ends_on=_date(y, 1, 9),
                    motion_deadline=_aware(_date(y, 1, 7), 12),
                )
                for k, y in enumerate(years)
            ]
            + [
                Meeting(
                    term=term,
                    kind="standing",
                    number=k * 6 + m + 1,
                    starts_on=_date(y, 2 * m + 2, 20),
                )
                for k, y in enumerate(years)
                for m in range(6)
            ],
        )
        self.sessions = {m.starts_on.year: m for m in sessions if m.kind == "session"}
        code = BEIJING_DISTRICTS.index(district) + 1
        deputies = self.w.insert(
            Deputy,
            [
                Deputy(
                    number=f"D{code:02d}{term.number:02d}{i:04d}",
                    name=self.person(),
                    gender=r.choice("FM"),
                    birth_year=years[0] - r.randrange(28, 62),
                    ethnicity="汉族" if r.random() < 0.9 else "回族",
                    party=r.choice(PARTIES),
                    occupation=r.choice(OCCUPATIONS),
                    bio="长期扎根基层，关注民生实事。",
                    mobile=self.mobile(),
                    email=f"deputy{code:02d}{term.number:02d}{i:04d}@example.cn",
                )
                for i in range(p.deputies_per_term)
            ],
        )
        mandates = []
        for i, d in enumerate(deputies):
            g = i % len(self.groups)
            station = self.stations[(g * 3 + i // len(self.groups)) % len(self.stations)]
            mandates.append(
                Mandate(
                    deputy=d,
                    term=term,
                    level="district",
                    electoral_unit=f"第{i // 3 + 1}选区",
                    group=self.groups[g],
                    station=station if station.street_id == self.groups[g].street_id else None,
                    status="serving" if current or i % 25 else "resigned",
                    is_committee_member=i < max(5, len(deputies) // 13),
                    started_on=term.starts_on,
                    ended_on=term.ends_on,
                )
            )
        self.w.insert(Mandate, mandates)
        self.deputies = deputies
        self.committee = deputies[: max(5, len(deputies) // 13)]

        days = []
        per_year = p.reception_days_per_station_year
        for y in years:
            for k in range(per_year):
                month = 1 + (k * 12) // per_year
                day = _date(y, month, 10 + k % 10)
                if day > self.today + dt.timedelta(days=60):
                    continue
                for s in self.stations:
                    days.append(
                        ReceptionDay(
                            station=s,
                            date=day,
                            starts_at=dt.time(9, 0),
                            ends_at=dt.time(11, 30),
                            topic="接待选民，听取意见建议",
                            held_at=_aware(day, 12) if day < self.today else None,
                        )
                    )
        self.w.insert(ReceptionDay, days)
        by_station_month = {(d.station_id, d.date.year, d.date.month): d for d in days}

        for y in years:
            if dt.date(y, 1, 6) > self.today:
                continue
            self.motions(term, y)
            self.suggestions(term, y)
            self.opinions(y, by_station_month)

    # motions -----------------------------------------------------------------------------------

    def motions(self, term, year: int) -> None:
        from congress.models import Obligation
        from motions.models import (
            Assignment,
            Cosigner,
            Motion,
            MotionPhase,
            ProgressUpdate,
        )

        p, r, today = self.plan, self.rng, self.today
        session = self.sessions[year]
        assigned = _date(year, 2, 15)
        phase_starts = [assigned, _date(year + 1, 2, 15), _date(year + 2, 2, 15)]
        phase_ends = [phase_starts[1], phase_starts[2], _date(year + 3, 2, 15)]
        elapsed = sum(1 for s in phase_starts if s <= today)
        if elapsed == 0:
            state = "registered"
        elif phase_ends[-1] <= today:
            state = "closed"
        else:
            state = ["supervision", "follow_up_1", "follow_up_2"][elapsed - 1]
        motions = []
        for k in range(p.motions_per_year):
            topic_name, issue, measure = ISSUES[(k + year) % len(ISSUES)]
            lead = self.deputies[r.randrange(len(self.deputies))]
            motions.append(
                Motion(
                    term=term,
                    session=session,
                    year=year,
                    number=k + 1,
                    proposer_kind="deputies",
                    lead_deputy=lead,
                    title=f"关于解决{r.choice(STREET_NAMES)}地区{issue}问题的议案",
                    reasons=f"{issue}问题群众反映强烈，直接影响居民生活质量。" * 3,
                    grounds="依据《北京市实施〈中华人民共和国全国人民代表大会和地方各级人民代表大会代表法〉办法》。",
                    measures=f"建议{measure}，明确责任单位和时间表。" * 2,
                    topic=self.topics[k % len(self.topics)],
                    state=state,
                    signer_count=4,
                    submitted_at=_aware(_date(year, 1, 7), 9),
                    decided_at=_aware(_date(year, 1, 20)),
                    lead_unit=self.departments[k % len(self.departments)],
                    supervising_office=self.offices[2 + k % (len(self.offices) - 2)],
                    assigned_on=assigned if elapsed else None,
                    phase_ends_on=phase_ends[elapsed - 1]
                    if elapsed > 0 and state != "closed"
                    else None,
                    closed_on=phase_ends[-1] if state == "closed" else None,
                    progress=100 if state == "closed" else min(95, elapsed * 30),
                    created_at=_aware(_date(year, 1, 6), 9),
                )
            )
        self.w.insert(Motion, motions)
        cosigners, assignments, phases, updates, obligations = [], [], [], [], []
        for m in motions:
            others = r.sample(self.deputies, min(3, len(self.deputies)))
            cosigners += [
                Cosigner(
                    motion=m,
                    deputy=d,
                    state="confirmed",
                    invited_at=_aware(_date(year, 1, 6), 10),
                    responded_at=_aware(_date(year, 1, 6), 15),
                )
                for d in others
                if d.pk != m.lead_deputy_id
            ]
            if not elapsed:
                continue
            co = self.handling[(self.handling.index(m.lead_unit) + 7) % len(self.handling)]
            for unit, role in ((m.lead_unit, "lead"), (co, "co")):
                assignments.append(
                    Assignment(
                        motion=m,
                        unit=unit,
                        role=role,
                        state="accepted",
                        assigned_at=_aware(assigned),
                        responded_at=_aware(assigned + dt.timedelta(days=3)),
                    )
                )
            plan_due = _add_months(assigned, 1)
            obligations.append(
                self.obligation(
                    m.lead_unit,
                    "motions.handling_plan",
                    "motion",
                    m,
                    f"办理方案：{m.title}",
                    assigned,
                    plan_due,
                    "motion-handling-plan",
                    m.supervising_office,
                    done=plan_due < today,
                )
            )
            for i, st in enumerate(["supervision", "follow_up_1", "follow_up_2"][:elapsed]):
                ended = phase_ends[i] <= today
                phases.append(
                    MotionPhase(
                        motion=m,
                        state=st,
                        starts_on=phase_starts[i],
                        ends_on=phase_ends[i],
                        ended_on=phase_ends[i] if ended else None,
                    )
                )
                obligations.append(
                    self.obligation(
                        m.lead_unit,
                        "motions.yearly_report",
                        "motion",
                        m,
                        f"年度办理情况报告（第{i + 1}年）：{m.title}",
                        phase_starts[i],
                        phase_ends[i] - dt.timedelta(days=15),
                        "motion-yearly-report",
                        m.supervising_office,
                        done=ended,
                    )
                )
                # Monthly progress updates through the handling year (up to today).
                for month in range(12):
                    day = _add_months(phase_starts[i], month) + dt.timedelta(days=r.randrange(20))
                    if day >= today:
                        break
                    kind = UPDATE_KINDS[(month + i) % 4]
                    topic_name = m.topic.name if m.topic else "议案"
                    pct = min(100, 30 * i + (month + 1) * 30 // 12)
                    published = r.random() < 0.95 or day < today - dt.timedelta(days=30)
                    updates.append(
                        ProgressUpdate(
                            motion=m,
                            kind=kind,
                            title=UPDATE_TITLES[kind].format(topic=topic_name),
                            text=f"{m.lead_unit.name}围绕议案提出的问题，{r.choice(ISSUES)[2]}。"
                            "代表对办理工作给予肯定，并提出进一步意见。",
                            happened_on=day,
                            unit=m.lead_unit,
                            proposed_progress=pct,
                            approved_progress=pct if published else None,
                            state="published" if published else "submitted",
                            created_at=_aware(day, 16),
                            published_at=_aware(day + dt.timedelta(days=1), 9)
                            if published
                            else None,
                        )
                    )
        self.w.insert(Cosigner, cosigners)
        self.w.insert(Assignment, assignments)
        self.w.insert(MotionPhase, phases)
        self.w.insert(ProgressUpdate, updates)
        self.w.insert(Obligation, obligations)

    def obligation(self, unit, kind, ct, subject, title, starts, due, rule, office, *, done):
        from congress.models import Obligation

        today = self.today
        if done:
            state, submitted, accepted, overdue = (
                "accepted",
                _aware(due - dt.timedelta(days=2)),
                _aware(due),
                None,
            )
        elif due < today:
            state, submitted, accepted, overdue = (
                "overdue",
                None,
                None,
                _aware(due + dt.timedelta(days=1), 0),
            )
        else:
            state, submitted, accepted, overdue = "open", None, None, None
        return Obligation(
            unit=unit,
            kind=kind,
            title=title[:300],
            subject_type=self.ct[ct],
            subject_id=subject.pk,
            rule=self.rules.get(rule),
            starts_on=starts,
            due_date=due,
            original_due_date=due,
            state=state,
            supervising_office=office,
            submitted_at=submitted,
            accepted_at=accepted,
            overdue_since=overdue,
            created_at=_aware(starts, 9),
        )

    # suggestions --------------------------------------------------------------------------------

    def suggestions(self, term, year: int) -> None:
        from congress.models import Obligation
        from motions.suggestions.models import Assignment, Proposer, Reply, Suggestion

        p, r, today = self.plan, self.rng, self.today
        session = self.sessions[year]
        base = (year - term.starts_on.year) * p.suggestions_per_year
        rows = []
        for k in range(p.suggestions_per_year):
            filed = _date(year, 1, 6) + dt.timedelta(days=(k * 360) // p.suggestions_per_year)
            if filed > today:
                break
            cat = self.categories[r.randrange(len(self.categories))]
            name, issue, measure = ISSUES[r.randrange(len(ISSUES))]
            age = (today - filed).days
            if age > 200:
                state = "closed"
            elif age > 100:
                state = "replied"
            elif age > 7:
                state = "assigned"
            else:
                state = "filed"
            rows.append(
                Suggestion(
                    term=term,
                    meeting=session if filed <= session.ends_on else None,
                    number=base + k + 1,
                    title=f"关于{r.choice(STREET_NAMES)}{issue}的建议",
                    content=f"{issue}问题长期存在，群众意见较大。建议{measure}。" * 2,
                    category=cat,
                    state=state,
                    filed_at=_aware(filed, 9),
                    assigned_at=_aware(filed + dt.timedelta(days=7)) if state != "filed" else None,
                    closed_at=_aware(filed + dt.timedelta(days=150)) if state == "closed" else None,
                    is_key=k % 50 == 0,
                    supervising_office=self.offices[1],
                    is_published=state in {"replied", "closed"},
                )
            )
        self.w.insert(Suggestion, rows)
        proposers, pending, obligations = [], [], []
        for s in rows:
            signers = r.sample(self.deputies, 1 + (r.random() < 0.4))
            proposers += [
                Proposer(suggestion=s, deputy=d, is_lead=i == 0, position=i)
                for i, d in enumerate(signers)
            ]
            if s.state == "filed":
                continue
            assigned = s.assigned_at.date()
            lead = self.handling[r.randrange(len(self.handling))]
            units = [(lead, "lead")]
            extra = r.random()
            if extra < 0.2:
                units.append(
                    (self.handling[(self.handling.index(lead) + 3) % len(self.handling)], "joint")
                )
            elif extra < 0.3:
                units.append(
                    (self.handling[(self.handling.index(lead) + 5) % len(self.handling)], "split")
                )
            for unit, role in units:
                due = assigned + dt.timedelta(days=91)
                ob = None
                if role != "joint":
                    ob = self.obligation(
                        unit,
                        "suggestions.reply",
                        "suggestion",
                        s,
                        f"答复代表建议：{s.title}",
                        assigned,
                        due,
                        "suggestion-reply",
                        s.supervising_office,
                        done=s.state in {"replied", "closed"},
                    )
                    obligations.append(ob)
                pending.append((s, unit, role, ob, due))
        self.w.insert(Proposer, proposers)
        self.w.insert(Obligation, obligations)
        assignments = [
            Assignment(
                suggestion=s,
                unit=unit,
                role=role,
                state={"assigned": "handling", "replied": "replied", "closed": "done"}[s.state],
                assigned_at=s.assigned_at,
                obligation=ob,
            )
            for s, unit, role, ob, due in pending
        ]
        self.w.insert(Assignment, assignments)
        replies = [
            Reply(
                assignment=a,
                round=1,
                reply_class="ABCD"[r.randrange(4)],
                text=f"{a.unit.name}高度重视，已会同有关部门研究落实，{r.choice(ISSUES)[2]}。",
                obligation=ob,
                submitted_by=self.liaison[a.unit_id],
                due_date=due,
                submitted_at=_aware(due - dt.timedelta(days=5)),
                on_time=True,
                contact_before=True,
                is_published=True,
            )
            for a, (s, unit, role, ob, due) in zip(assignments, pending, strict=True)
            if role != "joint" and s.state in {"replied", "closed"}
        ]
        self.w.insert(Reply, replies)

    # voter opinions -----------------------------------------------------------------------------

    def opinions(self, year: int, by_station_month: dict) -> None:
        from congress.models import Obligation
        from deputies.models import OpinionCategory, VoterOpinion

        p, r, today = self.plan, self.rng, self.today
        cats = OpinionCategory.values
        rows = []
        for k in range(p.opinions_per_year):
            received = _date(year, 1, 3) + dt.timedelta(days=(k * 360) // p.opinions_per_year)
            if received > today:
                break
            station = self.stations[r.randrange(len(self.stations))]
            day = by_station_month.get((station.pk, received.year, received.month))
            age = (today - received).days
            roll = r.random()
            forwarded = roll < 0.45
            if forwarded:
                state = "closed" if age > 120 else ("replied" if age > 40 else "forwarded")
            elif roll < 0.75:
                state = "closed" if age > 30 else "answered"
            elif roll < 0.85:
                state = "reported" if age < 60 else "closed"
            else:
                state = "recorded" if age < 20 else "closed"
            unit = self.handling[r.randrange(len(self.handling))] if forwarded else None
            rows.append(
                VoterOpinion(
                    station=station,
                    reception_day=day if day and day.date <= received else None,
                    received_on=received,
                    category=cats[r.randrange(len(cats))],
                    content=r.choice(OPINION_TEXTS),
                    voter_name=self.person() if r.random() < 0.7 else "",
                    voter_contact=self.mobile() if r.random() < 0.6 else "",
                    recorded_by=self.deputies[r.randrange(len(self.deputies))],
                    state=state,
                    answer="已现场解释相关政策。"
                    if state in {"answered"} or (not forwarded and roll < 0.75)
                    else "",
                    forwarded_to=unit,
                    unit_reply="已安排专人处理，问题已解决。"
                    if forwarded and state != "forwarded"
                    else "",
                    report_note="已汇总报常委会。" if 0.75 <= roll < 0.85 else "",
                    closed_at=_aware(received + dt.timedelta(days=30))
                    if state == "closed"
                    else None,
                )
            )
        self.w.insert(VoterOpinion, rows)
        obligations = [
            self.obligation(
                o.forwarded_to,
                "deputies.voter_opinion_reply",
                "opinion",
                o,
                f"答复选民意见：{o.content[:40]}",
                o.received_on,
                o.received_on + dt.timedelta(days=30),
                "voter-opinion-reply",
                self.offices[1],
                done=o.state != "forwarded",
            )
            for o in rows
            if o.forwarded_to is not None
        ]
        self.w.insert(Obligation, obligations)

    # evaluations --------------------------------------------------------------------------------

    def evaluations(self, congress) -> None:
        from congress.models import Obligation, Term
        from deputies.models import Mandate
        from evaluations.models import Campaign, Item, Participation, Phase, Tally, Vote

        p, r, today = self.plan, self.rng, self.today
        terms = list(Term.objects.filter(congress=congress).order_by("number"))
        campaigns, items = [], []
        for y in range(today.year - p.evaluation_years + 1, today.year + 1):
            term = next(
                (
                    t
                    for t in terms
                    if t.starts_on.year <= y and (t.ends_on is None or t.ends_on.year >= y)
                ),
                None,
            )
            if term is None:
                continue
            campaigns.append(
                Campaign(
                    term=term,
                    year=y,
                    title=f"{y}年度政府部门满意度测评",
                    plan="听取和审议部门工作报告，组织代表满意度测评。",
                    method="satisfaction",
                    lead_office=self.offices[1],
                    is_published=y < today.year,
                )
            )
        self.w.insert(Campaign, campaigns)
        phases = []
        for c in campaigns:
            for i, kind in enumerate(
                [
                    "plan",
                    "self_report",
                    "research",
                    "opinions",
                    "meeting",
                    "rectification",
                    "publication",
                ]
            ):
                start = _add_months(dt.date(c.year, 3, 1), i)
                if start <= today:
                    phases.append(
                        Phase(campaign=c, kind=kind, starts_on=start, ends_on=_add_months(start, 1))
                    )
            count = min(p.evaluation_items_per_year, len(self.departments))
            for k, unit in enumerate(r.sample(self.departments, count)):
                done = c.is_published
                items.append(
                    Item(
                        campaign=c,
                        unit=unit,
                        title=f"{c.year}年{unit.short_name}重点工作：{ISSUES[k % len(ISSUES)][2][:30]}",
                        description="部门年度重点工作任务。",
                        state="completed" if done else "research",
                        opinion="总体完成年度目标，建议进一步加强统筹。" if done else "",
                        opinion_issued_on=_date(c.year, 11, 20) if done else None,
                        published_at=_aware(_date(c.year, 12, 20)) if done else None,
                        sort_order=k,
                    )
                )
        self.w.insert(Phase, phases)
        self.w.insert(Item, items)
        mandates = {}
        for m in Mandate.objects.filter(term__congress=congress, is_committee_member=True):
            mandates.setdefault(m.term_id, []).append(m.deputy_id)
        votes, tallies, participations, obligations = [], [], [], []
        for it in items:
            c = it.campaign
            voters = mandates.get(c.term_id, [])
            if c.is_published:
                cast = len(voters)
                sat = round(cast * r.uniform(0.6, 0.9))
                basic = round((cast - sat) * r.uniform(0.5, 0.9))
                unsat = cast - sat - basic
                vote = Vote(
                    item=it,
                    method="satisfaction",
                    state="closed",
                    meeting_on=_date(c.year, 11, 15),
                    opened_at=_aware(_date(c.year, 11, 15), 9),
                    closed_at=_aware(_date(c.year, 11, 15), 11),
                    eligible_count=len(voters),
                    ballots_cast=cast,
                    satisfied=sat,
                    basically_satisfied=basic,
                    unsatisfied=unsat,
                    satisfaction_rate=(Decimal(sat + basic) * 100 / cast).quantize(Decimal("0.01"))
                    if cast
                    else None,
                )
                votes.append(vote)
                tallies += [
                    Tally(vote=vote, group="committee", option=o, count=n)
                    for o, n in (("satisfied", sat), ("basically", basic), ("unsatisfied", unsat))
                ] + [
                    Tally(vote=vote, group="invited", option=o, count=0)
                    for o in ("satisfied", "basically", "unsatisfied")
                ]
                participations += [Participation(vote=vote, voter_id=v) for v in voters]
            else:
                votes.append(Vote(item=it, method="satisfaction", state="draft"))
            start = _date(c.year, 4, 1)
            obligations.append(
                self.obligation(
                    it.unit,
                    "evaluations.self_report",
                    "item",
                    it,
                    f"自查报告：{it.title}",
                    start,
                    _date(c.year, 5, 1),
                    "evaluation-self-report",
                    self.offices[1],
                    done=_date(c.year, 5, 1) < today,
                )
            )
            if c.is_published:
                obligations.append(
                    self.obligation(
                        it.unit,
                        "evaluations.rectification_report",
                        "item",
                        it,
                        f"整改情况报告：{it.title}",
                        _date(c.year, 12, 1),
                        _date(c.year + 1, 3, 1),
                        "evaluation-rectification-report",
                        self.offices[1],
                        done=_date(c.year + 1, 3, 1) < today,
                    )
                )
        self.w.insert(Vote, votes)
        self.w.insert(Tally, tallies)
        self.w.insert(Participation, participations)
        self.w.insert(Obligation, obligations)


def generate(
    profile: str = "district",
    scale: float = 1.0,
    *,
    seed: int = 9,
    today: dt.date | None = None,
    chunk: int = 2000,
    copy: bool | None = None,
    out=None,
) -> Counter:
    """Generate the scale data into the configured database; returns rows per model label."""
    import django

    django.setup()
    from django.utils import timezone

    out = out or sys.stdout
    plan = Plan.build(profile, scale)
    from django.db import connection

    writer = Writer(out=out, chunk=chunk)
    writer.use_copy = connection.vendor == "postgresql" if copy is None else copy
    today = today or timezone.localdate()
    print(
        f"Scale data: profile {profile}, scale {scale}, seed {seed}, today {today}, "
        f"{len(plan.districts)} congress(es) × {plan.terms_per_district} term(s), "
        f"{'COPY' if writer.use_copy else 'bulk_create'} in chunks of {chunk}",
        file=out,
        flush=True,
    )
    Generator(plan, seed=seed, today=today, writer=writer).run()
    elapsed = time.perf_counter() - writer.started
    writer.say("done")
    print(markdown_table(profile, scale, writer, elapsed), file=out, flush=True)
    return writer.counts


def markdown_table(profile: str, scale: float, writer: Writer, elapsed: float) -> str:
    from django.db import connection

    lines = [
        "",
        f"| model ({profile}, scale {scale}, {connection.vendor}) | rows | insert s | rows/s |",
        "|---|---:|---:|---:|",
    ]
    for label, n in sorted(writer.counts.items(), key=lambda kv: -kv[1]):
        s = writer.seconds.get(label, 0.0)
        rate = f"{n / s:,.0f}" if s > 0 else "—"
        lines.append(f"| {label} | {n:,} | {s:.1f} | {rate} |")
    cpu = time.process_time() - writer.cpu_started
    lines.append(
        f"| **total** | **{writer.total:,}** | **{elapsed:.1f}** (wall) | "
        f"**{writer.total / elapsed:,.0f}** |"
    )
    lines.append(
        f"| total per CPU-second of the generator ({cpu:.1f} s CPU; the database's own "
        f"work not counted) | | | {writer.total / cpu if cpu else 0:,.0f} |"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile", choices=["district", "multi"], default="district")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--today", type=dt.date.fromisoformat, default=None)
    parser.add_argument("--chunk", type=int, default=2000, help="rows per INSERT or COPY")
    parser.add_argument(
        "--no-copy",
        action="store_true",
        help="use bulk_create on PostgreSQL too (COPY is the default there)",
    )
    args = parser.parse_args(argv)
    generate(
        args.profile,
        args.scale,
        seed=args.seed,
        today=args.today,
        chunk=args.chunk,
        copy=False if args.no_copy else None,
    )


if __name__ == "__main__":
    main()
