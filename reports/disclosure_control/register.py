"""The release of a year's catalogue and the register of released tables (`ReleasedTable`): the one
place protected tables are made (package docstring, point 4; docs/statistics-method.md, section 5)."""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import replace

from django.db import transaction
from django.utils import timezone

from ..models import ReleasedTable
from .differencing import audit_and_withhold, relations_for
from .publication import (
    ProtectedRow,
    ProtectedTable,
    Published,
    Status,
    Unit,
    publish_amount,
    publish_count,
    publish_share,
)
from .schedule import Unreleased, revision_day
from .structure import Cell, Population, TableSpec, release_periods


def protect_year(
    *,
    agreement,
    year: int,
    populations: list[Population],
    specs: list[TableSpec],
    availability: dict,
    today: datetime.date | None = None,
) -> dict[tuple[str, str], ProtectedTable]:
    """Release the year's catalogue: reuse what the register holds for unchanged cells, publish new cells
    with cell-key noise and the threshold, audit everything released for the year together, withhold what
    the audit requires, and register new revisions. `availability` says why a table is not released
    (`schedule.Unreleased`; None when it is), by (table, period code) or, for every table of a period, by
    period code. Cells that are the
    agreement's own target figures (`Population.exact`) are published as counted, and the audit takes them
    as exact margins. Returns every table of `specs`, keyed by (table, period).

    Revisions follow the fixed schedule: a table already released for the latest revision day on or before
    `today` is served exactly as released, every cell of it, until the next revision day; only then do the
    changes in its records (all of them since the last revision) reach it, in one new revision, and only if
    what it shows has changed. A revision therefore never appears the day after one late case, and a change
    hidden under "<5" or ".." never shows up as a new version."""
    day = revision_day(today or timezone.localdate())
    by_code = {p.code: p for p in populations}
    truth: dict[str, int] = {}
    digests: dict[str, str] = {}
    for population in populations:
        if not population.personal:
            continue
        for period in population.periods(year):
            for cell in population.cells(period.code):
                tally = population.tally(cell)
                truth[cell.code] = tally.count
                digests[cell.code] = tally.digest
    exact = {code for population in populations for code in _exact_codes(population, year)}
    released_specs = [spec for spec in specs if not _reason(availability, spec)]

    with transaction.atomic():
        # One release of an agreement's statistics at a time.
        type(agreement).objects.select_for_update().filter(pk=agreement.pk).first()
        latest = _latest_revisions(agreement, year)
        frozen: dict[str, Published] = {}
        frozen_digests: dict[str, str] = {}
        # Tables released for this revision day first: every cell as released, changed records or not.
        for row in sorted(latest.values(), key=lambda row: not _current(row, day)):
            for code, stored in row.cells.items():
                # The exact figures are margins as counted now, never an older count.
                if code in frozen or code not in digests or code in exact:
                    continue
                if _current(row, day) or stored["digest"] == digests[code]:
                    frozen[code] = Published(Status(stored["status"]), stored["value"])
                    frozen_digests[code] = stored["digest"]
        published: dict[str, Published] = dict(frozen)
        new: set[str] = set()
        for spec in released_specs:
            for cell in spec.cells():
                if cell.code in exact:
                    published[cell.code] = Published(Status.EXACT, truth[cell.code])
                elif by_code[cell.population].personal and cell.code not in frozen:
                    published[cell.code] = publish_count(by_code[cell.population].tally(cell))
                    new.add(cell.code)
        if new:
            for code in audit_and_withhold(relations_for(populations, year), truth, published, new, exact):
                published[code] = Published(Status.WITHHELD)
        tables = {}
        for spec in specs:
            reason = _reason(availability, spec)
            if reason:
                tables[(spec.code, spec.period.code)] = ProtectedTable(
                    table=spec.code,
                    title=spec.title,
                    period=spec.period,
                    columns=spec.columns,
                    rows=(),
                    available=False,
                    reason=reason.text,
                    brief_reason=reason.brief,
                )
                continue
            table = _table(spec, published, by_code)
            row = _register(
                agreement,
                spec,
                table,
                published,
                {**digests, **frozen_digests},
                latest.get((spec.code, spec.period.code)),
                day,
            )
            tables[(spec.code, spec.period.code)] = _with_revision(table, row)
    return tables


def _reason(availability: dict, spec: TableSpec) -> Unreleased | None:
    return availability.get((spec.code, spec.period.code), availability.get(spec.period.code))


def _exact_codes(population: Population, year: int):
    if population.personal and population.exact:
        for period in population.periods(year):
            yield from (cell.code for cell in population.cells(period.code) if population.is_exact(cell))


