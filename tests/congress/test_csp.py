"""Browser protections on every response: Content Security Policy, nosniff, referrer policy,
opener policy, framing; HSTS in production. The walk covers every URL pattern without arguments,
every pattern with integer arguments (an unknown object: 404), sample object pages of each app,
for an anonymous visitor, a deputy and a staff member; and the error pages (403, 404, 500)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, include, path, reverse

ROOT = Path(__file__).resolve().parents[2]
API_DOCS = {"/api/docs/", "/api/redoc/"}


def _boom(request):
    raise RuntimeError("test error page")


def _forbidden(request):
    raise PermissionDenied


# This module is also a URLconf (for the 500 and 403 pages): the portal plus two failing views.
urlpatterns = [
    path("boom/", _boom),
    path("forbidden/", _forbidden),
    path("", include("congress.urls")),
]


def routes() -> tuple[list[str], list[str]]:
    """(paths without arguments, paths with integer arguments filled with an unknown id)."""
    plain, with_ids = [], []

    def walk(patterns, prefix):
        for p in patterns:
            route = prefix + str(p.pattern).lstrip("^").rstrip("$").replace("\\Z", "")
            if isinstance(p, URLResolver):
                walk(p.url_patterns, route)
            elif isinstance(p, URLPattern):
                if "(?P" in route or "(" in route:
                    continue  # regex groups (admin's app index, catch-all)
                if "<" not in route:
                    plain.append("/" + route)
                elif not re.search(r"<(?!int:)[^>]+>", route):
                    with_ids.append("/" + re.sub(r"<int:[^>]+>", "987654", route))

    walk(get_resolver("congress.urls").url_patterns, "")
    return sorted(set(plain)), sorted(set(with_ids))


def check_headers(response, url: str) -> None:
    where = f"{url} ({response.status_code})"
    csp = response.get("Content-Security-Policy", "")
    directives = {
        part.strip().split(" ")[0]: part.strip().split(" ")[1:]
        for part in csp.split(";")
        if part.strip()
    }
    assert directives.get("default-src") == ["'self'"], where
    assert directives.get("object-src") == ["'none'"], where
    assert directives.get("base-uri") == ["'none'"], where
    assert directives.get("frame-ancestors") == ["'none'"], where
    assert directives.get("form-action") == ["'self'"], where
    script = directives.get("script-src", [])
    assert "'self'" in script and "'unsafe-inline'" not in script, where
    assert "'unsafe-eval'" not in script, where
    if url.split("?")[0] not in API_DOCS:
        assert directives.get("style-src") == ["'self'"], where
    assert response["X-Content-Type-Options"] == "nosniff", where
    assert response["Referrer-Policy"] == "same-origin", where
    assert response["Cross-Origin-Opener-Policy"] == "same-origin", where
    assert response["X-Frame-Options"] == "DENY", where
    if response.get("Content-Type", "").startswith("text/html") and not response.streaming:
        html = response.content.decode("utf-8", "replace")
        for tag in re.findall(r"<script\b[^>]*>", html, flags=re.I):
            nonce = re.search(r'nonce="([^"]+)"', tag)
            assert "src=" in tag or (nonce and f"'nonce-{nonce.group(1)}'" in script), (
                f"inline script without nonce on {where}: {tag}"
            )


@pytest.fixture
def sample_pages(
    term, session_meeting, deputy, unit, office, staff, committee_office, liaison
) -> list[str]:
    """One object page per app, built with the apps' own test factories."""
    from congress.models import Regulation
    from tests.evaluations.factories import ItemFactory
    from tests.motions.factories import handled_motion
    from tests.suggestions.factories import filed

    regulation = Regulation.objects.create(title="海淀区人大常委会议事规则", text="第一条")
    motion = handled_motion(session_meeting, unit=unit, office=committee_office)
    suggestion = filed(term, deputy)[0]
    item = ItemFactory(campaign__term=term, unit=unit)
    return [
        reverse("public:regulation", args=[regulation.pk]),
        reverse("deputies:deputy", args=[deputy.deputy.pk]),
        reverse("motions:public_detail", args=[motion.year, motion.number]),
        reverse("motions:portal_detail", args=[motion.pk]),
        reverse("suggestions:portal_detail", args=[suggestion.pk]),
        reverse("evaluations:public_item", args=[item.pk]),
    ]


