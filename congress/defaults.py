"""Default rows that data migrations create (roles, deadline rules, the holiday calendar, beat
schedules, motion rules...) are restored after every `migrate` and `flush`.

`flush` (which tests that need real transactions run after each test) empties every table and then
sends `post_migrate`; without this, the rows the data migrations made would be gone for good. Every
data migration of the project's apps is written to be idempotent, so running their forward
functions again is a no-op on a database that has the rows.
"""

from __future__ import annotations

from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations.special import RunPython

PROJECT_APPS = (
    "congress",
    "jointmeetings",
    "deputies",
    "experts",
    "motions",
    "suggestions",
    "evaluations",
    "reviews",
)


def restore_migration_data(sender=None, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    if sender is None or sender.label != "congress":  # post_migrate comes once per app: run once
        return
    loader = MigrationLoader(connections[using], ignore_no_migrations=True)
    for key in sorted(
        loader.graph.nodes,
        key=lambda k: (PROJECT_APPS.index(k[0]) if k[0] in PROJECT_APPS else 99, k[1]),
    ):
        if key[0] not in PROJECT_APPS:
            continue
        for operation in loader.graph.nodes[key].operations:
            if isinstance(operation, RunPython):
                operation.code(global_apps, None)
