"""deploy/generate_secrets.py writes keyrings Samsyn can read, and never overwrites a key."""

import datetime
import stat

from deploy.generate_secrets import write_secrets
from encryption.crypto import Keyring

TODAY = datetime.date(2026, 11, 29)


def test_it_writes_private_files_the_keyrings_read(tmp_path):
    written = write_secrets(tmp_path, today=TODAY)
    assert written == [
        "secret_key",
        "db_password",
        "db_owner_password",
        "db_app_password",
        "db_purge_password",
        "encryption_keys",
        "blind_index_keys",
        "metrics_token",
    ]
    for name in written:
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600
    ring = Keyring.parse((tmp_path / "encryption_keys").read_text(), source="test")
    assert ring.primary_id == "enc20261129"
    assert Keyring.parse((tmp_path / "blind_index_keys").read_text(), source="test").primary_id == "idx20261129"


def test_it_never_overwrites_an_existing_key(tmp_path):
    write_secrets(tmp_path, today=TODAY)
    before = (tmp_path / "encryption_keys").read_text()
    (tmp_path / "metrics_token").unlink()
    assert write_secrets(tmp_path, today=TODAY) == ["metrics_token"]
    assert (tmp_path / "encryption_keys").read_text() == before
