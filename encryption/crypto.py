"""Field encryption and blind indexes: the keyrings and the two primitives.

AES-256-GCM with a random 96-bit nonce per value. Each stored value names the key that sealed it
("v1$<key id>$<base64 nonce+ciphertext+tag>") and is bound, through the GCM associated data, to
its table, column and row, so a value copied to another row or column fails to open.

We write this on `cryptography` ourselves because no maintained Django library covers all of:
key ids in each value, several readable keys with one primary, binding to table/column/row, and a
keyed blind index with its own rotatable key (django-fernet-fields and django-cryptography have
neither row binding nor key ids; django-searchable-encrypted-fields has no row binding).

The keyrings live outside the database: in the environment, in a file, or (development only) in
files generated under var/keys/ on first use.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

TOKEN_VERSION = "v1"  # noqa: S105 - a format tag, not a secret
NONCE_BYTES = 12
KEY_BYTES = 32


class DecryptionError(Exception):
    """A stored value could not be opened: tampered with, moved, or sealed with a key we lack."""


@dataclass(frozen=True)
class Keyring:
    """Named 256-bit keys; the first is the primary (used for new values), the rest read-only."""

    keys: dict[str, bytes]
    primary_id: str

    @classmethod
    def parse(cls, text: str, *, source: str) -> Keyring:
        keys: dict[str, bytes] = {}
        primary = None
        for entry in (part.strip() for part in text.replace("\n", ",").split(",")):
            if not entry:
                continue
            key_id, sep, encoded = entry.partition(":")
            if not sep or not key_id or "$" in key_id:
                raise ImproperlyConfigured(f"{source}: each key must be written 'id:base64key', got {key_id!r}.")
            try:
                key = base64.urlsafe_b64decode(encoded.encode())
            except ValueError as exc:
                raise ImproperlyConfigured(f"{source}: key {key_id!r} is not valid base64.") from exc
            if len(key) != KEY_BYTES:
                raise ImproperlyConfigured(f"{source}: key {key_id!r} must be {KEY_BYTES} bytes, is {len(key)}.")
            if key_id in keys:
                raise ImproperlyConfigured(f"{source}: key id {key_id!r} appears twice.")
            keys[key_id] = key
            primary = primary or key_id
        if primary is None:
            raise ImproperlyConfigured(f"{source}: the keyring is empty.")
        return cls(keys=keys, primary_id=primary)

    @property
    def primary(self) -> bytes:
        return self.keys[self.primary_id]

    def key(self, key_id: str) -> bytes:
        return self.keys[key_id]


def key_check_value(key: bytes) -> str:
    """A fingerprint that tells keys apart and reveals nothing of them: HMAC-SHA256 of a fixed label
    under the key. Stored beside the key id, it lets start-up refuse the right id with the wrong key."""
    return hmac.new(key, b"samsyn key check v1", hashlib.sha256).hexdigest()[:32]


def generate_key_entry(key_id: str) -> str:
    return f"{key_id}:{base64.urlsafe_b64encode(secrets.token_bytes(KEY_BYTES)).decode()}"


def _load_keyring(value: str, file_setting: str, *, name: str, dev_file: str) -> Keyring:
    if value:
        return Keyring.parse(value, source=name)
    if file_setting:
        path = Path(file_setting)
        if not path.exists():
            raise ImproperlyConfigured(f"{name}_FILE points to {path}, which does not exist.")
        return Keyring.parse(path.read_text(), source=f"{name}_FILE ({path})")
    if settings.PRODUCTION:
        raise ImproperlyConfigured(f"{name} or {name}_FILE must be set in production.")
    # Development: generate a keyring in var/keys/ on first run; it is never committed.
    keys_dir = Path(settings.SAMSYN_DEVELOPMENT_KEYS_DIR)
    keys_dir.mkdir(parents=True, exist_ok=True)
    path = keys_dir / dev_file
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(generate_key_entry("dev1") + "\n")
    return Keyring.parse(path.read_text(), source=str(path))


_lock = threading.Lock()


@cache
def encryption_keyring() -> Keyring:
    with _lock:
        return _load_keyring(
            settings.SAMSYN_ENCRYPTION_KEYS,
            settings.SAMSYN_ENCRYPTION_KEYS_FILE,
            name="SAMSYN_ENCRYPTION_KEYS",
            dev_file="encryption.keys",
        )


@cache
def blind_index_keyring() -> Keyring:
    with _lock:
        return _load_keyring(
            settings.SAMSYN_BLIND_INDEX_KEYS,
            settings.SAMSYN_BLIND_INDEX_KEYS_FILE,
            name="SAMSYN_BLIND_INDEX_KEYS",
            dev_file="blind_index.keys",
        )


def reset_keyrings() -> None:
    """Forget the loaded keyrings (after a settings change: tests, rotation)."""
    encryption_keyring.cache_clear()
    blind_index_keyring.cache_clear()
    _cipher.cache_clear()  # nor keep a forgotten key in a cipher object


@lru_cache(maxsize=16)
def _cipher(key: bytes) -> AESGCM:
    """The AES-GCM object of a key, made once: setting one up is a third of the cost of opening a short
    value, and a list page opens a few hundred. It holds no state between calls (the nonce is per call)."""
    return AESGCM(key)


def associated_data(table: str, column: str, row_id: object) -> bytes:
    return f"{table}\x1f{column}\x1f{row_id}".encode()


def seal(plaintext: bytes, *, aad: bytes, keyring: Keyring | None = None) -> str:
    """Encrypt under the primary key; the result names its key id."""
    keyring = keyring or encryption_keyring()
    nonce = secrets.token_bytes(NONCE_BYTES)
    body = _cipher(keyring.primary).encrypt(nonce, plaintext, aad)
    return f"{TOKEN_VERSION}${keyring.primary_id}${base64.urlsafe_b64encode(nonce + body).decode()}"


def token_key_id(token: str) -> str:
    version, key_id, _ = token.split("$", 2)
    if version != TOKEN_VERSION:
        raise ValueError(f"unknown token version {version!r}")
    return key_id


def open_sealed(token: str, *, aad: bytes, where: str, keyring: Keyring | None = None) -> bytes:
    """Decrypt a token; any failure names `where` (table, column, row) and never shows the token."""
    keyring = keyring or encryption_keyring()
    try:
        version, key_id, encoded = token.split("$", 2)
    except ValueError:
        raise DecryptionError(f"{where}: the stored value is not an encrypted value.") from None
    if version != TOKEN_VERSION:
        raise DecryptionError(f"{where}: unknown format {version!r}.")
    if key_id not in keyring.keys:
        raise DecryptionError(f"{where}: sealed with key {key_id!r}, which is not in the keyring.")
    try:
        raw = base64.urlsafe_b64decode(encoded.encode())
        return _cipher(keyring.key(key_id)).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], aad)
    except (InvalidTag, ValueError):
        raise DecryptionError(
            f"{where}: the value failed authentication (changed, moved to another row or column, "
            "or sealed with another key of the same id)."
        ) from None


# --- Blind index ------------------------------------------------------------------------------------------


def normalise_name(name: str) -> str:
    """Case, accents as typed, and spacing do not matter for an exact-name search."""
    text = unicodedata.normalize("NFKC", name).casefold()
    return " ".join(text.replace("-", " ").split())


def blind_index(normalised: str, *, purpose: str, key_id: str | None = None) -> str:
    """A keyed HMAC-SHA256 of an already normalised value: equal inputs give equal indexes,
    and without the key nobody can test a guess. `purpose` keeps indexes of different fields apart."""
    keyring = blind_index_keyring()
    key_id = key_id or keyring.primary_id
    digest = hmac.new(keyring.key(key_id), f"{purpose}\x1f{normalised}".encode(), hashlib.sha256).hexdigest()
    return f"{key_id}${digest}"


def blind_index_candidates(normalised: str, *, purpose: str) -> list[str]:
    """The index under every key in the keyring, so lookups keep working during a rebuild."""
    return [blind_index(normalised, purpose=purpose, key_id=key_id) for key_id in blind_index_keyring().keys]


# --- Streamed files ---------------------------------------------------------------------------------------

# A file is sealed in chunks, so it is encrypted as it is read and opened chunk by chunk, never needing a
# second whole plaintext copy. Each chunk is AES-256-GCM with its own random nonce; its associated data
# names the file (the caller's `aad`), the chunk's index and whether it is the last one, so chunks cannot be
# reordered, dropped, moved to another file, or the file cut short (the "STREAM" construction of
# Hoang, Reyhanitabar, Rogaway and Vizár, 2015).
STREAM_CHUNK_BYTES = 64 * 1024
_SEGMENT_BYTES = NONCE_BYTES + STREAM_CHUNK_BYTES + 16  # nonce, ciphertext, GCM tag


def _chunk_aad(aad: bytes, index: int, last: bool) -> bytes:
    return aad + f"\x1f{index}\x1f{'last' if last else 'more'}".encode()


def _rechunk(pieces) -> Iterator[tuple[bytes, bool]]:
    """The input's bytes in chunks of STREAM_CHUNK_BYTES, each with whether it is the last; an empty input
    is one empty last chunk, so even an empty file cannot be cut shorter."""
    buffer = b""
    for piece in pieces:
        buffer += piece
        while len(buffer) > STREAM_CHUNK_BYTES:
            yield buffer[:STREAM_CHUNK_BYTES], False
            buffer = buffer[STREAM_CHUNK_BYTES:]
    yield buffer, True


def seal_stream(pieces, *, aad: bytes, keyring: Keyring | None = None) -> tuple[str, bytes]:
    """Encrypt an iterable of byte strings under the primary key: (key id, sealed bytes)."""
    keyring = keyring or encryption_keyring()
    cipher = _cipher(keyring.primary)
    sealed = bytearray()
    for index, (chunk, last) in enumerate(_rechunk(pieces)):
        nonce = secrets.token_bytes(NONCE_BYTES)
        sealed += nonce + cipher.encrypt(nonce, chunk, _chunk_aad(aad, index, last))
    return keyring.primary_id, bytes(sealed)


def open_stream(
    sealed: bytes, *, key_id: str, aad: bytes, where: str, keyring: Keyring | None = None
) -> Iterator[bytes]:
    """The plaintext chunks of a sealed file, each authenticated before it is handed on. A file changed,
    reordered, cut short or moved raises DecryptionError naming `where`."""
    keyring = keyring or encryption_keyring()
    if key_id not in keyring.keys:
        raise DecryptionError(f"{where}: sealed with key {key_id!r}, which is not in the keyring.")
    cipher = _cipher(keyring.key(key_id))
    segments = [sealed[start : start + _SEGMENT_BYTES] for start in range(0, len(sealed), _SEGMENT_BYTES)]
    if not segments:
        raise DecryptionError(f"{where}: the sealed file is empty.")
    for index, segment in enumerate(segments):
        try:
            last = index == len(segments) - 1
            yield cipher.decrypt(segment[:NONCE_BYTES], segment[NONCE_BYTES:], _chunk_aad(aad, index, last))
        except (InvalidTag, ValueError):
            raise DecryptionError(
                f"{where}: chunk {index} failed authentication (changed, reordered, cut short, moved to "
                "another file, or sealed with another key of the same id)."
            ) from None


def reseal_stream(
    sealed: bytes, *, key_id: str, aad: bytes, where: str, keyring: Keyring | None = None
) -> tuple[str, bytes]:
    """Open a sealed file and seal it again under the primary key (key rotation)."""
    keyring = keyring or encryption_keyring()
    return seal_stream(
        open_stream(sealed, key_id=key_id, aad=aad, where=where, keyring=keyring), aad=aad, keyring=keyring
    )
