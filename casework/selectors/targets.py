"""The agreement's target board: what the collaboration achieved per quarter, tertial and year, against
the agreement's Target rows.

Pure reads of counts only: no names, no free text, no case ids, so the same rows serve the social
manager, the management role and the reports package. Each measure is one aggregate query over all the
periods asked for (conditional counts), so a whole year's board costs a handful of queries however
many cases there are.

Definitions (the agreement's targets, section 7 of the source agreement):
- meetings held: meetings marked held, by meeting date;
- cases identified per category: cases by raised-on date and the category the meeting identified them
  in (a later category change does not rewrite a past period);
- svansen youths offered a documented intervention: of the svansen cases raised in the period, those
  with an intervention offered by the end of the period;
- follow-ups in the window: of the cases whose follow-up window closes in the period (and has closed by
  today, or whose follow-up is written), those followed up inside the window; cases closed before
  their window opened are not due;
- orossamtal held, svansen youths reached by the field team (distinct cases identified as svansen with
  a field contact), anonymous youths met in risk settings, hot-spot visits: by date of the contact or
  visit.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accesscontrol.models import Role
from casework.follow_up import follow_up_window
from casework.models import (
    Case,
    CaseStatus,
    Category,
    FieldContact,
    FollowUp,
    HotSpotVisit,
    Intervention,
    Meeting,
    Target,
)
from casework.periods import Period, PeriodKind, periods_of_year

Metric = Target.Metric
SHARE_METRICS = (Metric.SVANSEN_OFFERED_SHARE, Metric.FOLLOW_UP_IN_WINDOW_SHARE)
ANONYMOUS_YOUTHS = "anonymous_youths"  # counted and shown, but no target of its own
_MONTHS = {PeriodKind.QUARTER: 3, PeriodKind.TERTIAL: 4, PeriodKind.HALF_YEAR: 6, PeriodKind.YEAR: 12}
_SHORT_LABELS = {
    Metric.MEETINGS: _("samverkansmöten"),
    Metric.LIFESTYLE_IDENTIFIED: _("livsstil"),
    Metric.SVANSEN_IDENTIFIED: _("svansen"),
    Metric.SVANSEN_OFFERED_SHARE: _("svansen med erbjuden insats"),
    Metric.FOLLOW_UP_IN_WINDOW_SHARE: _("uppföljningar i tid"),
    Metric.CONCERN_TALKS: _("orossamtal"),
    Metric.SVANSEN_REACHED: _("svansen nådda av fältgruppen"),
    Metric.HOT_SPOT_VISITS: _("tillsynsbesök"),
    ANONYMOUS_YOUTHS: _("anonyma ungdomar i riskmiljö"),
}


@dataclass(frozen=True)
class MetricRow:
    """One measure in one period: a count, or a share (value of denominator), and the target if the
    agreement has one that applies to the period."""

    metric: str
    label: str
    short_label: str
    value: int
    denominator: int | None = None
    target: int | None = None

    @property
    def is_share(self) -> bool:
        return self.denominator is not None

    @property
    def percent(self) -> int | None:
        if not self.is_share or not self.denominator:
            return None
        return round(100 * self.value / self.denominator)

    @property
    def met(self) -> bool | None:
        if self.target is None:
            return None
        if self.is_share:
            return None if self.denominator == 0 else self.percent >= self.target
        return self.value >= self.target

    @property
    def meter_percent(self) -> int:
        """How full the meter is (0–100): the share itself, or the count against its target."""
        if self.is_share:
            return self.percent if self.percent is not None else 100
        if not self.target:
            return 100
        return min(100, round(100 * self.value / self.target))


@dataclass(frozen=True)
class PeriodRow:
    period: Period
    metrics: list[MetricRow]

    def metric(self, metric: str) -> MetricRow:
        return next(row for row in self.metrics if row.metric == metric)


def _applicable_target(target: Target | None, kind: PeriodKind) -> int | None:
    """A share target applies to every period; a count target to its own kind of period, and to others
    only where it scales evenly (4 meetings a year → 1 a quarter; 2 a quarter → 8 a year)."""
    if target is None:
        return None
    if target.metric in SHARE_METRICS or target.period == kind:
        return target.value
    scaled = target.value * _MONTHS[kind]
    months = _MONTHS[PeriodKind(target.period)]
    return scaled // months if scaled % months == 0 else None


def _conditional_counts(queryset, date_field: str, periods: list[Period], expression="pk", distinct=False, extra=None):
    """One query: for each period, Count(expression) over the rows whose date falls in it."""
    aggregates = {
        f"p{index}": Count(
            expression,
            distinct=distinct,
            filter=Q(**{f"{date_field}__range": (period.starts_on, period.ends_on)}) & (extra or Q()),
        )
        for index, period in enumerate(periods)
    }
    result = queryset.aggregate(**aggregates)
    return [result[f"p{index}"] for index in range(len(periods))]


def _span(periods: list[Period]) -> tuple[datetime.date, datetime.date]:
    return min(p.starts_on for p in periods), max(p.ends_on for p in periods)


def _identified(agreement, periods):
    start, end = _span(periods)
    cases = Case.objects.filter(agreement=agreement, raised_on__range=(start, end))
    return {
        category: _conditional_counts(cases, "raised_on", periods, extra=Q(identified_category=category))
        for category in Category.values
    }


def _svansen_offered(agreement, periods):
    start, end = _span(periods)
    first_offer = Intervention.objects.filter(case=OuterRef("pk")).order_by("offered_on").values("offered_on")[:1]
    cases = Case.objects.filter(
        agreement=agreement, identified_category=Category.SVANSEN, raised_on__range=(start, end)
    ).annotate(first_offer=Subquery(first_offer))
    aggregates = {}
    for index, period in enumerate(periods):
        in_period = Q(raised_on__range=(period.starts_on, period.ends_on))
        aggregates[f"all{index}"] = Count("pk", filter=in_period)
        aggregates[f"offered{index}"] = Count("pk", filter=in_period & Q(first_offer__lte=period.ends_on))
    result = cases.aggregate(**aggregates)
    return [(result[f"offered{i}"], result[f"all{i}"]) for i in range(len(periods))]


def _follow_ups_in_window(agreement, periods, today):
    """Month arithmetic is not portable SQL, so the window is applied in Python to one query's
    (raised_on, closed_on, done, in window) tuples; only cases raised in the span that can close a
    window in these periods are read."""
    start, end = _span(periods)
    earliest = start - datetime.timedelta(days=31 * agreement.follow_up_closes_months)
    rows = (
        Case.objects.filter(agreement=agreement, raised_on__range=(earliest, end))
        .annotate(
            done=Exists(FollowUp.objects.filter(case=OuterRef("pk"))),
            in_window=Exists(FollowUp.objects.filter(case=OuterRef("pk"), late=False)),
        )
        .values_list("raised_on", "closed_on", "done", "in_window")
    )
    totals = [[0, 0] for _period in periods]
    for raised_on, closed_on, done, in_window in rows:
        window = follow_up_window(raised_on=raised_on, agreement=agreement)
        if closed_on is not None and closed_on < window.opens_on:
            continue
        if window.closes_on > today and not done:
            continue
        for index, period in enumerate(periods):
            if period.contains(window.closes_on):
                totals[index][0] += int(in_window)
                totals[index][1] += 1
    return [tuple(total) for total in totals]


def _field_work(agreement, periods):
    start, end = _span(periods)
    contacts = FieldContact.objects.filter(agreement=agreement, occurred_on__range=(start, end))
    concern_talks = _conditional_counts(contacts, "occurred_on", periods, extra=Q(kind=FieldContact.Kind.CONCERN_TALK))
    reached = _conditional_counts(
        contacts,
        "occurred_on",
        periods,
        expression="case",
        distinct=True,
        extra=Q(case__identified_category=Category.SVANSEN),
    )
    anonymous = contacts.aggregate(
        **{
            f"p{index}": Sum("anonymous_youths", filter=Q(occurred_on__range=(period.starts_on, period.ends_on)))
            for index, period in enumerate(periods)
        }
    )
    visits = _conditional_counts(
        HotSpotVisit.objects.filter(hot_spot__agreement=agreement, visited_on__range=(start, end)),
        "visited_on",
        periods,
    )
    return concern_talks, reached, [anonymous[f"p{i}"] or 0 for i in range(len(periods))], visits


def _rows(*, agreement, periods: list[Period]) -> list[PeriodRow]:
    today = timezone.localdate()
    start, end = _span(periods)
    meetings = _conditional_counts(
        Meeting.objects.filter(agreement=agreement, held=True, held_on__range=(start, end)), "held_on", periods
    )
    identified = _identified(agreement, periods)
    offered = _svansen_offered(agreement, periods)
    in_window = _follow_ups_in_window(agreement, periods, today)
    concern_talks, reached, anonymous, visits = _field_work(agreement, periods)
    targets = {target.metric: target for target in Target.objects.filter(agreement=agreement)}
    rows = []
    for i, period in enumerate(periods):
        measured = [
            (Metric.MEETINGS, meetings[i], None),
            (Metric.LIFESTYLE_IDENTIFIED, identified[Category.LIFESTYLE][i], None),
            (Metric.SVANSEN_IDENTIFIED, identified[Category.SVANSEN][i], None),
            (Metric.SVANSEN_OFFERED_SHARE, *offered[i]),
            (Metric.FOLLOW_UP_IN_WINDOW_SHARE, *in_window[i]),
            (Metric.CONCERN_TALKS, concern_talks[i], None),
            (Metric.SVANSEN_REACHED, reached[i], None),
            (ANONYMOUS_YOUTHS, anonymous[i], None),
            (Metric.HOT_SPOT_VISITS, visits[i], None),
        ]
        metrics = [
            MetricRow(
                metric=str(metric),
                label=str(Metric(metric).label) if metric in Metric.values else str(_("Anonyma ungdomar i riskmiljö")),
                short_label=str(_SHORT_LABELS[metric]),
                value=value,
                denominator=denominator,
                target=_applicable_target(targets.get(metric), period.kind),
            )
            for metric, value, denominator in measured
        ]
        rows.append(PeriodRow(period=period, metrics=metrics))
    return rows


def targets_for_period(*, agreement, period: Period) -> PeriodRow:
    """Every measure of one period (quarter, tertial, half-year or year) against its target."""
    return _rows(agreement=agreement, periods=[period])[0]


def target_board(*, agreement, year: int) -> list[PeriodRow]:
    """The year's board: the four quarters, the three tertials and the whole year, in that order."""
    periods = [
        *periods_of_year(year, PeriodKind.QUARTER),
        *periods_of_year(year, PeriodKind.TERTIAL),
        *periods_of_year(year, PeriodKind.YEAR),
    ]
    return _rows(agreement=agreement, periods=periods)


