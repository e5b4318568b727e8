"""The agreement's targets brought to a reporting period, for the follow-up report and the statistics.

A target is set per quarter, tertial or year (Target.period). A count target is scaled to the length of the
reported period and rounded up (2 per quarter is 8 a year, and 3 a tertial: 2 x 4/3 rounded up, since
2.7 cases cannot be identified); a share (%) is the same in every period.
"""

import datetime
import math
from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext_lazy as _

from casework.follow_up import follow_up_window
from casework.models import Case, FollowUp, Target
from casework.periods import Period, PeriodKind

_MONTHS = {
    Target.Period.QUARTER: 3,
    Target.Period.TERTIAL: 4,
    Target.Period.YEAR: 12,
    PeriodKind.QUARTER: 3,
    PeriodKind.TERTIAL: 4,
    PeriodKind.HALF_YEAR: 6,
    PeriodKind.YEAR: 12,
}
SHARE_METRICS = {Target.Metric.SVANSEN_OFFERED_SHARE, Target.Metric.FOLLOW_UP_IN_WINDOW_SHARE}


@dataclass(frozen=True)
class PeriodTarget:
    metric: str
    value: int
    is_share: bool

    @property
    def text(self) -> str:
        return f"≥ {self.value} %" if self.is_share else f"≥ {self.value}"

    def met(self, outcome) -> bool | None:
        """Whether an outcome meets the target; None when there is no outcome to judge."""
        return None if outcome is None else outcome >= self.value


def targets_for_period(agreement, period: Period) -> dict[str, PeriodTarget]:
    """The agreement's targets, each brought to `period`."""
    targets = {}
    for target in Target.objects.filter(agreement=agreement):
        is_share = target.metric in SHARE_METRICS
        if is_share:
            value = target.value
        else:
            value = math.ceil(Fraction(target.value * _MONTHS[period.kind], _MONTHS[target.period]))
        targets[target.metric] = PeriodTarget(target.metric, value, is_share)
    return targets


TARGET_EXPLANATION = _(
    "Mål per kvartal, tertial eller år räknas om till periodens längd och avrundas uppåt; mål i procent gäller "
    "oförändrade i varje period."
)


@dataclass(frozen=True)
class DueFollowUp:
    case_id: object
    statistics_key: float
    closes_on: datetime.date
    in_time: bool


def follow_ups_due(agreement, starts_on: datetime.date, ends_on: datetime.date) -> list[DueFollowUp]:
    """Cases whose follow-up window closes between the two dates, each with whether a follow-up was written
    inside its window (casework.follow_up.follow_up_window)."""
    months = relativedelta(months=agreement.follow_up_closes_months)
    # A window closes `months` after raising; a few days' slack covers month-end clamping.
    earliest, latest = starts_on - months - datetime.timedelta(days=4), ends_on - months + datetime.timedelta(days=4)
    cases = Case.objects.filter(agreement=agreement, raised_on__gte=earliest, raised_on__lte=latest)
    rows = list(cases.values_list("pk", "raised_on", "person__statistics_key").order_by())
    written = defaultdict(list)
    for case_id, written_on in FollowUp.objects.filter(case__in=cases).values_list("case_id", "written_on"):
        written[case_id].append(written_on)
    windows = {}
    due = []
    for case_id, raised_on, key in rows:
        if raised_on not in windows:
            windows[raised_on] = follow_up_window(raised_on=raised_on, agreement=agreement)
        window = windows[raised_on]
        if starts_on <= window.closes_on <= ends_on:
            due.append(DueFollowUp(case_id, key, window.closes_on, any(map(window.contains, written[case_id]))))
    return due
