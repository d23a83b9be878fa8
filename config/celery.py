"""The Celery app: JSON only, late acknowledgement, one task at a time per worker process.

Settings come from Django settings with the CELERY_ prefix (config/settings/base.py), including
the static beat schedule (no database scheduler: DESIGN.md section 0).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("mhsc")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
