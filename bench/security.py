"""The whole security stack on against off, on a paged case list and on a case page (issue 20, point 4;
goal ≤ 1.2×; `make bench-security`, and a row each in `make bench`'s table).

Two agreements of the same size are built in a throw-away test database: BENCH_SECURITY_CASES cases
(3 000) each, 40 % identified (a raised date, a unit and a caseworker), and BENCH_SECURITY_RICH (4) cases
with a realistic history written through the services: a police and a social assessment, two
interventions with their answers, a follow-up and three reassignments. "On" is one agreement, written
and read as shipped. "Off" is the other, written and read under `bench.crypto.identity_cipher`, and
requested with the security stack taken away; the same views, selectors and templates render the same
kind of rows.

What "off" removes, exactly:
- field encryption: seal and open are the identity (base64 of the plaintext, the same token shape), so
  storage, the lazy opening and the template are unchanged and only the cryptography is gone;
- scoping: `accesscontrol.scoping.scope_cases` is replaced by the agreement filter alone (wherever it is
  imported), so a caseworker's cases are not narrowed to theirs. The caseworker belongs to the unit that
  holds every identified case, so "on" they see those (1 203 of 3 000 by default: a proposal has no unit) and
  "off" all 3 000; both list pages show 50 rows, the counts differ. Which fields of a row may be read (the
  visibility matrix) stays, as the template needs it;
- the access log: `audit.access.log_read` is a no-op, so the middleware writes no entry (and does not
  look up the listed cases' numbers and scope for it);
- the request gates that only protect: SecurityMiddleware, NoStoreMiddleware, CsrfViewMiddleware,
  SessionTimeoutMiddleware, XFrameOptionsMiddleware, CSPMiddleware and AxesMiddleware leave the
  middleware chain. Every other middleware stays: the session, authentication, OTP (the second factor
  the next ones check) and the agreement build `request.actor`, which every view needs; the change log's
  context, the request id, the locale, the messages and the metrics are not protection.
Both sides sign in the same way before timing (a session with a verified second factor); sign-in itself
is not timed.

Timed: each page on and off back to back in each round, after a warm-up (bench.table.interleaved_ratios),
BENCH_ROUNDS rounds (15); the ratio on/off per round, its median and range. Pages: the case list (page 1,
50 rows) for the caseworker and the social manager, and a rich case's page for both.

Runs on PostgreSQL only (the figures that count): set DATABASE_URL.
"""

import contextlib
import datetime
import logging
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

CASES = int(os.environ.get("BENCH_SECURITY_CASES", 3000))
RICH = int(os.environ.get("BENCH_SECURITY_RICH", 4))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 15))
GOAL = 1.2
GATES_OFF = (
    "django.middleware.security.SecurityMiddleware",
    "accesscontrol.middleware.NoStoreMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "accesscontrol.middleware.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
)


def rich_case(people, manager, caseworker, *, serial: int):
    """A case with a realistic history, written through the services: assessments, interventions and
    their answers, a follow-up, three reassignments."""
    from casework.services import cases as case_services
    from casework.services import follow_ups, interventions
    from tests.casework import factories

    raised_on = factories.months_ago(4)
    case = factories.identified(people, raised_on=raised_on, caseworker=people.caseworker)
    case_services.record_police_assessment(
        actor=factories.actor(people.police, people.agreement),
        case=case,
        assessment="Polisens bedömning av läget. " * 20,
        priority=serial % 2 == 0,
        assessed_on=raised_on,
    )
    case_services.record_social_assessment(
        actor=manager,
        case=case,
        assessment="Socialtjänstens bedömning av behoven. " * 30,
        realistic_alternative="hvb",
        records_reference=f"SN-2026-{serial}",
        assessed_on=raised_on,
    )
    for code, answer in (("mst", "accepted"), ("fft", "declined")):
        intervention = interventions.offer_intervention(
            actor=caseworker,
            case=case,
            intervention_type=factories.intervention_type(people.agreement, code),
            offered_on=raised_on + datetime.timedelta(days=3),
            note="Erbjuden efter samtal med vårdnadshavare. " * 5,
        )
        interventions.record_intervention_response(
            actor=caseworker,
            intervention=intervention,
            response=answer,
            starts_on=raised_on + datetime.timedelta(days=10) if answer == "accepted" else None,
            answered_on=raised_on + datetime.timedelta(days=7),
        )
    # Open care for a while, back to the investigation unit, then to the caseworker again.
    homes = ((people.open_care, None), (people.investigation, None), (people.investigation, people.caseworker))
    for step, (unit, responsible) in enumerate(homes, start=1):
        case_services.reassign_case(
            actor=manager,
            case=case,
            unit=unit,
            caseworker=responsible,
            reassigned_on=raised_on + datetime.timedelta(days=20 * step),
            note="Ny ansvarig enhet.",
        )
    follow_ups.write_follow_up(
        actor=caseworker,
        case=case,
        written_on=factories.today(),
        youth_view="Ungdomens syn. " * 20,
        social_view="Socialtjänstens syn. " * 20,
        police_view="Polisens syn. " * 10,
        outcome="improved",
    )
    return case


