# ruff: noqa: S608 - SQL on fixed table names of a throw-away benchmark database
"""Benchmarks of the audit trail (not timed tests; `make bench-audit` prints the figures).

1. The cost of access logging: requests per second of a case page with and without its access entry,
   in pairs of short rounds, median of the pairs' ratios: the real case page against the same page with
   `audit.access.log_read` (which the access-log middleware calls) replaced by a no-op. Target: ≥ 0.85×.
2. verify_audit over a million entries: a valid access chain of BENCH_ACCESS_ENTRIES entries and a
   change chain of BENCH_CHANGE_ENTRIES django-auditlog entries are bulk-loaded with COPY, then both
   chains are verified. Target: ≥ 100 000 entries per second.

Runs on a throw-away test database (test_<your database>, created and dropped here), on PostgreSQL
only: set DATABASE_URL.
"""

import datetime
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from auditlog.models import LogEntry  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client, override_settings  # noqa: E402

from audit.chain import ACCESS_COLUMNS, LOG_ENTRY_COLUMNS, boundary, canonical_sql, link_hash  # noqa: E402
from audit.models import AccessLogEntry, Chain, ChangeLogSeal  # noqa: E402
from audit.services import verify_audit_chains  # noqa: E402
from casework.models import Case  # noqa: E402

ACCESS_ENTRIES = int(os.environ.get("BENCH_ACCESS_ENTRIES", 1_000_000))
CHANGE_ENTRIES = int(os.environ.get("BENCH_CHANGE_ENTRIES", 200_000))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 40))
REQUESTS_PER_ROUND = int(os.environ.get("BENCH_REQUESTS", 25))


# --- 1. the case page with and without its access entry ---------------------------------------------------


def bench_case_page() -> dict:
    """The real case page (casework:case_detail) of cases with assessments and an intervention, with its
    access entry as shipped against the same view with audit.access.log_read (which the access-log middleware
    calls for each declared read) replaced by a no-op."""
    import audit.access as access_log
    from bench.crypto import build_agreement
    from tests.conftest import verified_client

    people = build_agreement("Benchöverenskommelse")
    cases = list(Case.objects.filter(agreement=people.agreement))
    client = verified_client(Client(), people.manager)
    real_log_read = access_log.log_read

    def run(logged: bool) -> float:
        access_log.log_read = real_log_read if logged else (lambda request, **kwargs: None)
        started = time.perf_counter()
        for n in range(REQUESTS_PER_ROUND):
            response = client.get(f"/arenden/{cases[n % len(cases)].pk}/")
            assert response.status_code == 200, response.status_code
        return REQUESTS_PER_ROUND / (time.perf_counter() - started)

    try:
        run(True), run(False)  # warm up
        # Short rounds in pairs, alternating which goes first, and the median of the pairs' ratios: the
        # machine's load drifts, and a pair sees the same load.
        logged, unlogged, ratios = [], [], []
        for round_ in range(ROUNDS):
            order = (True, False) if round_ % 2 == 0 else (False, True)
            rates = {flag: run(flag) for flag in order}
            logged.append(rates[True])
            unlogged.append(rates[False])
            ratios.append(rates[True] / rates[False])
    finally:
        access_log.log_read = real_log_read
    return {
        "logged": statistics.median(logged),
        "unlogged": statistics.median(unlogged),
        "ratio": statistics.median(ratios),
    }


# --- 2. verify_audit over a million entries ----------------------------------------------------------------


def _copy(table: str, columns, rows) -> None:
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _copy_chained(query: str, params, table: str, columns, head: tuple[int, str]) -> None:
    """Copy the rows (canonical text, *values) of `query` into `table` as a valid chain after `head`:
    the database rendered the text, the hashes are chained here. In batches, because the reading cursor
    and COPY share the connection and cannot run at the same time."""
    seq, prev_hash = head
    with connection.chunked_cursor() as cursor:
        cursor.execute(query, params)
        while batch := cursor.fetchmany(50_000):
            rows = []
            for text, *values in batch:
                seq += 1
                entry_hash = link_hash(prev_hash, seq, text)
                rows.append([seq, prev_hash, entry_hash, *values])
                prev_hash = entry_hash
            _copy(table, ["seq", "prev_hash", "entry_hash", *columns], rows)


