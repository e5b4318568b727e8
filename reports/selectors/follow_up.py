"""The agreement's follow-up for the social manager: the targets per quarter, tertial and year, the cases
behind every figure, the disclosures to the police per legal basis, and the qualitative part (follow-up texts
and how orossamtal were received). Exact figures: this is the social manager's own report, not statistics."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.utils import timezone

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

REPORT_KINDS = (PeriodKind.QUARTER, PeriodKind.TERTIAL, PeriodKind.YEAR)
METRIC_LABELS = dict(Target.Metric.choices)
# Metrics that are not about cases (meetings, places) have no cases behind them.
CASELESS_METRICS = {Target.Metric.MEETINGS, Target.Metric.HOT_SPOT_VISITS}


def _require_social_manager(actor) -> None:
    if actor is None or actor.agreement is None or not actor.has(Role.SOCIAL_MANAGER):
        raise PermissionDenied


@dataclass(frozen=True)
class Metric:
    """One target metric in one period: a count, or a share (value in %, with its numerator and denominator),
    and the cases behind it."""

    value: int | None
    case_ids: tuple = ()
    numerator: int | None = None
    denominator: int | None = None


def _ids(queryset) -> tuple:
    return tuple(queryset.values_list("pk", flat=True).order_by())


def _share(numerator: int, denominator: int) -> int | None:
    return round(100 * numerator / denominator) if denominator else None


def target_metrics(*, agreement, period: Period) -> dict[str, Metric]:
    """The agreement's target metrics for one period, each with the cases behind it.

    Every per-target figure of the follow-up report comes from this one function, so it can be pointed at
    casework.selectors.targets.targets_for_period, which computes the target board the same way."""
    start, end = period.starts_on, period.ends_on
    raised = Case.objects.filter(agreement=agreement, raised_on__gte=start, raised_on__lte=end)
    svansen = raised.filter(category=Category.SVANSEN)
    offered = svansen.filter(Exists(Intervention.objects.filter(case=OuterRef("pk"))))
    due = follow_ups_due(agreement, start, end)
    in_time = [item for item in due if item.in_time]
    talks = FieldContact.objects.filter(
        agreement=agreement, kind=FieldContact.Kind.CONCERN_TALK, occurred_on__gte=start, occurred_on__lte=end
    )
    reached = Case.objects.filter(
        agreement=agreement,
        category=Category.SVANSEN,
        field_contacts__occurred_on__gte=start,
        field_contacts__occurred_on__lte=end,
    ).distinct()
    svansen_ids, offered_ids = _ids(svansen), _ids(offered)
    return {
        Target.Metric.MEETINGS: Metric(
            Meeting.objects.filter(
                agreement=agreement,
                held=True,
                minutes_status=Meeting.MinutesStatus.APPROVED,
                held_on__gte=start,
                held_on__lte=end,
            ).count()
        ),
        Target.Metric.LIFESTYLE_IDENTIFIED: _count(_ids(raised.filter(category=Category.LIFESTYLE))),
        Target.Metric.SVANSEN_IDENTIFIED: _count(svansen_ids),
        Target.Metric.SVANSEN_OFFERED_SHARE: Metric(
            _share(len(offered_ids), len(svansen_ids)), svansen_ids, len(offered_ids), len(svansen_ids)
        ),
        Target.Metric.FOLLOW_UP_IN_WINDOW_SHARE: Metric(
            _share(len(in_time), len(due)), tuple(item.case_id for item in due), len(in_time), len(due)
        ),
        Target.Metric.CONCERN_TALKS: Metric(
            talks.count(), tuple(set(talks.exclude(case=None).values_list("case_id", flat=True)))
        ),
        Target.Metric.SVANSEN_REACHED: Metric(
            reached.values("person").distinct().count(), tuple(reached.values_list("pk", flat=True))
        ),
        Target.Metric.HOT_SPOT_VISITS: Metric(
            HotSpotVisit.objects.filter(
                hot_spot__agreement=agreement, visited_on__gte=start, visited_on__lte=end
            ).count()
        ),
    }


def _count(case_ids: tuple) -> Metric:
    return Metric(len(case_ids), case_ids)


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
            return f"{self.value} % ({self.numerator} av {self.denominator})"
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
    case_ids: tuple


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
    return list(range(actor.agreement.starts_on.year, timezone.localdate().year + 1))


def report_periods(year: int, kind: PeriodKind) -> list[Period]:
    if kind not in REPORT_KINDS:
        raise Http404
    return periods_of_year(year, kind)


def follow_up_report(*, actor, year: int, kind: PeriodKind) -> FollowUpReport:
    """The figures of the follow-up for every period of `kind` in `year`, against the agreement's targets."""
    _require_social_manager(actor)
    agreement = actor.agreement
    periods = report_periods(year, kind)
    metrics = {period: target_metrics(agreement=agreement, period=period) for period in periods}
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
                    has_cases=bool(value.case_ids),
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
        consents_given=[_cases_of(Consent.objects.filter(case__agreement=agreement), "given_on", p) for p in periods],
        consents_withdrawn=[
            _cases_of(Consent.objects.filter(case__agreement=agreement), "withdrawn_on", p) for p in periods
        ],
    )


