"""A year of casework (2025) to report on, built with the factories of this folder."""

import pytest

from tests.reports import factories

YEAR = 2025


@pytest.fixture
def year_of_cases(agreement, people):
    """Forty youths raised in 2025 (see factories.year_of_cases)."""
    return factories.year_of_cases(agreement, YEAR)
