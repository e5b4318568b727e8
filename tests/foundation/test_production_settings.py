"""Production settings refuse to start without their secrets, and are clean under check --deploy."""

import base64
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KEY = base64.urlsafe_b64encode(b"k" * 32).decode()
COMPLETE = {
    "SAMSYN_ENV": "production",
    "SECRET_KEY": "p" * 20 + "production-secret-key-with-enough-entropy-1234567890",
    "DATABASE_URL": "postgres://samsyn@127.0.0.1:5432/samsyn",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "SAMSYN_ENCRYPTION_KEYS": f"prod1:{KEY}",
    "SAMSYN_BLIND_INDEX_KEYS": f"bidx1:{KEY}",
    "ALLOWED_HOSTS": "samsyn.example.se",
    "DEBUG": "false",
}


def run_manage(*args, env):
    # A production process starts with none of our development variables (nor the browser tests' async flag).
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in COMPLETE and not k.startswith("SAMSYN_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    return subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_refuses_to_start_without_any_secret():
    result = run_manage("check", env={"SAMSYN_ENV": "production"})
    assert result.returncode != 0
    for missing in (
        "SECRET_KEY",
        "DATABASE_URL",
        "REDIS_URL",
        "SAMSYN_ENCRYPTION_KEYS",
        "SAMSYN_BLIND_INDEX_KEYS",
        "ALLOWED_HOSTS",
    ):
        assert missing in result.stderr


def test_it_names_each_single_missing_setting():
    for name in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "SAMSYN_ENCRYPTION_KEYS", "ALLOWED_HOSTS"):
        env = {k: v for k, v in COMPLETE.items() if k != name}
        result = run_manage("check", env=env)
        assert result.returncode != 0, name
        assert name in result.stderr, result.stderr


def test_it_refuses_sqlite_and_debug():
    sqlite = run_manage("check", env={**COMPLETE, "DATABASE_URL": "sqlite:////tmp/x.sqlite3"})
    assert "must point to PostgreSQL" in sqlite.stderr
    debug = run_manage("check", env={**COMPLETE, "DEBUG": "true"})
    assert "DEBUG must be off" in debug.stderr


def test_check_deploy_is_clean_with_all_secrets():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=COMPLETE)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
