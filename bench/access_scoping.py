"""How long the case list's scoping takes at the size of a large municipality, per role, and against
django-guardian's `get_objects_for_user` for the same caseworker (issue 20, point 3: ≤ 0.5× guardian).

Builds a throwaway test database (PostgreSQL when DATABASE_URL points to it) with two agreements: CASES cases
over UNITS units, and beside it an agreement a tenth that size. Each unit has a caseworker, who also has
every 97th case of another unit as its caseworker and a few temporary accesses (CaseAccessGrant) in force.

Guardian's side holds what a guardian-based design would: one `view_case` object permission per case a
caseworker may see (the rows of `scope_cases`), for every caseworker of both agreements, in guardian's
"direct foreign keys" table (bench/guardian_direct: a real foreign key to the case, the fastest way guardian
offers, as Samsyn held them before scoping read the case itself). The project does not depend on guardian:
it is the `bench` extra, installed here through bench/settings_guardian.py.

Timed, for the measured caseworker (the one role whose scope is per case): scope_cases against
get_objects_for_user, interleaved (bench.table.interleaved_ratios), for the ids; for the full rows, every
column of every visible case as the database returns them; and for a page of the list as model instances
(the first PER_PAGE in the list's default order). Also printed: each role's time in both agreements, every
visible case as model instances (Python's construction of them, the same on both sides, outweighs either
query), and PostgreSQL's plans.

    make bench-access            (CASES=30000 by default, BENCH_ROUNDS=15; PostgreSQL: set DATABASE_URL)
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings_guardian")

import django  # noqa: E402

django.setup()

from django.apps import apps  # noqa: E402
from django.db import connection  # noqa: E402

from accesscontrol.actor import actor_for  # noqa: E402
from accesscontrol.models import CaseAccessGrant, Role  # noqa: E402
from accesscontrol.scoping import scope_cases  # noqa: E402
from accesscontrol.services import create_unit  # noqa: E402
from bench import test_environment  # noqa: E402
from bench.table import Row, interleaved_ratios, print_table  # noqa: E402
from casework.models import Case, Person  # noqa: E402
from config.paging import PER_PAGE as PAGE  # noqa: E402
from encryption import crypto  # noqa: E402
from tests.factories import AgreementFactory, user_with_roles  # noqa: E402

CASES = int(os.environ.get("CASES", "30000"))
UNITS = 10
RUNS = 7
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "15"))
GRANTS = 20
GOAL = 0.5
ROWS_FILE = "BENCH_SCOPING_ROWS_FILE"


def build(name: str, cases: int) -> dict:
    """An agreement of `cases` cases; its users by role, and its caseworkers (one a unit)."""
    agreement = AgreementFactory(name=name)
    prefix = name.lower()
    units = [create_unit(organisation=agreement.social_services, name=f"Enhet {n}") for n in range(UNITS)]
    manager = user_with_roles(agreement, Role.SOCIAL_MANAGER, username=f"{prefix}-chef")
    field_worker = user_with_roles(agreement, Role.FIELD_WORKER, username=f"{prefix}-falt")
    caseworkers = [
        user_with_roles(agreement, Role.CASEWORKER, username=f"{prefix}-hl{n}", units=[unit])
        for n, unit in enumerate(units)
    ]
    persons = Person.objects.bulk_create(
        Person(
            agreement=agreement,
            personal_number=f"2009{n:08d}",
            personal_number_index=crypto.blind_index(f"{prefix}2009{n:08d}", purpose="personal_number"),
            first_name="Bench",
            last_name=str(n),
            name_index=crypto.blind_index(crypto.normalise_name(f"Bench {n}"), purpose="name"),
            birth_year=2009,
        )
        for n in range(cases)
    )
    created = Case.objects.bulk_create(
        Case(
            agreement=agreement,
            person=person,
            number=f"B-{n}",
            category="svansen" if n % 3 else "lifestyle",
            proposed_by=manager,
            proposed_by_kind="police",
            proposed_on="2026-01-01",
            proposal_reason="x",
            unit=units[n % UNITS],
            # Another unit's caseworker: a personal assignment outside their own unit.
            caseworker=caseworkers[(n + 1) % UNITS] if n % 97 == 0 else None,
        )
        for n, person in enumerate(persons)
    )
    CaseAccessGrant.objects.bulk_create(
        CaseAccessGrant(
            case=case,
            user=caseworkers[(n + 2) % UNITS],
            reason="Semestervikarie",
            starts_on="2020-01-01",
            ends_on="2099-12-31",
            granted_by=manager,
        )
        for n, case in enumerate(created[1 : 1 + GRANTS * UNITS])
    )
    return {
        "agreement": agreement,
        "roles": {"caseworker": caseworkers[0], "field_worker": field_worker, "social_manager": manager},
        "caseworkers": caseworkers,
    }


def give_guardian_permissions(built: dict) -> None:
    """One view permission per case each caseworker may see, in guardian's direct foreign-key table."""
    from django.contrib.auth.models import Permission

    from bench.guardian_direct.models import CaseUserObjectPermission

    view = Permission.objects.get(content_type__app_label="casework", codename="view_case")
    for user in built["caseworkers"]:
        ids = scope_cases(Case.objects.all(), actor_for(user, built["agreement"])).values_list("pk", flat=True)
        CaseUserObjectPermission.objects.bulk_create(
            CaseUserObjectPermission(user=user, permission=view, content_object_id=pk) for pk in ids
        )


