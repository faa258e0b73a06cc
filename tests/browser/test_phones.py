"""Phones: every portal page at 375 px without sideways scrolling, with big enough tap targets;
the portal installable as a web app (manifest, icons, theme colour, apple-touch-icon).

Pages walked, for every portal role (deputy, unit liaison, street recorder, expert, staff of the
general office, of deputy affairs and of a special committee): every portal URL name that takes no
argument, plus, for every URL name with arguments, the first link to it found on those pages
(a motion, a suggestion, an obligation, a ballot…). Pages answering other than 200 for a role
(403/404: not theirs) are skipped for that role; downloads (.xlsx/.pdf/.docx/.ics) are not pages.

Tap targets (≥ 44 × 44 CSS px, Apple's and WCAG 2.5.5's size; WCAG 2.2 AA asks 24): the links and
buttons of the header, the main and portal navigation, pagination, and every button, text input,
select and submit of the forms in <main>; checkboxes and radio buttons by their label or their own
box, whichever is bigger.
Not counted: links inside running text and breadcrumbs (WCAG's inline exception), hidden
elements, and the skip link (visible only on focus).
"""

from __future__ import annotations

import io
import json
import re

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from playwright.sync_api import Error as PlaywrightError

from tests.browser.support import CHROMIUM_ARGS, PHONE

ROLES = ["deputy", "liaison", "recorder", "expert", "staff", "daffairs", "committee"]
NOT_PAGES = re.compile(r"\.(xlsx|pdf|docx|ics|csv)$|/open/$|/logout")

MEASURE = """() => {
  const small = [];
  const seen = new Set();
  const visible = el => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none';
  };
  const check = (el, box) => {
    if (seen.has(box) || !visible(box)) return;
    seen.add(box);
    const r = box.getBoundingClientRect();
    if (r.height < 43.5 || r.width < 43.5) {
      const text = (box.innerText || box.value || box.getAttribute('aria-label') || box.name || '').trim();
      small.push(`${box.tagName.toLowerCase()}${box.className ? '.' + String(box.className).split(' ').join('.') : ''} "${text.slice(0, 30)}" ${Math.round(r.width)}x${Math.round(r.height)}`);
    }
  };
  const selectors = [
    'header a', 'header button', 'nav.main-nav a', 'nav.pagination a', '.pagination a',
    'main form button', 'main form input[type=submit]', 'main form select',
    'main form input:not([type=hidden]):not([type=checkbox]):not([type=radio])',
    'main a.btn', 'main button',
  ];
  for (const el of document.querySelectorAll(selectors.join(','))) {
    if (el.closest('.breadcrumbs') || el.classList.contains('skip-link')) continue;
    check(el, el);
  }
  for (const el of document.querySelectorAll('main input[type=checkbox], main input[type=radio]')) {
    const label = el.closest('label') || (el.id && document.querySelector(`label[for="${el.id}"]`));
    // Tapped through its label or itself: the bigger of the two counts.
    const area = b => { const r = b.getBoundingClientRect(); return Math.min(r.width, r.height); };
    check(el, label && area(label) >= area(el) ? label : el);
  }
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    small,
  };
}"""


def _portal_routes():
    """(name, route) of every portal URL pattern."""

    def walk(patterns, prefix="", namespace=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern) and p.name:
                yield namespace + p.name, prefix + str(p.pattern)

    return [(n, r) for n, r in walk(get_resolver().url_patterns) if r.startswith("portal/")]


def _url_name(path: str) -> str | None:
    try:
        match = resolve(path.split("?")[0])
    except Resolver404:
        return None
    return match.view_name


