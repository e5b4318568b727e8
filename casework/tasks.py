"""Periodic jobs of the casework domain. Each derives its work from the database and is idempotent, so
a lost message, a retry or a re-run after a killed worker gives the same result."""

from celery import shared_task

from . import reminders, retention
from .services import imports

RETRY = {"autoretry_for": (Exception,), "retry_backoff": True, "retry_backoff_max": 600, "max_retries": 5}


@shared_task(acks_late=True, time_limit=15 * 60, soft_time_limit=14 * 60, **RETRY)
def send_reminders() -> dict:
    return reminders.run_reminders()


@shared_task(acks_late=True, time_limit=60 * 60, soft_time_limit=55 * 60, **RETRY)
def purge_expired() -> dict:
    records = retention.run_purge()
    return {"purges": len(records), "cases": sum(r.counts.get("cases", 0) for r in records)}


@shared_task(acks_late=True, time_limit=60 * 60, soft_time_limit=55 * 60, **RETRY)
def run_import(import_id: str) -> None:
    """A confirmed import (casework.services.imports.run_import); the message carries the import's id only."""
    imports.run_import(import_id)


@shared_task(acks_late=True)
def delete_stale_import_files() -> int:
    return imports.delete_stale_files()