def guardian_cases(user, agreement):
    from guardian.shortcuts import get_objects_for_user

    return get_objects_for_user(
        user,
        "casework.view_case",
        klass=Case.objects.filter(agreement=agreement),
        use_groups=False,
        with_superuser=False,
        accept_global_perms=False,
    )


def executed(queryset, *, sent: bool):
    """A run of `queryset`'s SQL producing every column of every row: sent to Python (psycopg converts
    each value) or only computed in the database (EXPLAIN ANALYZE: the query runs, nothing is sent)."""
    sql, params = queryset.query.sql_with_params()
    if not sent:
        sql = f"EXPLAIN (ANALYZE, TIMING OFF, SUMMARY OFF) {sql}"

    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    return run


def median_ms(fn) -> float:
    fn()
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def explain(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) {sql}", params)
        return "\n".join("    " + row[0] for row in cursor.fetchall())


def measure() -> list[Row]:
    large, small = build("Stor", CASES), build("Liten", CASES // 10)
    for built in (large, small):
        give_guardian_permissions(built)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    for label, built in (("large", large), ("small", small)):
        for role, user in built["roles"].items():
            actor = actor_for(user, built["agreement"])
            queryset = scope_cases(Case.objects.all(), actor)
            ids = median_ms(lambda qs=queryset: list(qs.values_list("pk", flat=True)))
            print(f"{label} {role:<15} sees {queryset.count():>6} cases: ids {ids:7.1f} ms (median of {RUNS})")

    user, agreement = large["roles"]["caseworker"], large["agreement"]
    actor = actor_for(user, agreement)
    ours = set(scope_cases(Case.objects.all(), actor).values_list("pk", flat=True))
    assert ours == set(guardian_cases(user, agreement).values_list("pk", flat=True)), "not the same cases"
    if connection.vendor == "postgresql":
        print("scope_cases, caseworker:\n" + explain(scope_cases(Case.objects.all(), actor).values("pk")))
        print("get_objects_for_user, caseworker:\n" + explain(guardian_cases(user, agreement).values("pk")))

    note = f"the caseworker's {len(ours)} of {CASES} cases"
    ids = interleaved_ratios(
        lambda: list(scope_cases(Case.objects.all(), actor).values_list("pk", flat=True)),
        lambda: list(guardian_cases(user, agreement).values_list("pk", flat=True)),
        rounds=ROUNDS,
    )
    full = interleaved_ratios(
        executed(scope_cases(Case.objects.all(), actor), sent=False),
        executed(guardian_cases(user, agreement), sent=False),
        rounds=ROUNDS,
    )
    page = interleaved_ratios(
        lambda: list(scope_cases(Case.objects.all(), actor)[:PAGE]),
        lambda: list(guardian_cases(user, agreement)[:PAGE]),
        rounds=ROUNDS,
    )
    # Every visible case sent to Python, as rows and as model instances: converting and building 3 000 of
    # them costs the same on both sides and outweighs either query, so these say little about the scoping.
    in_python = {
        "sent as rows": (
            executed(scope_cases(Case.objects.all(), actor), sent=True),
            executed(guardian_cases(user, agreement), sent=True),
        ),
        "as model instances": (
            lambda: list(scope_cases(Case.objects.all(), actor)),
            lambda: list(guardian_cases(user, agreement)),
        ),
    }
    for what, (numerator, denominator) in in_python.items():
        ratios = interleaved_ratios(numerator, denominator, rounds=5)
        print(
            f"all {len(ours)} cases {what}, scope_cases ÷ guardian: {statistics.median(ratios):.2f}×"
            f" [{min(ratios):.2f}–{max(ratios):.2f}] (5 rounds)"
        )
    return [
        Row("scoping, caseworker, ids: scope_cases ÷ guardian", ids, GOAL, note),
        Row("scoping, caseworker, full rows in the database: ÷ guardian", full, GOAL, note),
        Row(f"scoping, caseworker, a page of {PAGE} cases: ÷ guardian", page, GOAL, note),
    ]


def measure_in_test_database() -> list[Row]:
    test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        started = time.perf_counter()
        measured = measure()
        print(f"{connection.vendor}: {CASES} + {CASES // 10} cases, measured in {time.perf_counter() - started:.0f} s")
        return measured
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def rows() -> list[Row]:
    """The ratios against guardian. In a process set up without guardian (bench/run.py on the project's
    settings), measured in a process of its own on bench/settings_guardian.py."""
    if apps.is_installed("guardian"):
        return measure_in_test_database()
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings_guardian", ROWS_FILE: out.name}
        subprocess.run([sys.executable, __file__], env=env, check=True)  # noqa: S603 - this very script
        return [Row(**{**row, "samples": tuple(row["samples"])}) for row in json.loads(Path(out.name).read_text())]


def main():
    measured = rows()
    if os.environ.get(ROWS_FILE):
        Path(os.environ[ROWS_FILE]).write_text(json.dumps([asdict(row) for row in measured]))
    else:
        print_table(measured)


if __name__ == "__main__":
    main()
