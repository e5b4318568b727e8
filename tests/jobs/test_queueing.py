"""Queueing a task by its name from a process that is not a worker."""

import subprocess
import sys

from django.conf import settings


def test_a_web_process_finds_every_scheduled_task_by_name_before_any_tasks_module_is_imported():
    """Services queue their own package's tasks by name. A web process (gunicorn, runserver) never starts a
    worker, so Celery has not discovered the tasks modules: the name must still resolve there."""
    names = sorted({entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()} | {"casework.tasks.run_import"})
    script = (
        "import django, sys; django.setup()\n"
        "from config.queueing import registered_task\n"
        "assert 'casework.tasks' not in sys.modules, 'casework.tasks was already imported'\n"
        f"print(','.join(registered_task(name).name for name in {names!r}))\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip().split(",") == names
