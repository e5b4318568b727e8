#!/usr/bin/env bash
# Restore an encrypted backup (from deploy/backup.sh) into a NEW database: age decrypts it with the
# backup identity and pg_restore reads it from the pipe; no plaintext dump touches the disk.
#
#   BACKUP_IDENTITY_FILE=backup-identity.txt deploy/restore.sh BACKUP.dump.age NEW_DATABASE
#
# The server comes from libpq's variables (PGHOST, PGPORT, PGUSER, and PGPASSWORD or
# PGPASSWORD_FILE). NEW_DATABASE must not exist: a restore never writes over a database. It is
# restored in one transaction; if that fails, the new database is dropped again.
# Start Samsyn on the copy with the SAME keyrings as the original (SAMSYN_ENCRYPTION_KEYS…): the
# copy holds only ciphertext, and Samsyn refuses to start when a key that sealed data is missing.
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: BACKUP_IDENTITY_FILE=… $0 BACKUP.dump.age NEW_DATABASE" >&2
  exit 2
fi
backup=$1
database=$2
: "${BACKUP_IDENTITY_FILE:?BACKUP_IDENTITY_FILE must name the age identity (private key) of the backups}"
if [ -n "${PGPASSWORD_FILE:-}" ]; then
  PGPASSWORD=$(cat "$PGPASSWORD_FILE")
  export PGPASSWORD
fi

createdb "$database"
trap 'echo "restore failed: dropping $database" >&2; dropdb --if-exists "$database"' ERR
age --decrypt --identity "$BACKUP_IDENTITY_FILE" "$backup" \
  | pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname "$database"
trap - ERR
echo "restored $backup into database $database"
