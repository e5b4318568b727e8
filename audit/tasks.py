from celery import shared_task
from django.utils import timezone

from .models import Heartbeat


@shared_task(ignore_result=True)
def beat_heartbeat():
    """Scheduled every minute by Celery beat; proves that beat and a worker are alive."""
    Heartbeat.objects.update_or_create(name="beat", defaults={"last_run_at": timezone.now()})