def build_agreement(name: str):
    """An agreement with the usual cast, CASES cases (bulk-written, sealed in pre_save as any write is) and
    RICH cases with a history. Returns the cast and the rich cases."""
    from accesscontrol.models import Role
    from casework.models import Case, CaseStatus, Person
    from encryption import crypto
    from tests import factories as base
    from tests.casework import factories

    agreement = base.AgreementFactory(name=name)
    people = base.people_for(agreement)
    manager = factories.actor(people.manager, agreement)
    caseworker = factories.actor(people.caseworker, agreement)
    assert Role.CASEWORKER in caseworker.roles
    rich = [rich_case(people, manager, caseworker, serial=n) for n in range(RICH)]
    today = factories.today()
    persons = Person.objects.bulk_create(
        Person(
            agreement=agreement,
            personal_number=f"2010{n:08d}",
            personal_number_index=crypto.blind_index(f"2010{n:08d}", purpose="personal_number"),
            first_name=f"Förnamn{n}",
            last_name=f"Efternamnsson{n}",
            name_index=crypto.blind_index(crypto.normalise_name(f"Förnamn{n} Efternamnsson{n}"), purpose="name"),
            birth_year=2010,
            contact={"telefon": f"070-{n:07d}"},
        )
        for n in range(CASES - RICH)
    )
    identified = [n % 5 < 2 for n in range(len(persons))]
    Case.objects.bulk_create(
        Case(
            agreement=agreement,
            person=person,
            number=f"2025-{n + 100:04d}",
            category="svansen" if n % 3 else "lifestyle",
            status=CaseStatus.ACTIVE if identified[n] else CaseStatus.PROPOSED,
            proposed_by=people.police,
            proposed_by_kind="police",
            proposed_on=today - datetime.timedelta(days=30 + n % 700),
            proposal_reason="Syns ofta vid stationen sent på kvällen. " * 6,
            raised_on=today - datetime.timedelta(days=20 + n % 700) if identified[n] else None,
            unit=people.investigation if identified[n] else None,
            caseworker=people.caseworker if identified[n] and n % 4 == 0 else None,
        )
        for n, person in enumerate(persons)
    )
    return people, rich


def _scope_to_agreement(queryset, actor):
    """Scoping off: the agreement filter alone."""
    if actor is None or actor.agreement is None:
        return queryset.none()
    return queryset.filter(agreement=actor.agreement)


@contextlib.contextmanager
def security_off():
    """Field encryption, scoping and the access-log write off (the module's docstring says exactly how);
    the middleware gates are taken off by the client's own chain (`off_client`)."""
    import audit.access
    from accesscontrol import scoping
    from bench.crypto import identity_cipher

    real_scope, real_log_read = scoping.scope_cases, audit.access.log_read
    holders = [module for module in list(sys.modules.values()) if getattr(module, "scope_cases", None) is real_scope]
    for module in holders:
        module.scope_cases = _scope_to_agreement
    audit.access.log_read = lambda *args, **kwargs: None
    try:
        with identity_cipher():
            yield
    finally:
        for module in holders:
            module.scope_cases = real_scope
        audit.access.log_read = real_log_read


