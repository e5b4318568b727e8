"""Generate Samsyn's secrets as files, one per secret, readable only by the owner:

    python deploy/generate_secrets.py DIRECTORY

secret_key         Django's signing key (SECRET_KEY_FILE)
db_password        the PostgreSQL administrator's password (the Compose file's POSTGRES_PASSWORD_FILE);
                   Samsyn never connects with it
db_owner_password  samsyn_owner: owns the schema, runs the migrations (the migrate job's DATABASE_PASSWORD_FILE)
db_app_password    samsyn_app: web, workers and beat (their DATABASE_PASSWORD_FILE)
db_purge_password  samsyn_purge: `manage.py purge_logs` only (README, Audit)
encryption_keys    keyring for field encryption (SAMSYN_ENCRYPTION_KEYS_FILE), one key named after today
blind_index_keys   keyring for the blind indexes (SAMSYN_BLIND_INDEX_KEYS_FILE)
metrics_token      bearer token for /metrics (SAMSYN_METRICS_TOKEN_FILE)

A file that exists is left alone, never overwritten: losing an encryption key loses the data it
sealed. Keys come from `encryption.crypto.generate_key_entry`, the format the keyrings read.
Without a checkout, the image has this script:
    docker run --rm --user "$(id -u)" -v "$PWD/secrets:/out" samsyn:VERSION python deploy/generate_secrets.py /out
"""

import datetime
import os
import secrets
import sys
from pathlib import Path


def secret_values(today: datetime.date) -> dict[str, str]:
    from encryption.crypto import generate_key_entry

    return {
        "secret_key": secrets.token_urlsafe(64),
        "db_password": secrets.token_urlsafe(32),
        "db_owner_password": secrets.token_urlsafe(32),
        "db_app_password": secrets.token_urlsafe(32),
        "db_purge_password": secrets.token_urlsafe(32),
        "encryption_keys": generate_key_entry(f"enc{today:%Y%m%d}"),
        "blind_index_keys": generate_key_entry(f"idx{today:%Y%m%d}"),
        "metrics_token": secrets.token_urlsafe(32),
    }


def write_secrets(directory: Path, *, today: datetime.date) -> list[str]:
    """Writes the missing secret files (mode 0600); returns the names written."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    written = []
    for name, value in secret_values(today).items():
        try:
            fd = os.open(directory / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        with os.fdopen(fd, "w") as handle:
            handle.write(value + "\n")
        written.append(name)
    return written


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    directory = Path(argv[1])
    written = write_secrets(directory, today=datetime.date.today())
    kept = sorted(path.name for path in directory.iterdir() if path.name not in written)
    print(f"{directory}: wrote {', '.join(written) or 'nothing'}" + (f"; kept {', '.join(kept)}" if kept else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
