"""The audit package's background work. Task arguments are ids only; the log lines name ids, never a
person or a case."""

import datetime

from celery import shared_task
from django.utils import timezone

from config.queueing import send_again_waiting

from .models import ChainCheck, Heartbeat


@shared_task(ignore_result=True)
def beat_heartbeat():
    """Scheduled every minute by Celery beat; proves that beat and a worker are alive."""
    Heartbeat.objects.update_or_create(name="beat", defaults={"last_run_at": timezone.now()})


@shared_task(ignore_result=True)
def verify_audit_chains():
    """Nightly (CELERY_BEAT_SCHEDULE): check both log chains end to end; if one is broken, alert the
    auditors."""
    from . import services

    services.verify_and_alert()


@shared_task(ignore_result=True, acks_late=True)
def run_chain_check(check_id: str) -> None:
    """A check an auditor started from the page (audit.services.request_chain_check); safe to run again."""
    from . import services

    services.run_chain_check(check_id)


# A queued check older than this was probably never sent (broker down when it was asked for).
SWEEP_QUEUED_AFTER = datetime.timedelta(minutes=2)


@shared_task(ignore_result=True)
def sweep_queued_chain_checks() -> int:
    """Scheduled every few minutes: send again the checks still queued long after they were asked for, and
    those left running past the task time limit (a worker that died)."""
    return send_again_waiting(ChainCheck, run_chain_check, "check_id", queued_after=SWEEP_QUEUED_AFTER)
