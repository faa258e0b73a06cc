"""Helpers of the browser journeys: the chromium launch, a watched page, axe-core, screenshots."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import struct
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_DEFAULT = "/usr/bin/chromium"
# Debian's chromium, headless, nothing phoning home (no downloads of any kind at run time).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
AXE_WIDTHS = (375, 1280)
# axe rule sets: WCAG 2.0/2.1/2.2 A and AA (GB/T 37668-2019 follows WCAG 2.0 AA) + best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
BLOCKING_IMPACTS = {"serious", "critical"}
TIMINGS = {"screenshot": 0.0, "axe": 0.0}  # seconds spent, printed at the end of the session


def chromium_executable() -> str | None:
    path = os.environ.get("CHROMIUM", CHROMIUM_DEFAULT)
    return path if os.path.isfile(path) and os.access(path, os.X_OK) else None


def axe_path() -> Path | None:
    candidates = [
        os.environ.get("AXE_CORE_JS", ""),
        ROOT / "node_modules" / "axe-core" / "axe.min.js",
        Path.home() / ".cache" / "congress-npm" / "node_modules" / "axe-core" / "axe.min.js",
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


def demo_password() -> str:
    from congress.demo_support import DEMO_PASSWORD

    return DEMO_PASSWORD


def totp(secret: str, counter: int, digits: int = 6) -> str:
    """RFC 6238 code (30 s steps: counter = unix time // 30) for a base32 or hex secret."""
    cleaned = secret.replace(" ", "").strip()
    if re.fullmatch(r"[0-9a-fA-F]{40}", cleaned):
        key = bytes.fromhex(cleaned)
    else:
        key = base64.b32decode(cleaned.upper() + "=" * (-len(cleaned) % 8))
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    code = (struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**digits
    return str(code).zfill(digits)


@dataclass
class AxeReport:
    """Every axe run of the session: page, width and its violations (all impacts)."""

    runs: list[dict] = field(default_factory=list)

    def add(self, journey: str, label: str, url: str, width: int, violations: list[dict]):
        self.runs.append(
            {
                "journey": journey,
                "page": label,
                "url": url,
                "width": width,
                "violations": [
                    {
                        "id": v["id"],
                        "impact": v.get("impact"),
                        "help": v.get("help"),
                        "nodes": [n.get("target") for n in v.get("nodes", [])][:10],
                    }
                    for v in violations
                ],
            }
        )

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(self.runs, ensure_ascii=False, indent=1), encoding="utf-8")


class Journey:
    """A browser context + page, watched for console errors and failed requests.

    `visit(path)` / `check(label)` screenshot the page and run axe at 375 px and 1280 px;
    `finish()` asserts no console error, no failed request and no serious or critical violation.
    """

    def __init__(
        self,
        browser,
        *,
        base_url: str,
        name: str,
        artifacts: Path,
        axe_source: str,
        axe_report: AxeReport,
        viewport: dict | None = None,
        locale: str = "zh-CN",
        bypass_csp: bool = False,
        audit: bool = True,
    ):
        self.base_url = base_url
        self.name = name
        self.viewport = viewport or DESKTOP
        self.folder = artifacts / name
        self.folder.mkdir(parents=True, exist_ok=True)
        self.axe_source = axe_source
        self.axe_report = axe_report
        self.audit = audit
        self.context = browser.new_context(
            base_url=base_url,
            viewport=self.viewport,
            locale=locale,
            accept_downloads=True,
            bypass_csp=bypass_csp,
        )
        self.context.set_default_timeout(15_000)
        self.problems: list[str] = []
        self.blocking: list[str] = []
        self.shots = 0
        self.context.on("page", self._watch)
        self.page = self.context.new_page()

    # --- watching -----------------------------------------------------------------------------
    def _watch(self, page) -> None:
        page.on("console", lambda msg: self._on_console(msg, page))
        page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))
        page.on("requestfailed", self._on_request_failed)
        page.on("response", self._on_response)

    def _on_console(self, msg, page=None) -> None:
        if msg.type == "error":
            where = msg.location.get("url") or (page.url if page is not None else "")
            self.problems.append(f"console error on {where}: {msg.text}")

    def _on_request_failed(self, request) -> None:
        failure = request.failure or ""
        # The browser itself cancels media range requests and downloads when it moves on: not a
        # server failure (a 4xx/5xx answer is caught by _on_response).
        if "ERR_ABORTED" in failure and request.resource_type in {"media", "document", "other"}:
            return
        self.problems.append(f"request failed: {request.method} {request.url} ({failure})")

    def _on_response(self, response) -> None:
        if response.status >= 400:
            self.problems.append(
                f"{response.status} for {response.request.method} {response.url} "
                f"({response.request.resource_type})"
            )

    # --- navigation ---------------------------------------------------------------------------
    def url(self, path: str) -> str:
        return path if path.startswith("http") else self.base_url + path

    def visit(self, path: str, label: str | None = None, *, audit: bool = True):
        response = self.page.goto(self.url(path))
        assert response is not None and response.status == 200, (
            f"{path}: HTTP {response.status if response else 'no response'}"
        )
        if audit:
            self.check(label or path)
        return response

    def path(self) -> str:
        return self.page.url.removeprefix(self.base_url)

    # --- checks -------------------------------------------------------------------------------
    def screenshot(self, label: str) -> Path:
        self.shots += 1
        slug = re.sub(r"[^0-9A-Za-z]+", "-", label).strip("-")[:60] or "page"
        width = self.page.viewport_size["width"]
        path = self.folder / f"{self.shots:02d}-{slug}-{width}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def check(self, label: str) -> None:
        """Screenshot + axe at 375 px and 1280 px, then back to the journey's viewport."""
        self.page.wait_for_load_state("load")
        for width in AXE_WIDTHS:
            started = time.monotonic()
            self.page.set_viewport_size({"width": width, "height": self.viewport["height"]})
            self.screenshot(label)
            TIMINGS["screenshot"] += time.monotonic() - started
            if self.audit:
                started = time.monotonic()
                self.axe(label, width)
                TIMINGS["axe"] += time.monotonic() - started
        self.page.set_viewport_size(self.viewport)

    def axe(self, label: str, width: int) -> list[dict]:
        page = self.page
        if not page.evaluate("() => typeof window.axe === 'object'"):
            # Evaluated through the DevTools protocol: no <script> element, so the Content
            # Security Policy does not apply to it.
            page.evaluate(self.axe_source + "\n;void 0")
        # preload: false — axe's preload fetches the stylesheets and parses them in <style>
        # elements of its own, which the Content Security Policy (rightly) refuses, and the
        # journey would fail on axe's console errors. Only css-orientation-lock needs that
        # CSSOM; our CSS has no orientation media query (test_phones checks the files).
        result = page.evaluate(
            """(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags},
                 resultTypes: ['violations'], preload: false}).then(r => r.violations)""",
            AXE_TAGS,
        )
        self.axe_report.add(self.name, label, self.path(), width, result)
        for violation in result:
            if violation.get("impact") in BLOCKING_IMPACTS:
                targets = [n.get("target") for n in violation.get("nodes", [])][:5]
                self.blocking.append(
                    f"{label} @ {width}px: {violation['impact']} {violation['id']} "
                    f"({violation.get('help')}) on {targets}"
                )
        return result

    # --- logging in ---------------------------------------------------------------------------
    def login(self, username: str, *, otp_secret: str | None = None, keyboard: bool = False):
        page = self.page
        self.visit("/accounts/login/", f"login-{username}")
        form = page.locator("main form")
        if keyboard:
            for _ in range(60):  # from the top of the page: skip link, header, navigation…
                if page.evaluate("() => document.activeElement.name") == "username":
                    break
                page.keyboard.press("Tab")
            else:
                raise AssertionError("Tab never reached the username field")
            page.keyboard.type(username)
            page.keyboard.press("Tab")
            page.keyboard.type(demo_password())
            with page.expect_navigation():
                page.keyboard.press("Enter")
        else:
            form.locator("input[name=username]").fill(username)
            form.locator("input[name=password]").fill(demo_password())
            with page.expect_navigation():
                form.locator("button[type=submit]").click()
        self.second_factor(username, otp_secret)
        if "/accounts/" in page.url.removeprefix(self.base_url).split("?")[0]:
            self.screenshot(f"login-{username}-failed")
            errors = page.locator(
                "main .form-errors, main .error, main [role=alert]"
            ).all_inner_texts()
            raise AssertionError(f"login as {username} failed: {page.url} {errors}")

    def second_factor(self, username: str, otp_secret: str | None) -> None:
        """Answers the second-factor step if the page asks for one (congress.mfa, TOTP): the
        code page (the demo's known secret, or the one this session enrolled), or the enrolment
        page of an account that must use a second factor and has none yet (its key is shown)."""
        page = self.page
        field = page.locator(
            "main input[name=otp_token], main input[name=token], main input[name=code], "
            "main input[autocomplete=one-time-code]"
        )
        if not field.count():
            return
        self.check("second-factor")
        shown_key = page.locator("main code")
        if shown_key.count():  # enrolment: the key is shown on the page
            ENROLLED[username] = shown_key.first.inner_text().strip()
        secret = (
            otp_secret
            or ENROLLED.get(username)
            or os.environ.get("DEMO_TOTP_SECRET")
            or demo_totp_secret()
        )
        assert secret, "the login asks for a one-time password but no demo TOTP secret is known"
        field.first.fill(totp(secret, next_totp_counter(secret)))
        with page.expect_navigation():
            field.first.press("Enter")
        if page.locator("main li code").count():  # after enrolment: the backup codes, once
            self.check("backup-codes")
            with page.expect_navigation():
                page.locator("main a.btn").last.click()

    def logout(self) -> None:
        with self.page.expect_navigation():
            self.page.locator("header form[action*=logout] button").click()

    # --- the verdict --------------------------------------------------------------------------
    def finish(self) -> None:
        messages = []
        if self.problems:
            messages.append("console errors / failed requests:\n  " + "\n  ".join(self.problems))
        if self.blocking:
            messages.append("serious/critical axe violations:\n  " + "\n  ".join(self.blocking))
        assert not messages, f"journey {self.name} ({self.folder}):\n" + "\n".join(messages)

    def close(self) -> None:
        self.context.close()


def demo_totp_secret() -> str | None:
    """The demo's known TOTP secret of the staff logins (congress.mfa, seeded by seed_demo)."""
    try:
        from congress import mfa
    except ImportError:  # no second factor in this checkout
        return None
    return getattr(mfa, "DEMO_TOTP_BASE32", None)


_LAST_COUNTER: dict[str, int] = {}
ENROLLED: dict[str, str] = {}  # username → TOTP key enrolled during this test session


def next_totp_counter(secret: str) -> int:
    """A time step not used yet with this secret: a code is accepted once, and the server allows
    one step of drift, so a second login within 30 s uses the next step's code (or waits)."""
    now = int(time.time() // 30)
    counter = max(now, _LAST_COUNTER.get(secret, -1) + 1)
    while counter > now + 1:
        time.sleep(max(0.2, (now + 1) * 30 - time.time() + 0.2))
        now = int(time.time() // 30)
    _LAST_COUNTER[secret] = counter
    return counter
