"""The production log format: one JSON object a line, with only fields known to hold no personal data.

Two ways personal data could otherwise reach a log line, both closed here:
- extra attributes on a record: Django's request logger attaches the whole request, whose text
  shows the query string (a search term, a personnummer); any library may attach more. Only the
  fields named below are written, whatever else a record carries;
- exception messages: a bug such as `int(personal_number)` raises an error whose message quotes the
  value. Tracebacks keep their frames (file, line, function, source line) and the exception's type,
  and show the message only for exception types whose messages Samsyn writes itself or that
  describe infrastructure (configuration, keys, database and broker connections). Celery puts the
  failed task's exception into the message itself ("Task x[id] raised unexpected: ValueError(...)"),
  so there the exception is cut to its type too.
"""

import logging
import re
import traceback

from pythonjsonlogger.json import JsonFormatter

# The time in UTC (ISO 8601), whatever the process's time zone: Django sets TIME_ZONE for its processes,
# gunicorn's master keeps the system's, and lines of both must sort together.
FIELDS = ("timestamp", "levelname", "name", "message", "request_id")
# Extras some libraries add that never hold personal data (Django's request logger: status_code).
SAFE_EXTRAS = ("status_code", "exc_info", "stack_info")
SAFE_EXCEPTION_MESSAGES = (
    "django.core.exceptions.ImproperlyConfigured",
    "encryption.crypto.DecryptionError",
    "django.db.utils.OperationalError",
    "django.db.utils.InterfaceError",
    "redis.exceptions.ConnectionError",
    "kombu.exceptions.OperationalError",
    "celery.exceptions.TimeLimitExceeded",
    "celery.exceptions.SoftTimeLimitExceeded",
    "billiard.exceptions.WorkerLostError",
)


def _qualified_name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _message_is_safe(exc_type: type) -> bool:
    return any(_qualified_name(cls) in SAFE_EXCEPTION_MESSAGES for cls in exc_type.__mro__)


def _without_exception_message(record: logging.LogRecord) -> logging.LogRecord:
    """Celery's task failure and retry lines carry the exception's repr in their arguments."""
    if not (isinstance(record.args, dict) and "exc" in record.args):
        return record
    exc_type = record.exc_info[0] if record.exc_info else None
    if exc_type is not None and _message_is_safe(exc_type):
        return record
    if exc_type is not None:
        name = _qualified_name(exc_type)
    else:
        # Only a repr's type ("ValueError(...)"); a retry's plain reason may start with anything.
        looks_like_repr = re.match(r"([A-Za-z_][\w.]*)\(", str(record.args["exc"]))
        name = looks_like_repr[1] if looks_like_repr else "exception"
    stripped = logging.makeLogRecord(record.__dict__)
    stripped.args = {**record.args, "exc": f"{name} (message withheld from the log)"}
    return stripped


def _format_without_messages(exc: traceback.TracebackException) -> list[str]:
    lines = []
    if exc.__cause__ is not None:
        lines += _format_without_messages(exc.__cause__)
        lines.append("\nThe above exception was the direct cause of the following exception:\n\n")
    elif exc.__context__ is not None and not exc.__suppress_context__:
        lines += _format_without_messages(exc.__context__)
        lines.append("\nDuring handling of the above exception, another exception occurred:\n\n")
    lines.append("Traceback (most recent call last):\n")
    lines += exc.stack.format()
    if _message_is_safe(exc.exc_type):
        lines += list(exc.format_exception_only())
    else:
        lines.append(f"{_qualified_name(exc.exc_type)}: (message withheld from the log)\n")
    return lines


class SamsynJsonFormatter(JsonFormatter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", [field for field in FIELDS if field != "timestamp"])
        kwargs.setdefault("timestamp", True)
        super().__init__(*args, **kwargs)

    def format(self, record):
        return super().format(_without_exception_message(record))

    def process_log_record(self, log_data):
        return {key: value for key, value in log_data.items() if key in FIELDS or key in SAFE_EXTRAS}

    def formatException(self, ei):  # noqa: N802 - logging.Formatter's name
        exc = traceback.TracebackException(*ei)
        return "".join(_format_without_messages(exc)).rstrip("\n")
