"""Container healthcheck of the web role: can this container serve requests?

It asks /healthz as the reverse proxy would: with a host name the portal serves (the first of
DJANGO_ALLOWED_HOSTS) and X-Forwarded-Proto: https, so that neither ALLOWED_HOSTS nor the HTTPS
redirect of the production settings turns the check into a 400 or a 301.

Healthy when /healthz answers 200, or 503 with the database, the cache and the broker all ok:
the other parts /healthz reports (the deadline sweep's heartbeat) depend on the beat and worker
containers, and restarting the web container cannot mend them. Monitoring should watch the full
/healthz answer.
"""

import json
import os
import sys
import urllib.error
import urllib.request

NEEDED = ("database", "cache", "broker")

hosts = [h.strip() for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h.strip()]
host = next((h.lstrip(".") for h in hosts if h != "*"), "localhost")
request = urllib.request.Request(
    "http://127.0.0.1:8000/healthz",
    headers={"Host": host, "X-Forwarded-Proto": "https", "Accept": "application/json"},
)
try:
    with urllib.request.urlopen(request, timeout=8) as response:
        sys.exit(0 if response.status == 200 else 1)
except urllib.error.HTTPError as exc:
    body = exc.read()
    if exc.code == 503:
        try:
            report = json.loads(body)
        except ValueError:
            report = {}
        if all(report.get(part, {}).get("ok") for part in NEEDED):
            print(f"serving; /healthz reports other parts down: {body[:300]!r}", file=sys.stderr)
            sys.exit(0)
    print(f"/healthz answered {exc.code}: {body[:300]!r}", file=sys.stderr)
except OSError as exc:
    print(f"/healthz unreachable: {exc}", file=sys.stderr)
sys.exit(1)
