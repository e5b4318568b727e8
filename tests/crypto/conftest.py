import base64
import secrets

import pytest

from encryption import crypto


def key_entry(key_id: str) -> str:
    return f"{key_id}:{base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()}"


@pytest.fixture
def keyrings(settings):
    """Set the keyrings for a test: keyrings(encryption="k2:…,k1:…", blind="b1:…")."""

    def _use(encryption=None, blind=None):
        if encryption is not None:
            settings.SAMSYN_ENCRYPTION_KEYS = encryption
        if blind is not None:
            settings.SAMSYN_BLIND_INDEX_KEYS = blind
        crypto.reset_keyrings()

    yield _use
    crypto.reset_keyrings()
