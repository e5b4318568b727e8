# ruff: noqa: S608 - EXPLAIN of the pages' own queries on a throw-away benchmark database
"""PostgreSQL's JIT, work_mem and parallel query for Samsyn's pages (issue 20, point 6; the chosen values
are in deploy/init_roles.sh and docs/architecture.md, "PostgreSQL settings").

On a throw-away test database (PostgreSQL only: set DATABASE_URL) with the agreements of
bench/access_scoping.py (CASES cases, 30 000 by default, and one a tenth that size), the large one given a
year of casework (two in three cases identified, a follow-up for every third of those). Three pages: the
social manager's case list sorted by follow-up state, a caseworker's case list, and a case page; the
SELECTs each page runs are captured through the test client and then run under each setting (SET on the
connection, as `ALTER DATABASE … SET` does for each new one), the settings in turn within each round, so
the machine's load falls on all alike. Printed: each page's queries' median and range per setting, and the
JIT, sort and hash lines of the slowest query's plan under PostgreSQL's defaults and the chosen settings.

    make bench-postgres           (BENCH_ROUNDS=9)
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench import test_environment  # noqa: E402
from bench.access_scoping import CASES, build  # noqa: E402
from bench.table import Row, interleaved_ratios  # noqa: E402
from casework.models import Case, FollowUp  # noqa: E402
from tests.conftest import verified_client  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "9"))
# (jit, work_mem, max_parallel_workers_per_gather)
DEFAULTS = ("on", "4MB", 2)  # PostgreSQL's own
CHOSEN = ("off", "4MB", 2)  # deploy/init_roles.sh
GOAL = 1.2  # not slower: within what the issue counts as the same cost
# Also without parallel query, not deployed: it would spare a caseworker's scoping the start of a worker
# (bench/access_scoping.py), but the social manager's list then hashes in one process, in batches at 4MB.
SETTINGS = [(jit, work_mem, 2) for jit in ("on", "off") for work_mem in ("4MB", "16MB", "32MB")] + [
    ("off", "4MB", 0),
    ("off", "16MB", 0),
]


def describe(setting) -> str:
    jit, work_mem, workers = setting
    return f"jit {jit}, work_mem {work_mem}, {workers} parallel workers"


def use(setting) -> None:
    jit, work_mem, workers = setting
    with connection.cursor() as cursor:
        cursor.execute(f"SET jit = {jit}; SET work_mem = '{work_mem}'; SET max_parallel_workers_per_gather = {workers}")


def pages(large) -> dict:
    """(client, url) of each measured page."""
    manager, caseworker = large["roles"]["social_manager"], large["roles"]["caseworker"]
    case = Case.objects.filter(unit__in=caseworker.units.all()).order_by("number").first()
    return {
        "social manager's list by follow-up": (verified_client(Client(), manager), "/arenden/?sort=-follow_up"),
        "caseworker's list": (verified_client(Client(), caseworker), "/arenden/"),
        "case page (social manager)": (verified_client(Client(), manager), f"/arenden/{case.pk}/"),
    }


def a_year_of_casework(large) -> None:
    """What the list's follow-up state reads: two in three cases identified (active, raised within the last
    year), and a follow-up written for every third of those."""
    agreement, author = large["agreement"], large["roles"]["social_manager"]
    today = timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Case._meta.db_table} SET status = 'active', identified_category = category, "
            "raised_on = %s::date - (abs(hashtext(number)) %% 365) "
            "WHERE agreement_id = %s AND abs(hashtext(number)) %% 3 > 0",
            [today, agreement.pk],
        )
    identified = Case.objects.filter(agreement=agreement, status="active").order_by("number")
    FollowUp.objects.bulk_create(
        FollowUp(
            case=case,
            written_on=today,
            youth_view="Bättre i skolan",
            social_view="Insatsen har hjälpt",
            outcome="improved",
            author=author,
        )
        for case in identified[::3]
    )


def get(client, url) -> None:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)


def page_queries(client, url) -> list[str]:
    """The SELECTs the page runs (its access-log writes left out: they are measured by bench/audit.py)."""
    get(client, url)
    with CaptureQueriesContext(connection) as queries:
        get(client, url)
    return [query["sql"] for query in queries.captured_queries if query["sql"].lstrip().upper().startswith("SELECT")]


def run(queries) -> None:
    with connection.cursor() as cursor:
        for sql in queries:
            cursor.execute(sql)
            cursor.fetchall()


def timings(queries) -> dict:
    """Milliseconds for the page's queries per setting, ROUNDS each, the settings in turn within each round
    (a rotating start)."""
    samples = {setting: [] for setting in SETTINGS}
    for setting in SETTINGS:  # warm up
        use(setting)
        run(queries)
    for round_ in range(ROUNDS):
        for setting in SETTINGS[round_ % len(SETTINGS) :] + SETTINGS[: round_ % len(SETTINGS)]:
            use(setting)
            started = time.perf_counter()
            run(queries)
            samples[setting].append((time.perf_counter() - started) * 1000)
    return samples


def slowest_plan(queries, setting) -> str:
    """The JIT and sort lines of EXPLAIN ANALYZE for the slowest of `queries` under `setting`."""
    use(setting)
    slowest, plan = 0.0, []
    for sql in queries:
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT TEXT) {sql}")
            lines = [row[0] for row in cursor.fetchall()]
        total = float(lines[-1].split(":")[1].split()[0])  # "Execution Time: 12.3 ms"
        if total > slowest:
            slowest, plan = total, lines
    keep = ("Limit", "Workers Launched", "JIT", "Functions", "Timing", "Sort Method", "Buckets", "Execution Time")
    return "\n".join("      " + line.strip()[:110] for line in plan if line.strip().startswith(keep))


def measure() -> list[Row]:
    large, _small = build("Stor", CASES), build("Liten", CASES // 10)
    a_year_of_casework(large)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    rows = []
    for name, (client, url) in pages(large).items():
        queries = page_queries(client, url)
        print(f"{name} ({url}): its {len(queries)} SELECTs, {ROUNDS} rounds:")
        for setting, samples in timings(queries).items():
            print(
                f"   {describe(setting):<40}: median {statistics.median(samples):7.1f} ms"
                f"  [{min(samples):6.1f}–{max(samples):6.1f}]"
            )
        for setting in (DEFAULTS, CHOSEN):
            print(f"   slowest query, {describe(setting)}:\n" + slowest_plan(queries, setting))

        def chosen(queries=queries):
            use(CHOSEN)
            run(queries)

        def defaults(queries=queries):
            use(DEFAULTS)
            run(queries)

        note = f"{describe(CHOSEN)} ÷ {describe(DEFAULTS)}"
        rows.append(Row(f"PostgreSQL settings, {name}", interleaved_ratios(chosen, defaults, ROUNDS), GOAL, note))
    return rows


def rows() -> list[Row]:
    """The deployed settings against PostgreSQL's defaults, per page (goal: no page slower)."""
    if connection.vendor != "postgresql":
        raise SystemExit("bench/postgres_settings.py measures PostgreSQL: set DATABASE_URL")
    test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        return measure()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    from bench.table import print_table

    print_table(rows())
