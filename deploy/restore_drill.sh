#!/usr/bin/env bash
# The restore drill (CI runs it from deploy/ci.sh): a database with encrypted data is backed up with
# backup.sh, restored with restore.sh into a new database, and Samsyn, started on the copy with the
# same keys, reads the person back exactly. With a keyring that lacks the key, Samsyn refuses to
# start and names the key; with a wrong key under the right id, reading fails and names the field.
#
#   deploy/restore_drill.sh        (from the repository root; needs PostgreSQL on 127.0.0.1 and age)
#
# Databases: samsyn_deploy_drill and samsyn_deploy_drill_restored (SAMSYN_DRILL_DATABASE to change),
# dropped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=deploy/lib.sh
. deploy/lib.sh

started=$SECONDS
original=${SAMSYN_DRILL_DATABASE:-samsyn_deploy_drill}
restored=${original}_restored
work=$(mktemp -d)
cleanup() {
  dropdb --if-exists --force "$original" || true
  dropdb --if-exists --force "$restored" || true
  rm -rf "$work"
}
trap cleanup EXIT

say "keys for the drill (deploy/generate_secrets.py) and an age key pair for the backup"
"$PYTHON" deploy/generate_secrets.py "$work/keys" >/dev/null
age-keygen -o "$work/backup-identity.txt" 2>/dev/null
age-keygen -y "$work/backup-identity.txt" >"$work/backup-recipients.txt"

say "a production database with an encrypted person and case: $original"
fresh_database "$original"
dropdb --if-exists --force "$restored"
production_environment "$original" "$work/keys"
"$PYTHON" manage.py migrate --noinput >/dev/null
"$PYTHON" -m deploy.drill write >"$work/written.json"
case_id=$("$PYTHON" -c 'import json, sys; print(json.load(sys.stdin)["case_id"])' <"$work/written.json")
last_name=$("$PYTHON" -c 'import json, sys; print(json.load(sys.stdin)["last_name"])' <"$work/written.json")

say "backup.sh: pg_dump | age, for the backup public key"
BACKUP_RECIPIENTS_FILE="$work/backup-recipients.txt" PGDATABASE="$original" deploy/backup.sh "$work/samsyn.dump.age"
if grep -aq "$last_name" "$work/samsyn.dump.age"; then fail "the backup file holds plaintext"; fi
# Even decrypted, the dump holds only ciphertext of personal data: a stolen backup plus its
# identity still needs the keyrings, which are backed up elsewhere.
if age --decrypt --identity "$work/backup-identity.txt" "$work/samsyn.dump.age" | pg_restore --file=- | grep -q "$last_name"; then
  fail "the decrypted dump holds personal data in plaintext"
fi

say "restore.sh: age --decrypt | pg_restore into a new database: $restored"
BACKUP_IDENTITY_FILE="$work/backup-identity.txt" deploy/restore.sh "$work/samsyn.dump.age" "$restored"
if BACKUP_IDENTITY_FILE="$work/backup-identity.txt" deploy/restore.sh "$work/samsyn.dump.age" "$restored" 2>/dev/null; then
  fail "restore.sh wrote over an existing database"
fi

say "Samsyn on the copy, same keys: the person and case read back exactly"
production_environment "$restored" "$work/keys"
"$PYTHON" -m deploy.drill read "$case_id" >"$work/read.json"
"$PYTHON" - "$work/written.json" "$work/read.json" <<'PY'
import json, sys
written, read = (json.load(open(path)) for path in sys.argv[1:])
assert read == written, f"the restored copy reads differently: {sorted(k for k in written if written[k] != read.get(k))}"
PY

say "a keyring without the key that sealed the data: Samsyn refuses to start, naming the key"
mkdir "$work/other-keys"
"$PYTHON" -c 'import sys; from encryption.crypto import generate_key_entry; print(generate_key_entry("drill-other"))' \
  >"$work/other-keys/encryption_keys"
cp "$work/keys/blind_index_keys" "$work/keys/secret_key" "$work/keys/metrics_token" "$work/other-keys/"
production_environment "$restored" "$work/other-keys"
key_id=$(cut -d: -f1 "$work/keys/encryption_keys")
if "$PYTHON" -m deploy.drill read "$case_id" >/dev/null 2>"$work/missing-key.err"; then
  fail "Samsyn started with a keyring that lacks $key_id"
fi
grep -q "ImproperlyConfigured: Stored values were sealed with key ids that the keyring lacks: '$key_id' (encryption)" \
  "$work/missing-key.err" || fail "unclear start-up error: $(tail -n1 "$work/missing-key.err")"
say "  refused: $(tail -n1 "$work/missing-key.err" | cut -c1-150)"

say "the right key id with another key: Samsyn refuses to start, naming the key"
"$PYTHON" -c "import sys; from encryption.crypto import generate_key_entry; print(generate_key_entry('$key_id'))" \
  >"$work/other-keys/encryption_keys"
if "$PYTHON" -m deploy.drill read "$case_id" >/dev/null 2>"$work/wrong-key.err"; then
  fail "Samsyn started with another key under $key_id"
fi
grep -q "ImproperlyConfigured: The keyring holds another key under the key ids '$key_id' (encryption)" \
  "$work/wrong-key.err" || fail "unclear start-up error: $(tail -n1 "$work/wrong-key.err")"
if grep -q "$last_name" "$work/wrong-key.err"; then fail "the error shows personal data"; fi
say "  refused: $(tail -n1 "$work/wrong-key.err" | cut -c1-150)"

say "restore drill passed in $((SECONDS - started)) s"
