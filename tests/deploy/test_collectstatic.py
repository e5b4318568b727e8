"""The image collects static files at build time with production storage (hashed, compressed names
for WhiteNoise); a stylesheet that points at a missing file makes that fail."""

from tests.foundation.test_production_settings import COMPLETE, run_manage


def test_collectstatic_succeeds_with_production_storage(tmp_path):
    result = run_manage("collectstatic", "--noinput", env={**COMPLETE, "STATIC_ROOT": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    manifest = (tmp_path / "staticfiles.json").read_text()
    assert "samsyn/samsyn.css" in manifest
    assert list(tmp_path.glob("samsyn/samsyn.*.css.br"))
