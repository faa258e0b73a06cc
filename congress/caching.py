"""Public page cache with versioned keys, and conditional GET (ETag / Last-Modified → 304).

Design (docs/performance.md, "Caching and conditional GET"):

- Every watched model (the domain apps' and the institution's models, minus the ones no public
  page reads: notifications, notices, heartbeats, users, memberships, access logs, history rows)
  has a **version counter** in the cache, `pagever:<app_label.model>`, and the time of its last
  change, `pagetime:<app_label.model>`. `post_save`, `post_delete` and `m2m_changed` of the model
  bump its counter **after the transaction commits** (`transaction.on_commit`, once per model and
  transaction). Code that writes with `QuerySet.update()` or `bulk_create()` (no signals) calls
  `changed(Model, ...)` itself.
- A public view declares the models its page reads: `@cache_public_page("motions.Motion", ...)`.
  Pages reading the same set of models form a group with its own counter and change time
  (`pagever:group:<hash>`), bumped together with the counters of its models (a writing process
  imports the URLconf first, so it knows every page's declaration), so that a hit reads one
  counter however many models the page reads.
  The page's fingerprint is a hash of path + query string + language + today's date + the
  version of its group. The rendered HTML is stored once per address (path, query string,
  language, date) together with that fingerprint, and read in the same round trip as the
  versions (one `MGET`); it is served only if its fingerprint is the current one. A change bumps
  a version, the fingerprint changes, the next request renders afresh and replaces the copy: a
  published progress update is visible at once and nothing is ever deleted or scanned.
- Only anonymous GET/HEAD requests without pending messages are served from or stored in the
  cache; only 200 responses that set no cookie and do not say private/no-store are stored (and
  only when the request carried no session data the page could depend on). Logged-in users always
  get a freshly rendered page.
- Cache hits are served by `PublicPageCacheMiddleware`, high in the middleware stack (after the
  security, CSP and static-file middleware, before sessions): for a request without a session
  or messages cookie it resolves the view, computes the same address and fingerprint as the
  decorator and answers from the stored copy, so a hit costs one cache round trip and none of
  the session, locale, CSRF, authentication or view machinery. Whatever it cannot serve (a
  logged-in visitor, a page with a per-visitor token, a stale or missing copy) goes down the
  stack to the decorator, which renders and stores.
- CSRF: the public pages' only form for anonymous visitors, the language switch, needs no token
  (`set_language` is CSRF-exempt: a forged request can only change the visitor's language), so
  their stored copies are the same for every visitor. A page that does carry a token (a form
  posting data) is stored with a placeholder instead of the token; serving it puts in a fresh
  token for the visitor (`get_token`, which also makes the CSRF middleware set the cookie), so a
  cached page never carries another visitor's token; such pages are served by the decorator.
- Conditional GET: the ETag is the page fingerprint (plus, for a page with a per-visitor token, a
  keyed hash of the visitor's CSRF secret, so a copy whose token no longer matches the cookie is
  not revalidated); Last-Modified
  is the latest change time of the declared models (and midnight, for pages keyed by the date).
  A matching If-None-Match / If-Modified-Since answers 304 after reading only the versions from
  the cache: no database query, no template.
- A cache outage never fails a request: the page is rendered uncached.

Settings: `PUBLIC_PAGE_CACHE` (on/off; off under pytest unless a test turns it on) and
`PUBLIC_PAGE_CACHE_SECONDS` (how long a rendered page is kept, default 600).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
import math
import re
import time
import zoneinfo
from collections.abc import Callable, Iterable

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.crypto import salted_hmac
from django.utils.http import http_date, parse_etags

logger = logging.getLogger(__name__)

# Apps whose models public pages read.
WATCHED_APPS = (
    "congress",
    "jointmeetings",
    "deputies",
    "experts",
    "motions",
    "suggestions",
    "evaluations",
    "reviews",
)
# Models no public page reads, written often: their changes bust nothing (and keep fast deletes).
# (Users are watched: a joint meeting entry shows who signed it off; a login's `last_login`
# save is skipped below.)
IGNORED_MODELS = frozenset(
    {
        "congress.membership",
        "congress.personaldataaccess",
        "congress.notification",
        "congress.deadlinenotice",
        "congress.sweepheartbeat",
        "deputies.opinionaccesslog",
        "deputies.trainingcompletion",
        "deputies.rosterimport",
    }
)

VERSION_PREFIX = "pagever:"
TIME_PREFIX = "pagetime:"
PAGE_PREFIX = "page:"
CSRF_PLACEHOLDER = b"\x00csrf-token\x00"
_CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')


# --- Versions ----------------------------------------------------------------------------------


def label_of(model: type[Model] | Model | str) -> str:
    """`app_label.modelname` (lower case) of a model class, instance or label."""
    if isinstance(model, str):
        return apps.get_model(model)._meta.label_lower
    return model._meta.label_lower


def _fresh_version() -> int:
    # A counter that is (re)created starts at the current time in microseconds, so that a
    # counter lost to eviction never comes back to a value an older page was stored under.
    return time.time_ns() // 1000


def bump(labels: Iterable[str], *, now: float | None = None) -> None:
    """Increment the version counters of these models now (use `changed` inside transactions),
    and those of the page groups that read them."""
    now = time.time() if now is None else now
    labels = list(labels)
    labels += _groups_reading(labels)
    try:
        for label in labels:
            key = VERSION_PREFIX + label
            try:
                cache.incr(key)
            except ValueError:  # missing (never set, evicted): start afresh
                if not cache.add(key, _fresh_version(), None):
                    cache.incr(key)
        cache.set_many({TIME_PREFIX + label: now for label in labels}, None)
    except Exception:  # a cache outage must not fail the write that caused the bump
        logger.warning("page cache: could not bump %s", labels, exc_info=True)


class _Bump:
    """An on-commit callback that bumps one model's version (registered once per transaction)."""

    __slots__ = ("label",)

    def __init__(self, label: str) -> None:
        self.label = label

    def __call__(self) -> None:
        bump([self.label])


