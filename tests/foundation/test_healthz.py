import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


def test_it_reports_database_and_broker(client):
    from django.utils import timezone

    from audit.models import Heartbeat

    # With a broker, "ok" also needs a beat that ticks.
    Heartbeat.objects.update_or_create(name="beat", defaults={"last_run_at": timezone.now()})
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"] in {"ok", "in-process"}
    assert body["status"] == "ok"


def test_it_needs_no_login(client):
    assert client.get("/healthz").status_code == 200


def test_it_is_503_when_the_database_is_unreachable(client, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def refuse(self, *args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_it_rejects_post(client):
    assert client.post("/healthz").status_code == 405


@pytest.mark.parametrize(("seconds_ago", "beat", "status"), [(30, "ok", "ok"), (3600, "stale", "degraded")])
def test_a_beat_that_stopped_ticking_makes_it_degraded(client, settings, monkeypatch, seconds_ago, beat, status):
    import datetime

    from django.utils import timezone

    from audit.models import Heartbeat

    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr("config.health.broker_status", lambda: "ok")
    Heartbeat.objects.update_or_create(
        name="beat", defaults={"last_run_at": timezone.now() - datetime.timedelta(seconds=seconds_ago)}
    )
    response = client.get("/healthz")
    assert response.status_code == 200
    assert (response.json()["beat"], response.json()["status"]) == (beat, status)
