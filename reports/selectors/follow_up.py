"""The agreement's follow-up for the social manager: the targets per quarter, tertial and year, the cases
behind every figure, the disclosures to the police per legal basis, and the qualitative part (follow-up texts
and how orossamtal were received). Exact figures: this is the social manager's own report, not statistics."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import ExtractMonth
from django.http import Http404
from django.utils.translation import gettext as _

from accesscontrol.models import Role
from accesscontrol.scoping import scope_cases
from casework.models import (
    Case,
    Category,
    ConcernTalkFollowUp,
    Consent,
    Disclosure,
    FieldContact,
    FollowUp,
    HotSpotVisit,
    Intervention,
    LegalBasis,
    Meeting,
    Target,
)
from casework.periods import Period, PeriodKind, parse_period, periods_of_year

from ..targets import PeriodTarget, follow_ups_due, targets_for_period
from . import agreement_years

REPORT_KINDS = (PeriodKind.QUARTER, PeriodKind.TERTIAL, PeriodKind.YEAR)
METRIC_LABELS = dict(Target.Metric.choices)
# Metrics that are not about cases (meetings, places) have no cases behind them.
CASELESS_METRICS = {Target.Metric.MEETINGS, Target.Metric.HOT_SPOT_VISITS}


def _require_social_manager(actor) -> None:
    if actor is None or actor.agreement is None or not actor.has(Role.SOCIAL_MANAGER):
        raise PermissionDenied


@dataclass(frozen=True)
class Metric:
    """One target metric in one period: a count, or a share (value in %, with its numerator and denominator).
    `has_cases` says whether there are cases behind it to list."""

    value: int | None
    has_cases: bool = False
    numerator: int | None = None
    denominator: int | None = None


def _share(numerator: int, denominator: int) -> int | None:
    return round(100 * numerator / denominator) if denominator else None


def _by_month(queryset, date_field: str, *groups, **counts) -> list[dict]:
    return list(
        queryset.annotate(month=ExtractMonth(date_field))
        .values("month", *groups)
        .annotate(**(counts or {"n": Count("pk")}))
        .order_by()
    )


def target_metrics(*, agreement, periods: list[Period]) -> dict[Period, dict[str, Metric]]:
    """The agreement's target metrics for each of `periods` (periods of one year), without the cases behind
    them (`metric_cases` lists those for one figure).

    Every per-target figure of the follow-up report comes from this one function, so it can be pointed at
    casework.selectors.targets.targets_for_period, which computes the target board the same way. Counts are
    grouped by month in the database and added up per period, since every reporting period is whole months."""
    year = periods[0].year
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    offered = Exists(Intervention.objects.filter(case=OuterRef("pk")))
    raised = _by_month(
        Case.objects.filter(agreement=agreement, raised_on__year=year).annotate(offered=offered),
        "raised_on",
        "category",
        "offered",
    )
    talks = _by_month(
        FieldContact.objects.filter(agreement=agreement, kind=FieldContact.Kind.CONCERN_TALK, occurred_on__year=year),
        "occurred_on",
        n=Count("pk"),
        linked=Count("case"),
    )
    meetings = _by_month(
        Meeting.objects.filter(
            agreement=agreement, held=True, minutes_status=Meeting.MinutesStatus.APPROVED, held_on__year=year
        ),
        "held_on",
    )
    visits = _by_month(HotSpotVisit.objects.filter(hot_spot__agreement=agreement, visited_on__year=year), "visited_on")
    due = follow_ups_due(agreement, first, last)
    # Distinct persons do not add up over months: one count per period, all in one query.
    reached_by_period = FieldContact.objects.filter(
        agreement=agreement, occurred_on__year=year, case__category=Category.SVANSEN
    ).aggregate(
        **{
            period.code: Count(
                "case__person",
                distinct=True,
                filter=Q(occurred_on__gte=period.starts_on, occurred_on__lte=period.ends_on),
            )
            for period in periods
        }
    )
    metrics = {}
    for period in periods:

        def total(rows, key="n", period=period, **where):
            return sum(
                row[key]
                for row in rows
                if period.contains(datetime.date(year, row["month"], 1)) and all(row[k] == v for k, v in where.items())
            )

        lifestyle = total(raised, category=Category.LIFESTYLE)
        svansen = total(raised, category=Category.SVANSEN)
        svansen_offered = total(raised, category=Category.SVANSEN, offered=True)
        due_now = [item for item in due if period.contains(item.closes_on)]
        in_time = sum(1 for item in due_now if item.in_time)
        reached = reached_by_period[period.code]
        metrics[period] = {
            Target.Metric.MEETINGS: Metric(total(meetings)),
            Target.Metric.LIFESTYLE_IDENTIFIED: Metric(lifestyle, bool(lifestyle)),
            Target.Metric.SVANSEN_IDENTIFIED: Metric(svansen, bool(svansen)),
            Target.Metric.SVANSEN_OFFERED_SHARE: Metric(
                _share(svansen_offered, svansen), bool(svansen), svansen_offered, svansen
            ),
            Target.Metric.FOLLOW_UP_IN_WINDOW_SHARE: Metric(
                _share(in_time, len(due_now)), bool(due_now), in_time, len(due_now)
            ),
            Target.Metric.CONCERN_TALKS: Metric(total(talks), bool(total(talks, "linked"))),
            Target.Metric.SVANSEN_REACHED: Metric(reached, bool(reached)),
            Target.Metric.HOT_SPOT_VISITS: Metric(total(visits)),
        }
    return metrics


def _reached(agreement, period: Period):
    """Svansen cases the field team had contact with during the period."""
    return Case.objects.filter(
        agreement=agreement,
        category=Category.SVANSEN,
        field_contacts__occurred_on__gte=period.starts_on,
        field_contacts__occurred_on__lte=period.ends_on,
    ).distinct()


def metric_cases(*, agreement, period: Period, metric: str):
    """The cases behind one figure of `target_metrics` (a queryset, not yet scoped to an actor)."""
    raised = Case.objects.filter(agreement=agreement, raised_on__gte=period.starts_on, raised_on__lte=period.ends_on)
    if metric == Target.Metric.LIFESTYLE_IDENTIFIED:
        return raised.filter(category=Category.LIFESTYLE)
    if metric == Target.Metric.SVANSEN_IDENTIFIED or metric == Target.Metric.SVANSEN_OFFERED_SHARE:
        return raised.filter(category=Category.SVANSEN)
    if metric == Target.Metric.FOLLOW_UP_IN_WINDOW_SHARE:
        due = follow_ups_due(agreement, period.starts_on, period.ends_on)
        return Case.objects.filter(pk__in=[item.case_id for item in due])
    if metric == Target.Metric.CONCERN_TALKS:
        return Case.objects.filter(
            field_contacts__kind=FieldContact.Kind.CONCERN_TALK,
            field_contacts__occurred_on__gte=period.starts_on,
            field_contacts__occurred_on__lte=period.ends_on,
            agreement=agreement,
        ).distinct()
    if metric == Target.Metric.SVANSEN_REACHED:
        return _reached(agreement, period)
    raise Http404


@dataclass(frozen=True)
class Figure:
    period: Period
    metric: str
    value: int | None
    target: PeriodTarget | None
    has_cases: bool
    numerator: int | None = None
    denominator: int | None = None

    @property
    def met(self) -> bool | None:
        return self.target.met(self.value) if self.target else None

    @property
    def text(self) -> str:
        if self.value is None:
            return "–"
        if self.numerator is not None:
            return _("%(share)s %% (%(numerator)s av %(denominator)s)") % {
                "share": self.value,
                "numerator": self.numerator,
                "denominator": self.denominator,
            }
        return str(self.value)


@dataclass(frozen=True)
class Row:
    metric: str
    label: str
    figures: tuple[Figure, ...]


@dataclass(frozen=True)
class CountCell:
    period: str
    count: int


@dataclass(frozen=True)
class DisclosureRow:
    code: str
    label: str
    law_reference: str
    decided: tuple[CountCell, ...]
    withdrawn: tuple[CountCell, ...]

    @property
    def cells(self):
        return list(zip(self.decided, self.withdrawn, strict=True))


@dataclass
class FollowUpReport:
    year: int
    kind: PeriodKind
    periods: list[Period]
    rows: list[Row]
    disclosures: list[DisclosureRow]
    consents_given: list[CountCell]
    consents_withdrawn: list[CountCell]

    @property
    def consent_cells(self):
        return list(zip(self.consents_given, self.consents_withdrawn, strict=True))


def follow_up_years(*, actor) -> list[int]:
    """The years of the agreement so far, oldest first."""
    _require_social_manager(actor)
    return agreement_years(actor.agreement)


def report_periods(year: int, kind: PeriodKind) -> list[Period]:
    if kind not in REPORT_KINDS:
        raise Http404
    return periods_of_year(year, kind)


def follow_up_report(*, actor, year: int, kind: PeriodKind) -> FollowUpReport:
    """The figures of the follow-up for every period of `kind` in `year`, against the agreement's targets."""
    _require_social_manager(actor)
    agreement = actor.agreement
    periods = report_periods(year, kind)
    metrics = target_metrics(agreement=agreement, periods=periods)
    targets = {period: targets_for_period(agreement, period) for period in periods}
    rows = []
    for metric, label in Target.Metric.choices:
        figures = []
        for period in periods:
            value = metrics[period][metric]
            figures.append(
                Figure(
                    period=period,
                    metric=metric,
                    value=value.value,
                    target=targets[period].get(metric),
                    has_cases=value.has_cases,
                    numerator=value.numerator,
                    denominator=value.denominator,
                )
            )
        rows.append(Row(metric, label, tuple(figures)))
    return FollowUpReport(
        year=year,
        kind=kind,
        periods=periods,
        rows=rows,
        disclosures=_disclosures(agreement, periods),
        consents_given=_consent_cells(agreement, "given_on", periods),
        consents_withdrawn=_consent_cells(agreement, "withdrawn_on", periods),
    )


