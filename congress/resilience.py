"""Surviving a Redis outage: a cache that degrades and a task dispatch that never blocks a request.

Redis is two things here: the cache (`CACHES["default"]`) and the Celery broker. Neither holds
anything the portal cannot lose: the database is the source of truth, notifications are rows and
e-mails are `pending` rows that the deadline sweep sends (docs/operations.md, "Redis outage").

`ResilientRedisCache` — Django's `RedisCache` with a circuit breaker:

- a connection error or timeout is logged (once per outage, not per call) and the call is answered
  by a small process-local cache instead (`LocMemCache`); for `RETRY_SECONDS` (default 10) no call
  tries Redis at all, so a page with ten cache reads does not wait ten connection timeouts;
- after `RETRY_SECONDS` the next call tries Redis again; when it answers, the keys this process
  wrote or deleted during the outage are deleted from Redis (so a value changed during the outage
  is never read back stale from Redis) and the local stand-in is emptied;
- login throttling (congress.security) and the evaluations rate limit keep counting during the
  outage, per process: with N web processes an attacker gets at most N × LOGIN_MAX_FAILURES tries
  per cool-off instead of LOGIN_MAX_FAILURES — still finite, and nobody is locked out because the
  cache is down. That is the documented choice (docs/security.md, "Redis outage").

`Breaker` — the same idea for publishing Celery tasks: `congress.tasks.enqueue` asks
`dispatch_breaker.allow()` first and reports failures to it, so while the broker is down a request
that notifies pays at most one broker timeout per `DISPATCH_RETRY_SECONDS`, and the rest skip
publishing at once (the sweep sends what was not enqueued).
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

# What an outage looks like from redis-py (refused, reset, timed out, loading); not ResponseError,
# which is a programming error and must still raise.
OUTAGE_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)

# How many written keys a process remembers for invalidation after an outage; beyond that the
# whole cache is cleared on recovery (the cache only holds what can be recomputed).
MAX_TRACKED_KEYS = 10_000


class Breaker:
    """A minimal circuit breaker: after a failure, `allow()` is False for `retry_seconds`."""

    def __init__(self, retry_seconds: float) -> None:
        self.retry_seconds = retry_seconds
        self.open_until = 0.0
        self._lock = threading.Lock()

    @property
    def is_open(self) -> bool:
        return self.open_until > 0.0

    def allow(self) -> bool:
        return time.monotonic() >= self.open_until

    def failed(self) -> bool:
        """Record a failure; True if this opened the breaker (log once per outage)."""
        with self._lock:
            opened = not self.is_open
            self.open_until = time.monotonic() + self.retry_seconds
            return opened

    def succeeded(self) -> bool:
        """Record a success; True if this closed an open breaker."""
        with self._lock:
            closed = self.is_open
            self.open_until = 0.0
            return closed

    def reset(self) -> None:
        self.open_until = 0.0


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's client, but one `redis.Redis` per connection pool instead of one per call.

    Django builds a new `redis.Redis(connection_pool=pool)` for every cache call; its constructor
    fills a case-insensitive table of ~170 response callbacks, which the profile of a page-cache
    hit showed as the largest single CPU cost of the hit (docs/performance.md, "Load"). A
    `redis.Redis` is thread-safe (it takes a connection from the pool per command) and the pool
    re-creates its connections after a fork, so one per pool is enough.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients.setdefault(
                index, self._client(connection_pool=self._get_connection_pool(write))
            )
        return client


class ResilientRedisCache(RedisCache):
    """`RedisCache` that answers from a process-local stand-in while Redis is unreachable.

    Settings: the usual `LOCATION`/`OPTIONS`, plus `RETRY_SECONDS` (top level of the cache's
    settings, default 10).
    """

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
        self.breaker = Breaker(float(params.get("RETRY_SECONDS", 10)))
        self.local = LocMemCache(
            f"resilient-{id(self)}",
            {"TIMEOUT": params.get("TIMEOUT", 300), "OPTIONS": {"MAX_ENTRIES": 1000}},
        )
        self._written: set[tuple[str, int | None]] = set()
        self._overflow = False
        self._cleared = False
        self._lock = threading.Lock()

    # -- plumbing --------------------------------------------------------------------------------

    def _call(self, name: str, args: tuple, kwargs: dict, *, writes=()):
        if self.breaker.allow():
            try:
                if self.breaker.is_open:
                    self._recover()
                result = getattr(super(), name)(*args, **kwargs)
            except OUTAGE_ERRORS as exc:
                if self.breaker.failed():
                    log.warning(
                        "Redis cache unavailable (%s); answering from the process-local cache, "
                        "retrying in %ss",
                        exc,
                        self.breaker.retry_seconds,
                    )
            else:
                return result
        self._track(writes, kwargs.get("version"))
        return getattr(self.local, name)(*args, **kwargs)

    def _track(self, keys, version) -> None:
        with self._lock:
            for key in keys:
                if len(self._written) >= MAX_TRACKED_KEYS:
                    self._overflow = True
                    break
                self._written.add((key, version))

    def _recover(self) -> None:
        """Redis is reachable again: drop what this process changed during the outage."""
        with self._lock:
            written, self._written = self._written, set()
            clear_all = self._overflow or self._cleared
            self._overflow = self._cleared = False
        try:
            if clear_all:
                super().clear()
            else:
                by_version: dict[int | None, list[str]] = {}
                for key, version in written:
                    by_version.setdefault(version, []).append(key)
                for version, keys in by_version.items():
                    super().delete_many(keys, version=version)
        except Exception:
            with self._lock:  # keep the list for the next attempt
                self._written |= written
                self._overflow = self._overflow or clear_all
            raise
        self.local.clear()
        if self.breaker.succeeded():
            log.warning(
                "Redis cache is back; %s key(s) changed during the outage invalidated",
                "all" if clear_all else len(written),
            )

    # -- the cache API ---------------------------------------------------------------------------

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", (key, value, timeout), {"version": version}, writes=[key])

    def get(self, key, default=None, version=None):
        return self._call("get", (key, default), {"version": version})

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", (key, value, timeout), {"version": version}, writes=[key])

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", (key, timeout), {"version": version}, writes=[key])

    def delete(self, key, version=None):
        return self._call("delete", (key,), {"version": version}, writes=[key])

    def get_many(self, keys, version=None):
        return self._call("get_many", (keys,), {"version": version})

    def has_key(self, key, version=None):
        return self._call("has_key", (key,), {"version": version})

    def incr(self, key, delta=1, version=None):
        return self._call("incr", (key, delta), {"version": version}, writes=[key])

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", (data, timeout), {"version": version}, writes=list(data))

    def delete_many(self, keys, version=None):
        keys = list(keys)
        return self._call("delete_many", (keys,), {"version": version}, writes=keys)

    def clear(self):
        if self.breaker.allow():
            try:
                if self.breaker.is_open:
                    self._recover()
                return super().clear()
            except OUTAGE_ERRORS as exc:
                if self.breaker.failed():
                    log.warning("Redis cache unavailable (%s) during clear()", exc)
        with self._lock:
            self._cleared = True
        return self.local.clear()


# Publishing Celery tasks (congress.tasks.enqueue). Module level: one per process.
DISPATCH_RETRY_SECONDS = 30
dispatch_breaker = Breaker(DISPATCH_RETRY_SECONDS)
