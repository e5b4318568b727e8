"""The follow-up window in SQL (casework.follow_up.MonthsAfter) is the same rule as in Python
(follow_up_window, relativedelta): the target figures count windows in the database."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.db.models import DateField, Value
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casework.follow_up import MonthsAfter, follow_up_window, follow_up_window_expressions
from casework.models import Agreement

pytestmark = pytest.mark.django_db


def months_after_in_the_database(day: datetime.date, months: int) -> datetime.date:
    return (
        Agreement.objects.annotate(moved=MonthsAfter(Value(day, output_field=DateField()), months=months))
        .values_list("moved", flat=True)
        .first()
    )


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2025, 8, 31), 6, datetime.date(2026, 2, 28)),
        (datetime.date(2023, 8, 31), 6, datetime.date(2024, 2, 29)),
        (datetime.date(2025, 1, 31), 3, datetime.date(2025, 4, 30)),
        (datetime.date(2025, 11, 15), 3, datetime.date(2026, 2, 15)),
        (datetime.date(2025, 3, 1), 0, datetime.date(2025, 3, 1)),
    ],
)
def test_it_keeps_the_day_or_takes_the_last_day_of_a_shorter_month(agreement, day, months, expected):
    assert months_after_in_the_database(day, months) == expected


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(day=st.dates(datetime.date(2015, 1, 1), datetime.date(2035, 12, 31)), months=st.integers(0, 24))
def test_it_agrees_with_relativedelta(agreement, day, months):
    assert months_after_in_the_database(day, months) == day + relativedelta(months=months)


def test_the_window_annotations_are_the_agreements_window(agreement):
    raised_on = datetime.date(2025, 8, 31)
    window = follow_up_window(raised_on=raised_on, agreement=agreement)
    moved = (
        Agreement.objects.annotate(raised_on=Value(raised_on, output_field=DateField()))
        .annotate(**follow_up_window_expressions(agreement))
        .values_list("follow_up_opens_on", "follow_up_closes_on")
        .first()
    )
    assert moved == (window.opens_on, window.closes_on)
