"""The agreement's targets: what the collaboration achieved per quarter, tertial, half-year and year against
the agreement's Target rows, and the cases behind each figure.

The one place these figures are defined and counted. The target board (/mal/), the quarter's targets during
a meeting, the social manager's follow-up report (reports.selectors.follow_up, its PDF/XLSX and the long
reports) and the management statistics' targets table (reports.catalogue) all count through here.

Definitions (Landskrona's agreement 2013/14, area 7: docs/domain.md, "The source agreement"). Each measure
is a set of rows placed in a period by one date:

- Meetings on management level (mål 1, "minst fyra träffar per år på ledningsnivå som kan följas genom
  skriftlig dokumentation"): meetings held whose minutes are approved (justerat protokoll), by meeting date.
  A meeting whose minutes are still a draft is not documented yet and does not count; once they are
  approved it counts in the period it was held.
- Cases identified, lifestyle and svansen (mål 2 and 3): identified cases by their raised-on date
  (aktualiseringsdatum), in the category the meeting identified them in (Case.identified_category). A later
  category change (svansen → lifestyle) is an event of its own and does not rewrite a past period.
- Svansen youths offered a documented intervention (mål 4), a share: of the cases identified as svansen in
  the period, those with an intervention from the catalogue offered, as documented today. Not "offered
  within the same quarter": identification happens at the quarterly meeting, often late in the quarter,
  and the target is that every identified youth is offered one.
- Follow-ups within 3–6 months (kvalitetsmål 1), a share: identified cases whose follow-up window
  (casework.follow_up, the agreement's months) closes in the period, and of them those with a follow-up
  written inside the window. Each such case is in one of four states on a day (FollowUpCount,
  `follow_up_cases`): in time (a follow-up written inside the window, counted at once, even while the
  window is open), late (the window closed, and a follow-up was written after it), missing (the window
  closed without one) and not yet due (the window still open without one: not missed yet). The share is
  in time of due, due being the first three: a late follow-up is not in time, but it is not missing
  either, and every figure shows the four apart. Left out altogether: a case closed before its window
  opened (a closed case cannot be followed up).
- Orossamtal held (metod 4): field contacts of the kind orossamtal, by date. The cases behind the figure
  are the youths the talks were with (one youth may have had several talks).
- Svansen youths reached by the field team (metod 4): cases identified as svansen with a field contact with
  the youth (not only the parents) in the period, each counted once per period.
- Anonymous youths met in risk settings: the youths of outreach contacts without identity, added up; shown
  beside the targets, with no target of its own.
- Hot-spot visits (metod 3): supervision visits to the agreement's hot spots, by date.

Targets and periods: a share target (%) applies unchanged to every period. A count target applies to its
own kind of period, to periods made of whole target periods (2 a quarter is 4 a half-year and 8 a year),
and to the parts of a target period where it divides evenly (4 meetings a year is 1 a quarter). Quarters and
tertials do not nest (a tertial takes in a month of the next quarter), so a quarterly target gives no
tertial target, and a yearly one only where it divides by three. Pro rata and rounded up, a tertial would
demand 3 lifestyle cases where quarterly meetings in February, May, August and November keep the agreement
with 2, 4 and 2: an invented target would be "missed" while the real one is met. A share meets its target
when numerator / denominator ≥ target exactly; its percent has one decimal, rounded half up
(config.formatting.share), and never shows 100,0 % unless every case counts.

Counting: each set of rows is one aggregate query over all the periods asked for (conditional counts), so
a board costs a fixed handful of queries however many cases there are. The cases behind a figure
(`cases_behind`) are the same rows under the same filter, so a figure and its list cannot disagree.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.db import connections
from django.db.models import (
    BooleanField,
    CharField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models import Case as Switch
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accesscontrol import policies
from accesscontrol.policies import Action
from accesscontrol.scoping import scope_cases
from casework.follow_up import follow_up_window_expressions, raised_on_range_for_windows_closing
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
from config import formatting

Metric = Target.Metric
ANONYMOUS_YOUTHS = "anonymous_youths"  # counted and shown, but no target of its own
SHARE_METRICS = frozenset({Metric.SVANSEN_OFFERED_SHARE, Metric.FOLLOW_UP_IN_WINDOW_SHARE})
# The category an identified case counts in, here and in the management statistics.
CATEGORY_FIELD = "identified_category"
_MONTHS = {PeriodKind.QUARTER: 3, PeriodKind.TERTIAL: 4, PeriodKind.HALF_YEAR: 6, PeriodKind.YEAR: 12}
_LABELS = dict(Metric.choices) | {ANONYMOUS_YOUTHS: _("Anonyma ungdomar i riskmiljö")}
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
# What puts a case of a share's list in the numerator, as a column heading (the follow-ups' list shows each
# case's state instead, FOLLOW_UP_COUNT_LABELS).
NUMERATOR_LABELS = {
    Metric.SVANSEN_OFFERED_SHARE: _("Erbjuden insats"),
}
TARGET_RULE = _(
    "Ett mål gäller i sin egen period, i perioder som består av hela målperioder (2 per kvartal blir 8 per år) "
    "och i delar av målperioden där det går jämnt ut (4 per år blir 1 per kvartal). Kvartal och tertial går inte "
    "i varandra, så ett kvartalsmål har inget tertialmål. Mål i procent gäller oförändrade i varje period."
)


# --- The rows each measure counts -------------------------------------------------------------------------


def counted_meetings(agreement) -> QuerySet[Meeting]:
    """Meetings held and documented: minutes approved."""
    return Meeting.objects.filter(agreement=agreement, held=True, minutes_status=Meeting.MinutesStatus.APPROVED)


def identified_cases(agreement) -> QuerySet[Case]:
    """Cases identified at a meeting, with the category they were identified in (CATEGORY_FIELD)."""
    return Case.objects.filter(agreement=agreement, raised_on__isnull=False).exclude(**{CATEGORY_FIELD: ""})


class FollowUpCount(StrEnum):
    """Where a case stands in the follow-up figure on a day (the module docstring): in time, late (written
    after the window: the case page's "Efter fönstret"), missing, or not yet due."""

    IN_WINDOW = "in_window"
    LATE = "late"
    MISSING = "missing"
    NOT_YET_DUE = "not_yet_due"


# A target's status, in the same words on every page and document.
MET_LABELS = {True: _("Uppnått"), False: _("Inte uppnått"), None: _("Ej avgjort")}

FOLLOW_UP_COUNT_LABELS = {
    FollowUpCount.IN_WINDOW: _("I tid"),
    # The words of the case page's tag on a late follow-up. Not "Försenad": that is the case page's badge of
    # a follow-up not written yet after the window (casework.follow_up), which is missing here.
    FollowUpCount.LATE: _("Efter fönstret"),
    FollowUpCount.MISSING: _("Saknas"),
    FollowUpCount.NOT_YET_DUE: _("Inte aktuell än"),
}
# The states that make the share's denominator: the window closed, or the follow-up was written in it.
FOLLOW_UPS_DUE = Q(follow_up_count__in=[FollowUpCount.IN_WINDOW, FollowUpCount.LATE, FollowUpCount.MISSING])


def follow_up_cases(agreement, *, today: datetime.date) -> QuerySet[Case]:
    """Identified cases with a follow-up to count, each annotated with its window (follow_up_opens_on,
    follow_up_closes_on, casework.follow_up), whether a follow-up was written inside it
    (followed_up_in_time) and its FollowUpCount on `today` (follow_up_count), counting the follow-ups
    written by then. Left out: cases closed before their window opened."""
    written = FollowUp.objects.filter(case=OuterRef("pk"), written_on__lte=today)
    in_window = written.filter(
        written_on__gte=OuterRef("follow_up_opens_on"), written_on__lte=OuterRef("follow_up_closes_on")
    )
    after_window = written.filter(written_on__gt=OuterRef("follow_up_closes_on"))
    return (
        identified_cases(agreement)
        .annotate(**follow_up_window_expressions(agreement))
        .exclude(closed_on__lt=F("follow_up_opens_on"))
        .annotate(followed_up_in_time=Exists(in_window))
        .annotate(
            follow_up_count=Switch(
                When(followed_up_in_time=True, then=Value(FollowUpCount.IN_WINDOW.value)),
                When(follow_up_closes_on__gte=today, then=Value(FollowUpCount.NOT_YET_DUE.value)),
                When(Exists(after_window), then=Value(FollowUpCount.LATE.value)),
                default=Value(FollowUpCount.MISSING.value),
                output_field=CharField(),
            )
        )
    )


@dataclass(frozen=True)
class Measure:
    """How one metric is counted: which rows (`source`), the date that places a row in a period, which of
    the rows (`where`), and what is counted: rows, distinct cases, or a sum. A share counts its rows as the
    denominator and those matching `numerator` as the value. `case` is the path from a row to its case
    (None: not about cases). `states`: the values of the annotation `state_field` counted apart, over
    every row of the source in the period (also those `where` leaves out), like the follow-up's four."""

    source: str
    date_field: str
    where: Q = Q()
    counts: str = "rows"  # "rows", "cases" or the name of a field to add up
    numerator: Q | None = None
    case: str | None = None
    state_field: str = ""
    states: tuple[str, ...] = ()


# In the order of the board and the reports.
MEASURES = {
    Metric.MEETINGS: Measure("meetings", "held_on"),
    Metric.LIFESTYLE_IDENTIFIED: Measure("cases", "raised_on", Q(**{CATEGORY_FIELD: Category.LIFESTYLE}), case="pk"),
    Metric.SVANSEN_IDENTIFIED: Measure("cases", "raised_on", Q(**{CATEGORY_FIELD: Category.SVANSEN}), case="pk"),
    Metric.SVANSEN_OFFERED_SHARE: Measure(
        "cases",
        "raised_on",
        Q(**{CATEGORY_FIELD: Category.SVANSEN}),
        numerator=Q(offered_an_intervention=True),
        case="pk",
    ),
    Metric.FOLLOW_UP_IN_WINDOW_SHARE: Measure(
        "follow_ups",
        "follow_up_closes_on",
        FOLLOW_UPS_DUE,
        numerator=Q(follow_up_count=FollowUpCount.IN_WINDOW),
        case="pk",
        state_field="follow_up_count",
        states=tuple(FollowUpCount),
    ),
    Metric.CONCERN_TALKS: Measure("contacts", "occurred_on", Q(kind=FieldContact.Kind.CONCERN_TALK), case="case"),
    Metric.SVANSEN_REACHED: Measure(
        "contacts",
        "occurred_on",
        Q(**{f"case__{CATEGORY_FIELD}": Category.SVANSEN}, with_youth=True),
        counts="cases",
        case="case",
    ),
    ANONYMOUS_YOUTHS: Measure("contacts", "occurred_on", Q(case__isnull=True), counts="anonymous_youths"),
    Metric.HOT_SPOT_VISITS: Measure("visits", "visited_on"),
}
CASE_METRICS = frozenset(metric for metric, measure in MEASURES.items() if measure.case)


_SOURCES = {
    "meetings": lambda agreement, today: counted_meetings(agreement),
    # Annotated once per case, so that each period's conditional count reads the column.
    "cases": lambda agreement, today: identified_cases(agreement).annotate(
        offered_an_intervention=Exists(Intervention.objects.filter(case=OuterRef("pk")))
    ),
    "follow_ups": lambda agreement, today: follow_up_cases(agreement, today=today),
    "contacts": lambda agreement, today: FieldContact.objects.filter(agreement=agreement),
    "visits": lambda agreement, today: HotSpotVisit.objects.filter(hot_spot__agreement=agreement),
}


def _source(name: str, agreement, today: datetime.date) -> QuerySet:
    return _SOURCES[name](agreement, today)


def _dated(measure: Measure, starts_on: datetime.date, ends_on: datetime.date) -> Q:
    return Q(**{f"{measure.date_field}__range": (starts_on, ends_on)})


def _in(measure: Measure, starts_on: datetime.date, ends_on: datetime.date) -> Q:
    return _dated(measure, starts_on, ends_on) & measure.where


def measure_rows(*, agreement, metric: str, starts_on, ends_on, today=None) -> QuerySet:
    """The rows a metric counts between two dates (for a share: its denominator; filter on
    MEASURES[metric].numerator for the rest), for counting them in other shapes (reports.catalogue)."""
    measure = MEASURES[metric]
    rows = _source(measure.source, agreement, today or timezone.localdate())
    return rows.filter(_in(measure, starts_on, ends_on))


def counts_by_span(*, agreement, measure: Measure, spans: list[tuple[datetime.date, datetime.date]]) -> list[int]:
    """What `measure` (one of MEASURES, or one narrowed from it with `dataclasses.replace`) counts in each
    (starts_on, ends_on) span, in one query: for spans that are not periods, such as the field team's months
    (casework.selectors.fieldwork.field_figures). Not for follow-ups (whose rows depend on the day)."""
    start, end = min(s for s, _e in spans), max(e for _s, e in spans)
    rows = _narrowed(measure.source, _source(measure.source, agreement, timezone.localdate()), agreement, start, end)
    tallies = _Tallies(rows)
    for index, (starts_on, ends_on) in enumerate(spans):
        tallies.add(str(index), measure, starts_on, ends_on)
    counts = tallies.counted()
    return [counts[f"{index}_n"] or 0 for index in range(len(spans))]


# --- Targets brought to a period ----------------------------------------------------------------------------


def applicable_target(target: Target | None, kind: PeriodKind) -> int | None:
    """The target's value in a period of `kind` (see the module docstring), or None where it has none."""
    if target is None:
        return None
    if target.metric in SHARE_METRICS or target.period == kind:
        return target.value
    months, target_months = _MONTHS[kind], _MONTHS[PeriodKind(target.period)]
    if max(months, target_months) % min(months, target_months):
        return None  # the periods do not nest (quarters and tertials)
    scaled = target.value * months
    return scaled // target_months if scaled % target_months == 0 else None


def period_targets(*, agreement, periods: list[Period]) -> dict[Period, dict[str, int]]:
    """The agreement's targets in each period, by metric (metrics without a target there are left out)."""
    targets = list(Target.objects.filter(agreement=agreement))
    result = {}
    for period in periods:
        values = {target.metric: applicable_target(target, period.kind) for target in targets}
        result[period] = {metric: value for metric, value in values.items() if value is not None}
    return result


def target_text(metric: str, value: int | None) -> str:
    """A target as it is written beside a figure: "≥ 4", "≥ 100 %"; empty without one."""
    if value is None:
        return ""
    return f"≥ {value} %" if metric in SHARE_METRICS else f"≥ {value}"


# --- The figures ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StateCount:
    """How many of a figure's cases are in one state (the follow-up's four, FollowUpCount)."""

    state: str
    count: int

    @property
    def label(self) -> str:
        return str(FOLLOW_UP_COUNT_LABELS[self.state])


@dataclass(frozen=True)
class MetricRow:
    """One measure in one period: a count, or a share (value of denominator); the target if the agreement
    has one that applies to the period; how many cases are behind the figure (what `cases_behind` lists,
    None for a measure that is not about cases); and for the follow-ups, their count in each state."""

    metric: str
    period: Period
    value: int
    denominator: int | None = None
    target: int | None = None
    cases: int | None = None
    states: tuple[StateCount, ...] = ()
    running: bool = False  # the period had not ended on the day counted: its status is not final yet

    def state(self, state: str) -> int:
        """The count in one state (0 for a measure without states)."""
        return next((count.count for count in self.states if count.state == state), 0)

    @property
    def label(self) -> str:
        return str(_LABELS[self.metric])

    @property
    def short_label(self) -> str:
        return str(_SHORT_LABELS[self.metric])

    @property
    def is_share(self) -> bool:
        return self.denominator is not None

    @property
    def percent(self) -> Decimal | None:
        """The share in percent as every page and document shows it (config.formatting.share: one decimal,
        half up; 14 of 16 is 87,5, 199 of 200 is 99,5 and never 100)."""
        if not self.is_share or not self.denominator:
            return None
        return formatting.share(self.value, self.denominator)

    @property
    def met(self) -> bool | None:
        """Whether the target is met; None (not decided) without a target, with nothing to count, or while
        the period runs, unless a count has already reached its target (a share can still fall). The one
        status rule: the board, the report, management's statistics and the documents all read it here."""
        if self.target is None:
            return None
        if self.is_share:
            met = None if self.denominator == 0 else 100 * self.value >= self.target * self.denominator
        else:
            met = self.value >= self.target
        if self.running and not (met and not self.is_share):
            return None
        return met

    @property
    def met_text(self) -> str:
        """The status in words, beside a target ("" where there is none)."""
        return "" if self.target is None else str(MET_LABELS[self.met])

    @property
    def meter_percent(self) -> int:
        """How full the meter is (0–100): the share itself, or the count against its target."""
        if self.is_share:
            return formatting.whole(self.percent) if self.percent is not None else 100
        if not self.target:
            return 100
        return min(100, round(100 * self.value / self.target))

    @property
    def has_cases(self) -> bool:
        return bool(self.cases)

    @property
    def counts_cases(self) -> bool:
        """Whether the figure counts its cases (its count, or a share's denominator, is the number of cases
        behind it); orossamtal count talks, several of them with one youth."""
        measure = MEASURES[self.metric]
        return measure.case == "pk" or measure.counts == "cases"

    @property
    def text(self) -> str:
        """The figure in words: "50 % (1 av 2)", "inga att räkna", "3"."""
        if not self.is_share:
            return str(self.value)
        if not self.denominator:
            return gettext("inga att räkna")
        return gettext("%(percent)s (%(value)s av %(total)s)") % {
            "percent": formatting.percent(self.percent),
            "value": self.value,
            "total": self.denominator,
        }

    @property
    def target_text(self) -> str:
        return target_text(self.metric, self.target)


@dataclass(frozen=True)
class PeriodRow:
    period: Period
    metrics: list[MetricRow]

    def metric(self, metric: str) -> MetricRow:
        return next(row for row in self.metrics if row.metric == metric)


def _span(periods: list[Period]) -> tuple[datetime.date, datetime.date]:
    return min(p.starts_on for p in periods), max(p.ends_on for p in periods)


class _Tallies:
    """Many conditional counts over one source of rows, in one query.

    The rows are a subquery that selects, once per row, each column the counts read: the primary key, the
    path to the case, the field added up, the dates and states (annotations, such as the follow-up window
    and its state, included), and each measure's `where` and `numerator` as a boolean. Each count is then a
    CASE over those columns, written here. Django's aggregate over a subquery (`QuerySet.aggregate` on a
    DISTINCT query) builds the same SQL but resolves and rewrites each count's expression tree one by one:
    the ten release periods of a year make some 320 counts, and `target_rows` took 75 ms on SQLite and 78 ms
    on PostgreSQL for a year of 40 youths, against 13 ms and 19 ms written here (medians of 15 calls). Only
    the column names chosen here and parameters go into the SQL written here."""

    def __init__(self, rows: QuerySet):
        self.rows = rows
        self.connection = connections[rows.db]
        self.columns: dict[str, object] = {}  # new columns of the subquery, by alias
        self.annotations: set[str] = set()  # the rows' own annotations it selects
        self.conditions: dict[Q, str] = {}  # each `where` and numerator, by its boolean column's alias
        self.selects: dict[str, tuple[str, list]] = {}

    def add(self, key: str, measure: Measure, starts_on: datetime.date, ends_on: datetime.date) -> None:
        """Every count `measure` makes of its rows dated in [starts_on, ends_on], under keys that start with
        `key`: "_n" what it counts (rows, distinct cases or a sum); for a share, "_of" the rows that also
        match its numerator; "_cases" the distinct cases, where it counts rows of something else; and one
        per state, the rows in that state (whatever `where` says)."""
        when = self._when(measure, starts_on, ends_on)
        if measure.counts == "rows":
            self._count(f"{key}_n", when, "pk")
        elif measure.counts == "cases":
            self._count(f"{key}_n", when, measure.case, distinct=True)
        else:
            self._count(f"{key}_n", when, measure.counts, total=True)
        if measure.numerator is not None:
            self._count(f"{key}_of", self._when(measure, starts_on, ends_on, also=measure.numerator), "pk")
        if measure.case and measure.case != "pk" and measure.counts != "cases":
            self._count(f"{key}_cases", when, measure.case, distinct=True)
        for state in measure.states:
            self._count(f"{key}_{state}", self._when(measure, starts_on, ends_on, state=state), "pk")

    def counted(self) -> dict:
        """Every count, by its key, from one query."""
        inner = self.rows.annotate(**self.columns).values(*self.columns, *self.annotations).order_by().distinct()
        sql, params = inner.query.get_compiler(connection=self.connection).as_sql()
        outer_params = [value for _select, values in self.selects.values() for value in values]
        selects = ", ".join(select for select, _values in self.selects.values())
        with self.connection.cursor() as cursor:
            # Only quoted aliases chosen here, fixed SQL words and placeholders: no value is in the text.
            cursor.execute(f"SELECT {selects} FROM ({sql}) counted", [*outer_params, *params])  # noqa: S608
            return dict(zip(self.selects, cursor.fetchone(), strict=True))

    def _column(self, name: str) -> str:
        """The subquery's column for a field or an annotation of the rows, quoted."""
        if name in self.rows.query.annotations:
            self.annotations.add(name)
            alias = name
        else:
            alias = f"t_{name}"
            self.columns.setdefault(alias, F(name))
        return self.connection.ops.quote_name(alias)

    def _condition(self, condition: Q) -> str:
        """The subquery's boolean column for a condition on a row, quoted; one per distinct condition."""
        if condition not in self.conditions:
            self.conditions[condition] = alias = f"t_condition_{len(self.conditions)}"
            self.columns[alias] = ExpressionWrapper(condition, output_field=BooleanField())
        return self.connection.ops.quote_name(self.conditions[condition])

    def _when(self, measure, starts_on, ends_on, *, state=None, also: Q | None = None) -> tuple[str, list]:
        """The SQL test, and its parameters, of a row dated in [starts_on, ends_on] that matches `where` and
        `also` (or, with a `state`, of one in that state, whatever `where` says)."""
        adapt = self.connection.ops.adapt_datefield_value
        conditions = [f"{self._column(measure.date_field)} BETWEEN %s AND %s"]
        params = [adapt(starts_on), adapt(ends_on)]
        if state is not None:
            conditions.append(f"{self._column(measure.state_field)} = %s")
            params.append(state)
        elif measure.where:
            conditions.append(self._condition(measure.where))
        if also is not None:
            conditions.append(self._condition(also))
        return " AND ".join(conditions), params

    def _count(self, key: str, when: tuple[str, list], field: str, *, distinct=False, total=False):
        condition, params = when
        value = f"CASE WHEN {condition} THEN {self._column(field)} END"
        aggregate = "SUM" if total else "COUNT"
        self.selects[key] = (f"{aggregate}({'DISTINCT ' if distinct else ''}{value})", params)


def _narrowed(source: str, rows: QuerySet, agreement, start: datetime.date, end: datetime.date) -> QuerySet:
    """The rows of a source that can fall in [start, end], by an indexed column (the periods' own filter on
    the measure's date then counts exactly): for follow-ups, the raised-on dates whose window can close in
    [start, end] (casework.follow_up, a superset: the window is never inverted)."""
    if source == "follow_ups":
        return rows.filter(raised_on__range=raised_on_range_for_windows_closing(agreement, start, end))
    date_field = next(m.date_field for m in MEASURES.values() if m.source == source)
    return rows.filter(**{f"{date_field}__range": (start, end)})


def target_rows(*, agreement, periods: list[Period], today: datetime.date | None = None) -> list[PeriodRow]:
    """Every measure of each period against its target: one aggregate query per source of rows, whatever the
    number of periods or cases."""
    today = today or timezone.localdate()
    start, end = _span(periods)
    by_source = {}
    for metric, measure in MEASURES.items():
        if measure.source not in by_source:
            rows = _narrowed(measure.source, _source(measure.source, agreement, today), agreement, start, end)
            by_source[measure.source] = _Tallies(rows)
        for index, period in enumerate(periods):
            by_source[measure.source].add(f"{metric}_{index}", measure, period.starts_on, period.ends_on)
    counts = {}
    for tallies in by_source.values():
        counts.update(tallies.counted())
    targets = period_targets(agreement=agreement, periods=periods)
    result = []
    for index, period in enumerate(periods):
        metrics = []
        for metric, measure in MEASURES.items():
            key = f"{metric}_{index}"
            rows_counted = counts[f"{key}_n"] or 0
            if measure.numerator is not None:
                value, denominator = counts[f"{key}_of"], rows_counted
            else:
                value, denominator = rows_counted, None
            cases = None if measure.case is None else counts.get(f"{key}_cases", rows_counted)
            metrics.append(
                MetricRow(
                    metric=str(metric),
                    period=period,
                    value=value,
                    denominator=denominator,
                    target=targets[period].get(metric),
                    cases=cases,
                    states=tuple(StateCount(state, counts[f"{key}_{state}"]) for state in measure.states),
                    running=period.ends_on >= today,
                )
            )
        result.append(PeriodRow(period=period, metrics=metrics))
    return result


def targets_for_period(*, agreement, period: Period) -> PeriodRow:
    """Every measure of one period (quarter, tertial, half-year or year) against its target."""
    return target_rows(agreement=agreement, periods=[period])[0]


def target_board(*, agreement, year: int) -> list[PeriodRow]:
    """The year's board: the four quarters, the three tertials and the whole year, in that order."""
    periods = [
        *periods_of_year(year, PeriodKind.QUARTER),
        *periods_of_year(year, PeriodKind.TERTIAL),
        *periods_of_year(year, PeriodKind.YEAR),
    ]
    return target_rows(agreement=agreement, periods=periods)


# --- The cases behind a figure --------------------------------------------------------------------------------


def cases_behind(
    *, actor, period: Period, metric: str, today: datetime.date | None = None, state: str | None = None
) -> QuerySet[Case]:
    """The cases behind one figure (social managers only), as the actor may see them: the rows the figure
    counts under the same filter. For a share they are its denominator, each annotated `counted` (in the
    numerator or not); for orossamtal, the youths the talks were with. `state`: only the cases in that
    state (one of the measure's `states`, such as the follow-ups not yet due, outside the denominator);
    the follow-ups' cases carry their state as `follow_up_count`."""
    policies.require(actor, Action.FOLLOW_TARGETS)
    measure = MEASURES.get(metric)
    if measure is None or measure.case is None:
        raise ValueError(f"{metric} is not about cases")
    if state is None:
        rows = measure_rows(
            agreement=actor.agreement, metric=metric, starts_on=period.starts_on, ends_on=period.ends_on, today=today
        )
    elif state in measure.states:
        rows = _source(measure.source, actor.agreement, today or timezone.localdate()).filter(
            _dated(measure, period.starts_on, period.ends_on), **{measure.state_field: state}
        )
    else:
        raise ValueError(f"{metric} has no state {state}")
    if measure.case == "pk":
        cases = rows
        if measure.numerator is not None:
            cases = cases.annotate(counted=ExpressionWrapper(measure.numerator, output_field=BooleanField()))
    else:
        cases = Case.objects.filter(pk__in=rows.values(measure.case))
    return scope_cases(cases, actor)


# --- The board page -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BoardLine:
    """One measure across the periods of a table."""

    metric: str
    label: str
    cells: list[MetricRow]


@dataclass(frozen=True)
class BoardTable:
    """One kind of period laid out for reading: a line per measure, a cell per period."""

    kind: str
    periods: list[Period]
    rows: list[BoardLine]

    @classmethod
    def of(cls, period_rows: list[PeriodRow]) -> BoardTable:
        first = period_rows[0].metrics
        rows = [
            BoardLine(metric.metric, metric.label, [row.metrics[i] for row in period_rows])
            for i, metric in enumerate(first)
        ]
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
    policies.require(actor, Action.FOLLOW_TARGETS)
    cases = (
        Case.objects.filter(agreement=actor.agreement, status=CaseStatus.ACTIVE, category=Category.SVANSEN)
        .exclude(Exists(Intervention.objects.filter(case=OuterRef("pk"))))
        .select_related("person")
        .order_by("raised_on", "number")
    )
    return list(cases)


def board_page(*, actor, year: int) -> BoardPage:
    """The target board for the social managers of the actor's agreement, with the cases behind the gaps.
    Management follows the same figures, exact and counted by `target_rows`, in the statistics' targets
    table (docs/architecture.md, rule 5: nothing reaches the management role by another path)."""
    policies.require(actor, Action.FOLLOW_TARGETS)
    rows = target_board(agreement=actor.agreement, year=year)
    gaps = svansen_without_offer(actor=actor)
    return BoardPage(year=year, quarters=rows[:4], tertials=rows[4:7], whole_year=rows[7], gaps=gaps)
