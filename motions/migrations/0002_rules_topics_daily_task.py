"""Default co-signature rules, a starting list of topics, and the daily phase task."""

from django.db import migrations

RULES = [
    ("district", 10, "《海淀区人民代表大会关于议案的规定》第二条：区人民代表大会代表十人以上联名"),
    ("town", 5, "《地方各级人民代表大会和地方各级人民政府组织法》：乡、民族乡、镇的人民代表大会代表五人以上联名"),
    ("city", 10, "《北京市人民代表大会议事规则》：市人民代表大会代表十人以上联名"),
]
TOPICS = [
    ("城市建设", "urban"),
    ("交通出行", "transport"),
    ("科技创新", "innovation"),
    ("教育", "education"),
    ("医疗卫生", "health"),
    ("生态环境", "environment"),
    ("民生保障", "welfare"),
    ("社会治理", "governance"),
    ("文化体育", "culture"),
    ("乡村振兴", "rural"),
]


def forwards(apps, schema_editor):
    Rule = apps.get_model("motions", "CosignatureRule")
    for level, minimum, source in RULES:
        Rule.objects.get_or_create(level=level, defaults={"minimum_signers": minimum, "source": source})
    Topic = apps.get_model("motions", "Topic")
    for i, (name, slug) in enumerate(TOPICS):
        Topic.objects.get_or_create(slug=slug, defaults={"name": name, "sort_order": i})
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if not PeriodicTask.objects.filter(name="motions-advance-phases").exists():
        schedule, _ = CrontabSchedule.objects.get_or_create(
            minute="30", hour="1", day_of_week="*", day_of_month="*", month_of_year="*",
            timezone="Asia/Shanghai",
        )
        PeriodicTask.objects.create(
            name="motions-advance-phases",
            task="motions.advance_phases",
            crontab=schedule,
            description="议案办理年度转换：督办年结束后进入跟踪督办，第三年结束后办结（docs/motions.md）",
        )


def backwards(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name="motions-advance-phases"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("motions", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