def walk(client: Client, urls) -> int:
    for url in urls:
        response = client.get(url)
        check_headers(response, url)
    return len(urls)


def test_the_route_list_is_complete_enough():
    # Guards the walker itself: if it found nothing, the walks below would pass vacuously.
    plain, with_ids = routes()
    assert {"/", "/accounts/login/", "/api/docs/", "/admin/", "/portal/"} <= set(plain)
    assert len(plain) >= 40 and len(with_ids) >= 60


def test_every_page_carries_the_headers_for_an_anonymous_visitor(client, sample_pages):
    plain, with_ids = routes()
    assert walk(client, plain + with_ids + sample_pages) > 100


def test_every_page_carries_the_headers_for_a_deputy(client, deputy, sample_pages):
    client.force_login(deputy)
    plain, _ = routes()
    walk(client, plain + sample_pages)


def test_every_page_carries_the_headers_for_staff(client, staff, sample_pages):
    client.force_login(staff)  # passes the second factor (tests/conftest.py)
    plain, with_ids = routes()
    # django-otp's admin views answer an unknown device id with an exception, not a 404: the
    # admin's own object pages are left to the admin (staff see them through the list below).
    with_ids = [url for url in with_ids if not url.startswith("/admin/otp_")]
    walk(client, plain + with_ids + sample_pages)
    walk(client, ["/admin/congress/user/", "/admin/congress/user/add/", "/api/docs/?script"])


def test_the_second_factor_pages_carry_the_headers(client, staff):
    client.post("/accounts/login/", {"username": "staff", "password": "pass-word-123"})
    walk(client, ["/accounts/mfa/", "/accounts/mfa/qr.svg", "/portal/", "/api/obligations/"])


@pytest.mark.urls("tests.congress.test_csp")
def test_error_pages_carry_the_headers(db):
    client = Client(raise_request_exception=False)
    error = client.get("/boom/")
    assert error.status_code == 500
    check_headers(error, "/boom/")
    assert 'style="' not in error.content.decode()  # inline styles are refused by the policy
    forbidden = client.get("/forbidden/")
    assert forbidden.status_code == 403
    check_headers(forbidden, "/forbidden/")
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404
    check_headers(missing, "/no-such-page/")


def test_a_nonce_is_in_the_policy_when_a_template_uses_it(rf):
    """The one way to an inline script: the request's nonce, which the header then names."""
    from csp.middleware import CSPMiddleware
    from django.http import HttpResponse

    def view(request):
        return HttpResponse(f'<script nonce="{request.csp_nonce}">1</script>')

    request = rf.get("/")
    response = CSPMiddleware(view)(request)
    nonce = re.search(r'nonce="([^"]+)"', response.content.decode()).group(1)
    assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def test_the_api_docs_use_the_split_swagger_view_and_local_files(client):
    page = client.get("/api/docs/").content.decode()
    assert "<script>" not in page and "script=" in page
    assert "cdn" not in page.lower() and "googleapis" not in page
    script = client.get("/api/docs/?script")
    assert script.status_code == 200 and "javascript" in script["Content-Type"]
    redoc = client.get("/api/redoc/").content.decode()
    assert "<script>" not in redoc and "googleapis" not in redoc and "<style>" not in redoc


def test_hsts_on_https_in_production(client, db, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "includeSubDomains" in response["Strict-Transport-Security"]


def test_production_settings_turn_on_hsts_and_secure_cookies(tmp_path):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "congress.settings",
        "DATA_DIR": str(tmp_path / "data"),
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "k" * 20 + "3x!Q" * 10,
        "DJANGO_ALLOWED_HOSTS": "portal.example.test",
    }
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, s.SECURE_SSL_REDIRECT)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["31536000", "True", "True", "True", "Lax", "True"]
