# ruff: noqa: S608 - the SQL here is built from model metadata and constants; values go in as parameters
"""The hash chains of the access log and the change log.

Each entry stores `seq` (its gap-free position in the chain), `prev_hash` (the hash of entry seq-1, of
the last purged entry, or GENESIS) and `entry_hash` = SHA-256 of "<prev_hash><seq>:<canonical text>"
(`link_hash`). The canonical text of an entry is its hashed columns in a fixed order, each written
"<bytes>:<text>" with the length of the text in UTF-8 bytes, and NULL as ":" (a netstring-like framing:
no two different rows give the same text). Integers are in decimal, a timestamp as integer microseconds
since 1970, a boolean as 1 or 0, text as stored.

The database computes the canonical text and the hash (`_hash_sql`), with the same SQL when an entry
is appended and when it is verified, so the two cannot disagree about how a value is rendered (jsonb
and inet columns of the change log included), and verification reads five short columns per entry and
does only comparisons in Python.

Appending is one INSERT … SELECT that reads the head (the last entry, else the latest purge boundary,
else the genesis) and inserts the next entry with its hash. Two writers that read the same head collide
on the unique `seq`; the one that loses retries from the new head. So the chain stays gap-free and
never forks, no lock is held, and an access entry, with its links to the cases and persons it names,
costs one round trip to the database (on PostgreSQL; on SQLite the links follow in the transaction).
The change log's LogEntry rows are sealed the same way, in the transaction that wrote them (a signal on
LogEntry). Changing an entry changes its hash; deleting one leaves a gap in `seq`; moving or swapping
entries breaks the link to the previous hash.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import hashlib
import itertools
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from auditlog.models import LogEntry
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext

from .models import (
    AccessLogCase,
    AccessLogEntry,
    AccessLogPerson,
    Chain,
    ChainPurge,
    ChainVerification,
    ChangeLogRedaction,
    ChangeLogSeal,
    linked_ids,
)

GENESIS = "0" * 64
CHUNK_SIZE = 20_000
IN_FLIGHT = datetime.timedelta(minutes=1)
APPEND_ATTEMPTS = 50
VERIFY_WORKERS = 4
MIN_SEGMENT = 100_000  # a segment shorter than this is not worth a thread and a connection

# The hashed columns of each chain, in order; "@micros" marks a timestamp and "@flag" a boolean.
# Stored hashes depend on these lists: changing one makes every existing entry fail verification.
ACCESS_COLUMNS = (
    "at@micros",
    "user_id",
    "username",
    "roles",
    "agreement_id",
    "outcome",
    "page",
    "path",
    "export@flag",
    "case_ids",
    "case_numbers",
    "outside_scope_case_ids",
    "person_ids",
    "field_classes",
    "session_key_hash",
    "address",
    "request_id",
)
LOG_ENTRY_COLUMNS = (
    "id",
    "content_type_id",
    "object_pk",
    "object_id",
    "object_repr",
    "serialized_data",
    "action",
    "changes_text",
    "changes",
    "actor_id",
    "cid",
    "remote_addr",
    "remote_port",
    "timestamp@micros",
    "additional_data",
    "actor_email",
)


def link_hash(prev_hash: str, seq: int, text: str) -> str:
    """The definition of an entry's hash, in Python; `_hash_sql` computes the same in the database."""
    return hashlib.sha256(f"{prev_hash}{seq}:{text}".encode()).hexdigest()


# --- the canonical text and the hash, in SQL ------------------------------------------------------------


def _as_text(alias: str, spec: str) -> str:
    name, _, kind = spec.partition("@")
    column = f"{alias}.{connection.ops.quote_name(name)}"
    if kind == "flag":
        return f"CASE WHEN {column} THEN '1' ELSE '0' END"
    if kind == "micros":
        if connection.vendor == "postgresql":
            return f"CAST(CAST(EXTRACT(EPOCH FROM {column}) * 1000000 AS bigint) AS text)"
        # SQLite keeps 'YYYY-MM-DD HH:MM:SS[.ffffff]' in UTC: whole seconds plus the fraction, exactly.
        return (
            f"CAST(CAST(strftime('%%s', {column}) AS INTEGER) * 1000000"
            f" + CAST(substr({column} || '.000000', 21, 6) AS INTEGER) AS TEXT)"
        )
    return f"CAST({column} AS TEXT)"


