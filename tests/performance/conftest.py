"""Fixtures for the performance tests: the public page cache turned on, the motions' world."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.core.cache import cache
from django.db import transaction

from tests.motions.conftest import rules, session  # noqa: F401  (fixtures reused as they are)


@pytest.fixture
def page_cache(settings):
    """The public page cache on (it is off under pytest by default), starting empty."""
    settings.PUBLIC_PAGE_CACHE = True
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs the block as its own committed transaction would: the
    on-commit callbacks registered inside it run at its end (the test's transaction never
    commits). The page cache's once-per-transaction registry is reset first, since the work
    before the block (fixtures) stands for earlier, already committed transactions."""

    @contextmanager
    def run():
        transaction.get_connection().__dict__.pop("_congress_page_bumps", None)
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            yield callbacks

    return run
