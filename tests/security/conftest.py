"""The security suite's world: built once per module inside a transaction that is rolled back.

Each test then runs inside the usual per-test transaction (pytest-django's `db`), nested in the
module's, so a request that changes something is undone before the next test.
"""

from __future__ import annotations

import pytest
from django.db import transaction


@pytest.fixture(scope="module", autouse=True)
def _keep_the_worlds_connection():
    """The world is one transaction held open for the whole module. Django's request_finished
    handler (close_old_connections) drops a connection that is inside a transaction: it fires
    for requests sent to the WSGI app itself (Schemathesis) and when a streamed response (a
    file download) is closed. The test client guards only its own non-streamed requests, and on
    SQLite's in-memory test database a close is a no-op, so only PostgreSQL showed it. Here a
    connection inside a transaction is kept; any other is handled as Django would."""
    from django.db.backends.base.base import BaseDatabaseWrapper

    original = BaseDatabaseWrapper.close_if_unusable_or_obsolete

    def close_unless_in_transaction(self):
        if not self.in_atomic_block:
            original(self)

    BaseDatabaseWrapper.close_if_unusable_or_obsolete = close_unless_in_transaction
    yield
    BaseDatabaseWrapper.close_if_unusable_or_obsolete = original


@pytest.fixture(scope="module")
def world_media(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, world_media):
    from django.conf import settings
    from django.core.cache import cache

    from tests.security.world import build

    old = settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT, settings.CELERY_TASK_ALWAYS_EAGER
    settings.MEDIA_ROOT = world_media / "public"
    settings.PRIVATE_MEDIA_ROOT = world_media / "private"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            cache.clear()
            yield build()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT, settings.CELERY_TASK_ALWAYS_EAGER = (
                old
            )


@pytest.fixture
def world_files(_isolate, settings, world_media):
    """Point the media roots back at the world's files (the shared `_isolate` gives each test an
    empty directory)."""
    settings.MEDIA_ROOT = world_media / "public"
    settings.PRIVATE_MEDIA_ROOT = world_media / "private"
