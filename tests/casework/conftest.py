import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The cast of users is created for every test; PBKDF2's deliberate slowness is not under test here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
