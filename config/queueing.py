"""Sending work to the broker from a request without depending on it.

The work itself is always recorded in the database first (a report job row, say); the message only says
"look now". If the broker is down the message is dropped with a log line (no personal data: task name and
ids) and the page works as usual; the periodic sweep of that kind of work finds the row and queues it again.
"""

import datetime
import logging

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def send_now(task, **ids) -> bool:
    """Queue `task` with id arguments; False (and a log line) if the broker cannot be reached. `task` is the
    task or its registered name: a service queues its own package's task by name, since the tasks module
    imports the services it runs (a module-level import both ways would be a cycle)."""
    if isinstance(task, str):
        task = registered_task(task)
    try:
        task.apply_async(kwargs=ids, retry=False)
    except (OperationalError, ConnectionError, OSError):
        logger.warning("broker unreachable; %s left for the periodic sweep", task.name)
        return False
    return True


def registered_task(name: str):
    """The task registered under `name`. Celery discovers the packages' tasks modules lazily, when a worker
    starts; a web process that has not imported a tasks module yet discovers them on first use."""
    if name not in current_app.tasks:
        current_app.loader.import_default_modules()
    return current_app.tasks[name]


def send_after_commit(task, **ids) -> None:
    """Queue `task` once the current transaction has committed (so the worker sees the row)."""
    transaction.on_commit(lambda: send_now(task, **ids))


def send_again_waiting(model, task, id_argument: str, *, queued_after: datetime.timedelta) -> int:
    """For a periodic sweep: send `task` again for the rows of `model` (a job with `status` QUEUED or RUNNING
    and `requested_at`) still queued `queued_after` after they were asked for, and those left running past
    the task time limit (a worker that died). The task must be safe to run again. How many were sent."""
    now = timezone.now()
    stuck_after = datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    waiting = model.objects.filter(
        Q(status=model.Status.QUEUED, requested_at__lte=now - queued_after)
        | Q(status=model.Status.RUNNING, requested_at__lte=now - stuck_after)
    ).values_list("pk", flat=True)
    return sum(send_now(task, **{id_argument: str(pk)}) for pk in waiting)