def _cases_of(queryset, date_field: str, period: Period, *, datetime_field: bool = False) -> CountCell:
    lookup = f"{date_field}__date" if datetime_field else date_field
    rows = queryset.filter(**{f"{lookup}__gte": period.starts_on, f"{lookup}__lte": period.ends_on})
    case_ids = tuple(rows.values_list("case_id", flat=True))
    return CountCell(period.code, len(case_ids), tuple(sorted(set(case_ids), key=str)))


def _disclosures(agreement, periods) -> list[DisclosureRow]:
    disclosures = Disclosure.objects.filter(case__agreement=agreement)
    rows = []
    for basis in LegalBasis.objects.order_by("law_reference"):
        of_basis = disclosures.filter(legal_basis=basis)
        rows.append(
            DisclosureRow(
                code=basis.code,
                label=basis.label,
                law_reference=basis.law_reference,
                decided=tuple(_cases_of(of_basis, "decided_on", p) for p in periods),
                withdrawn=tuple(_cases_of(of_basis, "withdrawn_at", p, datetime_field=True) for p in periods),
            )
        )
    return rows


def cases_behind(*, actor, period_code: str, metric: str):
    """The cases behind one figure of the follow-up, scoped to what the actor may see."""
    _require_social_manager(actor)
    period = _report_period(period_code)
    if metric not in METRIC_LABELS or metric in CASELESS_METRICS:
        raise Http404
    case_ids = target_metrics(agreement=actor.agreement, period=period)[metric].case_ids
    return period, scope_cases(Case.objects.filter(pk__in=case_ids), actor).order_by("raised_on", "number")


def disclosure_cases(*, actor, period_code: str, basis: str, what: str):
    """The cases behind a disclosure or consent count of the follow-up."""
    _require_social_manager(actor)
    period = _report_period(period_code)
    disclosures = Disclosure.objects.filter(case__agreement=actor.agreement)
    consents = Consent.objects.filter(case__agreement=actor.agreement)
    if what == "consent_given":
        cell = _cases_of(consents, "given_on", period)
    elif what == "consent_withdrawn":
        cell = _cases_of(consents, "withdrawn_on", period)
    elif what in ("decided", "withdrawn") and LegalBasis.objects.filter(code=basis).exists():
        of_basis = disclosures.filter(legal_basis__code=basis)
        if what == "decided":
            cell = _cases_of(of_basis, "decided_on", period)
        else:
            cell = _cases_of(of_basis, "withdrawn_at", period, datetime_field=True)
    else:
        raise Http404
    return period, scope_cases(Case.objects.filter(pk__in=cell.case_ids), actor).order_by("raised_on", "number")


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