def canonical_sql(alias: str, columns: tuple[str, ...]) -> str:
    """The canonical text of the row `alias`, as an SQL expression."""
    texts = [_as_text(alias, spec) for spec in columns]
    if connection.vendor == "postgresql":
        # One concat() call for the row; concat() reads NULL as '', so a NULL column gives ":".
        return "concat(" + ", ".join(f"octet_length({text}), ':', {text}" for text in texts) + ")"
    return " || ".join(f"COALESCE(length(CAST({text} AS BLOB)) || ':' || {text}, ':')" for text in texts)


def _hash_sql(prev_hash: str, seq: str, alias: str, columns: tuple[str, ...]) -> str:
    """`link_hash` as an SQL expression."""
    text = f"{prev_hash} || CAST({seq} AS TEXT) || ':' || {canonical_sql(alias, columns)}"
    if connection.vendor == "postgresql":
        return f"encode(sha256(convert_to({text}, 'UTF8')), 'hex')"
    return f"SHA256({text})"  # registered by Django's SQLite backend


def _model(chain: str):
    return AccessLogEntry if chain == Chain.ACCESS else ChangeLogSeal


def _head_sql(chain: str) -> str:
    """A common table expression h(seq, prev_hash), computed once: the chain's head, that is its last
    entry, else the latest purge boundary, else the genesis. `chain` is one of Chain's values."""
    table, purges = _model(chain)._meta.db_table, ChainPurge._meta.db_table
    return (
        "WITH h AS MATERIALIZED (SELECT c.seq, c.prev_hash FROM ("
        f"SELECT seq, entry_hash AS prev_hash FROM {table} WHERE seq = (SELECT max(seq) FROM {table}) "
        f"UNION ALL SELECT up_to_seq, last_hash FROM {purges} WHERE chain = '{chain}' "
        f"AND up_to_seq = (SELECT max(up_to_seq) FROM {purges} WHERE chain = '{chain}') "
        f"UNION ALL SELECT 0, '{GENESIS}') c ORDER BY c.seq DESC LIMIT 1) "
    )


def _select(chain: str, where: str) -> str:
    """seq, prev_hash, stored entry_hash, whether the entry exists, the entry's hash computed now from
    its columns. For the change log a LEFT JOIN: a seal whose LogEntry was deleted has `present` NULL,
    unless gallring deleted it (ChangeLogRedaction): then its stored hash stands for it, and the link to
    the next entry is checked as before."""
    if chain == Chain.ACCESS:
        computed = _hash_sql("e.prev_hash", "e.seq", "e", ACCESS_COLUMNS)
        return (
            f"SELECT e.seq, e.prev_hash, e.entry_hash, 1, {computed} "
            f"FROM {AccessLogEntry._meta.db_table} e WHERE {where} ORDER BY e.seq"
        )
    computed = _hash_sql("e.prev_hash", "e.seq", "l", LOG_ENTRY_COLUMNS)
    redacted = "l.id IS NULL AND r.log_entry_id IS NOT NULL"
    return (
        f"SELECT e.seq, e.prev_hash, e.entry_hash, COALESCE(l.id, r.log_entry_id), "
        f"CASE WHEN {redacted} THEN e.entry_hash ELSE {computed} END "
        f"FROM {ChangeLogSeal._meta.db_table} e LEFT JOIN {LogEntry._meta.db_table} l ON l.id = e.log_entry_id "
        f"LEFT JOIN {ChangeLogRedaction._meta.db_table} r ON r.log_entry_id = e.log_entry_id "
        f"WHERE {where} ORDER BY e.seq"
    )


# --- appending -------------------------------------------------------------------------------------------


def boundary(chain: str) -> tuple[int, str]:
    """Where the chain starts now: the latest purge boundary, or the genesis."""
    last_purge = (
        ChainPurge.objects.filter(chain=chain).order_by("-up_to_seq").values_list("up_to_seq", "last_hash").first()
    )
    return last_purge or (0, GENESIS)


def _append(sql: str, params: list) -> tuple:
    """Run an appending INSERT … RETURNING; on a collision with a concurrent writer, again from the new
    head (each statement sees the latest commits under READ COMMITTED, Django's default). Inside a
    transaction each attempt gets a savepoint, so a collision does not abort it. Outside one the
    statement commits on its own: the entry is durable before the caller goes on."""
    for attempt in range(1, APPEND_ATTEMPTS + 1):
        try:
            savepoint = transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext()
            with savepoint, connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchone()
        except IntegrityError:
            if attempt == APPEND_ATTEMPTS:
                raise


