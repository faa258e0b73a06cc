"""Smoke test of a running portal, as an anonymous visitor (used by .ci/run, section 4).

    python .ci/smoke.py http://127.0.0.1:8000 [/more/start/path/ ...]

Checks, failing with a non-zero exit on any problem:
- `/` answers 200 in Chinese (`lang="zh-hans"`), `/healthz` answers 200 JSON with every part ok;
- the public site, crawled from `/` and the other start paths (.ci/run passes every URL of the
  project without parameters) through their links, and the anonymous API from `/api/` when it
  answers, shows no mobile number (1[3-9] and 9 more digits, also
  written +86 139 1234 5678, not inside a longer number),
  answers no 5xx, and loads no CSS/JS from another host (no CDN);
- every stylesheet and script the home page uses is served by the portal itself.
Only the standard library: it runs before or without the project's virtualenv.
"""

from __future__ import annotations

import json
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter, deque
from html.parser import HTMLParser

# 13912345678, +86 139 1234 5678, 139-1234-5678; not inside a longer number or a hex hash.
MOBILE = re.compile(
    r"(?<![0-9A-Za-z])(?:\+?86[- ]?)?1[3-9][0-9](?:[0-9]{8}|[- ][0-9]{4}[- ][0-9]{4})(?![0-9A-Za-z])"
)
SKIP_PREFIXES = (
    "/admin",
    "/static/",
    "/media/",
    "/i18n/",
    "/accounts/",
    "/portal",
    "/api/docs",
    "/api/redoc",
    "/api/schema",
)
# Downloads whose bytes say nothing readable (compressed); their content is tested by the apps.
BINARY = (".pdf", ".docx", ".xlsx", ".zip", ".png", ".jpg", ".mp4")
MAX_PAGES = 400
MAX_PER_PATTERN = 4  # /motions/12/ and /motions/13/ are one pattern: a few of each suffice
TIME_BUDGET = 180.0


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.pages: list[str] = []
        self.assets: list[str] = []
        self.lang: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        elif tag == "a" and a.get("href"):
            self.pages.append(a["href"])
        elif tag == "link" and "stylesheet" in (a.get("rel") or "") and a.get("href"):
            self.assets.append(a["href"])
        elif tag == "script" and a.get("src"):
            self.assets.append(a["src"])


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


opener = urllib.request.build_opener(NoRedirect)


def fetch(url: str, accept: str = "text/html") -> tuple[int, dict, str]:
    request = urllib.request.Request(
        url, headers={"Accept": accept, "Accept-Language": "zh-CN,zh;q=0.9"}
    )
    try:
        with opener.open(request, timeout=30) as response:
            body = response.read()
            return response.status, dict(response.headers), body.decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        body = exc.read().decode("utf-8", "replace") if exc.fp else ""
        return exc.code, dict(exc.headers or {}), body


def pattern(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def main(base: str, start: list[str]) -> int:
    base = base.rstrip("/")
    host = urllib.parse.urlsplit(base).netloc
    problems: list[str] = []

    status, headers, body = fetch(base + "/")
    parsed = Links()
    parsed.feed(body)
    if status != 200:
        problems.append(f"/ answered {status}")
    if parsed.lang != "zh-hans":
        problems.append(f'/ is not in Chinese: <html lang="{parsed.lang}">')
    print(f"/ -> {status}, lang={parsed.lang}, Content-Language={headers.get('Content-Language')}")

    status, headers, body = fetch(base + "/healthz", accept="application/json")
    try:
        report = json.loads(body)
    except ValueError:
        report = None
    if status != 200 or not isinstance(report, dict) or report.get("status") != "ok":
        problems.append(f"/healthz answered {status}: {body[:200]}")
    elif not all(report.get(part, {}).get("ok") for part in ("database", "cache", "broker")):
        problems.append(f"/healthz does not report database/cache/broker ok: {report}")
    print(f"/healthz -> {status} {body.strip()[:200]}")

    for asset in parsed.assets:
        split = urllib.parse.urlsplit(urllib.parse.urljoin(base + "/", asset))
        if split.netloc != host:
            problems.append(f"the home page loads {asset} from another host")
            continue
        code, _, _ = fetch(urllib.parse.urlunsplit(split), accept="*/*")
        if code != 200:
            problems.append(f"asset {split.path} answered {code}")
    print(f"assets of /: {len(parsed.assets)} checked")

    started = time.monotonic()
    queue: deque[str] = deque(["/"])
    seen: set[str] = {"/"}
    per_pattern: Counter[str] = Counter()
    for path in start:
        if path not in seen and not path.startswith(SKIP_PREFIXES) and not path.endswith(BINARY):
            seen.add(path)
            queue.append(path)
    crawled = 0
    statuses: Counter[int] = Counter()
    while queue and crawled < MAX_PAGES and time.monotonic() - started < TIME_BUDGET:
        path = queue.popleft()
        api = path.startswith("/api/")
        code, headers, body = fetch(base + path, accept="application/json" if api else "text/html")
        crawled += 1
        statuses[code] += 1
        if code >= 500:
            problems.append(f"{path} answered {code}")
            continue
        for match in MOBILE.finditer(body):
            number = match.group()
            problems.append(f"{path} shows a mobile number {number[:3]}****{number[-4:]}")
        if "html" not in headers.get("Content-Type", ""):
            continue
        links = Links()
        links.feed(body)
        for asset in links.assets:
            if urllib.parse.urlsplit(urllib.parse.urljoin(base + path, asset)).netloc != host:
                problems.append(f"{path} loads {asset} from another host")
        for href in links.pages:
            split = urllib.parse.urlsplit(urllib.parse.urljoin(base + path, href))
            if split.netloc != host or split.scheme not in ("http", "https"):
                continue
            target = split.path + (f"?{split.query}" if split.query else "")
            if target in seen or split.path.startswith(SKIP_PREFIXES):
                continue
            if split.path.endswith(BINARY):
                continue
            seen.add(target)
            key = pattern(split.path) + ("?" if split.query else "")
            if per_pattern[key] >= MAX_PER_PATTERN:
                continue
            per_pattern[key] += 1
            queue.append(target)
    print(
        f"crawled {crawled} public pages in {time.monotonic() - started:.1f}s "
        f"({dict(sorted(statuses.items()))}); {len(queue)} left unvisited"
    )

    # The anonymous API: whatever /api/ lists and answers without a login.
    code, headers, body = fetch(base + "/api/", accept="application/json")
    api_checked = 0
    if code == 200 and "json" in headers.get("Content-Type", ""):
        try:
            roots = json.loads(body)
        except ValueError:
            roots = {}
        for url in roots.values() if isinstance(roots, dict) else []:
            if not isinstance(url, str):
                continue
            split = urllib.parse.urlsplit(url)
            c, _, text = fetch(base + split.path, accept="application/json")
            api_checked += 1
            if c >= 500:
                problems.append(f"API {split.path} answered {c}")
            for match in MOBILE.finditer(text):
                number = match.group()
                problems.append(f"API {split.path} shows a mobile number {number[:3]}****")
    print(f"/api/ -> {code}; {api_checked} anonymous API endpoints checked")

    if problems:
        print(f"\n{len(problems)} problem(s):")
        for line in problems[:100]:
            print(f"  - {line}")
        return 1
    print("public site: Chinese, healthy, no mobile numbers, no 5xx, no external assets")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000", sys.argv[2:]))
