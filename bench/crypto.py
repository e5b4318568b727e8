"""Benchmark of field encryption (not a test): `make bench-crypto`.

1. Throughput of sealing and opening one value (AES-256-GCM with its table/column/row binding).
2. The case-list page with 50 cases, encrypted, against the same page over the same data unencrypted.
   "Unencrypted" replaces the cipher with an identity function (base64 of the plaintext, the same
   token shape), so storage, the ORM path, the template and the access log are identical and only the
   cryptography differs. Each variant gets its own agreement with the same 50 generated cases.

Runs in a throw-away test database on the configured database: set DATABASE_URL to PostgreSQL for the
figures that count (the target is the encrypted page within 1.2× of the unencrypted one).
"""

import base64
import contextlib
import logging
import os
import statistics
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
CASES = 50
ROUNDS = 40


def per_second(fn, *, seconds=1.0) -> float:
    count, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        fn()
        count += 1
    return count / elapsed


@contextlib.contextmanager
def identity_cipher():
    """Seal and open without encrypting: the baseline 'same page, same data, unencrypted'."""
    from encryption import crypto

    real_seal, real_open = crypto.seal, crypto.open_sealed

    def seal(plaintext, *, aad, keyring=None):
        return f"v1$plain${base64.urlsafe_b64encode(plaintext).decode()}"

    def open_sealed(token, *, aad, where, keyring=None):
        return base64.urlsafe_b64decode(token.split("$", 2)[2].encode())

    crypto.seal, crypto.open_sealed = seal, open_sealed
    try:
        yield
    finally:
        crypto.seal, crypto.open_sealed = real_seal, real_open


def one_value():
    from encryption import crypto

    aad = crypto.associated_data("casework_person", "first_name", "9f1c2e0e-1d2b-4c1e-9d5e-0a1b2c3d4e5f")
    print("1. one value (AES-256-GCM, bound to table/column/row)")
    for label, text in (("a name, 12 bytes", "Testa Demoss"), ("a free text, 1 kB", "x" * 1024)):
        token = crypto.seal(text.encode(), aad=aad)
        seal_rate = per_second(lambda t=text: crypto.seal(t.encode(), aad=aad))
        open_rate = per_second(lambda tok=token: crypto.open_sealed(tok, aad=aad, where="bench"))
        print(f"   {label:<18} seal {seal_rate:>10,.0f}/s   open {open_rate:>10,.0f}/s")


def build_agreement(name):
    """An agreement with the usual cast and CASES identified cases (assessments, an intervention each)."""
    import datetime

    from casework.services import cases as case_services
    from casework.services import interventions
    from tests import factories as base
    from tests.casework import factories

    agreement = base.AgreementFactory(name=name)
    people = base.people_for(agreement)
    manager = factories.actor(people.manager, agreement)
    meeting = factories.meeting(people, held_on=datetime.date.today() - datetime.timedelta(days=30))
    for n in range(CASES):
        case = factories.identified(
            people,
            category="svansen" if n % 3 else "lifestyle",
            at=meeting,
            raised_on=meeting.held_on,
            caseworker=people.caseworker,
        )
        case_services.record_social_assessment(
            actor=manager,
            case=case,
            assessment="Bedömning " * 30,
            realistic_alternative="hvb",
            records_reference=f"SN-{n}",
        )
        interventions.offer_intervention(
            actor=factories.actor(people.caseworker, agreement),
            case=case,
            intervention_type=factories.intervention_type(agreement, "mst"),
            offered_on=meeting.held_on,
            note="Anteckning " * 10,
        )
    return people


def time_page(client, url) -> list[float]:
    client.get(url)  # warm up
    samples = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - started)
        assert response.status_code == 200
    return samples


def case_list_page():
    from django.db import connection
    from django.test import Client

    from bench import test_environment
    from tests.conftest import verified_client

    test_environment()
    settings_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        print(f"2. the case list, {CASES} cases, {ROUNDS} requests each, on {connection.vendor}")
        encrypted_people = build_agreement("Krypterad")
        with identity_cipher():
            plain_people = build_agreement("Okrypterad")
        encrypted = time_page(verified_client(Client(), encrypted_people.manager), "/arenden/")
        with identity_cipher():
            plain = time_page(verified_client(Client(), plain_people.manager), "/arenden/")
        for label, samples in (("encrypted", encrypted), ("unencrypted", plain)):
            print(
                f"   {label:<12} median {statistics.median(samples) * 1000:7.1f} ms   "
                f"p90 {statistics.quantiles(samples, n=10)[-1] * 1000:7.1f} ms"
            )
        ratio = statistics.median(encrypted) / statistics.median(plain)
        print(f"   encrypted / unencrypted = {ratio:.2f}× (target ≤ 1.20×)")
    finally:
        connection.creation.destroy_test_db(settings_name, verbosity=0)


def main():
    django.setup()
    logging.disable(logging.INFO)  # axes' and Celery's info lines would drown the figures
    one_value()
    case_list_page()


if __name__ == "__main__":
    sys.exit(main())
