"""Production logs: one JSON object a line with the request id, and no personal data even when a view
that handles personal data fails."""

import copy
import io
import json
import logging.config
import os
import subprocess
import sys

import pytest
from django.conf import settings

from tests.foundation.test_production_settings import COMPLETE, ROOT

PERSONAL_NUMBER = "20090314-9817"
NAME = "Loggfrida Sentinelsson"

EMIT_IN_A_REQUEST = """
import logging
import os
import django
# Django set up as config.wsgi does, without its start-up keyring check (which needs a database).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from django.http import HttpResponse
from django.test import RequestFactory
from audit.middleware import RequestIdMiddleware

def view(request):
    logging.getLogger("samsyn.rehearsal").warning("handled %s", request.path)
    return HttpResponse()

RequestIdMiddleware(view)(RequestFactory().get("/x", headers={"X-Request-ID": "req-0123456789abcdef"}))
"""


def test_a_production_log_line_is_json_with_the_request_id():
    clean = {k: v for k, v in os.environ.items() if k not in COMPLETE and not k.startswith("SAMSYN_")}
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", EMIT_IN_A_REQUEST],
        cwd=ROOT,
        env={**clean, **COMPLETE, "ALLOWED_HOSTS": "testserver"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines() if "samsyn.rehearsal" in line]
    assert lines == [
        {
            "timestamp": lines[0]["timestamp"],
            "levelname": "WARNING",
            "name": "samsyn.rehearsal",
            "message": "handled /x",
            "request_id": "req-0123456789abcdef",
        }
    ]
    assert lines[0]["timestamp"].endswith("+00:00")


@pytest.fixture
def production_log():
    """Samsyn's LOGGING with the production (JSON) console formatter, written to a buffer."""
    buffer = io.StringIO()
    config = copy.deepcopy(settings.LOGGING)
    config["handlers"]["console"].update(formatter="json", stream=buffer)
    logging.config.dictConfig(config)
    yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]
    logging.config.dictConfig(settings.LOGGING)


@pytest.mark.django_db
@pytest.mark.urls("tests.deploy.error_urls")
def test_a_failing_view_logs_no_form_data(production_log, login, people):
    client = login(people.manager)
    client.raise_request_exception = False
    posted = client.post("/fel/", {"personal_number": PERSONAL_NUMBER, "name": NAME})
    searched = client.get("/fel/", {"personal_number": PERSONAL_NUMBER, "name": NAME})
    assert posted.status_code == searched.status_code == 500
    lines = production_log()
    errors = [line for line in lines if line["name"] == "django.request"]
    assert [line["message"] for line in errors] == ["Internal Server Error: /fel/"] * 2
    assert errors[0]["request_id"] == posted["X-Request-ID"]
    assert errors[0]["status_code"] == 500
    assert "failing_view" in errors[0]["exc_info"]
    assert "builtins.ValueError: (message withheld from the log)" in errors[0]["exc_info"]
    text = json.dumps(lines, ensure_ascii=False)
    for value in (PERSONAL_NUMBER, PERSONAL_NUMBER[:8], "Loggfrida", "Sentinelsson"):
        assert value not in text


def test_it_keeps_the_message_of_configuration_errors(production_log):
    from django.core.exceptions import ImproperlyConfigured

    try:
        raise ImproperlyConfigured("SECRET_KEY is not set")
    except ImproperlyConfigured:
        logging.getLogger("samsyn.rehearsal").exception("start-up failed")
    [line] = production_log()
    assert "ImproperlyConfigured: SECRET_KEY is not set" in line["exc_info"]


def test_a_failed_task_is_logged_without_the_exception_message(production_log):
    # What Celery's worker logs when a task fails (celery.app.trace: LOG_FAILURE and its context).
    try:
        int(PERSONAL_NUMBER)
    except ValueError as exc:
        logging.getLogger("celery.app.trace").error(
            "Task %(name)s[%(id)s] %(description)s: %(exc)s",
            {"name": "reports.tasks.build", "id": "f00d", "description": "raised unexpected", "exc": repr(exc)},
            exc_info=True,
            extra={"data": {"args": f"('{PERSONAL_NUMBER}',)"}},
        )
    [line] = production_log()
    assert line["message"] == (
        "Task reports.tasks.build[f00d] raised unexpected: builtins.ValueError (message withheld from the log)"
    )
    assert PERSONAL_NUMBER not in json.dumps(line)
    assert PERSONAL_NUMBER[:8] not in json.dumps(line)


def test_a_task_retry_reason_is_withheld(production_log):
    logging.getLogger("celery.app.trace").info(
        "Task %(name)s[%(id)s] retry: %(exc)s", {"name": "t", "id": "1", "exc": f"Greta {PERSONAL_NUMBER} is busy"}
    )
    [line] = production_log()
    assert line["message"] == "Task t[1] retry: exception (message withheld from the log)"
