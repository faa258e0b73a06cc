"""The public page cache: versioned keys that a commit bumps, never stale, never for logged-in
users, the visitor's own CSRF token, and conditional GET (304 without rendering)."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from types import SimpleNamespace

import pytest
import time_machine
from django.contrib.auth.models import update_last_login
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.test.signals import template_rendered
from django.urls import reverse

from congress import caching
from motions import services
from motions.models import Motion, ProgressUpdate, UpdateKind, UpdateState
from motions.suggestions.models import Category
from tests.motions.factories import handled_motion

pytestmark = pytest.mark.usefixtures("page_cache")


@pytest.fixture
def motion(session, unit, committee_office):
    return handled_motion(session, unit=unit, office=committee_office, published=1, progress=30)


def submitted_update(motion, unit, title="区教委完成管网改造并通水") -> ProgressUpdate:
    return ProgressUpdate.objects.create(
        motion=motion,
        kind=UpdateKind.MEETING,
        title=title,
        text="管网改造全部完成。",
        happened_on=dt.date(2022, 6, 1),
        unit=unit,
        state=UpdateState.SUBMITTED,
        proposed_progress=80,
    )


class Templates:
    """Collects the templates rendered while it is open."""

    def __enter__(self):
        self.names = []
        template_rendered.connect(self._seen)
        return self

    def _seen(self, sender, template, **kwargs):
        self.names.append(template.name)

    def __exit__(self, *exc):
        template_rendered.disconnect(self._seen)


def test_second_anonymous_visit_is_served_from_the_cache_without_queries(
    client, motion, django_assert_num_queries
):
    url = motion.get_absolute_url()
    first = client.get(url)
    assert first.status_code == 200 and first["X-Page-Cache"] == "miss"
    # Served from the cache: no query, no template (the versions come from the cache).
    with django_assert_num_queries(0), Templates() as seen:
        second = client.get(url)
    assert second["X-Page-Cache"] == "hit"
    assert seen.names == []
    assert second.content.decode().count(motion.title) == first.content.decode().count(motion.title)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_publishing_an_update_is_visible_on_the_cached_pages_at_once(
    client,
    motion,
    unit,
    committee_staff,
    committed,
    language,
):
    client.cookies["django_language"] = language
    pages = [motion.get_absolute_url(), reverse("motions:public_list"), reverse("public:home")]
    for url in pages:
        client.get(url)
        assert client.get(url)["X-Page-Cache"] == "hit"
        assert "区教委完成管网改造并通水" not in client.get(url).content.decode()
    update = submitted_update(motion, unit)
    # Submitted but unpublished: the public pages do not show it (nor would they uncached).
    with committed():
        services.publish_update(update, actor=committee_staff, approved_progress=80)
    for url in pages:
        response = client.get(url)
        assert response["X-Page-Cache"] == "miss", url
        assert "区教委完成管网改造并通水" in response.content.decode(), url
        assert response["Content-Language"] == language
    detail = client.get(motion.get_absolute_url()).content.decode()
    assert 'value="80"' in detail  # the progress bar: recompute_progress writes with update()


def test_languages_have_their_own_copies(client, motion):
    url = reverse("motions:public_list")
    zh = client.get(url)
    client.cookies["django_language"] = "en"
    en = client.get(url)
    assert en["X-Page-Cache"] == "miss"  # not the Chinese copy
    assert '<html lang="en">' in en.content.decode()
    assert '<html lang="zh-hans">' in zh.content.decode()
    assert zh["ETag"] != en["ETag"]


def test_an_unrelated_change_keeps_the_cached_copy(client, motion, committed):
    url = motion.get_absolute_url()
    client.get(url)
    with committed():
        Category.objects.create(name="城市建设测试", sort_order=99)  # suggestions: not on this page
    assert client.get(url)["X-Page-Cache"] == "hit"
    with committed():
        Motion.objects.filter(pk=motion.pk).update(title="关于科学城北区道路建设的议案")
        caching.changed(Motion)
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    assert "关于科学城北区道路建设的议案" in response.content.decode()


def test_a_change_rolled_back_with_its_savepoint_is_bumped_when_changed_again(motion):
    """The once-per-transaction registration survives savepoint rollbacks."""
    label = "motions.motion"
    before = caching.versions([label])[0][0]
    with transaction.atomic():
        try:
            with transaction.atomic():
                caching.changed(Motion)  # registered inside the savepoint …
                raise RuntimeError
        except RuntimeError:
            pass  # … which is rolled back with its callbacks
        caching.changed(Motion)  # must register again
        callbacks = [cb for _, cb, _ in transaction.get_connection().run_on_commit]
        assert sum(isinstance(cb, caching._Bump) and cb.label == label for cb in callbacks) == 1
        caching.changed(Motion)  # once per transaction
        callbacks = [cb for _, cb, _ in transaction.get_connection().run_on_commit]
        assert sum(isinstance(cb, caching._Bump) and cb.label == label for cb in callbacks) == 1
        for cb in callbacks:
            if isinstance(cb, caching._Bump):
                cb()
    assert caching.versions([label])[0][0] == before + 1


def test_signals_bump_only_after_commit(motion, django_capture_on_commit_callbacks):
    label = "motions.progressupdate"
    before = caching.versions([label])[0][0]
    transaction.get_connection().__dict__.pop("_congress_page_bumps", None)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submitted_update(motion, motion.lead_unit)
        assert caching.versions([label])[0][0] == before  # not before the commit
    for callback in callbacks:
        callback()
    assert caching.versions([label])[0][0] == before + 1


def test_a_logged_in_user_never_gets_the_anonymous_copy(client, motion, deputy):
    url = motion.get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    member = Client()
    member.force_login(deputy)
    for _ in range(2):
        response = member.get(url)
        assert response.status_code == 200
        assert "X-Page-Cache" not in response  # rendered for them, never stored
        assert reverse("logout") in response.content.decode()
    anonymous = client.get(url)
    assert anonymous["X-Page-Cache"] == "hit"
    assert reverse("logout") not in anonymous.content.decode()


def test_public_pages_carry_no_token_and_the_language_switch_needs_none(motion):
    """The same copy for every visitor: no CSRF token, no cookie; switching language still works."""
    url = reverse("motions:public_list")
    Client().get(url)
    visitor = Client(enforce_csrf_checks=True)
    response = visitor.get(url)
    assert response["X-Page-Cache"] == "hit"
    assert b"csrfmiddlewaretoken" not in response.content and b"\x00" not in response.content
    assert "csrftoken" not in response.cookies
    switched = visitor.post(reverse("set_language"), {"language": "en", "next": url})
    assert switched.status_code == 302 and switched.cookies["django_language"].value == "en"
    assert '<html lang="en">' in visitor.get(url).content.decode()


@pytest.mark.urls("tests.performance.csrf_page_urls")
def test_a_cached_page_with_a_form_carries_the_visitors_own_csrf_token(motion):
    url = reverse("cache_test_form")
    first = Client(enforce_csrf_checks=True)
    assert first.get(url)["X-Page-Cache"] == "miss"
    second = Client(enforce_csrf_checks=True)
    response = second.get(url)
    assert response["X-Page-Cache"] == "hit"
    assert b"\x00" not in response.content
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())[1]
    assert second.cookies["csrftoken"].value  # the CSRF middleware set the visitor's cookie
    # The token works for this visitor …
    posted = second.post(url, {"language": "en", "csrfmiddlewaretoken": token})
    assert posted.status_code == 405  # past the CSRF check: the page itself takes no POST
    # … and a token taken from another visitor's copy would not.
    third = Client(enforce_csrf_checks=True)
    third.get(url)
    assert third.post(url, {"language": "en", "csrfmiddlewaretoken": token}).status_code == 403
    # Its ETag names the visitor's CSRF secret: another visitor's does not match.
    etag = second.get(url)["ETag"]
    assert third.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200
    assert second.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_pages_with_messages_are_neither_served_from_nor_stored_in_the_cache(client, motion):
    url = motion.get_absolute_url()
    client.get(url)
    from django.contrib.messages.storage.cookie import CookieStorage

    storage = CookieStorage(type("R", (), {"COOKIES": {}})())
    from django.contrib.messages import Message, constants

    encoded = storage._encode([Message(constants.INFO, "您的意见已收到")])
    client.cookies["messages"] = encoded
    response = client.get(url)
    assert "X-Page-Cache" not in response
    assert "您的意见已收到" in response.content.decode()
    response = client.get(url)  # the message was shown once; the next visit hits again
    assert response["X-Page-Cache"] == "hit"
    assert "您的意见已收到" not in response.content.decode()


def test_not_found_pages_are_not_cached(client, session, unit, committee_office, committed):
    url = reverse("motions:public_detail", args=[2022, 777])
    assert client.get(url).status_code == 404
    assert "ETag" not in client.get(url)
    with committed():
        handled_motion(session, unit=unit, office=committee_office, number=777)
    assert client.get(url).status_code == 200


def test_a_cache_outage_renders_the_page_uncached(client, motion, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(cache, "get_many", broken)
    response = client.get(motion.get_absolute_url())
    assert response.status_code == 200
    assert "X-Page-Cache" not in response and "ETag" not in response


def _page_keys() -> list[str]:
    """The keys of the stored pages (the test cache is local memory, or Redis when configured)."""
    if hasattr(cache, "_cache") and isinstance(cache._cache, dict):  # LocMemCache
        return [k.split(":", 2)[2] for k in cache._cache if k.split(":", 2)[2].startswith("page:")]
    client = cache._cache.get_client()
    return [
        key.decode().split(":", 2)[2]
        for key in client.scan_iter(match=cache.make_key(caching.PAGE_PREFIX + "*"))
    ]


# --- Conditional GET ----------------------------------------------------------------------------


def test_a_matching_etag_answers_304_without_rendering_or_queries(
    client, motion, django_assert_num_queries
):
    url = motion.get_absolute_url()
    first = client.get(url)
    etag = first["ETag"]
    assert "no-cache" in first["Cache-Control"] and "private" in first["Cache-Control"]
    # Drop the stored copy: a 304 needs only the versions.
    stored = [key for key in _page_keys() if cache.get(key)[0] == etag.strip('"').split("-")[0]]
    assert len(stored) == 1 and cache.delete(stored[0])
    # The versions of the page's models come from the cache: no query, no template.
    with django_assert_num_queries(0), Templates() as seen:
        response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert seen.names == []
    assert response.content == b""
    assert response["ETag"] == etag
    assert "Cookie" in response["Vary"]


def test_a_304_only_while_nothing_changed(client, motion, unit, committee_staff, committed):
    url = motion.get_absolute_url()
    etag = client.get(url)["ETag"]
    with committed():
        services.publish_update(submitted_update(motion, unit), actor=committee_staff)
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert "区教委完成管网改造并通水" in response.content.decode()
    assert response["ETag"] != etag


def test_visitors_share_the_etag_of_a_page_without_a_token(client, motion):
    """The copy is the same for everybody, so is its ETag: another visitor may revalidate it."""
    url = motion.get_absolute_url()
    etag = client.get(url)["ETag"]
    other = Client()
    assert other.get(url)["ETag"] == etag
    assert other.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_if_modified_since_answers_304_and_a_later_change_200(
    client, motion, unit, committee_staff, committed
):
    url = motion.get_absolute_url()
    with time_machine.travel(dt.datetime(2026, 11, 26, 10, 0, 0, tzinfo=dt.UTC), tick=False):
        first = client.get(url)
    # Rendered in the second of the first version read: no Last-Modified yet (a change in that
    # same second could not be told apart by date).
    assert "Last-Modified" not in first
    with time_machine.travel(dt.datetime(2026, 11, 26, 10, 0, 5, tzinfo=dt.UTC), tick=False):
        response = client.get(url)
        last_modified = response["Last-Modified"]
        assert last_modified == "Thu, 26 Nov 2026 10:00:00 GMT"
        with Templates() as seen:
            assert client.get(url, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
        assert seen.names == []
    published_at = dt.datetime(2026, 11, 26, 10, 1, 0, tzinfo=dt.UTC)
    with time_machine.travel(published_at, tick=False), committed():
        services.publish_update(submitted_update(motion, unit), actor=committee_staff)
    with time_machine.travel(dt.datetime(2026, 11, 26, 10, 1, 3, tzinfo=dt.UTC), tick=False):
        response = client.get(url, HTTP_IF_MODIFIED_SINCE=last_modified)
        assert response.status_code == 200
        assert response["Last-Modified"] == "Thu, 26 Nov 2026 10:01:00 GMT"


def test_logged_in_users_get_no_etag_and_no_304(client, motion, deputy):
    url = motion.get_absolute_url()
    etag = client.get(url)["ETag"]
    client.force_login(deputy)
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert "ETag" not in response


def test_while_the_redis_breaker_is_open_pages_are_neither_served_nor_stored(
    client, motion, monkeypatch
):
    """congress.resilience answers from a process-local stand-in during a Redis outage; other
    processes' bumps are not seen there, so the page cache steps aside."""
    url = motion.get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    breaker = getattr(cache, "breaker", None)
    if breaker is not None:  # Redis configured: open the real breaker for the test
        monkeypatch.setattr(breaker, "open_until", float("inf"))
    else:
        monkeypatch.setattr(cache, "breaker", SimpleNamespace(is_open=True), raising=False)
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200
        assert "X-Page-Cache" not in response and "ETag" not in response