@functools.cache
def _access_insert_sql(vendor: str) -> str:
    """The appending INSERT of the access log (built once per database vendor). On PostgreSQL the same
    statement writes the entry's links (AccessLogCase, AccessLogPerson) from two uuid[] parameters, in
    data-modifying CTEs: an entry and its links are one statement, atomic on its own, so a read costs one
    round trip and no transaction of its own (BEGIN, a savepoint, three INSERTs, COMMIT were seven)."""
    fields = _access_fields()
    postgres = vendor == "postgresql"
    quote = connection.ops.quote_name
    values = ", ".join(
        (f"CAST(%s AS {field.db_type(connection)})" if postgres else "%s") + f" AS {quote(field.column)}"
        for field in fields
    )
    columns = ", ".join(quote(field.column) for field in fields)
    insert = (
        f"INSERT INTO {AccessLogEntry._meta.db_table} (seq, prev_hash, entry_hash, {columns}) "
        f"SELECT h.seq + 1, h.prev_hash, {_hash_sql('h.prev_hash', 'h.seq + 1', 'v', ACCESS_COLUMNS)}, "
        f"{', '.join(f'v.{quote(field.column)}' for field in fields)} "
        f"FROM h, (SELECT {values}) v "
        "RETURNING id, seq, prev_hash, entry_hash"
    )
    if not postgres:
        return f"{_head_sql(Chain.ACCESS)}{insert}"
    links = ", ".join(
        f"{name} AS (INSERT INTO {model._meta.db_table} (entry_id, {column}) "
        f"SELECT e.id, l.id FROM e, unnest(CAST(%s AS uuid[])) AS l(id))"
        for name, model, column in (("c", AccessLogCase, "case_id"), ("p", AccessLogPerson, "person_id"))
    )
    return f"{_head_sql(Chain.ACCESS)}, e AS ({insert}), {links} SELECT id, seq, prev_hash, entry_hash FROM e"


def _access_fields():
    return [AccessLogEntry._meta.get_field(spec.partition("@")[0]) for spec in ACCESS_COLUMNS]


def append_access_entry(fields: dict) -> AccessLogEntry:
    """Append one access-log entry (`fields`: the model's fields except the chain columns) and return it,
    with its links to the cases and persons it names (AccessLogCase, AccessLogPerson), atomically: an
    entry is never without its links. The links are not hashed; they repeat the hashed lists."""
    params = [field.get_db_prep_save(fields[field.name], connection) for field in _access_fields()]
    case_ids, person_ids = linked_ids(fields["case_ids"], fields["person_ids"])
    if connection.vendor == "postgresql":
        pk, seq, prev_hash, entry_hash = _append(_access_insert_sql(connection.vendor), [*params, case_ids, person_ids])
    else:
        with transaction.atomic():
            pk, seq, prev_hash, entry_hash = _append(_access_insert_sql(connection.vendor), params)
            AccessLogCase.objects.bulk_create(AccessLogCase(entry_id=pk, case_id=case_id) for case_id in case_ids)
            AccessLogPerson.objects.bulk_create(
                AccessLogPerson(entry_id=pk, person_id=person_id) for person_id in person_ids
            )
    return AccessLogEntry(id=pk, seq=seq, prev_hash=prev_hash, entry_hash=entry_hash, **fields)


@functools.cache
def _seal_insert_sql(vendor: str) -> str:
    """The appending INSERT of the change log's seals (built once per database vendor)."""
    return (
        f"{_head_sql(Chain.CHANGE)}"
        f"INSERT INTO {ChangeLogSeal._meta.db_table} (seq, prev_hash, entry_hash, log_entry_id) "
        f"SELECT h.seq + 1, h.prev_hash, {_hash_sql('h.prev_hash', 'h.seq + 1', 'l', LOG_ENTRY_COLUMNS)}, l.id "
        f"FROM h, {LogEntry._meta.db_table} l WHERE l.id = %s "
        "RETURNING seq"
    )


def seal_log_entry(log_entry_id: int) -> None:
    """Append the seal of a freshly written LogEntry, in the transaction that wrote it."""
    _append(_seal_insert_sql(connection.vendor), [log_entry_id])


