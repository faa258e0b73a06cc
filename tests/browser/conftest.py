"""Browser journeys: Playwright driving Debian's chromium (headless) against a live server.

One server per test session: a fresh SQLite database in a temporary DATA_DIR, migrated and seeded
with the demo (`seed_demo`), served by `manage.py runserver` on a free port of 127.0.0.1. Seeding
takes about a minute, so the seeded data directory is kept in `data/browser-seed/<key>/` (key: the
day, the migrations and the demo modules) and copied afresh for every session.

These tests run on their own (`pytest tests/browser`, or BROWSER_TESTS=1): the README's suite
skips them. Without chromium (or axe-core) they are skipped locally and FAIL when CI=true.
See docs/browser.md.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.browser import support

ROOT = Path(__file__).resolve().parents[2]
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
SELECT_REASON = (
    "browser journeys run on their own: `pytest tests/browser -n0` or BROWSER_TESTS=1 "
    "(docs/browser.md)"
)


def _explicitly_selected(config) -> bool:
    if os.environ.get("BROWSER_TESTS", "").lower() in {"1", "true", "yes"}:
        return True
    here = Path(__file__).resolve().parent
    for arg in config.args:
        path = Path(arg.split("::")[0]).resolve()
        if path == here or here in path.parents:
            return True
    return False


def pytest_collection_modifyitems(config, items):
    if _explicitly_selected(config):
        return
    skip = pytest.mark.skip(reason=SELECT_REASON)
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(skip)


def _missing(what: str) -> None:
    if IN_CI:
        pytest.fail(f"{what} (CI=true: the browser tests must run in CI)", pytrace=False)
    pytest.skip(what)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = support.chromium_executable()
    if not path:
        _missing(
            f"chromium not found at {support.CHROMIUM_DEFAULT} (CHROMIUM to override): "
            "apt-get install chromium fonts-noto-cjk"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _missing("the playwright Python package is not installed (dev extra)")
    return path


@pytest.fixture(scope="session")
def axe_source() -> str:
    path = support.axe_path()
    if not path:
        _missing(
            "axe-core not found (AXE_CORE_JS, or `npm install --prefix ~/.cache/congress-npm "
            "axe-core@4`)"
        )
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def artifacts() -> Path:
    folder = Path(os.environ.get("BROWSER_ARTIFACTS", ROOT / "artifacts" / "browser"))
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    print(f"\nbrowser artifacts (screenshots, axe report): {folder}")
    return folder


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _seed_key() -> str:
    digest = hashlib.sha256(time.strftime("%Y-%m-%d").encode())
    patterns = [
        "*/migrations/*.py",
        "*/*/migrations/*.py",
        "*/demo.py",
        "*/*/demo.py",
        "*/demo_assets/*",  # files the demo attaches (motions' sample video)
    ]
    for pattern in patterns:
        for path in sorted(ROOT.glob(pattern)):
            if ".venv" in path.parts:
                continue
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    digest.update((ROOT / "congress" / "demo_support.py").read_bytes())
    return digest.hexdigest()[:16]


def _server_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        DATA_DIR=str(data_dir),
        DJANGO_DEBUG="1",
        DJANGO_SETTINGS_MODULE="congress.settings",
        PYTHONUNBUFFERED="1",
    )
    env.pop("PYTEST_CURRENT_TEST", None)
    env.pop("PYTEST_XDIST_WORKER", None)
    return env


def _seeded_data(tmp_root: Path) -> Path:
    """A seeded copy of the demo data directory for this session (seeding at most once a day)."""
    cache_root = Path(os.environ.get("BROWSER_SEED_CACHE", ROOT / "data" / "browser-seed"))
    seeded = cache_root / _seed_key()
    if os.environ.get("BROWSER_SEEDED_DATA"):  # a data directory seeded earlier (debugging)
        seeded = Path(os.environ["BROWSER_SEEDED_DATA"])
    elif not (seeded / "ok").exists():
        if cache_root.exists():
            shutil.rmtree(cache_root)
        building = cache_root / "building"
        building.mkdir(parents=True)
        started = time.monotonic()
        for command in (["migrate", "--noinput", "-v", "0"], ["seed_demo"]):
            _manage(command, building)
        print(f"seeded the demo in {time.monotonic() - started:.0f}s")
        shutil.rmtree(building / "broker", ignore_errors=True)
        (building / "ok").write_text("seeded\n")
        building.rename(seeded)
    target = tmp_root / "data"
    shutil.copytree(
        seeded,
        target,
        ignore=shutil.ignore_patterns("ok", "server.log", "broker", "celerybeat-schedule*"),
    )
    # Migrations newer than the seed (none, usually): applied to the copy in a few seconds.
    _manage(["migrate", "--noinput", "-v", "0"], target)
    return target


def _manage(command: list[str], data_dir: Path) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env=_server_env(data_dir),
        capture_output=True,
        text=True,
    )
    if result.returncode:
        pytest.fail(f"{' '.join(command)} failed:\n{result.stdout[-3000:]}{result.stderr[-5000:]}")


@pytest.fixture(scope="session")
def live_server_url(chromium_path, tmp_path_factory) -> str:
    if os.environ.get("BROWSER_LIVE_URL"):  # a server you started on seeded data (debugging)
        yield os.environ["BROWSER_LIVE_URL"].rstrip("/")
        return
    data_dir = _seeded_data(tmp_path_factory.mktemp("browser"))
    port = _free_port()
    log = open(data_dir / "server.log", "w")  # noqa: SIM115 (closed at teardown)
    server = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "runserver",
            "--noreload",
            "--skip-checks",
            f"127.0.0.1:{port}",
        ],
        cwd=ROOT,
        env=_server_env(data_dir),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url + "/healthz", timeout=5)
            break
        except urllib.error.HTTPError:
            break  # it answers
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                log.close()
                pytest.fail(
                    "the live server did not start:\n" + (data_dir / "server.log").read_text()
                )
            time.sleep(0.3)
    yield url
    server.terminate()
    with contextlib.suppress(subprocess.TimeoutExpired):
        server.wait(timeout=10)
    if server.poll() is None:
        server.kill()
    log.close()


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium_path, headless=True, args=support.CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def axe_report(artifacts):
    report = support.AxeReport()
    yield report
    report.write(artifacts / "axe-report.json")
    print(
        f"\naxe runs: {len(report.runs)}; time in axe {support.TIMINGS['axe']:.0f}s, "
        f"in screenshots {support.TIMINGS['screenshot']:.0f}s"
    )


@pytest.fixture
def journey(browser, live_server_url, artifacts, axe_source, axe_report, request):
    """Makes journeys: `journey("name", viewport=(375, 812))` → support.Journey (closed after)."""
    made = []

    def make(name: str | None = None, **kwargs) -> support.Journey:
        j = support.Journey(
            browser,
            base_url=live_server_url,
            name=name or request.node.name,
            artifacts=artifacts,
            axe_source=axe_source,
            axe_report=axe_report,
            **kwargs,
        )
        made.append(j)
        return j

    yield make
    for j in made:
        j.close()
