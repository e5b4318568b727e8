"""The Celery app. Broker and schedule come from settings (CELERY_* names)."""

import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("samsyn")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def _check_keyrings(**kwargs):
    # A worker that cannot open stored values must not start taking tasks.
    from accesscontrol.keys import check_keyrings_at_startup

    check_keyrings_at_startup()
