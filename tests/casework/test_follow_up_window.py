"""The follow-up window in SQL (casework.follow_up.MonthsAfter) is the same rule as in Python
(follow_up_window, relativedelta): the target figures count windows in the database. And the window is
defined once: the case page, the reminders, the late flag and the target figures agree on every day (below)."""

import datetime
import zoneinfo

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DateField, Value
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from accesscontrol.actor import actor_for
from casework import reminders
from casework.follow_up import (
    FollowUpState,
    MonthsAfter,
    follow_up_state,
    follow_up_window,
    follow_up_window_expressions,
    raised_on_range_for_windows_closing,
)
from casework.models import Agreement, Case, CaseStatus, Category, FollowUp, Person, Target
from casework.periods import PeriodKind, period_containing
from casework.selectors.cases import follow_up_badge
from casework.selectors.targets import FollowUpCount, follow_up_cases, target_rows
from casework.services.follow_ups import write_follow_up
from tests.reports import factories as report_factories

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


# --- One definition: the page, the reminders, the late flag and the figures agree on every day ---------------
#
# The window is follow_up_window (and its SQL twin, follow_up_window_expressions); nothing else does month
# arithmetic on it. Proven over every raised-on date of a common year (2027) and a leap year (2028) and the
# month ends before them, at every `today` where something can change: the day before the opens reminder,
# its first day, the day before the window opens, the day it opens, the day it closes and the day after.
# No test reads the real clock: `today` is passed, or pinned with time_machine where a service asks for it.

DAY = datetime.timedelta(days=1)
STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
LEAD = datetime.timedelta(days=reminders.DAYS_BEFORE_WINDOW)
FIRST_RAISED, LAST_RAISED = datetime.date(2026, 8, 1), datetime.date(2028, 12, 31)
RAISED_ON = st.dates(min_value=datetime.date(2027, 1, 1), max_value=datetime.date(2028, 12, 31))
# Where relativedelta cuts the day to the month's last: 30 Sep + 6 months is 30 Mar (and 31 Mar - 6 months is
# 30 Sep again, the inversion that put the reminder a day after the badge), 31 Aug + 6 is 28 Feb.
MONTH_ENDS = (
    datetime.date(2026, 9, 30),
    datetime.date(2026, 8, 31),
    datetime.date(2027, 1, 31),
    datetime.date(2028, 1, 31),
    datetime.date(2027, 8, 31),
    datetime.date(2028, 8, 31),
    datetime.date(2028, 2, 29),
    datetime.date(2027, 2, 28),
    datetime.date(2027, 12, 31),
)
WINDOWS = ((3, 6), (1, 2), (6, 12), (2, 3))  # (opens, closes) months: the default and others an agreement may set


def at_month_ends(test):
    for day in MONTH_ENDS:
        test = example(raised_on=day)(test)
    return test


def edge_days(window) -> list[datetime.date]:
    return sorted(
        {
            window.opens_on - LEAD - DAY,
            window.opens_on - LEAD,
            window.opens_on - DAY,
            window.opens_on,
            window.closes_on,
            window.closes_on + DAY,
        }
    )


def reminder_the_page_calls_for(page_on, today) -> str | None:
    """The reminder due on `today`, read off the case page (`page_on(day)`, its badge state that day):
    overdue on every day the badge says Försenad; "the window opens" on the days it says not due yet but
    will say due within DAYS_BEFORE_WINDOW days."""
    if page_on(today) == FollowUpState.OVERDUE:
        return reminders.Kind.FOLLOW_UP_OVERDUE
    if page_on(today) == FollowUpState.NOT_DUE and page_on(today + LEAD) != FollowUpState.NOT_DUE:
        return reminders.Kind.FOLLOW_UP_OPENS
    return None


@at_month_ends
@settings(max_examples=300, deadline=None)
@given(raised_on=RAISED_ON)
def test_the_page_the_reminder_day_and_the_late_flag_turn_on_the_same_days(raised_on):
    for opens, closes in WINDOWS:
        agreement = Agreement(follow_up_opens_months=opens, follow_up_closes_months=closes)
        window = follow_up_window(raised_on=raised_on, agreement=agreement)
        assert window.opens_on == raised_on + relativedelta(months=opens)
        assert window.closes_on == raised_on + relativedelta(months=closes)

        def page_on(day, agreement=agreement):
            return follow_up_state(raised_on=raised_on, agreement=agreement, has_follow_up=False, today=day)

        for today in edge_days(window):
            state = page_on(today)
            expected = (
                FollowUpState.NOT_DUE
                if today < window.opens_on
                else FollowUpState.DUE
                if today <= window.closes_on
                else FollowUpState.OVERDUE
            )
            assert state == expected == window.state_on(today)
            assert reminders.follow_up_reminder_kind(window, today) == reminder_the_page_calls_for(page_on, today)
            # A follow-up written on a day the page says overdue is late, and only then.
            if state != FollowUpState.NOT_DUE:
                assert window.written_late(today) == (state == FollowUpState.OVERDUE)
        # The overdue reminder's first day is the badge's first Försenad day, the day after the window closes.
        assert page_on(window.closes_on) == FollowUpState.DUE
        assert reminders.follow_up_reminder_kind(window, window.closes_on) is None
        assert page_on(window.closes_on + DAY) == FollowUpState.OVERDUE
        assert reminders.follow_up_reminder_kind(window, window.closes_on + DAY) == reminders.Kind.FOLLOW_UP_OVERDUE


