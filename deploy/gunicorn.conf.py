"""gunicorn for Samsyn: `gunicorn -c deploy/gunicorn.conf.py config.wsgi`.

Every value can be changed from the environment without a new image (names below).
"""

import os
from pathlib import Path

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Sync workers: Samsyn's pages are short database round trips; scale with processes and replicas.
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# On SIGTERM a worker finishes the request it is serving (up to this long) before it exits.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# No control socket (gunicorn 25+ creates one under $HOME): containers are managed by signals, and the
# home directory does not exist in the image.
control_socket_disable = True
# Recycle workers now and then, so a slow leak never grows without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = 100
# Worker heartbeat files go to $TMPDIR or /tmp: a memory-backed volume, as the root filesystem is read-only.
# The reverse proxy's address, whose X-Forwarded-* headers gunicorn trusts (FORWARDED_ALLOW_IPS).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Access log: method, path without the query string, status, bytes, milliseconds, request id.
# No query string and no referrer: a search puts its terms in the query string, and the referrer
# would carry the previous page's. Paths hold only ids (UUIDs, case numbers), never personal data.
accesslog = "-"
access_log_format = "%(m)s %(U)s %(s)s %(B)s %(M)sms %({x-request-id}o)s"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "config.log_format.SamsynJsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
    "root": {"level": "INFO", "handlers": ["console"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["console"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["console"], "propagate": False},
    },
}


# Prometheus across worker processes: each worker writes its figures to PROMETHEUS_MULTIPROC_DIR and
# /metrics adds them up (prometheus_client's multiprocess mode), whichever worker answers.
def on_starting(server):
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        # Figures of an earlier run would be added to this one's.
        Path(directory).mkdir(parents=True, exist_ok=True)
        for stale in Path(directory).glob("*.db"):
            stale.unlink()


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
