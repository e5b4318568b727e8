"""How long the case list's scoping takes at the size of a large municipality, per role.

Builds a throwaway test database (PostgreSQL when DATABASE_URL points to it), fills it with CASES cases
over UNITS units (a caseworker's cases are read from each case's unit and caseworker), and times
`scope_cases` for a caseworker, a field worker and a social manager: the full evaluation (ids only, as a
list page's first query) and the count. Prints the figures and PostgreSQL's plan of the caseworker query.

    make bench-access            (CASES=20000 by default)
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
from django.test.utils import setup_test_environment  # noqa: E402

from accesscontrol.actor import actor_for  # noqa: E402
from accesscontrol.models import Role  # noqa: E402
from accesscontrol.scoping import scope_cases  # noqa: E402
from accesscontrol.services import create_unit  # noqa: E402
from casework.models import Case, Person  # noqa: E402
from encryption import crypto  # noqa: E402
from tests.factories import AgreementFactory, user_with_roles  # noqa: E402

CASES = int(os.environ.get("CASES", "20000"))
UNITS = 10
RUNS = 7


def build():
    agreement = AgreementFactory(name="Bench")
    units = [create_unit(organisation=agreement.social_services, name=f"Enhet {n}") for n in range(UNITS)]
    manager = user_with_roles(agreement, Role.SOCIAL_MANAGER, username="bench-chef")
    caseworker = user_with_roles(agreement, Role.CASEWORKER, username="bench-hl", units=[units[0]])
    field_worker = user_with_roles(agreement, Role.FIELD_WORKER, username="bench-falt")
    persons = Person.objects.bulk_create(
        Person(
            agreement=agreement,
            personal_number=f"2009{n:08d}",
            personal_number_index=crypto.blind_index(f"2009{n:08d}", purpose="personal_number"),
            first_name="Bench",
            last_name=str(n),
            name_index=crypto.blind_index(crypto.normalise_name(f"Bench {n}"), purpose="name"),
            birth_year=2009,
        )
        for n in range(CASES)
    )
    Case.objects.bulk_create(
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
            caseworker=caseworker if n % 97 == 0 else None,
        )
        for n, person in enumerate(persons)
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return agreement, {"caseworker": caseworker, "field_worker": field_worker, "social_manager": manager}


def timed(fn) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main():
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        started = time.perf_counter()
        agreement, users = build()
        print(f"{connection.vendor}: {CASES} cases, {UNITS} units, built in {time.perf_counter() - started:.0f} s")
        for role, user in users.items():
            queryset = scope_cases(Case.objects.all(), actor_for(user, agreement))
            visible = queryset.count()
            ids = timed(lambda qs=queryset: list(qs.values_list("pk", flat=True)))
            count = timed(lambda qs=queryset: qs.count())
            print(f"{role:<15} sees {visible:>6} cases: ids {ids:7.1f} ms, count {count:6.1f} ms (median of {RUNS})")
        if connection.vendor == "postgresql":
            queryset = scope_cases(Case.objects.all(), actor_for(users["caseworker"], agreement)).values("pk")
            sql, params = queryset.query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) {sql}", params)
                print("\n".join(row[0] for row in cursor.fetchall()))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
