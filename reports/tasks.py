"""Long reports in the background. Task arguments are ids only; both tasks are safe to run again."""

import datetime
import logging

from celery import shared_task
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from config.queueing import send_again_waiting
from encryption import crypto

from . import documents, services
from .models import ReportJob

logger = logging.getLogger(__name__)


def file_aad(job: ReportJob) -> bytes:
    """Binds the sealed file to its job row (and its kind and format), so it cannot be moved to another."""
    return crypto.associated_data("reports_reportjob", f"sealed_file:{job.kind}:{job.file_format}", job.pk)


@shared_task(ignore_result=True, acks_late=True)
def build_report(job_id: str) -> None:
    """Build a queued report, seal the file to its row, and note when it expires. A job that is already
    done, failed or expired is left as it is; one interrupted while running is built again."""
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status not in (ReportJob.Status.QUEUED, ReportJob.Status.RUNNING):
            return
        job.status, job.progress = ReportJob.Status.RUNNING, 0
        job.save(update_fields=["status", "progress"])

    def progress(percent: int) -> None:
        ReportJob.objects.filter(pk=job.pk, status=ReportJob.Status.RUNNING).update(progress=percent)

    try:
        document = documents.build(job, progress)
    except PermissionDenied:
        # The requester lost the role after asking: nothing is built.
        logger.warning("report %s refused: the requester no longer holds the role", job.pk)
        ReportJob.objects.filter(pk=job.pk).update(status=ReportJob.Status.FAILED)
        return
    except Exception:
        # The page shows the failure; the log names the job only (messages here carry no personal data).
        logger.exception("report %s failed", job.pk)
        ReportJob.objects.filter(pk=job.pk).update(status=ReportJob.Status.FAILED)
        return
    finished = timezone.now()
    ReportJob.objects.filter(pk=job.pk, status=ReportJob.Status.RUNNING).update(
        sealed_file=crypto.seal(document.content, aad=file_aad(job)),
        case_ids=[str(case_id) for case_id in document.case_ids],
        figures=document.figures,
        version=document.version,
        revises=document.revises,
        changes=document.changes,
        status=ReportJob.Status.DONE,
        progress=100,
        finished_at=finished,
        expires_at=services.report_file_expiry(finished),
    )


@shared_task(ignore_result=True)
def delete_expired_report_files() -> int:
    """Scheduled hourly (CELERY_BEAT_SCHEDULE): expired files are deleted; the row stays as the record."""
    return ReportJob.objects.filter(status=ReportJob.Status.DONE, expires_at__lte=timezone.now()).update(
        sealed_file="", status=ReportJob.Status.EXPIRED
    )


# A queued job older than this was probably never sent (broker down when it was asked for).
SWEEP_QUEUED_AFTER = datetime.timedelta(minutes=2)


@shared_task(ignore_result=True)
def sweep_queued_reports() -> int:
    """Scheduled every few minutes: send again the jobs still queued long after they were asked for, and
    those left running past the task time limit (a worker that died). build_report is safe to run again."""
    return send_again_waiting(ReportJob, build_report, "job_id", queued_after=SWEEP_QUEUED_AFTER)
