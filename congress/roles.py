"""Roles as groups with permissions.

The groups themselves are created by a data migration (congress/migrations/0002_roles.py).
Each app lists the model permissions its roles need in `<app>/roles.py` as
`PERMISSIONS = {group_name: ["app_label.codename", ...]}`; after every migrate, the
`post_migrate` hook below grants exactly those (permissions of later apps only exist then).
"""

from __future__ import annotations

from importlib import import_module

from django.apps import apps
from django.db.models.signals import post_migrate

STAFF_GROUPS = {
    "general_office": "staff_general_office",  # 办公室
    "deputy_affairs": "staff_deputy_affairs",  # 代表工委
    "special_committee": "staff_special_committee",  # 各专门委员会/工作委员会
}
DEPUTY = "deputy"
UNIT_LIAISON = "unit_liaison"
STREET_RECORDER = "street_recorder"
EXPERT = "expert"
ALL_GROUPS = [*STAFF_GROUPS.values(), DEPUTY, UNIT_LIAISON, STREET_RECORDER, EXPERT]
ALL_STAFF = list(STAFF_GROUPS.values())

# Permissions of the shared institution.
PERMISSIONS: dict[str, list[str]] = {
    "staff_general_office": [
        "congress.view_user",
        "congress.add_user",
        "congress.change_user",
        "congress.view_membership",
        "congress.add_membership",
        "congress.change_membership",
        "congress.delete_membership",
        "congress.view_congress",
        "congress.view_term",
        "congress.add_term",
        "congress.change_term",
        "congress.view_meeting",
        "congress.add_meeting",
        "congress.change_meeting",
        "congress.view_unit",
        "congress.add_unit",
        "congress.change_unit",
        "congress.view_street",
        "congress.change_street",
        "congress.view_workcommittee",
        "congress.change_workcommittee",
        "congress.view_regulation",
        "congress.add_regulation",
        # The personal-data access log and erasures (read-only; docs/privacy.md).
        "congress.view_personaldataaccess",
        "congress.view_personaldataerasure",
        "congress.change_regulation",
        "congress.view_deadlinerule",
        "congress.change_deadlinerule",
        "congress.view_calendarday",
        "congress.add_calendarday",
        "congress.change_calendarday",
        "congress.delete_calendarday",
        "congress.view_obligation",
        "congress.change_obligation",
        "congress.view_extensionrequest",
        "congress.change_extensionrequest",
        "congress.view_notification",
    ],
    "staff_deputy_affairs": [
        "congress.view_meeting",
        "congress.view_unit",
        "congress.view_street",
        "congress.view_regulation",
        "congress.view_obligation",
        "congress.change_obligation",
        "congress.view_extensionrequest",
        "congress.view_deadlinerule",
        "congress.view_calendarday",
    ],
    "staff_special_committee": [
        "congress.view_meeting",
        "congress.view_unit",
        "congress.view_street",
        "congress.view_regulation",
        "congress.view_obligation",
        "congress.change_obligation",
        "congress.view_extensionrequest",
        "congress.view_deadlinerule",
        "congress.view_calendarday",
    ],
}


def collect_permissions() -> dict[str, set[str]]:
    """Group name → set of "app_label.codename", merged from every installed app's roles module."""
    result: dict[str, set[str]] = {name: set() for name in ALL_GROUPS}
    for config in apps.get_app_configs():
        try:
            module = import_module(f"{config.name}.roles")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.roles":
                raise
            continue
        for group, perms in getattr(module, "PERMISSIONS", {}).items():
            result.setdefault(group, set()).update(perms)
    return result


def sync_group_permissions(**kwargs) -> None:
    from django.contrib.auth.models import Group, Permission

    wanted = collect_permissions()
    by_key = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.select_related("content_type")
    }
    for name, keys in wanted.items():
        group, _ = Group.objects.get_or_create(name=name)
        missing = sorted(k for k in keys if k not in by_key)
        if missing and kwargs.get("strict", False):
            raise LookupError(f"unknown permissions for {name}: {missing}")
        group.permissions.set([by_key[k] for k in keys if k in by_key])


def connect() -> None:
    from congress.defaults import restore_migration_data

    post_migrate.connect(restore_migration_data, dispatch_uid="congress.restore_migration_data")
    post_migrate.connect(sync_group_permissions, dispatch_uid="congress.sync_group_permissions")
