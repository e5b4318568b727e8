#!/usr/bin/env bash
# An encrypted backup of Samsyn's database: pg_dump (custom format) piped straight into age,
# encrypted for the backup public key(s); no plaintext dump ever touches the disk.
#
#   BACKUP_RECIPIENTS_FILE=backup-recipients.txt deploy/backup.sh [OUTPUT]
#
# OUTPUT defaults to $BACKUP_DIR (or .)/samsyn-<UTC time>.dump.age. The database comes from libpq's
# variables (PGHOST, PGPORT, PGUSER, PGDATABASE, and PGPASSWORD or PGPASSWORD_FILE).
# BACKUP_RECIPIENTS_FILE holds age public keys (age1…), one a line: the identity (private key)
# that opens the backups is kept offline, not on this machine (README, Operations).
# The field-encryption keys are NOT in the backup (the database holds only ciphertext): back up
# the keyrings separately.
set -euo pipefail
umask 077

: "${BACKUP_RECIPIENTS_FILE:?BACKUP_RECIPIENTS_FILE must name a file of age public keys}"
if [ -n "${PGPASSWORD_FILE:-}" ]; then
  PGPASSWORD=$(cat "$PGPASSWORD_FILE")
  export PGPASSWORD
fi
output=${1:-${BACKUP_DIR:-.}/samsyn-$(date -u +%Y%m%dT%H%M%SZ).dump.age}
partial="$output.partial"
trap 'rm -f "$partial"' EXIT

# pipefail: a failed pg_dump fails the backup, and the partial file is removed.
pg_dump --format=custom --no-owner --no-privileges \
  | age --encrypt --recipients-file "$BACKUP_RECIPIENTS_FILE" --output "$partial"
mv "$partial" "$output"
trap - EXIT
echo "backup written: $output ($(wc -c <"$output") bytes, encrypted)"