def changed(*models: type[Model] | Model | str, using: str = DEFAULT_DB_ALIAS) -> None:
    """Record that rows of these models changed: their versions are bumped after commit.

    Signals call this for every save, delete and m2m change; code that writes with
    `QuerySet.update()`, `bulk_create()` or raw SQL calls it itself.
    """
    connection = connections[using]
    for model in models:
        label = label_of(model)
        if not connection.in_atomic_block:
            bump([label])
            continue
        # Register one callback per model and transaction. Remember where it was appended: it
        # is still pending only if that slot still holds it (a rolled-back savepoint or
        # transaction removes its callbacks, and then we register again).
        pending = connection.__dict__.setdefault("_congress_page_bumps", {})
        slot = pending.get(label)
        queue = connection.run_on_commit
        if slot is not None:
            index, callback = slot
            if index < len(queue) and queue[index][1] is callback:
                continue
        callback = _Bump(label)
        transaction.on_commit(callback, using=using)
        pending[label] = (len(connection.run_on_commit) - 1, callback)


def _on_save_or_delete(sender, instance=None, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and set(update_fields) <= _UNSHOWN_FIELDS.get(sender, set()):
        return
    changed(sender, using=using)


# Fields no public page shows, saved often on their own: such saves bust nothing.
_UNSHOWN_FIELDS: dict = {}


def _on_m2m(sender, instance=None, model=None, action="", using=DEFAULT_DB_ALIAS, **kwargs):
    if action.startswith("post_"):
        models = [sender, type(instance)] + ([model] if model is not None else [])
        changed(*(m for m in models if watched(m._meta.label_lower)), using=using)


def watched(label: str) -> bool:
    app_label, _, name = label.partition(".")
    return (
        app_label in WATCHED_APPS
        and label not in IGNORED_MODELS
        and not name.startswith("historical")
    )


def connect() -> None:
    """Connect the invalidation signals to every watched model (called in congress's ready())."""
    _UNSHOWN_FIELDS[apps.get_model("congress.User")] = {"last_login"}
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label_lower
        if not watched(label):
            continue
        uid = f"congress.caching:{label}"
        post_save.connect(_on_save_or_delete, sender=model, dispatch_uid=uid + ":save")
        post_delete.connect(_on_save_or_delete, sender=model, dispatch_uid=uid + ":delete")
        # m2m_changed is sent with the through model (auto-created or explicit) as sender.
        m2m_changed.connect(_on_m2m, sender=model, dispatch_uid=uid + ":m2m")


def versions(labels: Iterable[str]) -> tuple[list[int], float] | None:
    """The version counters of these models and the time of the latest change (None: no cache)."""
    found = _lookup(labels, None)
    return None if found is None else (found[0], found[1])


def _lookup(labels: Iterable[str], page_key: str | None) -> tuple[list[int], float, object] | None:
    """Versions, latest change time and the stored page (or None) in ONE cache round trip.

    The page is read in the same `get_many` (Redis: one `MGET`, atomic) as the versions, so a
    hit costs one round trip; whether the stored copy may be served is decided by comparing the
    fingerprint it was stored under with the one these versions give (`wrapper` below).
    """
    labels = list(labels)
    keys = [VERSION_PREFIX + label for label in labels]
    tkeys = [TIME_PREFIX + label for label in labels]
    try:
        found = cache.get_many(keys + tkeys + ([page_key] if page_key else []))
        for key in keys:
            if key not in found:
                fresh = _fresh_version()
                found[key] = fresh if cache.add(key, fresh, None) else cache.get(key, fresh)
        missing_times = [key for key in tkeys if key not in found]
        if missing_times:
            # Unknown change time (first use, eviction): say "now", which only delays 304s.
            now = time.time()
            cache.set_many({key: now for key in missing_times}, None)
            found.update(dict.fromkeys(missing_times, now))
    except Exception:
        logger.warning("page cache: could not read versions", exc_info=True)
        return None
    return (
        [int(found[key]) for key in keys],
        max((float(found[k]) for k in tkeys), default=0.0),
        found.get(page_key) if page_key else None,
    )


# --- The decorator -------------------------------------------------------------------------------


def enabled() -> bool:
    # Off under pytest unless a test turns it on: the other apps' tests fetch a page, change
    # rows inside a transaction that never commits (so no bump) and fetch it again.
    return bool(getattr(settings, "PUBLIC_PAGE_CACHE", not getattr(settings, "TESTING", False)))


def _degraded() -> bool:
    """The cache answers from a process-local stand-in (congress.resilience, Redis down): other
    processes' bumps are not seen there, so neither serve nor store pages until Redis is back."""
    breaker = getattr(cache, "breaker", None)
    return bool(breaker is not None and breaker.is_open)


def _cacheable_request(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    user = getattr(request, "user", None)
    if user is None or user.is_authenticated:
        return False
    messages = getattr(request, "_messages", None)
    # len() counts queued and stored messages without marking them as read.
    return not (messages is not None and len(messages))


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    cache_control = response.get("Cache-Control", "")
    if "private" in cache_control or "no-store" in cache_control or "no-cache" in cache_control:
        return False
    if b'nonce="' in response.content:
        # A Content Security Policy nonce is per response (django-csp): another visitor's copy
        # would carry a nonce their header does not allow.
        return False
    session = getattr(request, "session", None)
    # A page rendered while the session held data might show it: keep it out of the cache.
    return not (session is not None and session.accessed and not session.is_empty())


def _csrf_tag(request: HttpRequest) -> str:
    secret = request.META.get("CSRF_COOKIE") or ""
    # Computed once per request and secret (the 304 check and the response both need it).
    known = getattr(request, "_page_cache_csrf_tag", None)
    if known is not None and known[0] == secret:
        return known[1]
    tag = salted_hmac("congress.caching.etag", secret).hexdigest()[:10]
    request._page_cache_csrf_tag = (secret, tag)
    return tag


class PageSpec:
    """A page's dependency declaration: the models it reads; whether it depends on the date.

    Pages that read the same set of models share a **group**, which has its own version counter
    and change time, bumped with those of its models: a hit reads one counter, not one per model.
    """

    def __init__(self, models: Iterable[str], *, daily: bool = True) -> None:
        self.models = tuple(models)
        self.daily = daily
        self._labels: tuple[str, ...] | None = None
        self._group: str | None = None

    @property
    def labels(self) -> tuple[str, ...]:
        if self._labels is None:  # resolved lazily: the app registry is not ready at import
            self._labels = tuple(sorted({label_of(m) for m in self.models}))
        return self._labels

    @property
    def group(self) -> str:
        if self._group is None:
            digest = hashlib.sha256(",".join(self.labels).encode()).hexdigest()[:16]
            self._group = f"group:{digest}"
        return self._group


# Every decorated view, by its qualified name: docs, tests (dependency checks) and the bench.
REGISTRY: dict[str, PageSpec] = {}
_urls_loaded = False


def _groups_reading(labels: Iterable[str]) -> list[str]:
    """The groups of the pages that read any of these models.

    Every process that writes must know every page, also a Celery worker or a management
    command that never served a request: the URLconf is imported first (once), which imports
    every view module and so runs every `cache_public_page` declaration.
    """
    global _urls_loaded
    if not _urls_loaded:
        from django.urls import get_resolver

        get_resolver().url_patterns  # noqa: B018 (imports the views)
        _urls_loaded = True
    wanted = set(labels)
    return sorted({spec.group for spec in REGISTRY.values() if wanted.intersection(spec.labels)})


def cache_public_page(*models: str, daily: bool = True) -> Callable:
    """Cache an anonymous public page under versioned keys; answer conditional GETs with 304.

    `models`: labels ("motions.Motion") of every model whose rows the page shows, including the
    institution's (units, terms …) and the models of panels it renders. `daily`: the page also
    depends on today's date (countdowns, "upcoming"), which is then part of the key.
    """
    spec = PageSpec(models, daily=daily)

    def decorator(view: Callable) -> Callable:
        REGISTRY[f"{view.__module__}.{view.__qualname__}"] = spec

        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not enabled() or not _cacheable_request(request):
                return view(request, *args, **kwargs)
            state = _state(request, spec, translation.get_language() or "")
            if state is None:
                return view(request, *args, **kwargs)
            key, fingerprint, last_modified, stored = state
            # The stored copy says whether the page carries a per-visitor token (and so whether
            # the ETag names the visitor's CSRF secret); without a current copy, the visitor's
            # If-None-Match does: a copy of the current fingerprint without a token is current.
            per_visitor = (
                stored[3] if stored is not None else not _holds_shared(request, fingerprint)
            )
            conditional = get_conditional_response(
                request,
                etag=_etag(request, fingerprint, per_visitor),
                last_modified=last_modified,
            )
            if conditional is not None:
                return _finish(conditional, request, fingerprint, last_modified, per_visitor)

            if stored is not None:
                content, content_type = stored[1], stored[2]
                if per_visitor:
                    content = content.replace(CSRF_PLACEHOLDER, get_token(request).encode())
                response = HttpResponse(content, content_type=content_type)
                response["X-Page-Cache"] = "hit"
                return _finish(response, request, fingerprint, last_modified, per_visitor)

            response = view(request, *args, **kwargs)
            if not _storable(request, response):
                return response
            content = _CSRF_INPUT.sub(rb"\1" + CSRF_PLACEHOLDER + rb"\2", response.content)
            per_visitor = CSRF_PLACEHOLDER in content
            try:
                cache.set(
                    key,
                    (fingerprint, content, response["Content-Type"], per_visitor),
                    cache_seconds(),
                )
            except Exception:
                logger.warning("page cache: could not store %s", key, exc_info=True)
            response["X-Page-Cache"] = "miss"
            return _finish(response, request, fingerprint, last_modified, per_visitor)

        wrapper.page_spec = spec
        return wrapper

    return decorator


def cache_seconds() -> int:
    return int(getattr(settings, "PUBLIC_PAGE_CACHE_SECONDS", 600))


def _state(
    request: HttpRequest, spec: PageSpec, language: str
) -> tuple[str, str, int | None, tuple | None] | None:
    """The page's cache key, fingerprint, Last-Modified and current stored copy (or None).

    One cache round trip. None when the cache cannot be used (outage, degraded): render.
    """
    today = timezone.localdate() if spec.daily else None
    address = "|".join(
        [
            request.path,
            request.META.get("QUERY_STRING", ""),
            language,
            today.isoformat() if today else "",
        ]
    )
    # One entry per address: the newest rendering, with the fingerprint it was stored under.
    # Versions and page come back in one round trip; the copy is served only if its fingerprint
    # is the one the current versions give (never stale).
    key = PAGE_PREFIX + hashlib.sha256(address.encode()).hexdigest()[:32]
    found = _lookup((spec.group,), key)
    if found is None or _degraded():
        return None
    numbers, changed_at, stored = found
    if today is not None:
        changed_at = max(changed_at, _midnight(today, timezone.get_current_timezone_name()))
    fingerprint = hashlib.sha256(
        (address + "|" + ",".join(map(str, numbers))).encode()
    ).hexdigest()[:32]
    # Last-Modified only once the change is at least a second old: a client that got the page
    # in the second of a change must not revalidate a later change of that same second by date.
    last_modified = math.floor(changed_at) if changed_at < math.floor(time.time()) else None
    # (fingerprint, content, content type, per-visitor token?); older shapes are not served.
    current = isinstance(stored, tuple) and len(stored) == 4 and stored[0] == fingerprint
    return key, fingerprint, last_modified, stored if current else None


@functools.lru_cache(maxsize=8)
def _midnight(day: dt.date, zone: str) -> float:
    """The start of this day in this time zone, as a timestamp (computed once per day)."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=zoneinfo.ZoneInfo(zone)).timestamp()


def _holds_shared(request: HttpRequest, fingerprint: str) -> bool:
    """Whether the visitor revalidates a copy of this fingerprint served without a token."""
    header = request.META.get("HTTP_IF_NONE_MATCH")
    if not header:
        return False
    shared = f'"{fingerprint}"'
    return any(tag.removeprefix("W/") == shared for tag in parse_etags(header))


def _etag(request: HttpRequest, fingerprint: str, per_visitor: bool) -> str:
    return f'"{fingerprint}-{_csrf_tag(request)}"' if per_visitor else f'"{fingerprint}"'


def _finish(
    response: HttpResponse,
    request: HttpRequest,
    fingerprint: str,
    last_modified: int | None,
    per_visitor: bool,
) -> HttpResponse:
    # With a per-visitor token: the tag of the CSRF secret the response goes out with (get_token
    # may just have made one).
    response["ETag"] = _etag(request, fingerprint, per_visitor)
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    # Browsers keep the copy but revalidate it every time (a 304 costs no query); a copy may
    # carry the visitor's CSRF token, so shared caches must not keep it. (Set directly when the
    # response has no such header yet, as on every hit: this is the hot path.)
    if response.has_header("Cache-Control"):
        patch_cache_control(response, private=True, no_cache=True)
    else:
        response["Cache-Control"] = "no-cache, private"
    if response.has_header("Vary"):
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
    else:
        response["Vary"] = "Cookie, Accept-Language"
    return response


# --- Hits, high in the middleware stack ----------------------------------------------------------


class PublicPageCacheMiddleware:
    """Serve current cached copies of public pages before sessions, locale, CSRF and auth run.

    Place it after SecurityMiddleware, CSPMiddleware, XFrameOptionsMiddleware and WhiteNoise (their
    headers apply to hits too) and before SessionMiddleware. It answers only what the decorator
    would answer the same way: a GET/HEAD of a `cache_public_page` view, from a visitor with no
    session, no pending messages and no credentials (so certainly anonymous, with nothing the
    page could show for them alone), when the stored copy is current and carries no per-visitor
    token. Everything else goes down the stack unchanged.
    """

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response
        # Path → the page's declaration, for the paths of cached pages seen by this process (the
        # URLconf does not change while it runs); bounded, emptied when full.
        self._specs: dict[str, PageSpec] = {}

    def _spec(self, path_info: str) -> PageSpec | None:
        spec = self._specs.get(path_info)
        if spec is not None:
            return spec
        try:
            match = resolve(path_info)
        except Resolver404:
            return None
        spec = getattr(match.func, "page_spec", None)
        if spec is not None:
            if len(self._specs) >= 10_000:
                self._specs.clear()
            self._specs[path_info] = spec
        return spec

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.serve(request)
        return response if response is not None else self.get_response(request)

    def serve(self, request: HttpRequest) -> HttpResponse | None:
        if request.method not in ("GET", "HEAD") or not enabled():
            return None
        cookies = request.COOKIES
        if (
            settings.SESSION_COOKIE_NAME in cookies
            or getattr(settings, "MESSAGES_COOKIE_NAME", "messages") in cookies
            or "HTTP_AUTHORIZATION" in request.META
        ):
            return None
        spec = self._spec(request.path_info)
        if spec is None:
            return None
        language = translation.get_language_from_request(request)
        state = _state(request, spec, language)
        if state is None:
            return None
        _key, fingerprint, last_modified, stored = state
        if stored is None and not _holds_shared(request, fingerprint):
            return None  # nothing current: the decorator renders and stores
        if stored is not None and stored[3]:
            return None  # a per-visitor token: the decorator's work
        response = get_conditional_response(
            request, etag=f'"{fingerprint}"', last_modified=last_modified
        )
        if response is None:
            if stored is None:
                return None
            response = HttpResponse(stored[1], content_type=stored[2])
            response["X-Page-Cache"] = "hit"
        _finish(response, request, fingerprint, last_modified, False)
        # What LocaleMiddleware, further down, would have added.
        response["Content-Language"] = language
        return response