def test_every_portal_page_fits_a_phone(journey, artifacts):
    routes = _portal_routes()
    plain = ["/" + r for _, r in routes if "<" not in r and not NOT_PAGES.search("/" + r)]
    with_args = {n for n, r in routes if "<" in r}
    report = {}
    failures = []
    for role in ROLES:
        j = journey(f"phones-{role}", viewport=PHONE, audit=False)
        j.login(role)
        page = j.page
        seen_names = set()
        queue = list(plain)
        visited = 0
        while queue:
            path = queue.pop(0)
            before = len(j.problems)
            try:
                response = page.goto(j.url(path))
            except PlaywrightError:  # an empty error answer (405 of a POST-only view…)
                response = None
            if (
                response is None
                or response.status != 200
                or "text/html" not in (response.headers.get("content-type", ""))
            ):
                del j.problems[before:]  # not a page of this role: skipped, not failed
                continue
            if not page.url.startswith(j.url("/portal/")):
                continue  # sent elsewhere (e.g. the public site)
            visited += 1
            seen_names.add(_url_name(path))
            measured = page.evaluate(MEASURE)
            problems = []
            if measured["scrollWidth"] > 375:
                problems.append(f"scrolls sideways: scrollWidth {measured['scrollWidth']} > 375")
            if measured["small"]:
                problems.append("tap targets under 44 px: " + "; ".join(measured["small"][:8]))
            if problems:
                j.screenshot(f"{role}-{path}")
                failures.append(f"{role} {path}: " + " | ".join(problems))
            # One page for every URL name with arguments (the first link to it).
            for href in page.eval_on_selector_all(
                "main a[href^='/portal/']", "els => els.map(a => a.getAttribute('href'))"
            ):
                if NOT_PAGES.search(href.split("?")[0]):
                    continue
                name = _url_name(href)
                if name in with_args and name not in seen_names:
                    seen_names.add(name)
                    queue.append(href)
        report[role] = visited
        assert visited >= 3, f"{role}: only {visited} portal pages answered"
        # The browser's own error page of a skipped page (an empty 405) logs late: not a failure.
        # A sub-resource still loading when the walk moves on is aborted by the walk itself
        # (net::ERR_ABORTED); a server error would show as a 4xx/5xx response and still fails.
        j.problems = [
            p
            for p in j.problems
            if "chrome-error://" not in p
            and "net::ERR_ABORTED" not in p
            # the console's late echo of a page the walk asked for and skipped (403/404/405)
            and not re.search(r"Failed to load resource: .* status of 40[345]", p)
        ]
        j.finish()
        j.close()
    (artifacts / "phones.json").write_text(
        json.dumps({"pages_per_role": report, "failures": failures}, ensure_ascii=False, indent=1)
    )
    assert not failures, f"{len(failures)} portal pages do not fit a phone:\n" + "\n".join(failures)


def test_portal_is_installable_as_a_web_app(journey, browser, chromium_path, tmp_path):
    j = journey("installable", viewport=PHONE, audit=False)
    j.login("deputy")
    j.visit("/portal/", "portal-home", audit=False)
    page = j.page
    head = page.locator("head")
    assert head.locator("meta[name=theme-color]").get_attribute("content") == "#a61b1b"
    touch = head.locator("link[rel=apple-touch-icon]").get_attribute("href")
    manifest_href = head.locator("link[rel=manifest]").get_attribute("href")

    cdp = j.context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["url"].endswith(manifest_href), manifest["url"]
    assert not manifest["errors"], manifest["errors"]
    data = json.loads(manifest["data"])
    assert data["start_url"] == "/portal/" and data["display"] == "standalone"
    # Installability as chromium judges it needs an ordinary (not incognito) profile: a
    # persistent context of the same chromium on a throw-away profile directory.
    profile = browser.browser_type.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=chromium_path,
        headless=True,
        args=CHROMIUM_ARGS,
        viewport=PHONE,
    )
    try:
        installed_page = profile.pages[0] if profile.pages else profile.new_page()
        installed_page.goto(j.url("/"))
        installed_page.wait_for_load_state("load")
        profile_cdp = profile.new_cdp_session(installed_page)
        errors = profile_cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    finally:
        profile.close()
    assert errors == [], f"not installable: {errors}"

    # Every icon is a PNG of the size it claims; a maskable one is there; the touch icon too.
    from PIL import Image

    base = manifest["url"].rsplit("/", 1)[0] + "/"
    purposes = set()
    for icon in data["icons"]:
        response = page.request.get(base + icon["src"])
        assert response.status == 200 and response.headers["content-type"] == "image/png"
        image = Image.open(io.BytesIO(response.body()))
        assert f"{image.width}x{image.height}" == icon["sizes"]
        purposes.add(icon["purpose"])
    assert {"any", "maskable"} <= purposes
    assert any(icon["sizes"] == "512x512" for icon in data["icons"])
    touch_image = Image.open(io.BytesIO(page.request.get(j.url(touch)).body()))
    assert touch_image.size == (180, 180) and touch_image.mode == "RGB"
    j.finish()


def test_no_stylesheet_locks_the_orientation():
    """WCAG 1.3.4: the portal works in portrait and landscape. axe's css-orientation-lock rule
    cannot run under our CSP (see support.Journey.axe), so the stylesheets are read here."""
    from django.conf import settings

    sheets = [p for p in (settings.BASE_DIR / "static").rglob("*.css")]
    assert sheets, "no stylesheet found: the check would check nothing"
    locked = [str(p) for p in sheets if "orientation" in p.read_text(encoding="utf-8")]
    assert not locked, f"stylesheets with an orientation media query: {locked}"
