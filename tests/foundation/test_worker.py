"""The real worker on the real broker: a scheduled job runs and /healthz sees it."""

import time

import pytest

from audit.models import Heartbeat
from audit.tasks import beat_heartbeat

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_a_task_sent_to_redis_is_run_by_the_worker(celery_worker, client):
    assert not Heartbeat.objects.exists()
    beat_heartbeat.delay()
    deadline = time.monotonic() + 30
    while not Heartbeat.objects.filter(name="beat").exists():
        assert time.monotonic() < deadline, "the worker did not run the task"
        time.sleep(0.2)
    body = client.get("/healthz").json()
    assert body["broker"] == "ok"
    assert body["beat"] == "ok"
    assert body["beat_last_run_seconds_ago"] < 60