def _current(row, day: datetime.date) -> bool:
    """The register row was released (or checked) for the revision day `day`: it stands until the next one."""
    return row.revised_for is not None and row.revised_for >= day


def standing_revision(agreement, table: str, period_code: str, today: datetime.date) -> int | None:
    """The revision of a table that stands for today's revision day, if one does: `protect_year` serves it
    exactly as released until the next revision day, so a copy of what it served may be served instead
    (the statistics API's cache, reports.api)."""
    latest = ReleasedTable.objects.filter(agreement=agreement, table=table, period=period_code).order_by("-revision")
    row = latest.only("revision", "revised_for").first()
    return row.revision if row is not None and _current(row, revision_day(today)) else None


def _latest_revisions(agreement, year: int) -> dict[tuple[str, str], object]:
    codes = [p.code for p in release_periods(year)]
    latest = {}
    for row in ReleasedTable.objects.filter(agreement=agreement, period__in=codes).order_by("revision"):
        latest[(row.table, row.period)] = row
    return latest


def _cell_value(cell: Cell, published, by_code) -> Published:
    population = by_code[cell.population]
    if not population.personal:
        return Published(Status.EXACT, population.tally(cell).count)
    return published[cell.code]


def _table(spec: TableSpec, published, by_code) -> ProtectedTable:
    rows = []
    for row in spec.rows:
        if row.values:
            rows.append(ProtectedRow(row.code, row.label, row.values, row.is_total, row.target))
            continue
        values = [_cell_value(cell, published, by_code) for cell in row.cells]
        if row.share_of:
            numerator, denominator = (_cell_value(c, published, by_code) for c in row.share_of)
            values.append(publish_share(numerator, denominator))
        if row.amounts:
            cases = _cell_value(row.amounts_cell, published, by_code)
            values.extend(publish_amount(total, largest, cases) for total, largest in row.amounts)
        rows.append(ProtectedRow(row.code, row.label, tuple(values), row.is_total, row.target))
    return ProtectedTable(
        table=spec.code,
        title=spec.title,
        period=spec.period,
        columns=spec.columns,
        rows=tuple(rows),
        notes=spec.notes,
        preliminary=spec.preliminary,
    )


def _register(agreement, spec: TableSpec, table: ProtectedTable, published, digests, latest, day: datetime.date):
    """The register row of this table: the latest revision while it stands (until the revision day after
    the one it was released for) or when what it shows is unchanged, else a new revision for `day`.

    An unchanged table keeps its version and is marked as checked for `day`, with the digests of the
    records it now stands for; a version is never made for a change that does not show."""
    if latest is not None and _current(latest, day):
        return latest
    cells = {
        cell.code: {
            "status": str(published[cell.code].status),
            "value": published[cell.code].number,
            "digest": digests[cell.code],
        }
        for cell in sorted(spec.cells(), key=lambda c: c.code)
        if cell.code in published
    }
    rows = {row.code: [value.as_json() for value in row.values] for row in table.rows}
    basis = hashlib.sha256(repr((sorted(cells.items()), sorted(rows.items()))).encode()).hexdigest()
    if latest is not None and latest.rows == json.loads(json.dumps(rows)):
        if latest.basis_digest != basis or latest.revised_for != day:
            latest.cells, latest.basis_digest, latest.revised_for = cells, basis, day
            latest.save(update_fields=["cells", "basis_digest", "revised_for"])
        return latest
    return ReleasedTable.objects.create(
        agreement=agreement,
        table=spec.code,
        definition=spec.definition,
        period=spec.period.code,
        revision=(latest.revision + 1) if latest else 1,
        cells=cells,
        rows=rows,
        basis_digest=basis,
        revised_for=day,
    )


def _stored_value(stored: dict) -> Published:
    text = stored["text"]
    # By the text's unit sign, whatever spaces and language it was released with ("75 %", "75,0\u00a0%").
    unit = Unit.PERCENT if text.endswith("%") else Unit.KRONOR if text.endswith("kr") else Unit.COUNT
    return Published(Status(stored["status"]), stored["value"], unit, stored.get("met"))


def _with_revision(table: ProtectedTable, register_row) -> ProtectedTable:
    """The table as the register holds it: its values exactly as released (counts, shares, amounts and
    exact counts alike), its revision and the revision day of its release (an unchanged table checked on a
    later revision day keeps the version and the day it was released on)."""
    rows = tuple(
        replace(row, values=tuple(_stored_value(value) for value in register_row.rows[row.code]))
        if row.code in register_row.rows
        else row
        for row in table.rows
    )
    return replace(
        table,
        rows=rows,
        revision=register_row.revision,
        released_at=register_row.released_at,
        revision_day=revision_day(timezone.localdate(register_row.released_at)),
    )