def load_access_chain(count: int) -> None:
    """The rows go to a scratch table first, then into the log in order with their chained hashes."""
    table = AccessLogEntry._meta.db_table
    names = [spec.partition("@")[0] for spec in ACCESS_COLUMNS]
    head = AccessLogEntry.objects.order_by("-seq").values_list("seq", "entry_hash").first() or boundary(Chain.ACCESS)
    cases = [str(uuid.uuid4()) for _ in range(500)]
    persons = [str(uuid.uuid4()) for _ in range(500)]
    start = datetime.datetime(2025, 1, 1, 7, tzinfo=datetime.UTC)

    def scratch_rows():
        for n in range(1, count + 1):
            case = cases[n % 500]
            yield [
                n,
                start + datetime.timedelta(seconds=n * 7, microseconds=n % 999_983),
                1 + n % 40,
                f"handlaggare{n % 40}",
                '["caseworker"]',
                1,
                "shown",
                "casework:case",
                f"/arenden/{case}/",
                n % 500 == 0,
                f'["{case}"]',
                f'["2025-{n % 500:03d}"]',
                "[]",
                f'["{persons[n % 500]}"]',
                '["case_frame","identity","social_assessment"]',
                "5" * 64,
                "10.0.0.7",
                uuid.uuid4().hex,
            ]

    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE bench_access ON COMMIT DROP AS SELECT seq, {', '.join(names)} FROM {table} WITH NO DATA"
        )
    _copy("bench_access", ["seq", *names], scratch_rows())
    columns = ", ".join(f"e.{name}" for name in names)
    query = f"SELECT {canonical_sql('e', ACCESS_COLUMNS)}, {columns} FROM bench_access e ORDER BY e.seq"
    _copy_chained(query, [], table, names, head)


def load_change_chain(count: int) -> None:
    """django-auditlog entries loaded with COPY, then sealed over the text the database renders for them."""
    table = LogEntry._meta.db_table
    case_type = ContentType.objects.get_for_model(Case).pk
    first_id = (LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    start = datetime.datetime(2025, 1, 1, 7, tzinfo=datetime.UTC)
    columns = ["id", "content_type_id", "object_pk", "object_repr", "action", "changes_text", "changes"]
    columns += ["timestamp", "additional_data", "remote_addr"]

    def entries():
        for n in range(count):
            yield [
                first_id + n,
                case_type,
                str(uuid.uuid4()),
                f"Ärende 2025-{n % 500:03d}",
                1,
                "",
                '{"status": ["proposed", "active"], "proposal_reason": ["[krypterat]", "[krypterat]"]}',
                start + datetime.timedelta(seconds=n * 30),
                '{"agreement_id": 1, "roles": ["social_manager"]}',
                "10.0.0.7",
            ]

    _copy(table, columns, entries())
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)", [first_id + count])
    head = ChangeLogSeal.objects.order_by("-seq").values_list("seq", "entry_hash").first() or boundary(Chain.CHANGE)
    query = f"SELECT {canonical_sql('l', LOG_ENTRY_COLUMNS)}, l.id FROM {table} l WHERE l.id >= %s ORDER BY l.id"
    _copy_chained(query, [first_id], ChangeLogSeal._meta.db_table, ["log_entry_id"], head)


def bench_verify() -> list:
    started = time.perf_counter()
    with transaction.atomic():
        load_access_chain(ACCESS_ENTRIES)
        load_change_chain(CHANGE_ENTRIES)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    loaded = time.perf_counter() - started
    print(f"  loaded {ACCESS_ENTRIES:,} access and {CHANGE_ENTRIES:,} change entries in {loaded:.0f} s")
    return verify_audit_chains()


def main() -> None:
    if not settings.IS_POSTGRES:
        sys.exit("bench/audit.py measures PostgreSQL: set DATABASE_URL=postgres://…")
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            print(f"Case page, {ROUNDS} pairs of rounds of {REQUESTS_PER_ROUND} requests (medians):")
            page = bench_case_page()
            print(f"  with access logging    {page['logged']:8.1f} requests/s")
            print(f"  without access logging {page['unlogged']:8.1f} requests/s")
            print(f"  ratio (median of pairs) {page['ratio']:7.3f} (target ≥ 0.85)")
            print("verify_audit:")
            results = bench_verify()
            for result in results:
                state = "intact" if result.ok else f"BROKEN at {result.broken.describe()}"
                print(
                    f"  {result.chain:<6} {result.checked:>9,} entries in {result.seconds:6.2f} s: "
                    f"{result.per_second:>9,.0f} entries/s, {state}"
                )
            total = sum(result.checked for result in results)
            rate = total / sum(result.seconds for result in results)
            print(f"  both   {total:>9,} entries: {rate:>9,.0f} entries/s (target ≥ 100 000)")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
