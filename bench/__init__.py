"""Benchmarks: figures, not tests (README, "Benchmarks")."""


def test_environment() -> None:
    """Django's test environment (the test database's settings, the in-memory mail), set up once in the
    process: `make bench` runs several benches in one, and Django refuses to set it up twice."""
    from django.test import utils

    if not hasattr(utils._TestState, "saved_data"):
        utils.setup_test_environment()
