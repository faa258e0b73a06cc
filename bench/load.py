"""Load benchmark of the public pages and API lists (issue 9), with the framework's floor.

    DATABASE_URL=postgres://congress:congress@127.0.0.1:5432/congress_scale \
    REDIS_URL=redis://127.0.0.1:6379/3 \
    python bench/load.py [--duration 10] [--connections 8] [--workers 3] [--modes cached,uncached]

On the data of bench/generate.py, it starts gunicorn (`congress.wsgi`, sync workers, no access
log) on 127.0.0.1 with the production settings as docs/deployment.md gives them (DJANGO_DEBUG=0, a
random 64-character DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS=127.0.0.1, DJANGO_BEHIND_PROXY=1 and
every request carrying `X-Forwarded-Proto: https` as the TLS proxy would send it; static files
collected with the manifest storage), but with DJANGO_SETTINGS_MODULE=bench.settings, which adds
only the trivial view `/bench/trivial/` (bench/urls.py) and the BENCH_PAGE_CACHE switch.

Each mode is one server run. In it, after a 2-second unrecorded warm-up of every worker, the
trivial view is measured first, then every page, then the trivial view again (ratios use the
faster of the two floor runs), each
with `wrk` (Debian's wrk 4: `apt-get install wrk`) for --duration seconds or --max-requests
requests, whichever comes first, on loopback only. Modes:
- cached: the public page cache as in production (congress/caching.py, `PUBLIC_PAGE_CACHE` on);
  each page is requested 3 times before measuring, so the measured requests are cache hits;
- uncached: the same server with BENCH_PAGE_CACHE=0, i.e. `PUBLIC_PAGE_CACHE = False`: every
  request renders the page from the database (the Redis cache stays configured for the rest).
API lists are not page-cached, so both modes render them.

It prints the figures as a Markdown table for docs/performance.md ("Load"). Figures depend on the
machine's load: run it on a quiet machine for reference figures.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
LUA = Path(__file__).resolve().parent / "wrk_bounded.lua"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}

UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


@dataclass
class Result:
    name: str
    path: str
    requests: int = 0
    seconds: float = 0.0
    rps: float = 0.0
    p50_ms: float | None = None
    p99_ms: float | None = None
    errors: int = 0
    note: str = ""


def parse_wrk(output: str) -> dict:
    """Requests/s, p50/p99 latency (ms), request count, duration and errors from wrk --latency."""
    out: dict = {"rps": 0.0, "p50_ms": None, "p99_ms": None, "requests": 0, "seconds": 0.0}
    if m := re.search(r"Requests/sec:\s+([\d.]+)", output):
        out["rps"] = float(m.group(1))
    for pct, key in (("50", "p50_ms"), ("99", "p99_ms")):
        if m := re.search(rf"^\s+{pct}(?:\.000)?%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M):
            out[key] = float(m.group(1)) * UNIT_MS[m.group(2)]
    if m := re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", output):
        out["requests"] = int(m.group(1))
        out["seconds"] = float(m.group(2)) * UNIT_MS[m.group(3)] / 1000
    errors = 0
    if m := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output):
        errors += int(m.group(1))
    if m := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    ):
        errors += sum(int(g) for g in m.groups())
    out["errors"] = errors
    return out


def _loopback_only(name: str, url: str) -> None:
    host = urlsplit(url).hostname or ""
    if host not in LOOPBACK:
        raise SystemExit(f"{name} must point at 127.0.0.1 (loopback only); got host {host!r}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, accept: str = "*/*", timeout: float = 30.0) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={**PROXY_HEADERS, "Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def pages() -> list[tuple[str, str]]:
    """(name, path) of what is measured, the motion detail taken from the data."""
    import django

    django.setup()
    from motions.models import Motion

    motion = (
        Motion.objects.filter(state="supervision", term__congress__is_default=True)
        .order_by("number")
        .first()
        or Motion.objects.filter(state="closed").order_by("-year", "number").first()
    )
    if motion is None:
        raise SystemExit("No motions: run bench/generate.py into this database first.")
    return [
        ("home", "/"),
        ("motion list", "/motions/"),
        (f"motion detail ({motion.label})", motion.get_absolute_url()),
        ("evaluation results", "/evaluations/"),
        ("station directory", "/deputies/stations/"),
        ("API motions", "/api/motions/"),
        ("API suggestions", "/api/suggestions/"),
        ("API stations", "/api/deputy-stations/"),
        ("API evaluation results", "/api/evaluation-results/"),
    ]


def data_summary() -> str:
    from django.db import connection

    from congress.models import Obligation
    from deputies.models import VoterOpinion
    from motions.models import Motion, ProgressUpdate
    from motions.suggestions.models import Suggestion

    counts = ", ".join(
        f"{m._meta.verbose_name_plural} {m.objects.count():,}"
        for m in (Motion, ProgressUpdate, Suggestion, VoterOpinion, Obligation)
    )
    return f"{connection.vendor} `{connection.settings_dict['NAME']}`: {counts}"


class Server:
    """gunicorn with the production settings (+ bench.settings) on 127.0.0.1."""

    def __init__(self, *, workers: int, page_cache: bool, static_root: Path, log: Path):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(48),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_BEHIND_PROXY": "1",
            "SITE_URL": "https://127.0.0.1",
            "LOG_LEVEL": "WARNING",
            "BENCH_PAGE_CACHE": "1" if page_cache else "0",
            "BENCH_STATIC_ROOT": str(static_root),
            "DATA_DIR": str(static_root.parent / "data"),
        }
        self.workers = workers
        self.log = log
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        gunicorn = shutil.which("gunicorn", path=str(VENV_BIN)) or "gunicorn"
        self.process = subprocess.Popen(
            [
                gunicorn,
                "congress.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--timeout",
                "120",
                "--error-logfile",
                str(self.log),
            ],
            cwd=ROOT,
            env=self.env,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited with {self.process.returncode}: see {self.log}")
            try:
                if _get(self.base + "/bench/trivial/", timeout=5)[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.5)
        self.__exit__(None, None, None)
        raise SystemExit(f"gunicorn did not answer within 120 s: see {self.log}")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def run_wrk(base: str, name: str, path: str, *, args, accept: str = "*/*") -> Result:
    command = [
        args.wrk,
        "-t",
        str(args.threads),
        "-c",
        str(args.connections),
        "-d",
        f"{args.duration}s",
        "--timeout",
        "10s",
        "--latency",
        "-s",
        str(LUA),
        "-H",
        f"Accept: {accept}",
    ]
    for header, value in PROXY_HEADERS.items():
        command += ["-H", f"{header}: {value}"]
    command.append(base + path)
    env = {
        **os.environ,
        "WRK_MAX_REQUESTS": str(args.max_requests),
        "WRK_THREADS": str(args.threads),
    }
    completed = subprocess.run(
        command, capture_output=True, text=True, env=env, timeout=args.duration + 60
    )
    if args.verbose:
        print(completed.stdout, completed.stderr, file=sys.stderr)
    figures = parse_wrk(completed.stdout)
    return Result(
        name=name,
        path=path,
        requests=figures["requests"],
        seconds=figures["seconds"],
        rps=figures["rps"],
        p50_ms=figures["p50_ms"],
        p99_ms=figures["p99_ms"],
        errors=figures["errors"],
        note="" if completed.returncode == 0 else f"wrk exit {completed.returncode}",
    )


def measure_mode(mode: str, targets, *, args, static_root: Path, log_dir: Path) -> list[Result]:
    results: list[Result] = []
    log = log_dir / f"gunicorn-{mode}.log"
    with Server(
        workers=args.workers, page_cache=mode == "cached", static_root=static_root, log=log
    ) as server:
        print(f"## {mode}: gunicorn on {server.base}, {args.workers} workers", file=sys.stderr)
        # Every worker imports the URLconf and opens its connections on its first requests: a
        # short unrecorded run first, so that the floor is not measured on cold workers.
        warm = argparse.Namespace(**{**vars(args), "duration": 2, "max_requests": 2000})
        run_wrk(server.base, "warm-up", "/bench/trivial/", args=warm, accept="text/plain")
        floor = ("trivial view (floor)", "/bench/trivial/")
        again = ("trivial view (floor, again)", "/bench/trivial/")
        # The floor first and last: the ratios use the faster of the two.
        for name, path in [floor, *targets, again]:
            accept = "application/json" if path.startswith("/api/") else "text/html,*/*"
            status = None
            for _ in range(3):  # warm up: connections, template caches, the page cache
                status, body = _get(server.base + path, accept=accept)
            if status != 200:
                results.append(Result(name, path, note=f"HTTP {status} before measuring"))
                print(f"  {name}: HTTP {status}, skipped (see {log})", file=sys.stderr)
                continue
            result = run_wrk(server.base, name, path, args=args, accept=accept)
            results.append(result)
            print(
                f"  {name:32} {result.rps:9.1f} req/s  p50 {fmt(result.p50_ms)} ms  "
                f"p99 {fmt(result.p99_ms)} ms  {result.requests} requests, "
                f"{result.errors} errors {result.note}",
                file=sys.stderr,
                flush=True,
            )
    return results


def fmt(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def markdown(all_results: dict[str, list[Result]], *, args, header: str) -> str:
    lines = [
        header,
        "",
        "| mode | page | req/s | p50 ms | p99 ms | req/s ÷ floor | p50 ÷ floor | requests | errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for mode, results in all_results.items():
        floors = [r for r in results if r.path == "/bench/trivial/" and r.rps]
        floor = max(floors, key=lambda r: r.rps) if floors else None
        for r in results:
            ratio = f"{r.rps / floor.rps:.0%}" if floor and floor.rps and r.rps else "—"
            lat = (
                f"{r.p50_ms / floor.p50_ms:.1f}×"
                if floor and floor.p50_ms and r.p50_ms is not None
                else "—"
            )
            lines.append(
                f"| {mode} | {r.name} `{r.path}` | {r.rps:,.1f} | {fmt(r.p50_ms)} | "
                f"{fmt(r.p99_ms)} | {ratio} | {lat} | {r.requests:,} | "
                f"{r.errors}{' ' + r.note if r.note else ''} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per page (bound)")
    parser.add_argument("--max-requests", type=int, default=50000, help="requests per page (bound)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers")
    parser.add_argument("--modes", default="cached,uncached")
    parser.add_argument("--only", default="", help="comma-separated page names to measure")
    parser.add_argument("--wrk", default=shutil.which("wrk") or "wrk")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)

    if not shutil.which(args.wrk):
        raise SystemExit("wrk not found: apt-get install wrk (Debian) or pass --wrk PATH")
    for name in ("DATABASE_URL", "REDIS_URL"):
        if not os.environ.get(name):
            raise SystemExit(f"{name} must be set (PostgreSQL and Redis on 127.0.0.1)")
        _loopback_only(name, os.environ[name])
    if not os.environ["DATABASE_URL"].startswith(("postgres://", "postgresql://")):
        raise SystemExit("DATABASE_URL must be PostgreSQL (the production database)")
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if not set(modes) <= {"cached", "uncached"}:
        raise SystemExit("--modes takes cached and/or uncached")

    # The parent process reads the data with the same settings (never serves anything).
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.setdefault("DJANGO_DEBUG", "1")
    sys.path.insert(0, str(ROOT))
    targets = pages()
    if args.only:
        wanted = {w.strip() for w in args.only.split(",")}
        targets = [t for t in targets if t[0].split(" (")[0] in wanted]
    summary = data_summary()

    work = Path(tempfile.mkdtemp(prefix="congress-load-"))
    static_root = work / "static"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(48),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "BENCH_STATIC_ROOT": str(static_root),
        "DATA_DIR": str(work / "data"),
    }
    print(f"collectstatic (manifest storage) into {static_root} …", file=sys.stderr, flush=True)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    load = os.getloadavg()
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    all_results = {
        mode: measure_mode(mode, targets, args=args, static_root=static_root, log_dir=work)
        for mode in modes
    }
    header = (
        f"Measured {started} on {os.cpu_count()} CPU cores (load average at start "
        f"{load[0]:.1f}), gunicorn {args.workers} sync workers, wrk {args.threads} threads × "
        f"{args.connections} connections, {args.duration} s or {args.max_requests:,} requests "
        f"per row; data: {summary}."
    )
    print(markdown(all_results, args=args, header=header))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