# --- verifying -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Broken:
    """The first broken entry: its position (or, for an unsealed change-log entry, the LogEntry id)."""

    seq: int | None
    reason: str
    log_entry_id: int | None = None

    def describe(self) -> str:
        label = ChainVerification.Reason(self.reason).label
        if self.seq is None:
            return gettext("ändringsloggpost id %(id)s: %(reason)s") % {"id": self.log_entry_id, "reason": label}
        return gettext("post nr %(seq)s: %(reason)s") % {"seq": self.seq, "reason": label}


@dataclass(frozen=True)
class Verification:
    chain: str
    checked: int
    seconds: float
    head_seq: int | None
    head_hash: str
    broken: Broken | None

    @property
    def ok(self) -> bool:
        return self.broken is None

    @property
    def per_second(self) -> float:
        return self.checked / self.seconds if self.seconds else float("inf")


def _checkpoints(chain: str, after_seq: int) -> dict[int, str]:
    """Heads of earlier successful runs: if the chain was recomputed from some entry on, the hash at an
    old checkpoint differs; if its tail was removed, a checkpoint lies beyond the end."""
    return dict(
        ChainVerification.objects.filter(chain=chain, ok=True, head_seq__gt=after_seq).values_list(
            "head_seq", "head_hash"
        )
    )


@dataclass(frozen=True)
class _Segment:
    """The entries lo < seq <= hi of a chain, checked on their own; the link of the first one to the
    segment before is checked when the segments are joined."""

    chain: str
    lo: int
    hi: int
    checkpoints: dict[int, str]


@dataclass(frozen=True)
class _SegmentResult:
    checked: int
    first_prev_hash: str | None
    last_hash: str | None
    broken: Broken | None


def _check_segment(segment: _Segment) -> _SegmentResult:
    """Stream the segment (a server-side cursor on PostgreSQL) and compare; the database has computed each
    entry's hash from its columns, so the loop does comparisons only."""
    Reason = ChainVerification.Reason
    expected_seq, expected_prev, first_prev_hash = segment.lo + 1, None, None
    with transaction.atomic(), connection.chunked_cursor() as cursor:
        cursor.execute(_select(segment.chain, "e.seq > %s AND e.seq <= %s"), [segment.lo, segment.hi])
        while batch := cursor.fetchmany(CHUNK_SIZE):
            for seq, prev_hash, stored_hash, present, computed_hash in batch:
                if first_prev_hash is None:
                    first_prev_hash = prev_hash
                broken = None
                if seq != expected_seq:
                    broken = Broken(expected_seq, Reason.MISSING)
                elif present is None:
                    broken = Broken(seq, Reason.DELETED)
                elif expected_prev is not None and prev_hash != expected_prev:
                    broken = Broken(seq, Reason.LINK)
                elif computed_hash != stored_hash:
                    broken = Broken(seq, Reason.CHANGED)
                elif segment.checkpoints.get(seq, stored_hash) != stored_hash:
                    broken = Broken(seq, Reason.REWRITTEN)
                if broken:
                    return _SegmentResult(expected_seq - segment.lo - 1, first_prev_hash, expected_prev, broken)
                expected_prev = stored_hash
                expected_seq += 1
    missing_at_end = Broken(expected_seq, Reason.MISSING) if expected_seq <= segment.hi else None
    return _SegmentResult(expected_seq - segment.lo - 1, first_prev_hash, expected_prev, missing_at_end)


def _check_segment_in_thread(segment: _Segment) -> _SegmentResult:
    try:
        return _check_segment(segment)
    finally:
        connection.close()  # the thread's own connection


