#!/usr/bin/env python3
"""The project's two commands, usable on a fresh machine with only Python 3.11+.

    python3 run.py demo   # set up, seed the demo data, serve http://127.0.0.1:8000 with worker + beat
    python3 run.py test   # set up and run the whole test suite (extra arguments go to pytest)

Both create `.venv/` on first use and install the project with its `dev` extra. With
DATABASE_URL / REDIS_URL set, the same commands run against PostgreSQL / Redis.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PY = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def say(msg: str) -> None:
    print(f"\033[1m==> {msg}\033[0m", flush=True)


def ensure_venv() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - run.py may be started by an older python3
        sys.exit(f"Python 3.11 or newer is needed (found {sys.version.split()[0]})")
    if not PY.exists():
        say("creating .venv")
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp = VENV / ".installed"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not stamp.exists() or stamp.read_text() != digest:
        say("installing dependencies (first run only)")
        subprocess.run([PY, "-m", "pip", "install", "-q", "--upgrade", "pip"], check=True)
        subprocess.run([PY, "-m", "pip", "install", "-q", "-e", f"{ROOT}[dev]"], check=True)
        stamp.write_text(digest)


def manage(*args: str) -> None:
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, check=True)


def prepare() -> None:
    ensure_venv()
    # Translations are compiled in pure Python (polib): no system gettext needed.
    manage("compilemessages_pure", "--quiet")


def demo() -> int:
    prepare()
    say("migrating the database")
    manage("migrate", "--noinput", "-v", "0")
    say("seeding the demo data (Haidian District, 17th term)")
    manage("seed_demo")
    say(
        "running the deadline sweep once (reminders, overdue marking), as beat will every 15 minutes"
    )
    manage("sweep_deadlines")
    say("starting the Celery worker with beat (embedded broker unless REDIS_URL is set)")
    worker = subprocess.Popen(
        [
            PY,
            "-m",
            "celery",
            "-A",
            "congress",
            "worker",
            "-B",
            "-l",
            "warning",
            "--concurrency",
            "1",
            "-s",
            str(ROOT / "data" / "celerybeat-schedule"),
        ],
        cwd=ROOT,
    )
    say("serving http://127.0.0.1:8000  (Ctrl-C stops everything)")
    try:
        return subprocess.run([PY, "manage.py", "runserver", "127.0.0.1:8000"], cwd=ROOT).returncode
    except KeyboardInterrupt:
        return 0
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()


def test(extra: list[str]) -> int:
    prepare()
    workers = os.environ.get("PYTEST_WORKERS", "2")
    args = [PY, "-m", "pytest"]
    if workers not in ("0", "1") and not any(a.startswith("-n") for a in extra):
        args += ["-n", workers]
    return subprocess.run([*args, *extra], cwd=ROOT).returncode


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in {"demo", "test"}:
        print(__doc__)
        return 2
    os.chdir(ROOT)
    if sys.argv[1] == "demo":
        return demo()
    return test(sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
