# ruff: noqa: S608 - SQL on fixed table names of a throw-away benchmark database
"""Benchmark: "who has seen this case" and the auditor's person search against the size of the access log
(`make bench-access-log`). Goal: O(log n), the time at 1 000 000 entries ≤ 1.2× the time at 100 000.

The log is filled in SQL (generate_series, in the database) with 100 000 entries, measured, then grown
to 1 000 000 and measured again. The rows are like the real ones: 4 in 5 entries are a case page or a
case's part (one case and its person), 1 in 5 a list page naming 1–50 cases and their persons, with the
JSON lists and the link rows (AccessLogCase, AccessLogPerson) agreeing, one agreement, a year of reads.
The pool of cases grows with the log (one case per 20 entries), as a larger log is a longer history of
more cases. The measured case and its person are real rows, named by BENCH_CASE_READS entries among the
first 100 000 entries: the answer is the same at both sizes, so the ratio shows what the size of the log
costs. (The hash columns are filler: the chain is not verified here; bench/audit.py measures that.)

Timed, median (and fastest) of BENCH_ROUNDS rounds (21) after a warm-up; `rows()` gives the ratios to
bench/run.py (`make bench`):
- case_access_history(case): every read of the case or its person (the register extract's list);
- person_access_summary: the case page's panel "Vem har tagit del" (20 rows and the total);
- the auditor's person search (review_access_log with a person, over the year): its first page of
  50 and the count, as the page's paginator reads them. The review's busy-day flag (busy_days) is left
  out of this timing: it counts the period's single-person entries whatever the search, and is measured
  on its own below, over the whole year (so every entry of the log is in its period), the median of
  BENCH_BUSY_ROUNDS rounds (3); not one of the goal's ratios, as its work grows with the period's entries.
EXPLAIN (ANALYZE) of the case query, the person search and busy_days's count is printed at 1 000 000.

Runs on a throw-away test database (test_<your database>), on PostgreSQL only: set DATABASE_URL.
"""

import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

import audit.selectors as selectors  # noqa: E402
from audit.models import AccessLogCase, AccessLogEntry, AccessLogPerson  # noqa: E402
from bench.table import Row  # noqa: E402

SIZES = tuple(int(size) for size in os.environ.get("BENCH_SIZES", "100000,1000000").split(","))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 21))
CASE_READS = int(os.environ.get("BENCH_CASE_READS", 200))
BUSY_ROUNDS = int(os.environ.get("BENCH_BUSY_ROUNDS", 3))
GOAL = 1.2
START = datetime.datetime(2025, 1, 1, 7, tzinfo=datetime.UTC)
SPAN_SECONDS = 365 * 24 * 3600


def build_people():
    from tests import factories as base
    from tests.casework import factories

    agreement = base.AgreementFactory(name="Bench åtkomstlogg")
    people = base.people_for(agreement)
    case = factories.identified(people)
    return people, case