def signed_in(user, *, gates: bool):
    """A test client with a verified session; without the protective middleware when `gates` is False.
    The chain is built at the client's first request, from the settings then in force."""
    from django.conf import settings
    from django.test import Client, override_settings

    from tests.conftest import verified_client

    client = verified_client(Client(), user)
    middleware = settings.MIDDLEWARE if gates else [name for name in settings.MIDDLEWARE if name not in GATES_OFF]
    with override_settings(MIDDLEWARE=middleware):
        client.handler.load_middleware()
    return client


def _get(client, url):
    response = client.get(url)
    if response.status_code != 200:
        raise AssertionError(f"{url}: {response.status_code}")
    return response


def check_sides(on_client, off_client, on_url, off_url) -> None:
    """Only "on" writes the access log: one entry for the page, and none "off"."""
    from audit.models import AccessLogEntry

    before = AccessLogEntry.objects.count()
    _get(on_client, on_url)
    written = AccessLogEntry.objects.count() - before
    with security_off():
        _get(off_client, off_url)
    if written != 1 or AccessLogEntry.objects.count() != before + 1:
        raise AssertionError(f"{on_url}: on wrote {written} entries, off must write none")


def pages(on_people, on_rich, off_people, off_rich) -> list[tuple[str, object, object]]:
    """(what, the request on, the request off) for each measured page."""
    found = []
    for role in ("caseworker", "manager"):
        on_client = signed_in(getattr(on_people, role), gates=True)
        off_client = signed_in(getattr(off_people, role), gates=False)
        label = "caseworker" if role == "caseworker" else "social manager"

        def on_list(client=on_client):
            _get(client, "/arenden/")

        def off_list(client=off_client):
            with security_off():
                _get(client, "/arenden/")

        def on_case(client=on_client):
            _get(client, f"/arenden/{on_rich[0].pk}/")

        def off_case(client=off_client):
            with security_off():
                _get(client, f"/arenden/{off_rich[0].pk}/")

        check_sides(on_client, off_client, "/arenden/", "/arenden/")
        check_sides(on_client, off_client, f"/arenden/{on_rich[0].pk}/", f"/arenden/{off_rich[0].pk}/")
        found.append((f"security on/off, case list page ({label})", on_list, off_list))
        found.append((f"security on/off, case page ({label})", on_case, off_case))
    return found


@contextlib.contextmanager
def built():
    """The throw-away database with both agreements; yields the measured pages."""
    from django.db import connection
    from django.test.utils import override_settings

    if connection.vendor != "postgresql":
        sys.exit("bench/security.py measures PostgreSQL: set DATABASE_URL=postgres://…")
    from bench import test_environment

    test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        started = time.perf_counter()
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            on_people, on_rich = build_agreement("Säkerhet på")
            with security_off():
                off_people, off_rich = build_agreement("Säkerhet av")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        print(f"  built 2 × {CASES} cases in {time.perf_counter() - started:.0f} s", flush=True)
        yield pages(on_people, on_rich, off_people, off_rich)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def rows():
    from bench.table import Row, interleaved_ratios

    django.setup()
    with built() as measured:
        return [Row(what, interleaved_ratios(on, off, rounds=ROUNDS), GOAL) for what, on, off in measured]


def main():
    from bench.table import Row, interleaved_ratios, print_table

    django.setup()
    logging.disable(logging.INFO)  # axes' and Celery's info lines would drown the figures
    table = []
    with built() as measured:
        for what, on, off in measured:
            on_ms, off_ms = _median_ms(on), _median_ms(off)
            table.append(Row(what, interleaved_ratios(on, off, rounds=ROUNDS), GOAL))
            print(f"  {what:<52} on {on_ms:7.1f} ms   off {off_ms:7.1f} ms", flush=True)
    print_table(table)


def _median_ms(request, rounds: int = 5) -> float:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        request()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


if __name__ == "__main__":
    main()
