"""The files of the long reports (a year or more), built by a worker: the follow-up for the board, the cost
comparison, and the anonymised statistics catalogue. Each builder checks the requester's role again (it may
have changed since the request), reports progress, and returns the file and the cases whose data it holds."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from accesscontrol.actor import actor_for
from casework.periods import PeriodKind
from config import formatting

from . import charts, costs, exports, revisions
from .models import ReportJob
from .selectors import costs as cost_selectors
from .selectors import follow_up as follow_up_selectors
from .selectors import statistics as statistics_selectors

Progress = Callable[[int], None]


@dataclass(frozen=True)
class Document:
    content: bytes
    case_ids: tuple
    # A follow-up's figures as handed out, and how they differ from the version before (reports.revisions).
    figures: dict = field(default_factory=dict)
    version: int = 1
    revises: ReportJob | None = None
    changes: list = field(default_factory=list)


def build(job: ReportJob, progress: Progress) -> Document:
    actor = actor_for(job.requested_by, job.agreement)
    years = list(range(job.first_year, job.last_year + 1))
    if job.kind == ReportJob.Kind.FOLLOW_UP:
        return _follow_up(actor, years, job, progress)
    builder = {ReportJob.Kind.COSTS: _costs, ReportJob.Kind.STATISTICS: _statistics}[job.kind]
    return builder(actor, years, job.file_format, progress)


def _step(progress: Progress, done: int, total: int) -> None:
    progress(int(95 * done / max(total, 1)))


# --- The follow-up of the agreement ---------------------------------------------------------------------------


def _follow_up(actor, years, job, progress) -> Document:
    sections, case_ids = [], set()
    kinds = (PeriodKind.QUARTER, PeriodKind.TERTIAL, PeriodKind.YEAR)
    total = len(years) * (len(kinds) + 1)
    for index, year in enumerate(years):
        reports = []
        for offset, kind in enumerate(kinds):
            reports.append(follow_up_selectors.follow_up_report(actor=actor, year=year, kind=kind))
            _step(progress, index * (len(kinds) + 1) + offset + 1, total)
        year_period = reports[-1].periods[0]
        part = follow_up_selectors.qualitative_for(actor=actor, period=year_period)
        case_ids |= part.case_ids
        sections.append(
            {"year": year, "reports": reports, "qualitative": part, "chart": charts.targets_chart(reports[0])}
        )
        _step(progress, (index + 1) * (len(kinds) + 1), total)
    figures = revisions.follow_up_figures(actor=actor, reports=[r for s in sections for r in s["reports"]])
    previous = revisions.previous_version(job)
    changes = revisions.figure_changes(previous.figures, figures) if previous else []
    # The same figures keep the version number; changed figures make the next version, which revises it.
    version = (previous.version + (1 if changes else 0)) if previous else 1
    revised = (
        revisions.revised_figures(actor=actor, changes=changes, since=previous.finished_at, until=None)
        if changes
        else []
    )
    context = {"version": version, "previous": previous, "revised": revised}
    if job.file_format == ReportJob.Format.PDF:
        content = exports.pdf_bytes(
            "reports/print/follow_up.html", {"agreement": actor.agreement, "sections": sections, **context}
        )
    else:
        content = exports.xlsx_bytes(_revision_sheets(context) + _follow_up_sheets(sections))
    case_ids |= {case_id for change in changes for case_id in change["cases"]}
    return Document(
        content,
        tuple(sorted(case_ids, key=str)),
        figures=figures,
        version=version,
        revises=previous if changes else None,
        changes=changes,
    )


def _revision_sheets(context) -> list[exports.Sheet]:
    """A revised follow-up opens with what changed since the version it revises, and why."""
    if not context["revised"]:
        return []
    rows = [
        (
            _("Version %(version)s, reviderad. Ersätter version %(previous)s från %(day)s.")
            % {
                "version": context["version"],
                "previous": context["previous"].version,
                "day": formatting.date(timezone.localdate(context["previous"].finished_at)),
            },
        ),
        (),
    ]
    for figure in context["revised"]:
        rows.append((figure.label, figure.period, figure.before, figure.after, ", ".join(figure.case_numbers)))
        rows.extend(
            ("", "", "", "", change.case_number, change.object_type, change.action, change.name, change.at)
            for change in figure.recorded
        )
    header = (
        _("Mått"),
        _("Period"),
        _("Tidigare"),
        _("Nu"),
        _("Ärenden"),
        _("Uppgift"),
        _("Händelse"),
        _("Registrerad av"),
        _("Registrerad"),
    )
    return [exports.Sheet(_("Revidering"), header, tuple(rows))]


def _figure_cell(figure):
    """A figure of the follow-up as a typed cell: a count, or a share (empty where there is nothing to count)."""
    if not figure.is_share:
        return figure.value
    return exports.Share(figure.percent) if figure.percent is not None else figure.text


def _follow_up_sheets(sections) -> list[exports.Sheet]:
    kind_names = {PeriodKind.QUARTER: _("Kvartal"), PeriodKind.TERTIAL: _("Tertial"), PeriodKind.YEAR: _("Helår")}
    sheets = []
    for section in sections:
        for report in section["reports"]:
            header = (_("Mått"), *[formatting.period(p) for p in report.periods])
            rows = []
            for line in report.rows:
                rows.append((line.label, *[_figure_cell(figure) for figure in line.cells]))
                # The follow-ups in their four states, each a count of its own (late is not missing).
                for index, count in enumerate(line.cells[0].states):
                    label = _("%(measure)s: %(state)s") % {"measure": line.label, "state": count.label}
                    rows.append((label, *[figure.states[index].count for figure in line.cells]))
            rows.append(())
            rows.append((_("Mål"), *["" for _p in report.periods]))
            rows.extend((line.label, *[figure.target_text for figure in line.cells]) for line in report.rows)
            rows.append(())
            for row in report.disclosures:
                basis = f"{row.label} ({row.law_reference})"
                rows.append((_("%(basis)s: utlämnanden") % {"basis": basis}, *[d.count for d, _w in row.cells]))
                rows.append((_("%(basis)s: återkallade") % {"basis": basis}, *[w.count for _d, w in row.cells]))
            rows.append((_("Samtycken lämnade"), *[g.count for g, _w in report.consent_cells]))
            rows.append((_("Samtycken återkallade"), *[w.count for _g, w in report.consent_cells]))
            title = f"{kind_names[report.kind]} {section['year']}"
            sheets.append(exports.Sheet(title, header, tuple(rows)))
        part = section["qualitative"]
        follow_ups = tuple(
            (
                f.case.number,
                f.written_on,
                _("Efter fönstret") if f.late else _("I tid"),
                f.get_outcome_display(),
                f.youth_view,
                f.social_view,
                f.police_view,
                f.partners_view,
                f.helped,
                f.hindered,
                f.collaboration,
            )
            for f in part.follow_ups
        )
        sheets.append(
            exports.Sheet(
                _("Uppföljningar %(year)s") % {"year": section["year"]},
                (
                    _("Ärende"),
                    _("Datum"),
                    _("Skriven"),
                    _("Utfall"),
                    _("Ungdomens bild"),
                    _("Socialtjänstens bild"),
                    _("Polisens bild"),
                    _("Partners bild"),
                    _("Vad hjälpte"),
                    _("Vad hindrade"),
                    _("Samverkan"),
                ),
                follow_ups,
            )
        )
        receptions = tuple(
            (
                r.followed_up_on,
                r.contact.case.number if r.contact.case_id else _("Anonym kontakt"),
                r.get_youth_reception_display(),
                r.get_parents_reception_display(),
                r.note,
            )
            for r in part.receptions
        )
        sheets.append(
            exports.Sheet(
                _("Orossamtal %(year)s") % {"year": section["year"]},
                (_("Datum"), _("Ärende"), _("Ungdomen"), _("Föräldrarna"), _("Anteckning")),
                receptions,
            )
        )
    return sheets


# --- The cost comparison ------------------------------------------------------------------------------------------


def _costs(actor, years, file_format, progress) -> Document:
    comparisons = []
    for index, year in enumerate(years):
        comparisons.append(cost_selectors.cost_comparison(actor=actor, year=year))
        _step(progress, index + 1, len(years))
    case_ids = tuple(sorted({case.case_id for c in comparisons for case in c.cases}, key=str))
    if file_format == ReportJob.Format.PDF:
        content = exports.pdf_bytes(
            "reports/print/costs.html",
            {"agreement": actor.agreement, "comparisons": comparisons, "chart": charts.cost_chart(comparisons)},
        )
    else:
        content = exports.xlsx_bytes([cost_sheet(c) for c in comparisons])
    return Document(content, case_ids)


def cost_sheet(comparison) -> exports.Sheet:
    header = (
        _("Ärende"),
        _("Alternativ"),
        _("Dagar"),
        _("Hemmaplan, kommunen"),
        _("Alternativ, kommunen"),
        _("Hemmaplan, samhället"),
        _("Alternativ, samhället"),
        _("Anmärkning"),
    )
    rows = [
        (
            case.case_number,
            case.alternative_label,
            case.days,
            *(
                exports.Kronor(amount) if case.complete else ""
                for amount in (
                    case.home_municipal,
                    case.alternative_municipal,
                    case.home_societal,
                    case.alternative_societal,
                )
            ),
            " ".join(case.problems),
        )
        for case in comparison.cases
    ]
    rows.append(
        (
            _("Summa (fullständiga ärenden)"),
            "",
            "",
            exports.Kronor(comparison.total("home_municipal")),
            exports.Kronor(comparison.total("alternative_municipal")),
            exports.Kronor(comparison.total("home_societal")),
            exports.Kronor(comparison.total("alternative_societal")),
            "",
        )
    )
    rows.append(())
    rows.extend((costs.tariff_note(use),) for use in comparison.tariffs)
    rows.extend((problem,) for problem in comparison.problems)
    return exports.Sheet(_("Kostnader %(year)s") % {"year": comparison.year}, header, tuple(rows))


# --- The anonymised statistics ------------------------------------------------------------------------------------


def _statistics(actor, years, file_format, progress) -> Document:
    tables = []
    for index, year in enumerate(years):
        released = statistics_selectors.statistics_year(actor=actor, year=year)
        tables.extend(table for key, table in sorted(released.items(), key=_table_order))
        _step(progress, index + 1, len(years))
    if file_format == ReportJob.Format.PDF:
        content = exports.pdf_bytes(
            "reports/print/statistics.html",
            {"agreement": actor.agreement, "tables": [(t, charts.table_chart(t)) for t in tables]},
        )
    else:
        content = exports.xlsx_bytes([exports.protected_sheet(t) for t in tables])
    # Statistics hold no case data: nothing to name in the access log but the export itself.
    return Document(content, ())


def _table_order(item):
    (table, period), _t = item
    from .catalogue import TABLES

    codes = [entry.code for entry in TABLES]
    return (codes.index(table), len(period), period)
