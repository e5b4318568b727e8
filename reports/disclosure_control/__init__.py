"""Disclosure control: the one place every management output passes through (docs/architecture.md, rule 5;
the method in docs/statistics-method.md).

Pages, charts, CSV/XLSX/PDF files and the API for the management role render only `ProtectedTable`s,
and only `register.protect_year` makes them. The method, as /statistik/metod/ explains it to users:

1. Cell-key method (as Statistics Sweden uses it from reference year 2025). Every person has a fixed random
   key (`Person.statistics_key`, drawn with `secrets` when the person is created). A record that belongs to
   no person (an anonymous field contact) gets a fixed key derived from its random id. A cell's key is the
   sum of its records' keys modulo 2^32; the cell's noise is looked up from the cell key in a small
   perturbation table (`PTABLE`). The same people always give the same noise, so asking again, or in another
   table, gives the same value and nothing can be averaged away. Zero cells stay zero; totals get their own
   noise, so parts need not add up to the published total.
   Before the look-up the cell key is passed through SHA-256, so that the additive relation between the keys
   of a year and its quarters does not carry over into their noise.
2. Threshold rule: a perturbed count below `SAMSYN_STATISTICS_THRESHOLD` (default 5) is published as "<5".
   The decision is made on the perturbed count, so "<5" does not say that the true count is below 5.
3. Linked-table audit: before anything new is released, an attacker's integer program over everything
   released for the year (every table, every period, with the known relations: a total is the sum of its
   parts, a year the sum of its quarters, a subgroup is at most its group) tries to pin down every cell whose
   true count is between 1 and the threshold - 1. Where one could be pinned, more new cells are withheld
   ("..") until none can. This is what stops differencing and solving the margins for small cells.
4. Register: every released table is stored with its protected values (`ReleasedTable`). Unchanged cells are
   served from the register exactly as released; when the records behind a table change, it gets a new
   revision, whose changed cells get the noise of their new records (never a fresh random draw). Revisions
   are made only on the fixed revision days (`revision_days`), collecting every change since the last one,
   and only when what the table shows has changed; no cell is marked as changed.
5. Small-population guard: a quarter or half-year with fewer than `SAMSYN_SMALL_POPULATION_GUARD` persons
   with an open case is not released for the breakdowns; it is published merged into the smallest period
   that has enough (its half-year, or the year). The running year is published as preliminary from its first
   quarter's release day (`schedule.is_preliminary`): its breakdowns once the year so far has enough
   persons, with the whole method; the final year is a later revision of the same tables.
6. Amounts (costs) are published only when the number of cases behind them is published (not "<5") and no
   single case accounts for more than `DOMINANCE_SHARE` of the amount, rounded to `AMOUNT_ROUNDING` kr.

7. The agreement's own target figures (the targets table and the cases per category: `Population.exact`)
   are aggregate counts without personal attributes and are published as counted (`Status.EXACT`), with
   met or not met, also for tertials and, as preliminary, for the running year. They are exact margins in
   the audit (3): a breakdown they would pin (a total of 1 beside a 0) is withheld further.

The modules, each importing only those above it:

- `cell_key`: the keys, the perturbation table and the noise (1);
- `publication`: what is published for a cell (the threshold rule, shares and amounts: 2 and 6) and the
  protected tables made of it;
- `structure`: what is counted (populations, cells, the periods of a year) and how a table is defined;
- `differencing`: the linked-table audit (3);
- `schedule`: when a period is released (the release delay, the small-population guard: 5) and the fixed
  revision days (4);
- `register`: `protect_year`, which releases a year's catalogue through all of the above and keeps the
  register (4).
"""
