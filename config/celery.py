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
    # A worker that cannot open stored values must not start taking tasks. Celery logs and swallows
    # an Exception raised in a signal handler, so the refusal leaves as SystemExit.
    from django.core.exceptions import ImproperlyConfigured

    from encryption.keys import check_keyrings_at_startup

    try:
        check_keyrings_at_startup()
    except ImproperlyConfigured as exc:
        raise SystemExit(f"Samsyn worker refuses to start: {exc}") from exc