def fill(first: int, last: int, *, agreement_id: int, case, cases: int) -> None:
    """Entries first..last (id = seq = n) with their links, in SQL. Case number 0 is the measured case;
    cases 1..`cases` are random others, case c belongs to person (c + 1) / 2 (two cases a person)."""
    entries, case_links = AccessLogEntry._meta.db_table, AccessLogCase._meta.db_table
    person_links = AccessLogPerson._meta.db_table
    total = last - first + 1
    every = max(1, SIZES[0] // CASE_READS)
    uuid_of = (
        "CASE WHEN {c} = 0 THEN %(case)s::uuid ELSE md5('case' || {c})::uuid END",
        "CASE WHEN {c} = 0 THEN %(person)s::uuid ELSE md5('person' || (({c} + 1) / 2))::uuid END",
    )
    case_uuid, person_uuid = (text.format(c="p.c") for text in uuid_of)
    params = {
        "first": first,
        "last": last,
        "cases": cases,
        "every": every,
        "case": str(case.pk),
        "person": str(case.person_id),
        "agreement": agreement_id,
        "start": START,
        "step": SPAN_SECONDS / SIZES[-1],
        "reads_until": SIZES[0],
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.42)")
        # Which cases each entry names: one, or for a list page 1–50; the measured case in every
        # `every`-th of the first 100 000 entries.
        cursor.execute(
            "CREATE TEMP TABLE bench_pick ON COMMIT DROP AS "
            "SELECT DISTINCT n, c FROM ("
            " SELECT n, 1 + floor(random() * %(cases)s)::int AS c"
            " FROM generate_series(%(first)s, %(last)s) n,"
            " LATERAL generate_series(1, CASE WHEN n %% 5 = 0 THEN 1 + (n::bigint * 7919) %% 50 ELSE 1 END) k"
            " UNION ALL SELECT n, 0 FROM generate_series(%(first)s, least(%(last)s, %(reads_until)s)) n"
            " WHERE n %% %(every)s = 1) s",
            params,
        )
        cursor.execute(
            f"CREATE TEMP TABLE bench_ids ON COMMIT DROP AS SELECT p.n, {case_uuid} AS case_id, "
            f"{person_uuid} AS person_id FROM bench_pick p",
            params,
        )
        cursor.execute(
            f"INSERT INTO {entries} (id, seq, prev_hash, entry_hash, at, user_id, username, roles, agreement_id, "
            "outcome, page, path, export, case_ids, case_numbers, outside_scope_case_ids, person_ids, "
            "field_classes, session_key_hash, address, request_id) "
            "SELECT i.n, i.n, repeat('0', 64), repeat('1', 64), "
            "%(start)s::timestamptz + make_interval(secs => i.n * %(step)s), "
            "1000 + i.n %% 40, 'handlaggare' || (i.n %% 40), '[\"caseworker\"]', %(agreement)s, 'shown', "
            "CASE WHEN count(*) > 1 THEN 'casework:case_list' ELSE 'casework:case' END, "
            "CASE WHEN count(*) > 1 THEN '/arenden/' ELSE '/arenden/' || min(i.case_id::text) || '/' END, "
            "false, "
            "'[' || string_agg('\"' || i.case_id || '\"', ',' ORDER BY i.case_id::text) || ']', "
            "'[' || string_agg('\"2025-' || i.n || '\"', ',') || ']', '[]', "
            "'[' || string_agg(DISTINCT '\"' || i.person_id || '\"', ',') || ']', "
            "'[\"case_frame\",\"identity\"]', repeat('5', 64), '10.0.0.7', md5(i.n::text) "
            "FROM bench_ids i GROUP BY i.n",
            params,
        )
        cursor.execute(f"INSERT INTO {case_links} (entry_id, case_id) SELECT n, case_id FROM bench_ids")
        cursor.execute(f"INSERT INTO {person_links} (entry_id, person_id) SELECT DISTINCT n, person_id FROM bench_ids")
        for table in (entries, case_links, person_links):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    with connection.cursor() as cursor:
        # VACUUM as autovacuum does after a batch of inserts: it marks the pages all-visible, which an
        # index-only scan (busy_days's count) needs.
        cursor.execute(f"VACUUM ANALYZE {entries}, {case_links}, {person_links}")
    print(f"  filled entries {first:,}–{last:,} ({total:,})", flush=True)


def timed_ms(function) -> list[float]:
    """The times of ROUNDS rounds after a warm-up, in ms."""
    function()  # warm up
    samples = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def measure(people, case) -> dict:
    from tests.casework.factories import actor

    manager = actor(people.manager, people.agreement)
    auditor = actor(people.auditor, people.agreement)
    filters = selectors.AccessFilters(
        person_id=str(case.person_id), since=START.date(), until=(START + datetime.timedelta(days=366)).date()
    )
    real_busy_days = selectors.busy_days
    found = {}

    def history():
        found["history"] = len(selectors.case_access_history(case=case, actor=manager))

    def panel():
        summary = selectors.person_access_summary(person=case.person, cases=[case], actor=manager, limit=20)
        found["panel"] = summary.total

    def person_search():
        selectors.busy_days = lambda **kwargs: []
        try:
            entries, _busy = selectors.review_access_log(actor=auditor, filters=filters)
            found["search"] = entries.count()
            list(entries[:50])
        finally:
            selectors.busy_days = real_busy_days

    times = {
        name: timed_ms(function)
        for name, function in (("history", history), ("panel", panel), ("search", person_search))
    }
    # The database's own time for the case's reads (EXPLAIN ANALYZE's execution time): what the log's size
    # costs, without the Python around it, which the machine's load makes noisier.
    times["history, in the db"] = [server_ms(case_reads(case, manager)) for _ in range(ROUNDS + 1)][1:]
    busy = []
    for _ in range(BUSY_ROUNDS):
        started = time.perf_counter()
        found["busy days"] = len(selectors.busy_days(actor=auditor, since=filters.since, until=filters.until))
        busy.append((time.perf_counter() - started) * 1000)
    times["busy_days, a year (*)"] = busy
    return {"times": times, "found": dict(found)}


def case_reads(case, manager):
    """The query of case_access_history."""
    reads = selectors._person_reads(person=case.person, cases=[case], actor=manager).order_by("seq")
    return reads.values_list("at", "user_id", "username", "roles", "page", "export")


def server_ms(queryset) -> float:
    plan = queryset.explain(analyze=True)
    return float(plan.rpartition("Execution Time: ")[2].split()[0])


def explain(case, people) -> str:
    from tests.casework.factories import actor

    manager = actor(people.manager, people.agreement)
    auditor = actor(people.auditor, people.agreement)
    filters = selectors.AccessFilters(
        person_id=str(case.person_id), since=START.date(), until=(START + datetime.timedelta(days=366)).date()
    )
    real_busy_days = selectors.busy_days
    selectors.busy_days = lambda **kwargs: []
    try:
        search, _busy = selectors.review_access_log(actor=auditor, filters=filters)
    finally:
        selectors.busy_days = real_busy_days
    with CaptureQueriesContext(connection) as queries:
        selectors.busy_days(actor=auditor, since=filters.since, until=filters.until)
    with connection.cursor() as cursor:
        counting = next(query["sql"] for query in queries.captured_queries if "COUNT(DISTINCT" in query["sql"])
        cursor.execute("EXPLAIN ANALYZE " + counting)
        busy_plan = "\n".join(line for (line,) in cursor.fetchall())
    return (
        "-- case_access_history:\n"
        + case_reads(case, manager).explain(analyze=True)
        + "\n-- the person search, first page:\n"
        + search[:50].explain(analyze=True)
        + "\n-- busy_days, its count over the year:\n"
        + busy_plan
    )


def run(*, explained: bool) -> dict:
    """Fill the log to each size in turn and measure; {size: {measure: [ms per round]}}."""
    if not settings.IS_POSTGRES:
        sys.exit("bench/access_links.py measures PostgreSQL: set DATABASE_URL=postgres://…")
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        people, case = build_people()
        results, filled = {}, 0
        for size in SIZES:
            started = time.perf_counter()
            fill(filled + 1, size, agreement_id=people.agreement.pk, case=case, cases=size // 20)
            filled = size
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT count(*) FROM {AccessLogCase._meta.db_table}")
                links = cursor.fetchone()[0]
            print(f"  {size:,} entries, {links:,} case links, built in {time.perf_counter() - started:.0f} s")
            results[size] = measure(people, case)
            print(f"  found: {results[size]['found']}", flush=True)
        if explained:
            print(f"\nEXPLAIN ANALYZE at {SIZES[-1]:,} entries:")
            print(explain(case, people))
        return {size: result["times"] for size, result in results.items()}
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def rows() -> list[Row]:
    """Point 2 of issue 20 for `make bench`: each measure's rounds at the largest size, each divided by the
    median at the smallest (the two sizes are measured minutes apart, not interleaved: the median of these
    ratios is the ratio of the medians, and their range is the large size's spread)."""
    times = run(explained=False)
    small, large = times[SIZES[0]], times[SIZES[-1]]
    return [
        Row(
            what=f"access log {name}: {SIZES[-1]:,} / {SIZES[0]:,} entries",
            samples=tuple(sample / statistics.median(small[name]) for sample in large[name]),
            goal=GOAL,
        )
        for name in ("history", "panel", "search", "history, in the db")
    ]


def main() -> None:
    times = run(explained=True)
    small, large = times[SIZES[0]], times[SIZES[-1]]
    print(f"\n{ROUNDS} rounds, median ms (fastest)   {SIZES[0]:>19,} {SIZES[-1]:>19,}   ratio  (goal ≤ {GOAL}×)")
    for name in small:
        ratio = statistics.median(large[name]) / statistics.median(small[name])
        verdict = "(not the goal's)" if name.endswith("(*)") else ("ok" if ratio <= GOAL else "OVER")
        print(
            f"  {name:<27} {statistics.median(small[name]):9.1f} ({min(small[name]):7.1f})"
            f" {statistics.median(large[name]):9.1f} ({min(large[name]):7.1f}) {ratio:7.2f}×  {verdict}"
        )


if __name__ == "__main__":
    main()
