"""The follow-up window: the rule of the agreement (3–6 months after raising by default), in one place.

`follow_up_window` (Python) and `follow_up_window_expressions` (its SQL twin, MonthsAfter) are the only
month arithmetic of the window. Everything else compares days with the window's forward dates: the badge
(FollowUpWindow.state_on), the late flag of a follow-up (FollowUpWindow.written_late), the reminders
(casework.reminders, on the annotated window) and the target figures (casework.selectors.targets). Nothing
inverts it (`today - 6 months`): at month ends that is not the inverse of `raised_on + 6 months` (a case
raised 30 Sep closes 30 Mar, but 31 Mar - 6 months is 30 Sep again), and the copies disagreed by a day.
"""

import datetime
from dataclasses import dataclass
from enum import StrEnum

from dateutil.relativedelta import relativedelta
from django.db.models import Case, CharField, DateField, Func, IntegerField, Q, Value, When
from django.utils.translation import gettext_lazy as _


class FollowUpState(StrEnum):
    NOT_DUE = "not_due"
    DUE = "due"
    OVERDUE = "overdue"
    DONE = "done"
    # Closed without a follow-up: none can be written any more, so nothing is due or overdue (the target
    # figures, casework.selectors.targets, decide on their own whether the window was missed).
    CLOSED = "closed"


FOLLOW_UP_STATE_LABELS = {
    FollowUpState.NOT_DUE: _("Inte aktuell än"),
    FollowUpState.DUE: _("Dags för uppföljning"),
    FollowUpState.OVERDUE: _("Försenad"),
    FollowUpState.DONE: _("Gjord"),
    FollowUpState.CLOSED: _("Avslutat utan uppföljning"),
}


@dataclass(frozen=True)
class FollowUpWindow:
    opens_on: datetime.date
    closes_on: datetime.date

    def contains(self, day: datetime.date) -> bool:
        return self.opens_on <= day <= self.closes_on

    def state_on(self, today: datetime.date) -> FollowUpState:
        """The badge of an open case without a follow-up: not due before opens_on, due up to and including
        closes_on, overdue from the day after."""
        if today < self.opens_on:
            return FollowUpState.NOT_DUE
        if today <= self.closes_on:
            return FollowUpState.DUE
        return FollowUpState.OVERDUE

    def written_late(self, written_on: datetime.date) -> bool:
        """A follow-up written after the window closed (FollowUp.late); the target figures count the same
        follow-up as late, neither in time nor missing (casework.selectors.targets.FollowUpCount: written_on
        after follow_up_closes_on)."""
        return written_on > self.closes_on


def follow_up_window(*, raised_on: datetime.date, agreement) -> FollowUpWindow:
    """Opens `follow_up_opens_months` and closes `follow_up_closes_months` after the raised-on date."""
    return FollowUpWindow(
        opens_on=raised_on + relativedelta(months=agreement.follow_up_opens_months),
        closes_on=raised_on + relativedelta(months=agreement.follow_up_closes_months),
    )


def follow_up_state(
    *, raised_on, agreement, has_follow_up: bool, today: datetime.date, closed_on: datetime.date | None = None
) -> FollowUpState | None:
    """The badge of a case: not yet due / due / overdue / done, or closed (without a follow-up, which a
    closed case cannot get). None for a case not yet raised. `closed_on`: the day the case closed, None
    while it is open."""
    if raised_on is None:
        return None
    if has_follow_up:
        return FollowUpState.DONE
    if closed_on is not None:
        return FollowUpState.CLOSED
    return follow_up_window(raised_on=raised_on, agreement=agreement).state_on(today)


