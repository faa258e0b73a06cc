#!/bin/sh
# Entrypoint of the portal image: one image, one role per container (docker-compose.yml).
#
#   web       gunicorn serving congress.wsgi on :8000 (static files by WhiteNoise)
#   worker    a Celery worker (no beat: beat runs once, in its own container)
#   beat      Celery beat with django_celery_beat's DatabaseScheduler
#   migrate   apply migrations (roles and the beat schedule come with them), then exit
#   manage …  any manage.py command, e.g. `docker compose run --rm web manage seed_demo`
#   anything else is executed as given.
set -eu

role=${1:-web}
[ "$#" -gt 0 ] && shift

case "$role" in
web)
  # WEB_CONCURRENCY is read by gunicorn itself (default here: 3 workers).
  # The proxy in front is the only client: trust its X-Forwarded-* headers.
  exec gunicorn congress.wsgi \
    --bind 0.0.0.0:8000 \
    --workers "${WEB_CONCURRENCY:-3}" \
    --timeout 60 \
    --graceful-timeout 30 \
    --max-requests 2000 --max-requests-jitter 200 \
    --forwarded-allow-ips '*' \
    --access-logfile - --error-logfile - \
    "$@"
  ;;
worker)
  exec celery -A congress worker \
    --loglevel "${LOG_LEVEL:-INFO}" \
    --concurrency "${CELERY_CONCURRENCY:-2}" \
    --hostname "worker@%h" \
    "$@"
  ;;
beat)
  # The schedule lives in the database (django_celery_beat); no schedule file, no pid file.
  exec celery -A congress beat \
    --loglevel "${LOG_LEVEL:-INFO}" \
    --scheduler django_celery_beat.schedulers:DatabaseScheduler \
    --pidfile= \
    "$@"
  ;;
migrate)
  python manage.py migrate --noinput
  python manage.py check --deploy --fail-level ERROR
  ;;
manage)
  exec python manage.py "$@"
  ;;
*)
  exec "$role" "$@"
  ;;
esac
