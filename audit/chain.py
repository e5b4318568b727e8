"""The hash chains of the access log and the change log.

Each entry stores `seq` (its gap-free position in the chain), `prev_hash` (the hash of entry seq-1, of
the last purged entry, or GENESIS) and `entry_hash` = SHA-256 of "<prev_hash><seq>:<canonical text>".
The canonical text of an entry is its hashed columns in a fixed order, each written "<bytes>:<text>"
with the length of the text in UTF-8 bytes, and NULL as ":" (a netstring-like framing: no two
different rows give the same text). Integers are in decimal, a timestamp as integer microseconds since
1970, a boolean as 1 or 0, text as stored.

The database computes the canonical text in the verifier's SELECT (`_canonical_sql`), so verification
fetches five columns per entry and does only comparisons and one SHA-256 in Python. Writers produce the
same text:
- Access log: `append_access_entry` builds it in Python before the INSERT (`canonical_text`); its list
  columns are StringListField text, so what is written is exactly what is read back.
- Change log: django-auditlog's LogEntry table. A signal seals each new LogEntry in the transaction that
  wrote it, reading the row's canonical text back through the verifier's own SQL, so both sides see the
  database's rendering of its jsonb and inet columns.

Changing an entry changes its hash; deleting one leaves a gap in `seq`; moving or swapping entries
breaks the link to the previous hash.

Appending takes a lock for the chain in the writer's transaction (a transaction-scoped advisory lock on
PostgreSQL; SQLite serialises writers with BEGIN IMMEDIATE, see settings), reads the head and inserts.
The lock is released at commit, so callers keep the transaction around an append short.
"""

from __future__ import annotations

import datetime
import hashlib
import time
from dataclasses import dataclass

from auditlog.models import LogEntry
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from .models import AccessLogEntry, Chain, ChainPurge, ChainVerification, ChangeLogSeal, string_list_text

GENESIS = "0" * 64
CHUNK_SIZE = 20_000
IN_FLIGHT = datetime.timedelta(minutes=1)
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)

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
ACCESS_LISTS = ("roles", "case_ids", "case_numbers", "outside_scope_case_ids", "person_ids", "field_classes")

# pg_advisory_xact_lock keys, one per chain (arbitrary constants: "SAMS" and the chain's number).
LOCK_KEYS = {Chain.ACCESS: 0x53414D53_01, Chain.CHANGE: 0x53414D53_02}


def canonical_text(values) -> str:
    """Python's twin of `_canonical_sql`, for values already in text form (str, int or None)."""
    return "".join(
        ":" if value is None else f"{len(text.encode())}:{text}" for value in values for text in (str(value),)
    )


def link_hash(prev_hash: str, seq: int, text: str) -> str:
    return hashlib.sha256(f"{prev_hash}{seq}:{text}".encode()).hexdigest()


def micros(moment: datetime.datetime) -> int:
    return (moment - EPOCH) // datetime.timedelta(microseconds=1)


# --- the canonical text in SQL -----------------------------------------------------------------------------


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


def _canonical_sql(alias: str, columns: tuple[str, ...]) -> str:
    texts = [_as_text(alias, spec) for spec in columns]
    if connection.vendor == "postgresql":
        # One concat() call for the row; concat() reads NULL as '', so a NULL column gives ":".
        return "concat(" + ", ".join(f"octet_length({text}), ':', {text}" for text in texts) + ")"
    return " || ".join(f"COALESCE(length(CAST({text} AS BLOB)) || ':' || {text}, ':')" for text in texts)


def _hash_sql(alias: str, columns: tuple[str, ...]) -> str:
    """`link_hash` of the row, computed by the database."""
    text = f"e.prev_hash || CAST(e.seq AS TEXT) || ':' || {_canonical_sql(alias, columns)}"
    if connection.vendor == "postgresql":
        return f"encode(sha256(convert_to({text}, 'UTF8')), 'hex')"
    return f"SHA256({text})"  # registered by Django's SQLite backend


def _select(chain: str, where: str) -> str:
    """seq, prev_hash, stored entry_hash, whether the entry exists, the entry's hash computed now from
    its columns. For the change log a LEFT JOIN: a seal whose LogEntry was deleted has `present` NULL."""
    if chain == Chain.ACCESS:
        computed = _hash_sql("e", ACCESS_COLUMNS)
        return (
            f"SELECT e.seq, e.prev_hash, e.entry_hash, 1, {computed} "  # noqa: S608 - fixed names only
            f"FROM {AccessLogEntry._meta.db_table} e WHERE {where} ORDER BY e.seq"
        )
    computed = _hash_sql("l", LOG_ENTRY_COLUMNS)
    return (
        f"SELECT e.seq, e.prev_hash, e.entry_hash, l.id, {computed} "  # noqa: S608 - fixed names only
        f"FROM {ChangeLogSeal._meta.db_table} e LEFT JOIN {LogEntry._meta.db_table} l ON l.id = e.log_entry_id "
        f"WHERE {where} ORDER BY e.seq"
    )


