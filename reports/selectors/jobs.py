"""Long reports: a user sees only the jobs they asked for, in the agreement they work in, and only while they
still hold the role for the kind."""

from django.core.exceptions import PermissionDenied

from accesscontrol import policies

from .. import revisions
from ..models import ReportJob
from ..services import REPORT_ACTIONS, report_kinds_for


def report_kinds(*, actor) -> list[str]:
    kinds = report_kinds_for(actor)
    if not kinds:
        raise PermissionDenied
    return kinds


def my_jobs(*, actor):
    return ReportJob.objects.filter(
        agreement=actor.agreement, requested_by=actor.user, kind__in=report_kinds(actor=actor)
    ).defer("sealed_file")


def my_job(*, actor, job_id) -> ReportJob:
    """Raises ReportJob.DoesNotExist for a job of someone else (or of a role the actor no longer holds)."""
    job = my_jobs(actor=actor).filter(pk=job_id).first()
    if job is None or not policies.may(actor, REPORT_ACTIONS[job.kind]):
        raise ReportJob.DoesNotExist
    return ReportJob.objects.get(pk=job.pk)


def revised_figures(*, actor, job: ReportJob) -> list[revisions.RevisedFigure]:
    """What changed in a revised follow-up since the version it revises, and what it rests on (the cases
    and the change log's records of them between the two); empty for a report that is not revised."""
    if not job.revised or job.revises is None:
        return []
    return revisions.revised_figures(
        actor=actor, changes=job.changes, since=job.revises.finished_at, until=job.finished_at
    )
