"""A figure once handed out does not change silently (docs/documents.md, "Versions").

Released statistics tables keep their numbers in the register (`ReleasedTable`, one row per revision); a
follow-up report keeps the figures it handed out on its job (`ReportJob.figures`). Data recorded later
reaches them only as a new version, marked as revised ("reviderad"), that says what changed (the figures
before and after) and why: the cases behind the change, and from the change log (audit) who recorded
what and when. The social manager reads the cases by number; management reads counts only.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from audit import selectors as audit_selectors
from casework.models import Case
from casework.periods import Period
from casework.selectors import targets

from .disclosure_control.publication import Status
from .models import ReleasedTable, ReportJob

# --- The follow-up report -------------------------------------------------------------------------------------


def follow_up_figures(*, actor, reports) -> dict[str, dict]:
    """The figures of a follow-up as handed out, keyed "metric|period": the figure's text and the ids of the
    cases behind it (for a share, its denominator and, in `counted`, those in its numerator)."""
    figures = {}
    for report in reports:
        for line in report.rows:
            for figure in line.cells:
                key = f"{figure.metric}|{figure.period.code}"
                if key in figures:
                    continue
                entry = {"label": figure.label, "period": figure.period.label, "text": figure.text}
                if figure.metric in targets.CASE_METRICS:
                    cases = targets.cases_behind(actor=actor, period=figure.period, metric=figure.metric)
                    entry["cases"] = sorted(str(pk) for pk in cases.values_list("pk", flat=True))
                    if figure.is_share:
                        entry["counted"] = sorted(str(case.pk) for case in cases if case.counted)
                figures[key] = entry
    return figures


def figure_changes(before: dict[str, dict], after: dict[str, dict]) -> list[dict]:
    """The figures whose text differs between two versions: measure, period, before, after, and the cases
    behind the change (those that entered or left the figure or its numerator; where none did, as when a
    youth had one more orossamtal, every case behind it)."""
    changes = []
    for key, now in after.items():
        then = before.get(key)
        if then is None or then["text"] == now["text"]:
            continue
        moved = set(then.get("cases", ())) ^ set(now.get("cases", ()))
        moved |= set(then.get("counted", ())) ^ set(now.get("counted", ()))
        cases = moved or set(then.get("cases", ())) | set(now.get("cases", ()))
        changes.append(
            {
                "metric": key.partition("|")[0],
                "period_code": key.partition("|")[2],
                "label": now["label"],
                "period": now["period"],
                "before": then["text"],
                "after": now["text"],
                "cases": sorted(cases),
            }
        )
    return changes


def previous_version(job: ReportJob) -> ReportJob | None:
    """The latest follow-up of the same agreement and years made before `job`, whoever asked for it: the
    version the next one is compared with."""
    return (
        ReportJob.objects.filter(
            agreement=job.agreement,
            kind=ReportJob.Kind.FOLLOW_UP,
            first_year=job.first_year,
            last_year=job.last_year,
            status__in=(ReportJob.Status.DONE, ReportJob.Status.EXPIRED),
            finished_at__isnull=False,
        )
        .exclude(pk=job.pk)
        .exclude(figures={})
        .order_by("-finished_at")
        .defer("sealed_file")
        .first()
    )


@dataclass(frozen=True)
class RevisedFigure:
    """One changed figure of a revised follow-up, with what it rests on: the cases (by number) and the
    change log's records of them between the two versions (what, by whom, when)."""

    label: str
    period: str
    before: str
    after: str
    case_numbers: tuple[str, ...]
    recorded: tuple


def revised_figures(
    *, actor, changes: list[dict], since: datetime.datetime, until: datetime.datetime | None
) -> list[RevisedFigure]:
    """The changes of a revised follow-up for the social manager: each changed figure with its cases and
    the change log of those cases after the version it revises (`since`) up to this one (`until`)."""
    result = []
    for change in changes:
        numbers = dict(
            Case.objects.filter(agreement=actor.agreement, pk__in=change["cases"]).values_list("pk", "number")
        )
        recorded = audit_selectors.case_changes(actor=actor, case_ids=change["cases"], since=since, until=until)
        result.append(
            RevisedFigure(
                label=change["label"],
                period=change["period"],
                before=change["before"],
                after=change["after"],
                case_numbers=tuple(sorted(numbers.values())),
                recorded=tuple(recorded),
            )
        )
    return result


# --- Released statistics tables -------------------------------------------------------------------------------


def period_cases(agreement, period: Period) -> set[str]:
    """The cases the agreement's measures count in `period` (casework.selectors.targets, the one definition):
    the cases a revision of the period's tables can rest on."""
    cases = set()
    for metric in targets.CASE_METRICS:
        rows = targets.measure_rows(
            agreement=agreement, metric=metric, starts_on=period.starts_on, ends_on=period.ends_on
        )
        path = targets.MEASURES[metric].case
        cases.update(str(pk) for pk in rows.values_list(path, flat=True) if pk)
    return cases


@dataclass(frozen=True)
class ChangedValue:
    row: str
    column: str
    before: str
    after: str


@dataclass(frozen=True)
class TableRevision:
    """A revision of a released table as management sees it: the version it replaces, the published values
    that changed (before and after), and how many cases had records written or changed between the two
    releases. No case, no name: counts only."""

    released: ReleasedTable
    previous: ReleasedTable
    changed: tuple[ChangedValue, ...]
    hidden_changes: bool  # values changed that are not pointed out (small cells, breakdowns by attributes)
    cases: int


_SMALL = {str(Status.BELOW_THRESHOLD), str(Status.WITHHELD)}
# The tables whose changed values a revision lists: the agreement's own follow-up, aggregate counts without
# personal attributes. A breakdown by age, gender, area or intervention says only that it was revised: its
# changed cells would describe the youth who came in late (docs/statistics-method.md, section 5).
CHANGES_LISTED = frozenset({"targets"})


def table_revision(*, released: ReleasedTable, previous: ReleasedTable, table) -> TableRevision:
    """What revision `released` changed against `previous`, labelled by the table as the catalogue defines it
    now (`table`, a ProtectedTable of the same table and period). Only for the tables of CHANGES_LISTED, and
    there never a cell published as "<5" or ".." (it would point to a person); elsewhere only that values
    changed (`hidden_changes`)."""
    labels = {row.code: row.label for row in table.rows}
    changed, hidden = [], released.table not in CHANGES_LISTED
    for code, values in released.rows.items() if not hidden else ():
        for index, value in enumerate(values):
            old = (previous.rows.get(code) or [None] * len(values))[index]
            if old is None or old["text"] == value["text"]:
                continue
            if old["status"] in _SMALL or value["status"] in _SMALL:
                hidden = True
                continue
            column = str(table.columns[index]) if index < len(table.columns) else ""
            changed.append(ChangedValue(str(labels.get(code, code)), column, old["text"], value["text"]))
    counted = period_cases(released.agreement, table.period)
    cases = audit_selectors.cases_changed_between(
        agreement=released.agreement, case_ids=counted, since=previous.released_at, until=released.released_at
    )
    return TableRevision(released, previous, tuple(changed), hidden, len(cases))