def test_a_login_does_not_bust_pages_but_a_new_display_name_does(client, deputy, committed):
    label = "congress.user"
    before = caching.versions([label])[0][0]
    with committed():
        update_last_login(None, deputy)  # what every login does: save(update_fields=["last_login"])
    assert caching.versions([label])[0][0] == before
    with committed():
        deputy.display_name = "李明（更名）"
        deputy.save()
    assert caching.versions([label])[0][0] == before + 1


def test_a_page_with_a_csp_nonce_is_never_stored(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse

    bodies = {
        "/plain/": "<p>公开页面</p>",
        "/nonce/": '<script nonce="n0nce" src="/a.js"></script>',
    }

    @caching.cache_public_page("motions.Motion")
    def view(request):
        return HttpResponse(bodies[request.path])

    def get(path):
        request = rf.get(path)
        request.user = AnonymousUser()
        return view(request)

    assert get("/plain/")["X-Page-Cache"] == "miss"
    assert get("/plain/")["X-Page-Cache"] == "hit"
    for _ in range(2):
        assert "X-Page-Cache" not in get("/nonce/")


# --- The cost of a hit ----------------------------------------------------------------------------


def test_a_hit_costs_one_cache_round_trip_no_query_and_no_template(
    client, motion, monkeypatch, django_assert_num_queries
):
    """Versions, change times and the page come back in one `get_many` (Redis: one MGET)."""
    url = motion.get_absolute_url()
    client.get(url)
    calls, depth = [], [0]
    for name in ("get", "get_many", "set", "set_many", "add", "incr", "delete"):
        original = getattr(cache, name)

        def counted(*args, _name=name, _original=original, **kwargs):
            if not depth[0]:  # the local-memory get_many calls get() per key: not a round trip
                calls.append(_name)
            depth[0] += 1
            try:
                return _original(*args, **kwargs)
            finally:
                depth[0] -= 1

        monkeypatch.setattr(cache, name, counted)
    with django_assert_num_queries(0), Templates() as seen:
        response = client.get(url)
    assert response["X-Page-Cache"] == "hit"
    assert seen.names == []
    assert calls == ["get_many"]


def test_a_copy_stored_under_older_versions_is_never_served(client, motion, committed):
    """One entry per address: a copy whose fingerprint is not the current one is re-rendered."""
    url = motion.get_absolute_url()
    old = client.get(url)
    [key] = _page_keys()
    old_copy = cache.get(key)
    with committed():
        Motion.objects.filter(pk=motion.pk).update(title="关于科学城北区道路建设的议案")
        caching.changed(Motion)
    assert client.get(url)["X-Page-Cache"] == "miss"
    # A slow request that had read the old versions stores its rendering last:
    cache.set(key, old_copy)
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    assert "关于科学城北区道路建设的议案" in response.content.decode()
    assert response["ETag"] != old["ETag"]


def test_the_redis_cache_reuses_one_client_per_pool():
    """Django builds a `redis.Redis` per call (a costly constructor); ours keeps one per pool."""
    from congress.resilience import ResilientRedisCache

    backend = ResilientRedisCache("redis://127.0.0.1:6379/15", {})  # no connection is made
    client = backend._cache.get_client()
    assert backend._cache.get_client("any") is client
    assert client.connection_pool is backend._cache._get_connection_pool(False)


# --- Hits served high in the middleware stack ------------------------------------------------------


@pytest.fixture
def early(monkeypatch):
    """Records what PublicPageCacheMiddleware answered: a response (served early) or None."""
    answers = []
    original = caching.PublicPageCacheMiddleware.serve

    def serve(self, request):
        answer = original(self, request)
        answers.append(answer)
        return answer

    monkeypatch.setattr(caching.PublicPageCacheMiddleware, "serve", serve)
    return answers


def test_a_hit_is_served_before_sessions_with_the_headers_of_the_whole_stack(
    client, motion, early, django_assert_num_queries
):
    url = motion.get_absolute_url()
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert early == [None]  # nothing stored yet: down the stack to the decorator
    uncached = client.get(url, HTTP_X_NO_CACHE_TEST="1")
    with django_assert_num_queries(0):
        hit = client.get(url)
    assert early[-1] is hit and hit["X-Page-Cache"] == "hit"
    assert hit.content == uncached.content
    # The middleware above it and the headers of the layers it skips.
    for header in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options"):
        assert hit[header] == uncached[header]
    assert hit["Content-Language"] == "zh-hans"
    assert {"Cookie", "Accept-Language"} <= {v.strip() for v in hit["Vary"].split(",")}
    assert "csrftoken" not in hit.cookies and "sessionid" not in hit.cookies
    # A conditional GET is answered there too.
    assert client.get(url, HTTP_IF_NONE_MATCH=hit["ETag"]).status_code == 304
    assert early[-1] is not None and early[-1].status_code == 304


def test_english_visitors_get_the_english_copy_early(client, motion, early):
    url = reverse("motions:public_list")
    client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert early[-1] is response and response["Content-Language"] == "en"
    assert '<html lang="en">' in response.content.decode()
    chinese = client.get(url)  # no Accept-Language: the default language's own copy
    assert '<html lang="zh-hans">' in chinese.content.decode()


@pytest.mark.parametrize(
    "extra",
    [
        {"HTTP_COOKIE": "sessionid=abc"},
        {"HTTP_COOKIE": "messages=abc"},
        {"HTTP_AUTHORIZATION": "Token abc"},
    ],
    ids=["session", "messages", "credentials"],
)
def test_visitors_who_may_not_be_anonymous_go_down_the_stack(client, motion, early, extra):
    url = motion.get_absolute_url()
    client.get(url)
    client.get(url)
    assert early[-1] is not None
    Client().get(url, **extra)
    assert early[-1] is None


def test_pages_that_are_not_cached_and_unknown_paths_go_down_the_stack(client, early):
    for url in (reverse("login"), "/no-such-page/", "/api/motions/"):
        client.get(url)
        assert early[-1] is None
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert early[-1] is None


def test_a_hit_reads_one_counter_however_many_models_the_page_reads(client, motion, monkeypatch):
    url = reverse("public:home")
    spec = caching.REGISTRY["congress.views.home"]
    assert len(spec.labels) > 5
    client.get(url)
    keys = []
    original = cache.get_many

    def get_many(wanted, *args, **kwargs):
        keys.extend(wanted)
        return original(wanted, *args, **kwargs)

    monkeypatch.setattr(cache, "get_many", get_many)
    assert client.get(url)["X-Page-Cache"] == "hit"
    assert len(keys) == 3  # the group's counter and change time, and the page


def test_a_writer_that_never_served_a_page_bumps_the_groups_of_every_page():
    """A Celery worker has not imported the URLconf: bumping imports it to know every page."""
    script = (
        "import django; django.setup()\n"
        "from congress import caching\n"
        "before = len(caching.REGISTRY)\n"
        "groups = caching._groups_reading(['motions.motion'])\n"
        "home = caching.REGISTRY['congress.views.home']\n"
        "others = [s for s in caching.REGISTRY.values() if 'motions.motion' not in s.labels]\n"
        "print(before, home.group in groups, bool(others), any(s.group in groups for s in others))\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "congress.settings"}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.split() == ["0", "True", "True", "False"], done.stderr
