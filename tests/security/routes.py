"""Walking the URL resolver, filling URL kwargs from the world, and asking as each role.

The expected outcomes live in test_route_matrix.py (one table); this module only does the work.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

LOGIN = "login"  # 302 to the portal's login page
ADMIN_LOGIN = "admin-login"  # 302 to the admin's login page
REDIRECT = "302"  # a redirect elsewhere (not to a login page)
OK = "ok"  # an allowed POST: anything but a refusal or a server error (2xx, 3xx, 400, 409)
REFUSALS = {LOGIN, ADMIN_LOGIN, "403", "404", "405"}

FORMAT_SUFFIX = re.compile(r"\\\.\(\?P<format>|<drf_format_suffix:format>")


@dataclass(frozen=True)
class Route:
    key: str  # namespaced URL name, or the pattern for unnamed admin redirects
    pattern: str
    callback: object
    params: tuple[str, ...]  # keyword names in the pattern (positional ones as _0, _1)


def _params(pattern: str) -> tuple[str, ...]:
    names = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", pattern)
    found = tuple(a or b for a, b in names)
    positional = len(re.findall(r"\((?!\?)", pattern))
    return found + tuple(f"_{i}" for i in range(positional))


def walk(resolver=None, prefix: str = "", namespace: str | None = None):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from walk(p, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            pattern = prefix + str(p.pattern)
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            yield Route(name or pattern, pattern, p.callback, _params(pattern))


def project_routes() -> dict[str, Route]:
    """Every route of the project by key. A DRF format-suffix variant (`.json`) is the same view
    as its base route and shares its row; everything else needs its own row."""
    routes: dict[str, Route] = {}
    for route in walk():
        if FORMAT_SUFFIX.search(route.pattern):
            continue
        routes.setdefault(route.key, route)
    return routes


def fill(route: Route, kwargs: dict) -> str:
    """The concrete path of `route` with `kwargs` (positional groups as _0, _1...)."""
    path = route.pattern
    for name, value in kwargs.items():
        value = str(value)
        if name.startswith("_"):
            path = re.sub(r"\((?!\?)[^)]*\)", value, path, count=1)
            continue
        path = re.sub(rf"\(\?P<{name}>[^)]*\)", value, path)
        path = re.sub(rf"<(?:\w+:)?{name}>", value, path)
    path = path.replace("^", "").replace("$", "").replace("\\.", ".")
    assert "<" not in path and "(" not in path, f"{route.key}: unfilled parameters in {path}"
    return "/" + path


def fingerprint() -> tuple:
    """Row counts of every table in one query: a refused POST must leave it as it was (every
    model that matters keeps its history, so any change to them adds a row somewhere)."""
    tables = sorted(connection.introspection.table_names())
    sql = " UNION ALL ".join(f'SELECT {i}, COUNT(*) FROM "{t}"' for i, t in enumerate(tables))
    with connection.cursor() as cursor:
        cursor.execute(sql)
        # UNION ALL promises no order (PostgreSQL may run the branches in parallel): sort.
        return tuple(sorted(cursor.fetchall()))


def outcome(response) -> str:
    if response.status_code in (301, 302, 303):
        location = response.get("Location", "")
        if location.startswith("/accounts/login/"):
            return LOGIN
        if location.startswith("/admin/login/"):
            return ADMIN_LOGIN
        return REDIRECT
    return str(response.status_code)


def clients(users: dict) -> dict[str, Client]:
    """A logged-in client per role; staff sessions have passed the second factor (the shared
    conftest's helper), as they would after the code page."""
    from tests.conftest import pass_second_factor

    result = {}
    for role, user in users.items():
        client = Client(raise_request_exception=True)
        if user is not None:
            client.force_login(user)
            if user.is_staff or user.is_superuser:
                pass_second_factor(client, user)
        result[role] = client
    return result


def ask(client: Client, method: str, path: str, after=None):
    """One request, undone afterwards (a savepoint rolled back, the session cookie restored: a
    logout or a login must not change the role of the next request), as its outcome string;
    with `after`, also what `after()` says once the request is done (before the rollback)."""
    cookies = {name: morsel.value for name, morsel in client.cookies.items()}
    try:
        with transaction.atomic():
            if method == "GET":
                response = client.get(path)
            else:
                response = client.post(path, {})
            result = outcome(response)
            if hasattr(response, "streaming_content"):
                response.close()
            state = after() if after is not None else None
            transaction.set_rollback(True)
            return (result, state) if after is not None else result
    except Exception as exc:  # a server error: reported with its cause
        return f"500 {type(exc).__name__}: {exc}"[:200]
    finally:
        client.cookies.clear()
        for name, value in cookies.items():
            client.cookies[name] = value
