"""Secrets can be files (Docker and Kubernetes secrets): SECRET_KEY_FILE, DATABASE_PASSWORD_FILE,
SAMSYN_METRICS_TOKEN_FILE, beside the keyrings' own _FILE settings."""

from tests.foundation.test_production_settings import COMPLETE, run_manage

SHOW = (
    "from django.conf import settings; "
    "print(settings.SECRET_KEY, settings.DATABASES['default']['PASSWORD'], settings.SAMSYN_METRICS_TOKEN)"
)


def test_it_reads_secrets_from_files(tmp_path):
    files = {}
    for name, value in (
        ("SECRET_KEY", "k" * 60),
        ("DATABASE_PASSWORD", "db-password-from-a-file"),
        ("SAMSYN_METRICS_TOKEN", "metrics-token-from-a-file"),
    ):
        path = tmp_path / name.lower()
        path.write_text(value + "\n")
        files[f"{name}_FILE"] = str(path)
    env = {k: v for k, v in COMPLETE.items() if k != "SECRET_KEY"}
    result = run_manage("shell", "-c", SHOW, env={**env, **files})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == ["k" * 60, "db-password-from-a-file", "metrics-token-from-a-file"]


def test_it_names_a_secret_file_it_cannot_read(tmp_path):
    env = {k: v for k, v in COMPLETE.items() if k != "SECRET_KEY"}
    result = run_manage("check", env={**env, "SECRET_KEY_FILE": str(tmp_path / "missing")})
    assert result.returncode != 0
    assert f"SECRET_KEY_FILE points to {tmp_path / 'missing'}, which cannot be read" in result.stderr
