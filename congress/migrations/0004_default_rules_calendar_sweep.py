"""Default deadline rules (docs/deadlines.md), the holiday calendar and the sweep's beat schedule.

Rules and calendar days are data that staff edit in the admin afterwards: this migration only
creates rows that do not exist yet (by `code` / `date`), so re-running it never overwrites edits.
"""

import datetime as dt

from django.conf import settings
from django.db import migrations

# code, name, amount, unit, anchor, source
DEFAULT_RULES = [
    (
        "motion-handling-plan",
        "议案办理方案",
        1,
        "months",
        "议案交办之日",
        "《海淀区人民代表大会关于议案的规定》（2022年4月第十七届常委会第三次会议修订）：承办单位自交办之日起1个月内提出办理方案",
    ),
    (
        "motion-yearly-report",
        "议案年度办理情况报告",
        12,
        "months",
        "议案交办之日（督办年）",
        "《海淀区人民代表大会关于议案的规定》：督办一年、跟踪督办两年，每个督办年度结束时报告办理情况",
    ),
    (
        "motion-session-report",
        "议案办理及督办情况向人民代表大会的报告",
        -30,
        "calendar_days",
        "下一次人民代表大会会议开幕之日",
        "《海淀区人民代表大会关于议案的规定》（2022年4月修订）：议案办理及督办情况应向下一次区人民代表大会报告；报告于大会开幕前30日提交",
    ),
    (
        "suggestion-reply",
        "代表建议答复",
        3,
        "months",
        "建议交办之日",
        "《中华人民共和国全国人民代表大会和地方各级人民代表大会代表法》及《北京市人民代表大会代表建议、批评和意见办理条例》：自交办之日起三个月内答复",
    ),
    (
        "suggestion-rehandling",
        "代表建议重新办理",
        1,
        "months",
        "代表评价“不满意”之日",
        "《北京市人民代表大会代表建议、批评和意见办理条例》：代表对答复不满意的，承办单位应当在一个月内重新办理并答复",
    ),
    (
        "suggestion-followup",
        "代表建议落实情况跟踪报告",
        6,
        "months",
        "答复之日（B、C类答复）",
        "海淀区人大常委会《建议办理评估细则》：正在解决或计划解决的建议，答复后持续跟踪并报告落实情况",
    ),
    (
        "review-plan-report",
        "审议意见研究处理方案报告",
        3,
        "months",
        "审议意见书送达之日",
        "北京市人大常委会审议意见办理规定：有关机关自收到审议意见书之日起3个月内报告研究处理方案（其他地方多为2个月）",
    ),
    (
        "review-status-report",
        "审议意见处理情况报告",
        6,
        "months",
        "审议意见书送达之日",
        "北京市人大常委会审议意见办理规定：研究处理情况于收到审议意见书之日起6个月内书面报告常委会",
    ),
    (
        "evaluation-self-report",
        "评议部门自查报告",
        -30,
        "calendar_days",
        "评议会议召开之日",
        "海淀区人大常委会评议政府部门工作实施方案：被评议部门于评议会议30日前报送自查报告",
    ),
    (
        "evaluation-rectification-plan",
        "评议整改方案",
        1,
        "months",
        "评议意见送达之日",
        "海淀区人大常委会评议政府部门工作实施方案：收到评议意见后1个月内报送整改方案",
    ),
    (
        "evaluation-rectification-report",
        "评议整改情况报告",
        6,
        "months",
        "评议意见送达之日",
        "海淀区人大常委会评议政府部门工作实施方案：整改情况于6个月内向常委会报告",
    ),
    (
        "voter-opinion-reply",
        "选民意见答复",
        15,
        "working_days",
        "选民意见转交承办单位之日",
        "《进站联系选民及意见处理办法》：转交承办单位的选民意见，15个工作日内反馈",
    ),
    (
        "consultation-opinion",
        "专家咨询书面意见",
        10,
        "working_days",
        "咨询函发出之日",
        "《专家顾问工作规则》：专家顾问一般在10个工作日内提出书面咨询意见",
    ),
    (
        "expert-appointment-expiry",
        "专家顾问聘期届满续聘",
        -30,
        "calendar_days",
        "聘期届满之日",
        "《专家顾问工作规则》：聘期届满前30日办理续聘或解聘",
    ),
]

HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def calendar_rows() -> list[tuple[dt.date, bool, str]]:
    """Every public holiday and make-up working day (调休) chinese-calendar knows."""
    try:
        from chinese_calendar import constants
    except ImportError:  # pragma: no cover - it is a dependency
        return []
    rows = []
    for day, name in constants.holidays.items():
        rows.append((day, False, HOLIDAY_NAMES.get(name, name)))
    for day, name in constants.workdays.items():
        rows.append((day, True, f"{HOLIDAY_NAMES.get(name, name)}调休上班"))
    return sorted(rows)


def forwards(apps, schema_editor):
    DeadlineRule = apps.get_model("congress", "DeadlineRule")
    existing = set(DeadlineRule.objects.values_list("code", flat=True))
    DeadlineRule.objects.bulk_create(
        [
            DeadlineRule(
                code=code, name=name, amount=amount, limit_unit=unit, anchor=anchor, source=source
            )
            for code, name, amount, unit, anchor, source in DEFAULT_RULES
            if code not in existing
        ]
    )
    CalendarDay = apps.get_model("congress", "CalendarDay")
    known = set(CalendarDay.objects.values_list("date", flat=True))
    CalendarDay.objects.bulk_create(
        [
            CalendarDay(date=day, is_workday=workday, name=name)
            for day, workday, name in calendar_rows()
            if day not in known
        ],
        batch_size=200,
    )
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if not PeriodicTask.objects.filter(name="deadline-sweep").exists():
        interval, _ = IntervalSchedule.objects.get_or_create(
            every=settings.DEADLINE_SWEEP_MINUTES, period="minutes"
        )
        PeriodicTask.objects.create(
            name="deadline-sweep",
            task="congress.sweep_deadlines",
            interval=interval,
            description="截止期限巡检：提醒、逾期标记、督办升级（docs/deadlines.md）",
        )


def backwards(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name="deadline-sweep"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("congress", "0003_deadline_engine"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
