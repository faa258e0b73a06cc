"""Settings for the load benchmark only (bench/load.py): the production settings plus a trivial
view, never used by a deployment (docker/entrypoint.sh and congress/wsgi.py use congress.settings).

    DJANGO_SETTINGS_MODULE=bench.settings  (set by bench/load.py for its gunicorn)

- ROOT_URLCONF adds `/bench/trivial/` (bench/urls.py) in front of the project's URLs, so the
  framework's floor is measured through the same middleware, server and settings.
- BENCH_PAGE_CACHE=0 turns the public page cache (congress/caching.py, `PUBLIC_PAGE_CACHE`) off,
  for the uncached figures; 1 (the default) leaves it as production has it.
"""

from __future__ import annotations

import os

from congress.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

PUBLIC_PAGE_CACHE = os.environ.get("BENCH_PAGE_CACHE", "1") == "1"

# Static files collected by bench/load.py into a temporary folder (never into the checkout).
if os.environ.get("BENCH_STATIC_ROOT"):
    STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]
