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


def test_it_refuses_cookies_that_may_travel_over_plain_http():
    result = run_manage("check", env={**COMPLETE, "SESSION_COOKIE_SECURE": "false"})
    assert result.returncode != 0
    assert "SESSION_COOKIE_SECURE and CSRF_COOKIE_SECURE must be on" in result.stderr


def show(*names, env):
    """The named settings as this environment makes them, printed by a fresh process."""
    code = "from django.conf import settings; " + "; ".join(f"print(repr({name}))" for name in names)
    result = run_manage("shell", "--no-imports", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_secrets_are_read_from_files(tmp_path):
    secrets = {"OIDC_RP_CLIENT_SECRET": "oidc-secret-from-file", "EMAIL_PASSWORD": "relay-password-from-file"}
    for name, value in secrets.items():
        (tmp_path / name).write_text(value + "\n")
    env = {
        **COMPLETE,
        "OIDC_ENABLED": "true",
        "OIDC_RP_CLIENT_ID": "samsyn",
        **{f"OIDC_OP_{e}_ENDPOINT": f"https://idp.example.se/{e}" for e in ("AUTHORIZATION", "TOKEN", "USER", "JWKS")},
        **{f"{name}_FILE": str(tmp_path / name) for name in secrets},
    }
    assert show("settings.OIDC_RP_CLIENT_SECRET", "settings.EMAIL_HOST_PASSWORD", env=env) == [
        repr("oidc-secret-from-file"),
        repr("relay-password-from-file"),
    ]


def test_development_defaults_are_sqlite_in_var_and_tasks_in_process(tmp_path):
    env = {"SAMSYN_VAR_DIR": str(tmp_path)}
    engine, name, eager, cache = show(
        "settings.DATABASES['default']['ENGINE']",
        "settings.DATABASES['default']['NAME']",
        "settings.CELERY_TASK_ALWAYS_EAGER",
        "settings.CACHES['default']['BACKEND']",
        env=env,
    )
    assert engine == repr("django.db.backends.sqlite3") and name == repr(str(tmp_path / "samsyn.sqlite3"))
    assert eager == "True" and "LocMemCache" in cache


def test_with_redis_the_broker_and_cache_are_redis(tmp_path):
    env = {"SAMSYN_VAR_DIR": str(tmp_path), "REDIS_URL": "redis://127.0.0.1:6379/3"}
    broker, eager, cache = show(
        "settings.CELERY_BROKER_URL",
        "settings.CELERY_TASK_ALWAYS_EAGER",
        "settings.CACHES['default']['BACKEND']",
        env=env,
    )
    assert broker == repr("redis://127.0.0.1:6379/3") and eager == "False" and "RedisCache" in cache
