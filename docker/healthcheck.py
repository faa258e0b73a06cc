"""Container healthcheck of the web role: GET /healthz must answer 200.

It asks as the reverse proxy would: with a host name the portal serves (the first of
DJANGO_ALLOWED_HOSTS) and X-Forwarded-Proto: https, so that neither ALLOWED_HOSTS nor the HTTPS
redirect of the production settings turns the check into a 400 or a 301.
"""

import os
import sys
import urllib.error
import urllib.request

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
    print(f"/healthz answered {exc.code}: {exc.read()[:300]!r}", file=sys.stderr)
except OSError as exc:
    print(f"/healthz unreachable: {exc}", file=sys.stderr)
sys.exit(1)
