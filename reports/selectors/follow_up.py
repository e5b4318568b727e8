"""The agreement's follow-up for the social manager: the targets per quarter, tertial and year, the cases
behind every figure, the disclosures to the police per legal basis, and the qualitative part (follow-up texts
and how orossamtal were received). Exact figures: this is the social manager's own report, not statistics."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import ExtractMonth
from django.http import Http404

from accesscontrol import policies
from accesscontrol.policies import Action
from accesscontrol.scoping import scope_cases
from casework.models import Case, ConcernTalkFollowUp, Consent, Disclosure, FollowUp, LegalBasis
from casework.periods import Period, PeriodKind, agreement_years, parse_period, periods_of_year
from casework.selectors import targets as target_selectors

REPORT_KINDS = (PeriodKind.QUARTER, PeriodKind.TERTIAL, PeriodKind.YEAR)


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
    """The targets (casework.selectors.targets, the one definition of every figure) laid out as a line per
    measure and a cell per period, and the disclosures and consents of the same periods."""

    year: int
    kind: PeriodKind
    periods: list[Period]
    targets: target_selectors.BoardTable
    disclosures: list[DisclosureRow]
    consents_given: list[CountCell]
    consents_withdrawn: list[CountCell]

    @property
    def rows(self) -> list[target_selectors.BoardLine]:
        return self.targets.rows

    @property
    def consent_cells(self):
        return list(zip(self.consents_given, self.consents_withdrawn, strict=True))


def follow_up_years(*, actor) -> list[int]:
    """The years of the agreement so far (to its end), oldest first: the report opens on the last."""
    policies.require(actor, Action.READ_FOLLOW_UP_REPORT)
    return agreement_years(actor.agreement)


def report_periods(year: int, kind: PeriodKind) -> list[Period]:
    if kind not in REPORT_KINDS:
        raise Http404
    return periods_of_year(year, kind)


def follow_up_report(*, actor, year: int, kind: PeriodKind) -> FollowUpReport:
    """The figures of the follow-up for every period of `kind` in `year`, against the agreement's targets."""
    policies.require(actor, Action.READ_FOLLOW_UP_REPORT)
    agreement = actor.agreement
    periods = report_periods(year, kind)
    return FollowUpReport(
        year=year,
        kind=kind,
        periods=periods,
        targets=target_selectors.BoardTable.of(target_selectors.target_rows(agreement=agreement, periods=periods)),
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
    provisions = {}  # one row per provision (code), named by its latest version
    for basis in LegalBasis.objects.order_by("law_reference", "valid_from"):
        provisions[basis.code] = basis
    return [
        DisclosureRow(
            code=basis.code,
            label=basis.label,
            law_reference=basis.law_reference,
            decided=tuple(CountCell(p.code, decided[(basis.code, p.code)]) for p in periods),
            withdrawn=tuple(CountCell(p.code, withdrawn[(basis.code, p.code)]) for p in periods),
        )
        for basis in provisions.values()
    ]


def _consent_cells(agreement, date_field: str, periods) -> list[CountCell]:
    counts = _counts(Consent.objects.filter(case__agreement=agreement), date_field, periods)
    return [CountCell(p.code, counts[(None, p.code)]) for p in periods]


def cases_behind(*, actor, period_code: str, metric: str, state: str | None = None):
    """The cases behind one figure of the follow-up, scoped to what the actor may see, with their persons
    (for a share, its denominator, each annotated `counted`). The follow-ups' cases carry their state's
    label (`state_label`), and `state` narrows them to one of the four (target_selectors.FollowUpCount)."""
    policies.require(actor, Action.READ_FOLLOW_UP_REPORT)
    period = _report_period(actor, period_code)
    if metric not in target_selectors.CASE_METRICS:
        raise Http404
    if state is not None and state not in target_selectors.MEASURES[metric].states:
        raise Http404
    cases = target_selectors.cases_behind(actor=actor, period=period, metric=metric, state=state)
    cases = list(cases.select_related("person").order_by("raised_on", "number"))
    if target_selectors.MEASURES[metric].states:
        for case in cases:
            case.state_label = target_selectors.FOLLOW_UP_COUNT_LABELS[case.follow_up_count]
    return period, cases


def disclosure_cases(*, actor, period_code: str, basis: str, what: str):
    """The cases behind a disclosure or consent count of the follow-up."""
    policies.require(actor, Action.READ_FOLLOW_UP_REPORT)
    period = _report_period(actor, period_code)
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
    cases = Case.objects.filter(pk__in=rows.values("case_id")).select_related("person")
    return period, scope_cases(cases, actor).order_by("raised_on", "number")


def _report_period(actor, code: str) -> Period:
    """A period of the report named in a URL: 404 for another kind, or a year outside the agreement's."""
    try:
        period = parse_period(code)
    except (ValueError, KeyError):
        raise Http404 from None
    if period.kind not in REPORT_KINDS or period.code != code or period.year not in agreement_years(actor.agreement):
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
    policies.require(actor, Action.READ_FOLLOW_UP_REPORT)
    period = _report_period(actor, period_code)
    return qualitative_for(actor=actor, period=period)


def qualitative_for(*, actor, period: Period) -> Qualitative:
    policies.require(actor, Action.READ_FOLLOW_UP_REPORT)
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
