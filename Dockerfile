# The congress portal: one image for the web, worker, beat and migrate roles (docker/entrypoint.sh).
#   docker compose build        (see docs/deployment.md)
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=congress.settings \
    DATA_DIR=/data \
    MEDIA_ROOT=/data/media \
    PRIVATE_MEDIA_ROOT=/data/private

# No system packages are needed: psycopg2-binary, Pillow and reportlab ship wheels, translations
# compile in pure Python (polib), PDFs use reportlab's built-in CJK fonts.
RUN groupadd --system --gid 10001 congress \
    && useradd --system --uid 10001 --gid congress --create-home --home-dir /home/congress \
        --shell /usr/sbin/nologin congress

WORKDIR /app

# Dependencies first (a layer that changes only with pyproject.toml). The project declares no
# packages of its own (it runs from its checkout), so this installs the dependencies only.
COPY pyproject.toml ./
RUN pip install .

COPY --chown=root:root . .

# Build-time only settings: production mode for the manifest static storage, a throw-away key.
RUN DJANGO_DEBUG=0 \
    DJANGO_SECRET_KEY=build-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz \
    DJANGO_ALLOWED_HOSTS=build.invalid \
    DATA_DIR=/tmp/build-data \
    sh -c 'python manage.py compilemessages_pure --quiet \
        && python manage.py collectstatic --noinput -v 0' \
    && rm -rf /tmp/build-data \
    && mkdir -p /data/media /data/private \
    && chown -R congress:congress /data \
    && chmod 750 /data/private

USER congress
VOLUME ["/data/media", "/data/private"]
EXPOSE 8000
ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["web"]