@dataclass(frozen=True)
class BoardTable:
    """One kind of period laid out for reading: a row per measure, a cell per period."""

    kind: str
    periods: list[Period]
    rows: list[tuple[str, list[MetricRow]]]

    @classmethod
    def of(cls, period_rows: list[PeriodRow]) -> BoardTable:
        first = period_rows[0].metrics
        rows = [(metric.label, [row.metrics[i] for row in period_rows]) for i, metric in enumerate(first)]
        return cls(kind=str(period_rows[0].period.kind), periods=[row.period for row in period_rows], rows=rows)


@dataclass
class BoardPage:
    """The board for one year, and for the social managers the svansen cases still without an offered
    intervention (the gap behind the share). Management gets the counts only."""

    year: int
    quarters: list[PeriodRow]
    tertials: list[PeriodRow]
    whole_year: PeriodRow
    gaps: list | None

    @property
    def tables(self) -> list[BoardTable]:
        return [BoardTable.of(self.quarters), BoardTable.of(self.tertials), BoardTable.of([self.whole_year])]


def svansen_without_offer(*, actor) -> list[Case]:
    """Active svansen cases with no documented intervention offered (social managers only)."""
    if actor is None or actor.agreement is None or not actor.has(Role.SOCIAL_MANAGER):
        raise PermissionDenied
    cases = (
        Case.objects.filter(agreement=actor.agreement, status=CaseStatus.ACTIVE, category=Category.SVANSEN)
        .exclude(Exists(Intervention.objects.filter(case=OuterRef("pk"))))
        .select_related("person")
        .order_by("raised_on", "number")
    )
    return list(cases)


def board_page(*, actor, year: int) -> BoardPage:
    """The target board for the social managers and management of the actor's agreement."""
    if actor is None or actor.agreement is None or not actor.has(Role.SOCIAL_MANAGER, Role.MANAGEMENT):
        raise PermissionDenied
    rows = target_board(agreement=actor.agreement, year=year)
    gaps = svansen_without_offer(actor=actor) if actor.has(Role.SOCIAL_MANAGER) else None
    return BoardPage(year=year, quarters=rows[:4], tertials=rows[4:7], whole_year=rows[7], gaps=gaps)
