"""Schedule the expert pool's sweep (opinion reminders, appointment expiry) hourly."""

from django.db import migrations


def schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name="experts-sweep").exists():
        return
    interval, _ = IntervalSchedule.objects.get_or_create(every=1, period="hours")
    PeriodicTask.objects.create(
        name="experts-sweep",
        task="experts.sweep",
        interval=interval,
        description="Expert pool: opinion deadline reminders and appointment expiry obligations.",
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name="experts-sweep"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("experts", "0002_consultation_historicalconsultation_and_more"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
