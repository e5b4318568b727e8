"""Faults, with the real parts: a Redis that stops, a worker killed in the middle of a task."""

import datetime
import signal
import socket
import subprocess
import time

import pytest

from casework.models import Case, HistoricCount, Intervention, PurgeRecord
from casework.tasks import purge_expired
from config.celery import app
from config.queueing import send_now
from tests.casework import factories
from tests.conftest import start_worker as start_test_worker
from tests.conftest import verified_client
from tests.jobs.builders import closed_case

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_redis(port):
    process = subprocess.Popen(  # noqa: S603 - the system's redis-server, fixed arguments
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.1)


def use_broker(url):
    """Point this process's Celery app at another broker (test-only: drops the cached pools)."""
    from kombu import pools

    app.conf.broker_url = url
    app.pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None
    pools.reset()


def start_worker(broker_url, **extra_env):
    return start_test_worker(name="fault", REDIS_URL=broker_url, **extra_env)


def wait_for(condition, *, seconds, what):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def due_cases(people, count):
    """`count` cases closed in 2018, due for purging, each with an intervention and a follow-up."""
    meeting = factories.meeting(people, held_on=datetime.date(2018, 1, 10))
    for _ in range(count):
        closed_case(
            people,
            raised_on=datetime.date(2018, 1, 10),
            closed_on=datetime.date(2018, 6, 1),
            meeting=meeting,
            with_history=True,
        )


@pytest.fixture
def own_redis():
    """A Redis of this test's own, so stopping it disturbs nothing else."""
    port = free_port()
    process = start_redis(port)
    url = f"redis://127.0.0.1:{port}/0"
    previous = app.conf.broker_url
    use_broker(url)
    yield {"port": port, "url": url, "process": process}
    process.terminate()
    process.wait(timeout=10)
    use_broker(previous)


def test_pages_work_while_the_broker_is_down_and_the_job_runs_when_it_is_back(people, own_redis, client):
    due_cases(people, 3)
    own_redis["process"].terminate()
    own_redis["process"].wait(timeout=10)

    started = time.monotonic()
    assert send_now(purge_expired) is False  # the beat's tick is lost …
    assert time.monotonic() - started < 5
    health = client.get("/healthz")
    assert health.status_code == 200 and health.json()["broker"] == "unreachable"
    page = verified_client(client, people.manager).get("/")
    assert page.status_code == 200
    assert Case.objects.count() == 3  # … and nothing is lost: the work is still in the database

    own_redis["process"] = start_redis(own_redis["port"])
    worker = start_worker(own_redis["url"])
    try:
        assert send_now(purge_expired) is True  # the next tick
        wait_for(lambda: not Case.objects.exists(), seconds=60, what="the purge")
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert PurgeRecord.objects.get().counts["cases"] == 3


def test_a_killed_worker_s_task_runs_again_with_the_same_result(people, own_redis):
    total = 300
    due_cases(people, total)
    worker = start_worker(own_redis["url"], CELERY_VISIBILITY_TIMEOUT="3")
    try:
        assert send_now(purge_expired)
        wait_for(lambda: Case.objects.count() < total - 20, seconds=120, what="the purge to start")
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
        left = Case.objects.count()
        assert 0 < left < total, "the worker was to be killed in the middle of the task"
    finally:
        if worker.poll() is None:
            worker.kill()
    second = start_worker(own_redis["url"], CELERY_VISIBILITY_TIMEOUT="3")
    try:
        wait_for(lambda: not Case.objects.exists(), seconds=120, what="the task to run again")
    finally:
        second.terminate()
        second.wait(timeout=30)
    # The same result as one uninterrupted run: every case counted once, none half purged.
    assert HistoricCount.objects.get(measure="cases_identified").count == total
    assert HistoricCount.objects.get(measure="interventions_offered").count == total
    assert not Intervention.objects.exists()
    assert PurgeRecord.objects.get().counts["cases"] == total


def test_a_report_asked_for_while_the_broker_is_down_is_built_when_it_is_back(people, own_redis, client):
    from django.utils import timezone

    from reports.models import ReportJob
    from reports.tasks import sweep_queued_reports

    own_redis["process"].terminate()
    own_redis["process"].wait(timeout=10)
    year = timezone.localdate().year
    page = verified_client(client, people.manager).post(
        "/rapporter/langa/", {"kind": "follow_up", "file_format": "pdf", "first_year": year, "last_year": year}
    )
    assert page.status_code == 302  # the page works without the broker
    job = ReportJob.objects.get()
    assert job.status == ReportJob.Status.QUEUED

    own_redis["process"] = start_redis(own_redis["port"])
    worker = start_worker(own_redis["url"])
    try:
        assert sweep_queued_reports() == 0  # too fresh: it may still be on its way
        ReportJob.objects.filter(pk=job.pk).update(requested_at=timezone.now() - datetime.timedelta(minutes=3))
        assert sweep_queued_reports() == 1  # what beat runs every five minutes
        wait_for(
            lambda: ReportJob.objects.get(pk=job.pk).status == ReportJob.Status.DONE, seconds=120, what="the report"
        )
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def test_a_user_created_while_the_broker_is_down_gets_the_link_when_it_is_back(people, own_redis, client):
    from django.urls import reverse
    from django.utils import timezone

    from accesscontrol.models import Role, User
    from accesscontrol.tasks import send_owed_password_links

    own_redis["process"].terminate()
    own_redis["process"].wait(timeout=10)
    page = verified_client(client, people.sysadmin).post(
        reverse("administration:users_create"),
        {
            "username": "nyanstalld",
            "first_name": "Nina",
            "last_name": "Nyberg",
            "email": "nina.nyberg@kommun.example.se",
            "organisation": people.agreement.social_services.pk,
            "roles": [Role.CASEWORKER],
        },
    )
    assert page.status_code == 302  # the page works without the broker
    user = User.objects.get(username="nyanstalld")
    assert user.password_link_due_since is not None

    own_redis["process"] = start_redis(own_redis["port"])
    worker = start_worker(own_redis["url"])
    try:
        User.objects.filter(pk=user.pk).update(password_link_due_since=timezone.now() - datetime.timedelta(minutes=3))
        assert send_owed_password_links() == 1  # what beat runs every five minutes
        wait_for(
            lambda: User.objects.get(pk=user.pk).password_link_due_since is None, seconds=60, what="the link e-mail"
        )
    finally:
        worker.terminate()
        worker.wait(timeout=30)
