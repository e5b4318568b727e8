"""Benchmark of the reports on PostgreSQL: the yearly follow-up report and the full management catalogue, on
generated populations of 2 000 to 20 000 persons (1.5 cases and 15 field contacts per person, all in one year).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/samsyn_reports make bench-reports

Data is written with bulk_create in batches. Encrypted fields are really sealed: bulk_create calls each
field's pre_save, which seals the value (AES-GCM, bound to table, column and row) exactly as save() does, so
the database holds what production would hold, and reading the qualitative texts really decrypts them.
bulk_create sends no signals, so the persons' statistics keys are drawn here with the same function.
Each size gets its own agreement; the timings are of the reports, not of the generation.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from accesscontrol import services as access_services  # noqa: E402
from accesscontrol.actor import Actor  # noqa: E402
from accesscontrol.models import Organisation, Role, User  # noqa: E402
from bench.scale import personal_number  # noqa: E402
from casework import models  # noqa: E402
from casework.periods import PeriodKind  # noqa: E402
from casework.services.agreements import create_agreement  # noqa: E402
from encryption import crypto  # noqa: E402
from reports import documents  # noqa: E402
from reports.disclosure_control.cell_key import new_statistics_key  # noqa: E402
from reports.models import ReportJob  # noqa: E402
from reports.selectors.follow_up import follow_up_report  # noqa: E402
from reports.selectors.statistics import statistics_year  # noqa: E402

YEAR = 2025
TODAY = datetime.date(2026, 6, 1)
BATCH = 5000


def generate(persons: int, rng: random.Random):
    """An agreement with `persons` persons, 1.5 cases each, 15 contacts each, interventions and follow-ups."""
    social = Organisation.objects.get_or_create(name="Bench socialtjänst", defaults={"kind": "social_services"})[0]
    police = Organisation.objects.get_or_create(name="Bench polis", defaults={"kind": "police"})[0]
    agreement = create_agreement(
        name=f"Bench {persons} {time.time_ns()}",
        social_services=social,
        police=police,
        starts_on=datetime.date(YEAR, 1, 1),
    )
    user = User.objects.get_or_create(username="bench")[0]
    for role in (Role.SOCIAL_MANAGER, Role.MANAGEMENT):
        access_services.grant_role(user=user, agreement=agreement, role=role)
    areas = [models.Area.objects.create(agreement=agreement, name=f"Område {i}") for i in range(8)]
    types = list(models.InterventionType.objects.filter(agreement=agreement, setting="home_based"))
    people = []
    for n in range(persons):
        birth_year = rng.randint(YEAR - 25, YEAR - 13)
        number = personal_number(n, birth_year)
        people.append(
            models.Person(
                agreement=agreement,
                personal_number=number,
                personal_number_index=crypto.blind_index(number, purpose="personal_number"),
                first_name="Bench",
                last_name=f"Person{n}",
                name_index=crypto.blind_index(f"bench person{n}", purpose="name"),
                birth_year=birth_year,
                gender=rng.choice(models.Gender.values),
                area=rng.choice(areas + [None]),
                statistics_key=new_statistics_key(),
            )
        )
    models.Person.objects.bulk_create(people, batch_size=BATCH)
    cases = []
    for n, person in enumerate(people):
        count = 2 if n % 2 else 1
        for k in range(count):
            raised = datetime.date(YEAR, 1, 1) + datetime.timedelta(days=rng.randrange(365))
            closed = k == 0 and count == 2
            category = rng.choice(["lifestyle", "svansen", "svansen"])
            cases.append(
                models.Case(
                    agreement=agreement,
                    person=person,
                    number=f"B-{len(cases):06d}",
                    category=category,
                    identified_category=category,
                    status="closed" if closed else "active",
                    proposed_by=user,
                    proposed_by_kind="social_services",
                    proposed_on=raised,
                    proposal_reason="Genererad motivering",
                    raised_on=raised,
                    closed_on=raised + datetime.timedelta(days=60) if closed else None,
                    realistic_alternative=rng.choice(["hvb", "sis_open", "sis_locked", ""]),
                )
            )
    models.Case.objects.bulk_create(cases, batch_size=BATCH)
    interventions, follow_ups = [], []
    for case in cases:
        start = case.raised_on + datetime.timedelta(days=rng.randrange(30))
        interventions.append(
            models.Intervention(
                case=case,
                intervention_type=rng.choice(types),
                offered_on=case.raised_on,
                response=rng.choice(["accepted", "accepted", "declined"]),
                starts_on=start,
                ends_on=start + datetime.timedelta(days=rng.randrange(30, 200)),
                occasions=rng.randrange(5, 20),
                recorded_by=user,
            )
        )
        if rng.random() < 0.6:
            follow_ups.append(
                models.FollowUp(
                    case=case,
                    written_on=case.raised_on + datetime.timedelta(days=rng.randrange(60, 220)),
                    youth_view="Genererad text",
                    social_view="Genererad text",
                    helped="Genererad text",
                    outcome=rng.choice(models.FollowUp.Outcome.values),
                    author=user,
                )
            )
    models.Intervention.objects.bulk_create(interventions, batch_size=BATCH)
    models.FollowUp.objects.bulk_create(follow_ups, batch_size=BATCH)
    svansen = [case for case in cases if case.category == "svansen"]
    contacts = []
    for n in range(persons * 15):
        case = rng.choice(svansen) if n % 4 else None
        contacts.append(
            models.FieldContact(
                agreement=agreement,
                kind=rng.choice(models.FieldContact.Kind.values),
                case=case,
                anonymous_youths=0 if case else rng.randrange(1, 4),
                occurred_on=datetime.date(YEAR, 1, 1) + datetime.timedelta(days=rng.randrange(365)),
                recorded_by=user,
            )
        )
        if len(contacts) == BATCH:
            models.FieldContact.objects.bulk_create(contacts)
            contacts = []
    models.FieldContact.objects.bulk_create(contacts)
    for quarter in range(4):
        models.Meeting.objects.create(
            agreement=agreement,
            held_on=datetime.date(YEAR, 3 * quarter + 2, 10),
            chair=user,
            held=True,
            minutes_status="approved",
        )
    return agreement, user, len(cases)


def timed(function, repeat=3):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,5000,10000,20000")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    if not settings.IS_POSTGRES:
        sys.exit("Set DATABASE_URL to a PostgreSQL database (the benchmark is about PostgreSQL).")
    call_command("migrate", verbosity=0)
    rng = random.Random(args.seed)
    print(
        f"{'persons':>8} {'cases':>7} {'contacts':>9} {'generate':>9} {'follow-up':>10} {'fu xlsx':>8} "
        f"{'catalogue 1st':>14} {'catalogue':>10}"
    )
    for size in (int(s) for s in args.sizes.split(",")):
        start = time.perf_counter()
        agreement, user, case_count = generate(size, rng)
        generated = time.perf_counter() - start
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        figures = measure(agreement, user)
        print(
            f"{size:>8} {case_count:>7} {size * 15:>9} {generated:>8.1f}s {figures['follow_up']:>9.2f}s "
            f"{figures['follow_up_file']:>7.2f}s {figures['first_release']:>13.2f}s {figures['catalogue']:>9.2f}s",
            flush=True,
        )


def measure(agreement, user) -> dict:
    manager = Actor(user, agreement, frozenset({Role.SOCIAL_MANAGER}))
    management = Actor(user, agreement, frozenset({Role.MANAGEMENT}))

    def follow_up():
        for kind in (PeriodKind.QUARTER, PeriodKind.TERTIAL, PeriodKind.YEAR):
            follow_up_report(actor=manager, year=YEAR, kind=kind)

    def follow_up_file():
        job = ReportJob(
            agreement=agreement,
            requested_by=user,
            kind="follow_up",
            file_format="xlsx",
            first_year=YEAR,
            last_year=YEAR,
        )
        documents.build(job, lambda percent: None)

    def catalogue():
        statistics_year(actor=management, year=YEAR, today=TODAY)

    # The first call releases the year (noise, audit, register); later calls serve the register.
    first_release = timed(catalogue, repeat=1)
    return {
        "first_release": first_release,
        "catalogue": timed(catalogue),
        "follow_up": timed(follow_up),
        "follow_up_file": timed(follow_up_file, repeat=1),
    }


if __name__ == "__main__":
    main()