@settings(max_examples=300, deadline=None)
@given(
    raised_on=st.dates(FIRST_RAISED, LAST_RAISED),
    starts_on=st.dates(datetime.date(2026, 9, 1), datetime.date(2030, 12, 31)),
    length=st.integers(0, 400),
    months=st.integers(0, 24),
)
def test_the_index_narrowing_of_the_target_figures_keeps_every_window_closing_in_the_span(
    raised_on, starts_on, length, months
):
    """The target figures first narrow cases by raised_on (indexed), then count by follow_up_closes_on: the
    narrowing may take in too much, never too little, and for whole months (periods) it is exact."""
    agreement = Agreement(follow_up_opens_months=0, follow_up_closes_months=months)
    ends_on = starts_on + datetime.timedelta(days=length)
    first, last = raised_on_range_for_windows_closing(agreement, starts_on, ends_on)
    closes_on = follow_up_window(raised_on=raised_on, agreement=agreement).closes_on
    if starts_on <= closes_on <= ends_on:
        assert first <= raised_on <= last
    whole_months_end = ends_on.replace(day=1) + relativedelta(months=1) - DAY
    first, last = raised_on_range_for_windows_closing(agreement, starts_on.replace(day=1), whole_months_end)
    assert (first <= raised_on <= last) == (starts_on.replace(day=1) <= closes_on <= whole_months_end)


@pytest.fixture
def raised_every_day(people):
    """An active case without a follow-up raised on every day from August 2026 to the end of 2028 (each
    its own youth, assigned to the caseworker), by raised-on date."""
    agreement = people.agreement
    days = [FIRST_RAISED + n * DAY for n in range((LAST_RAISED - FIRST_RAISED).days + 1)]
    persons = Person.objects.bulk_create(
        [
            report_factories.PersonFactory.build(
                agreement=agreement, personal_number=report_factories.personal_number(n, 2011)
            )
            for n in range(len(days))
        ]
    )
    cases = Case.objects.bulk_create(
        [
            report_factories.CaseFactory.build(
                agreement=agreement,
                person=person,
                number=f"F-{n:04d}",
                category=Category.SVANSEN,
                status=CaseStatus.ACTIVE,
                proposed_by=people.police,
                proposed_on=day - 7 * DAY,
                raised_on=day,
                unit=people.investigation,
                caseworker=people.caseworker,
            )
            for n, (person, day) in enumerate(zip(persons, days, strict=True))
        ]
    )
    return {case.raised_on: case for case in cases}


def test_the_sql_window_is_the_python_window_on_every_raised_on_date(people, raised_every_day):
    """Every day of 2027 and 2028 (and the autumn before), one query per window: the annotation the
    reminders and the target figures select by is follow_up_window, on SQLite and on PostgreSQL."""
    agreement = people.agreement
    assert len(raised_every_day) == 884
    for opens, closes in WINDOWS:
        agreement.follow_up_opens_months, agreement.follow_up_closes_months = opens, closes
        in_sql = (
            Case.objects.filter(agreement=agreement)
            .annotate(**follow_up_window_expressions(agreement))
            .values_list("raised_on", "follow_up_opens_on", "follow_up_closes_on")
        )
        for raised_on, opens_on, closes_on in in_sql:
            window = follow_up_window(raised_on=raised_on, agreement=agreement)
            assert (opens_on, closes_on) == (window.opens_on, window.closes_on), (raised_on, opens, closes)
        assert len(in_sql) == 884


def _windows(cases: dict, agreement) -> dict:
    return {case.pk: follow_up_window(raised_on=raised_on, agreement=agreement) for raised_on, case in cases.items()}


def _reminders_sent(agreement, today) -> dict[str, set[str]]:
    """The follow-up reminders the job would create on `today`: case id -> their kinds."""
    sent = {}
    for due in reminders.follow_up_reminders(agreement, today):
        sent.setdefault(due.object_key, set()).add(due.kind)
    return sent


