"""The load benchmark's harness (bench/load.py): its wrk parsing and the bench-only trivial view."""

from __future__ import annotations

import pytest
from django.test import override_settings

from bench.load import Result, markdown, parse_wrk

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:40123/motions/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    21.43ms    5.10ms  80.12ms   90.00%
    Req/Sec   187.40     20.11   240.00     70.00%
  Latency Distribution
     50%   20.50ms
     75%   23.00ms
     90%   27.10ms
     99%    1.20s
  3740 requests in 10.01s, 40.12MB read
  Socket errors: connect 0, read 1, write 0, timeout 2
  Non-2xx or 3xx responses: 3
Requests/sec:    373.63
Transfer/sec:      4.01MB
"""


def test_wrk_output_is_parsed_with_units():
    figures = parse_wrk(WRK_OUTPUT)
    assert figures["rps"] == pytest.approx(373.63)
    assert figures["p50_ms"] == pytest.approx(20.5)
    assert figures["p99_ms"] == pytest.approx(1200.0)
    assert figures["requests"] == 3740
    assert figures["seconds"] == pytest.approx(10.01)
    assert figures["errors"] == 6  # 3 non-2xx + 1 read error + 2 timeouts


def test_the_table_gives_each_figure_as_a_ratio_to_the_trivial_view():
    results = {
        "cached": [
            Result("trivial view (floor)", "/bench/trivial/", 1000, 10, 1000.0, 2.0, 9.0),
            Result("home", "/", 800, 10, 800.0, 3.0, 12.0),
            Result("API motions", "/api/motions/", 0, note="HTTP 500 before measuring"),
        ]
    }
    table = markdown(results, args=None, header="header")
    assert "| cached | home `/` | 800.0 | 3.0 | 12.0 | 80% | 1.5× | 800 | 0 |" in table
    assert "HTTP 500 before measuring" in table


def test_the_trivial_view_exists_only_in_the_bench_urlconf(client):
    assert client.get("/bench/trivial/").status_code == 404  # production URLs
    with override_settings(ROOT_URLCONF="bench.urls"):
        response = client.get("/bench/trivial/")
    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_production_entry_points_never_use_the_bench_settings():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    for path in ("congress/wsgi.py", "congress/asgi.py", "manage.py", "docker/entrypoint.sh"):
        text = (root / path).read_text()
        assert "bench" not in text, path


def test_the_ratios_use_the_faster_of_the_two_floor_runs():
    results = {
        "cached": [
            Result("trivial view (floor)", "/bench/trivial/", 800, 10, 800.0, 2.0, 9.0),
            Result("home", "/", 900, 10, 900.0, 2.5, 9.0),
            Result("trivial view (floor, again)", "/bench/trivial/", 1000, 10, 1000.0, 2.0, 9.0),
        ]
    }
    table = markdown(results, args=None, header="header")
    assert "| cached | home `/` | 900.0 | 2.5 | 9.0 | 90% |" in table
