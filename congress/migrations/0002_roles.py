"""Create the role groups. Their permissions are granted after every migrate by
congress.roles.sync_group_permissions (permissions of later apps only exist then)."""

from django.db import migrations

GROUPS = [
    "staff_general_office",
    "staff_deputy_affairs",
    "staff_special_committee",
    "deputy",
    "unit_liaison",
    "street_recorder",
    "expert",
]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in GROUPS:
        Group.objects.get_or_create(name=name)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [("congress", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_groups, remove_groups)]