class MonthsAfter(Func):
    """The date `months` calendar months after a date column, in SQL, with the same end-of-month rule as
    relativedelta (31 Aug + 6 months = 28 Feb): the follow-up window in a query, so the target figures
    can be counted in the database. Django has no such function and neither backend's plain date
    arithmetic agrees with relativedelta (SQLite's date(x, '+6 months') rolls 31 Aug over into March), so
    it is written here for the two databases Samsyn runs on."""

    output_field = DateField()

    def __init__(self, expression, *, months: int):
        super().__init__(expression)
        self.months = int(months)

    def as_sql(self, compiler, connection, **extra_context):
        # PostgreSQL: date + interval clamps to the month's last day, as relativedelta does.
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST(({sql}) + make_interval(months => %s) AS date)", (*params, self.months)

    def as_sqlite(self, compiler, connection, **extra_context):
        # The same day-of-month in the target month, or that month's last day if it is shorter.
        sql, params = compiler.compile(self.source_expressions[0])
        same_day = (
            f"date({sql}, 'start of month', %s, printf('+%%d days', CAST(strftime('%%d', {sql}) AS INTEGER) - 1))"
        )
        last_day = f"date({sql}, 'start of month', %s, '-1 day')"
        return (
            f"MIN({same_day}, {last_day})",
            (*params, f"+{self.months} months", *params, *params, f"+{self.months + 1} months"),
        )


def follow_up_window_expressions(agreement) -> dict:
    """`follow_up_window` as query annotations on cases: follow_up_opens_on and follow_up_closes_on."""
    return {
        "follow_up_opens_on": MonthsAfter("raised_on", months=agreement.follow_up_opens_months),
        "follow_up_closes_on": MonthsAfter("raised_on", months=agreement.follow_up_closes_months),
    }


def with_follow_up_state(cases, agreement, *, today: datetime.date, has_follow_up: str = "has_follow_up"):
    """`follow_up_state` in SQL: `cases` (of `agreement`, already carrying the boolean annotation
    `has_follow_up`) annotated with the window (`follow_up_window_expressions`), follow_up_state (the
    FollowUpState value, NULL for a case not yet raised) and follow_up_rank (the most pressing first:
    overdue, due, not due, done, closed, none), for the case list's filter and sorting. The same order of
    tests as `follow_up_state`; a test holds the two forms together (tests/casework/test_case_list.py)."""
    closed = Q(status="closed", closed_on__isnull=False)
    state = Case(
        When(raised_on__isnull=True, then=Value(None)),
        When(**{has_follow_up: True}, then=Value(FollowUpState.DONE.value)),
        When(closed, then=Value(FollowUpState.CLOSED.value)),
        When(Q(follow_up_opens_on__gt=today), then=Value(FollowUpState.NOT_DUE.value)),
        When(Q(follow_up_closes_on__gte=today), then=Value(FollowUpState.DUE.value)),
        default=Value(FollowUpState.OVERDUE.value),
        output_field=CharField(),
    )
    order = [FollowUpState.OVERDUE, FollowUpState.DUE, FollowUpState.NOT_DUE, FollowUpState.DONE, FollowUpState.CLOSED]
    rank = Case(
        *(When(follow_up_state=value.value, then=Value(position)) for position, value in enumerate(order)),
        default=Value(len(order)),
        output_field=IntegerField(),
    )
    return (
        cases.annotate(**follow_up_window_expressions(agreement))
        .annotate(follow_up_state=state)
        .annotate(follow_up_rank=rank)
    )


def raised_on_range_for_windows_closing(
    agreement, starts_on: datetime.date, ends_on: datetime.date
) -> tuple[datetime.date, datetime.date]:
    """[first, last] raised-on dates that hold every case whose window closes in [starts_on, ends_on]: for
    narrowing by the raised_on index before the exact test on follow_up_closes_on. Not an inverse of the
    window (there is none: 30 and 31 Aug both close on 28 Feb) but a superset, by whole calendar months:
    months after a day always lands in the calendar month as many months later (the day is kept or cut to
    the month's last, never carried over), so a window closing in the months of [starts_on, ends_on] was
    raised in the months as many months earlier. Exact when the span is whole months, as periods are."""
    months = agreement.follow_up_closes_months
    first = starts_on.replace(day=1) - relativedelta(months=months)
    last = ends_on.replace(day=1) - relativedelta(months=months - 1) - datetime.timedelta(days=1)
    return first, last