def _segments(chain: str, start_seq: int, head_seq: int) -> list[_Segment]:
    """The chain cut into segments of at most MIN_SEGMENT entries: each finished one is a step of the
    progress a caller follows, and on PostgreSQL they are checked by several workers at once (`_workers`)."""
    checkpoints = _checkpoints(chain, start_seq)
    parts = max(1, -(-(head_seq - start_seq) // MIN_SEGMENT))
    bounds = [start_seq + (head_seq - start_seq) * part // parts for part in range(parts + 1)]
    return [_Segment(chain, lo, hi, checkpoints) for lo, hi in itertools.pairwise(bounds)]


def _workers(segments: list[_Segment]) -> int:
    """On PostgreSQL outside a transaction one thread per segment up to VERIFY_WORKERS, so several database
    processes compute hashes at once (the database's work is most of the cost); otherwise one."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        return min(VERIFY_WORKERS, len(segments))
    return 1


def chain_length(chain: str) -> int:
    """How many entries a verification walks: from the start (genesis or purge boundary) to the head."""
    start_seq, _hash = boundary(chain)
    head_seq = _model(chain).objects.aggregate(head=Max("seq"))["head"] or start_seq
    return max(0, head_seq - start_seq)


def _entries_below(chain: str, start_seq: int) -> bool:
    """Whether any entry is left at or below a purge boundary (one index lookup)."""
    return start_seq > 0 and _model(chain).objects.filter(seq__lte=start_seq).exists()


def _scan(chain: str, progress: Callable[[int, int], None] | None = None) -> tuple[int, int, str, Broken | None]:
    """Walk the chain: (entries checked, head seq, head hash, the first broken entry or None). `progress`,
    if given, is told (entries walked, entries in all) after each segment, in order.

    The application's role may insert purge records, so a purge boundary is evidence only where the chain
    agrees with it: a purge removes every entry up to it (one still there means the record is false, and
    would otherwise hide the entries below it from the walk), and the first entry after it links to the
    hash it recorded."""
    Reason = ChainVerification.Reason
    start_seq, expected_prev = boundary(chain)
    if _entries_below(chain, start_seq):
        return 0, 0, "", Broken(start_seq, Reason.BOUNDARY)
    head_seq = _model(chain).objects.aggregate(head=Max("seq"))["head"] or start_seq
    segments = _segments(chain, start_seq, head_seq)
    workers = _workers(segments)
    with ThreadPoolExecutor(max_workers=workers) if workers > 1 else contextlib.nullcontext() as pool:
        # In order. In one thread lazily: a broken segment ends the walk before the later ones are read;
        # with a pool, the segments not yet started are cancelled.
        results = pool.map(_check_segment_in_thread, segments) if pool else map(_check_segment, segments)
        checked = 0
        for segment, result in zip(segments, results, strict=True):
            first = segment.lo + 1
            broken = result.broken
            starts_broken = (
                broken is not None and broken.seq == first and broken.reason in (Reason.MISSING, Reason.DELETED)
            )
            if not starts_broken and result.first_prev_hash not in (None, expected_prev):
                # The first entry after a purge boundary that does not link to it: the boundary is false.
                false_boundary = start_seq and first == start_seq + 1
                broken = Broken(start_seq, Reason.BOUNDARY) if false_boundary else Broken(first, Reason.LINK)
            if broken and broken.reason == Reason.BOUNDARY:
                return 0, 0, "", broken
            if broken:
                if pool:
                    pool.shutdown(cancel_futures=True)
                return checked + result.checked, broken.seq - 1, expected_prev, broken
            checked += result.checked
            expected_prev = result.last_hash or expected_prev
            if progress:
                progress(segment.hi - start_seq, head_seq - start_seq)
    if any(seq > head_seq for seq in segments[0].checkpoints):
        return checked, head_seq, expected_prev, Broken(head_seq + 1, Reason.TRUNCATED)
    return checked, head_seq, expected_prev, None


def _first_unsealed_log_entry() -> int | None:
    """A LogEntry without a seal: written behind the service's back, or its seal was removed.

    A LogEntry saved outside a transaction commits a moment before its seal, so the newest entries
    (younger than a minute and newer than every sealed one) are left to the next run."""
    newest_sealed = ChangeLogSeal.objects.order_by("-log_entry_id").values_list("log_entry_id", flat=True).first()
    settled = Q(timestamp__lt=timezone.now() - IN_FLIGHT)
    if newest_sealed is not None:
        settled |= Q(pk__lt=newest_sealed)
    unsealed = LogEntry.objects.filter(settled, chain_seal__isnull=True)
    return unsealed.order_by("pk").values_list("pk", flat=True).first()


def verify_chain(chain: str, progress: Callable[[int, int], None] | None = None) -> Verification:
    """Check the whole chain from its start (genesis or purge boundary) to its head; `progress` as in `_scan`."""
    started = time.perf_counter()
    checked, head_seq, head_hash, broken = _scan(chain, progress)
    if broken is None and chain == Chain.CHANGE:
        log_entry_id = _first_unsealed_log_entry()
        if log_entry_id is not None:
            broken = Broken(None, ChainVerification.Reason.UNSEALED, log_entry_id=log_entry_id)
    return Verification(
        chain=chain,
        checked=checked,
        seconds=time.perf_counter() - started,
        head_seq=head_seq or None,
        head_hash=head_hash if head_seq else "",
        broken=broken,
    )
