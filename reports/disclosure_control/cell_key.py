"""The cell-key method: every person's fixed random key, a record's integer key, and the noise a cell's key
gives (see the package docstring, point 1, and docs/statistics-method.md, section 2)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import BigIntegerField, F
from django.db.models.functions import Cast, Floor

KEY_BITS = 32
KEY_MODULUS = 2**KEY_BITS
# The perturbation table: noise and its probability, the same row for every true count >= 1.
PTABLE: tuple[tuple[int, Decimal], ...] = (
    (-2, Decimal("0.10")),
    (-1, Decimal("0.20")),
    (0, Decimal("0.40")),
    (1, Decimal("0.20")),
    (2, Decimal("0.10")),
)
MAX_NOISE = max(abs(noise) for noise, _p in PTABLE)


def new_statistics_key() -> float:
    """A person's fixed random key in [0, 1): 53 random bits from `secrets`, never exactly 0 (0 means unset)."""
    while True:
        key = secrets.randbits(53) / 2**53
        if key:
            return key


def record_key_expression(path: str):
    """SQL for a record's integer key from the person's `statistics_key` at `path`: floor(key * 2^32).
    Integers, so that sums are exact and the same in any order and on any database."""
    return Cast(Floor(F(path) * KEY_MODULUS), BigIntegerField())


def record_key(statistics_key: float) -> int:
    return int(statistics_key * KEY_MODULUS)


def anonymous_record_key(record_id) -> int:
    """A fixed key for a record without a person, from its random (uuid4) id."""
    return int.from_bytes(hashlib.sha256(str(record_id).encode()).digest()[:4], "big")


def noise(count: int, key_sum: int) -> int:
    """The cell-key noise: a deterministic function of the keys of the records in the cell."""
    if count == 0:
        return 0
    cell_key = key_sum % KEY_MODULUS
    digest = hashlib.sha256(cell_key.to_bytes(8, "big")).digest()
    position = Decimal(int.from_bytes(digest[:8], "big")) / Decimal(2**64)
    cumulative = Decimal(0)
    for value, probability in PTABLE:
        cumulative += probability
        if position < cumulative:
            return value
    return PTABLE[-1][0]


@dataclass(frozen=True)
class Tally:
    """The true count of a cell and the sum of its records' integer keys (never leaves disclosure
    control except as a published value)."""

    count: int = 0
    key_sum: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.count + other.count, self.key_sum + other.key_sum)

    @property
    def digest(self) -> str:
        return hashlib.sha256(f"{self.count}:{self.key_sum % KEY_MODULUS}".encode()).hexdigest()[:16]