@at_month_ends
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raised_on=RAISED_ON)
def test_the_reminders_come_on_the_days_the_page_calls_for_them(people, raised_every_day, raised_on):
    """At each edge day of one case's window, the reminders the job selects in SQL (on the annotated forward
    window) are, for every case raised from August 2026 to 2028, the ones its page calls for that day: the
    drawn case's page through the badge selector, the others through their window's state. At the month
    ends, on the first day of each reminder, the reminders themselves too (slower to build for 884 cases)."""
    agreement = people.agreement
    case = raised_every_day[raised_on]
    windows = _windows(raised_every_day, agreement)

    def badge_on(day):
        return FollowUpState(follow_up_badge(case=case, has_follow_up=False, today=day).state)

    for today in edge_days(windows[case.pk]):
        expected = {}
        for pk, window in windows.items():
            if kind := reminder_the_page_calls_for(window.state_on, today):
                expected[pk] = kind
        selected = {}
        for selected_case, window, kind in reminders.follow_up_reminders_due(agreement, today):
            assert window == windows[selected_case.pk]
            selected[selected_case.pk] = kind
        assert selected == expected, today
        assert selected.get(case.pk) == reminder_the_page_calls_for(badge_on, today), today
        if raised_on in MONTH_ENDS and today in (windows[case.pk].opens_on - LEAD, windows[case.pk].closes_on + DAY):
            sent = _reminders_sent(agreement, today)
            assert sent == {str(pk): {kind} for pk, kind in expected.items()}, today


def test_a_case_raised_on_30_september_is_overdue_and_reminded_on_31_march(people, raised_every_day):
    """The issue's case: Försenad on the page from 2027-03-31, and the reminder that same day (the inverse
    `today - 6 months` put it on 1 April)."""
    case = raised_every_day[datetime.date(2026, 9, 30)]

    def page_on(day):
        return follow_up_badge(case=case, has_follow_up=False, today=day).state

    assert page_on(datetime.date(2027, 3, 30)) == FollowUpState.DUE
    assert str(case.pk) not in _reminders_sent(people.agreement, datetime.date(2027, 3, 30))
    assert page_on(datetime.date(2027, 3, 31)) == FollowUpState.OVERDUE
    assert _reminders_sent(people.agreement, datetime.date(2027, 3, 31))[str(case.pk)] == {
        reminders.Kind.FOLLOW_UP_OVERDUE
    }


def _on(day: datetime.date):
    """The clock at noon in Stockholm on `day`, for the services that refuse a date in the future."""
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(12), tzinfo=STOCKHOLM), tick=False)


@at_month_ends
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raised_on=RAISED_ON)
def test_the_late_flag_and_the_target_figures_agree_with_the_page(people, raised_every_day, raised_on):
    """A follow-up written on an edge day of the window: refused while the page says not due; marked late
    exactly when the page says overdue; and the target figures (the board and the reports count through
    casework.selectors.targets) count it in time exactly when it is not late, in the quarter the window
    closes, beside every other case whose window closed unfollowed."""
    agreement = people.agreement
    case = raised_every_day[raised_on]
    windows = _windows(raised_every_day, agreement)
    window = windows[case.pk]
    caseworker = actor_for(people.caseworker, agreement)
    quarter = period_containing(window.closes_on, PeriodKind.QUARTER)
    for written_on in (window.opens_on - DAY, window.opens_on, window.closes_on, window.closes_on + DAY):
        page = follow_up_badge(case=case, has_follow_up=False, today=written_on).state
        with transaction.atomic(), _on(written_on):
            if page == FollowUpState.NOT_DUE:
                with pytest.raises(ValidationError):
                    write_follow_up(
                        actor=caseworker,
                        case=case,
                        written_on=written_on,
                        youth_view="a",
                        social_view="b",
                        outcome="unknown",
                    )
                transaction.set_rollback(True)
                continue
            follow_up = write_follow_up(
                actor=caseworker, case=case, written_on=written_on, youth_view="a", social_view="b", outcome="unknown"
            )
            assert FollowUp.objects.get(pk=follow_up.pk).late == (page == FollowUpState.OVERDUE), written_on
            state = follow_up_cases(agreement, today=written_on).get(pk=case.pk).follow_up_count
            assert state == (FollowUpCount.LATE if follow_up.late else FollowUpCount.IN_WINDOW), written_on
            in_time = state == FollowUpCount.IN_WINDOW
            (row,) = target_rows(agreement=agreement, periods=[quarter], today=written_on)
            figure = row.metric(Target.Metric.FOLLOW_UP_IN_WINDOW_SHARE)
            missed = {pk for pk, w in windows.items() if quarter.contains(w.closes_on) and w.closes_on < written_on}
            counted = missed | ({case.pk} if in_time else set())
            assert (figure.value, figure.denominator) == (int(in_time), len(counted)), written_on
            transaction.set_rollback(True)
