"""The Celery app. The database is the source of truth; tasks only trigger services."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congress.settings")

app = Celery("congress")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The daily personal-data retention job (congress.enforce_privacy_retention, docs/privacy.md).
app.autodiscover_tasks(["congress"], related_name="privacy")
