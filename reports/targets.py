"""The agreement's targets brought to a reporting period, for the follow-up report and the statistics.

A target is set per quarter, tertial or year (Target.period). A count target is scaled to the length of the
reported period and rounded up (2 per quarter is 8 a year, and 3 a tertial: 2 x 4/3 rounded up, since
2.7 cases cannot be identified); a share (%) is the same in every period.
"""

import math
from dataclasses import dataclass
from fractions import Fraction

from django.utils.translation import gettext_lazy as _

from casework.models import Target
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
