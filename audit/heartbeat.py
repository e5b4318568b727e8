from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

from .models import Heartbeat


def beat_status() -> dict:
    """The age of the last beat tick, in seconds (None when it never ran)."""
    try:
        last = Heartbeat.objects.filter(name="beat").values_list("last_run_at", flat=True).first()
    except DatabaseError:
        return {"beat_last_run_seconds_ago": None}
    age = None if last is None else round((timezone.now() - last).total_seconds())
    status = {"beat_last_run_seconds_ago": age}
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        status["beat"] = "ok" if age is not None and age < settings.SAMSYN_BEAT_STALE_SECONDS else "stale"
    return status
