# Shared by rehearsal.sh and restore_drill.sh (sourced, not run): this machine's PostgreSQL and
# Redis, throwaway databases, and a production environment for Samsyn on loopback.
# shellcheck shell=bash

PYTHON=${PYTHON:-.venv/bin/python}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
# dropdb --if-exists would print a NOTICE for every database that is not there.
export PGOPTIONS="-c client_min_messages=warning"

say() { printf '%s  %s\n' "$(date -u +%H:%M:%S)" "$*"; }
fail() { say "FAILED: $*" >&2; exit 1; }

# The URL of database $1 for role $2 (default: $PGUSER, with $PGPASSWORD).
database_url() {
  if [ -n "${2:-}" ]; then echo "postgres://$2@${PGHOST}:${PGPORT}/$1"; return; fi
  echo "postgres://${PGUSER}${PGPASSWORD:+:$PGPASSWORD}@${PGHOST}:${PGPORT}/$1"
}

# A new, empty database (dropped first if an earlier run left it).
fresh_database() {
  dropdb --if-exists --force "$1"
  createdb "$1"
}

# Samsyn with SAMSYN_ENV=production on database $1, keyrings and secrets from directory $2.
production_environment() {
  export SAMSYN_ENV=production
  export DATABASE_URL
  DATABASE_URL=$(database_url "$1")
  export REDIS_URL=${SAMSYN_REHEARSAL_REDIS_URL:-redis://127.0.0.1:6379/5}
  export SECRET_KEY_FILE=$2/secret_key
  export SAMSYN_ENCRYPTION_KEYS_FILE=$2/encryption_keys
  export SAMSYN_BLIND_INDEX_KEYS_FILE=$2/blind_index_keys
  export SAMSYN_METRICS_TOKEN_FILE=$2/metrics_token
  export ALLOWED_HOSTS=127.0.0.1
  unset DEBUG SAMSYN_ENCRYPTION_KEYS SAMSYN_BLIND_INDEX_KEYS SECRET_KEY DJANGO_ALLOW_ASYNC_UNSAFE
}
