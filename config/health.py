"""/healthz: is the database reachable, is the broker reachable, does the beat tick. 503 when the database
is not reachable; "degraded" when only the broker or the beat is in trouble."""

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from audit.heartbeat import beat_status
from config.celery import app


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return "unreachable"
    return "ok"


def broker_status() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "in-process"
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception:  # noqa: BLE001 - any failure to connect means the broker is down
        return "unreachable"
    return "ok"


@never_cache
@require_GET
def healthz(request):
    body = {"database": database_status(), "broker": broker_status()}
    if body["database"] == "ok":
        body.update(beat_status())
    healthy = body["database"] == "ok"
    # Pages work without the broker or the beat (work waits in the database): degraded, not down.
    trouble = body["broker"] == "unreachable" or body.get("beat") == "stale"
    body["status"] = "down" if not healthy else ("degraded" if trouble else "ok")
    return JsonResponse(body, status=200 if healthy else 503)