# --- appending -------------------------------------------------------------------------------------------


def lock_chain(chain: str) -> None:
    """Serialise appends to `chain` until the current transaction ends."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEYS[chain]])


def _model(chain: str):
    return AccessLogEntry if chain == Chain.ACCESS else ChangeLogSeal


def boundary(chain: str) -> tuple[int, str]:
    """Where the chain starts now: the latest purge boundary, or the genesis."""
    last_purge = (
        ChainPurge.objects.filter(chain=chain).order_by("-up_to_seq").values_list("up_to_seq", "last_hash").first()
    )
    return last_purge or (0, GENESIS)


def _head(chain: str) -> tuple[int, str]:
    last = _model(chain).objects.order_by("-seq").values_list("seq", "entry_hash").first()
    return last or boundary(chain)


def access_text(fields: dict) -> str:
    """The canonical text of a new access entry, as `_select` will compute it from the stored row."""
    values = []
    for spec in ACCESS_COLUMNS:
        name, _, kind = spec.partition("@")
        value = fields[name]
        if kind == "micros":
            value = micros(value)
        elif kind == "flag":
            value = int(value)
        elif name in ACCESS_LISTS:
            value = string_list_text(value)
        values.append(value)
    return canonical_text(values)


def append_access_entry(fields: dict) -> AccessLogEntry:
    """Append one access-log entry (`fields`: the model's fields except the chain columns)."""
    with transaction.atomic():
        lock_chain(Chain.ACCESS)
        seq, prev_hash = _head(Chain.ACCESS)
        seq += 1
        entry = AccessLogEntry(seq=seq, prev_hash=prev_hash, **fields)
        entry.entry_hash = link_hash(prev_hash, seq, access_text(fields))
        entry.save(force_insert=True)
    return entry


def seal_log_entry(log_entry_id: int) -> ChangeLogSeal:
    """Append the seal of a freshly written LogEntry, in the transaction that wrote it."""
    with transaction.atomic():
        lock_chain(Chain.CHANGE)
        seq, prev_hash = _head(Chain.CHANGE)
        seq += 1
        text = _canonical_sql("l", LOG_ENTRY_COLUMNS)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {text} FROM {LogEntry._meta.db_table} l WHERE l.id = %s",  # noqa: S608 - fixed names only
                [log_entry_id],
            )
            (text,) = cursor.fetchone()
        return ChangeLogSeal.objects.create(
            seq=seq, prev_hash=prev_hash, entry_hash=link_hash(prev_hash, seq, text), log_entry_id=log_entry_id
        )


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


def _rows(chain: str, after_seq: int):
    """The chain in order, streamed through a server-side cursor on PostgreSQL."""
    with connection.chunked_cursor() as cursor:
        cursor.execute(_select(chain, "e.seq > %s"), [after_seq])
        while batch := cursor.fetchmany(CHUNK_SIZE):
            yield from batch


def _checkpoints(chain: str, after_seq: int) -> dict[int, str]:
    """Heads of earlier successful runs: if the chain was recomputed from some entry on, the hash at an
    old checkpoint differs; if its tail was removed, a checkpoint lies beyond the end."""
    return dict(
        ChainVerification.objects.filter(chain=chain, ok=True, head_seq__gt=after_seq).values_list(
            "head_seq", "head_hash"
        )
    )


def _scan(chain: str) -> tuple[int, int, str, Broken | None]:
    """Walk the chain: (entries checked, head seq, head hash, the first broken entry or None)."""
    start_seq, expected_prev = boundary(chain)
    checkpoints = _checkpoints(chain, start_seq)
    expected_seq = start_seq + 1
    Reason = ChainVerification.Reason
    for seq, prev_hash, stored_hash, present, computed_hash in _rows(chain, start_seq):
        broken = None
        if seq != expected_seq:
            broken = Broken(expected_seq, Reason.MISSING)
        elif present is None:
            broken = Broken(seq, Reason.DELETED)
        elif prev_hash != expected_prev:
            broken = Broken(seq, Reason.LINK)
        elif computed_hash != stored_hash:
            broken = Broken(seq, Reason.CHANGED)
        elif checkpoints.get(seq, stored_hash) != stored_hash:
            broken = Broken(seq, Reason.REWRITTEN)
        if broken:
            return expected_seq - start_seq - 1, expected_seq - 1, expected_prev, broken
        expected_prev = stored_hash
        expected_seq += 1
    head_seq = expected_seq - 1
    if any(seq > head_seq for seq in checkpoints):
        return head_seq - start_seq, head_seq, expected_prev, Broken(head_seq + 1, Reason.TRUNCATED)
    return head_seq - start_seq, head_seq, expected_prev, None


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


def verify_chain(chain: str) -> Verification:
    """Check the whole chain from its start (genesis or purge boundary) to its head."""
    started = time.perf_counter()
    with transaction.atomic():
        checked, head_seq, head_hash, broken = _scan(chain)
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