def _cases_of(queryset, date_field: str, period: Period, *, datetime_field: bool = False):
    """The rows of `queryset` dated within the period."""
    lookup = f"{date_field}__date" if datetime_field else date_field
    return queryset.filter(**{f"{lookup}__gte": period.starts_on, f"{lookup}__lte": period.ends_on})


def _counts(queryset, date_field: str, periods, *, group: str | None = None, datetime_field=False) -> dict:
    """Rows per (group, period): grouped by month in the database, added up per period."""
    field = f"{date_field}__date" if datetime_field else date_field
    year = periods[0].year
    rows = (
        queryset.filter(**{f"{field}__year": year})
        .annotate(month=ExtractMonth(field))
        .values("month", *([group] if group else []))
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = defaultdict(int)
    for row in rows:
        for period in periods:
            if period.contains(datetime.date(year, row["month"], 1)):
                counts[(row.get(group), period.code)] += row["n"]
    return counts


def _disclosures(agreement, periods) -> list[DisclosureRow]:
    disclosures = Disclosure.objects.filter(case__agreement=agreement)
    decided = _counts(disclosures, "decided_on", periods, group="legal_basis__code")
    withdrawn = _counts(disclosures, "withdrawn_at", periods, group="legal_basis__code", datetime_field=True)
    return [
        DisclosureRow(
            code=basis.code,
            label=basis.label,
            law_reference=basis.law_reference,
            decided=tuple(CountCell(p.code, decided[(basis.code, p.code)]) for p in periods),
            withdrawn=tuple(CountCell(p.code, withdrawn[(basis.code, p.code)]) for p in periods),
        )
        for basis in LegalBasis.objects.order_by("law_reference")
    ]


def _consent_cells(agreement, date_field: str, periods) -> list[CountCell]:
    counts = _counts(Consent.objects.filter(case__agreement=agreement), date_field, periods)
    return [CountCell(p.code, counts[(None, p.code)]) for p in periods]


def cases_behind(*, actor, period_code: str, metric: str):
    """The cases behind one figure of the follow-up, scoped to what the actor may see."""
    _require_social_manager(actor)
    period = _report_period(period_code)
    if metric not in METRIC_LABELS or metric in CASELESS_METRICS:
        raise Http404
    cases = metric_cases(agreement=actor.agreement, period=period, metric=metric)
    return period, scope_cases(cases, actor).order_by("raised_on", "number")


def disclosure_cases(*, actor, period_code: str, basis: str, what: str):
    """The cases behind a disclosure or consent count of the follow-up."""
    _require_social_manager(actor)
    period = _report_period(period_code)
    disclosures = Disclosure.objects.filter(case__agreement=actor.agreement)
    consents = Consent.objects.filter(case__agreement=actor.agreement)
    if what == "consent_given":
        rows = _cases_of(consents, "given_on", period)
    elif what == "consent_withdrawn":
        rows = _cases_of(consents, "withdrawn_on", period)
    elif what in ("decided", "withdrawn") and LegalBasis.objects.filter(code=basis).exists():
        of_basis = disclosures.filter(legal_basis__code=basis)
        if what == "decided":
            rows = _cases_of(of_basis, "decided_on", period)
        else:
            rows = _cases_of(of_basis, "withdrawn_at", period, datetime_field=True)
    else:
        raise Http404
    cases = Case.objects.filter(pk__in=rows.values("case_id"))
    return period, scope_cases(cases, actor).order_by("raised_on", "number")


def _report_period(code: str) -> Period:
    try:
        period = parse_period(code)
    except (ValueError, KeyError):
        raise Http404 from None
    if period.kind not in REPORT_KINDS or period.code != code:
        raise Http404
    return period


@dataclass(frozen=True)
class Qualitative:
    period: Period
    follow_ups: list
    receptions: list

    @property
    def case_ids(self) -> set:
        ids = {follow_up.case_id for follow_up in self.follow_ups}
        ids.update(reception.contact.case_id for reception in self.receptions if reception.contact.case_id)
        return ids


def qualitative(*, actor, period_code: str) -> Qualitative:
    """The follow-up texts written and the orossamtal receptions recorded in a period (social manager only)."""
    _require_social_manager(actor)
    period = _report_period(period_code)
    return qualitative_for(actor=actor, period=period)


def qualitative_for(*, actor, period: Period) -> Qualitative:
    _require_social_manager(actor)
    cases = scope_cases(Case.objects.all(), actor)
    follow_ups = (
        FollowUp.objects.filter(case__in=cases, written_on__gte=period.starts_on, written_on__lte=period.ends_on)
        .select_related("case")
        .order_by("written_on", "case__number")
    )
    receptions = (
        ConcernTalkFollowUp.objects.filter(
            contact__agreement=actor.agreement,
            followed_up_on__gte=period.starts_on,
            followed_up_on__lte=period.ends_on,
        )
        .select_related("contact", "contact__case")
        .order_by("followed_up_on")
    )
    return Qualitative(period=period, follow_ups=list(follow_ups), receptions=list(receptions))
