"""A year of casework (2025) to report on, built with the factories of this folder."""

import pytest

from tests.reports import factories

YEAR = 2025


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Each test's cast of users would otherwise spend seconds in PBKDF2; no test here is about passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def year_of_cases(agreement, people):
    """Forty youths raised in 2025 (see factories.year_of_cases)."""
    return factories.year_of_cases(agreement, YEAR)
