#!/usr/bin/env bash
# Samsyn's three database roles (README, "Audit"), created by a PostgreSQL administrator:
#   samsyn_owner  owns the database and its schema and runs the migrations (the migrate job only);
#   samsyn_app    the web, the workers and beat: no UPDATE, DELETE or TRUNCATE on the log tables, and,
#                 not being their owner, it cannot disable their append-only trigger either;
#   samsyn_purge  `manage.py purge_logs` only: DELETE on the log tables (the trigger still refuses
#                 UPDATE, and a DELETE outside a purge transaction).
# The table privileges are granted by the owner after every migration (deploy/migrate.py); this
# script does what needs an administrator: the roles, their passwords, the database's owner and its
# settings (JIT, work_mem; docs/architecture.md, "PostgreSQL settings").
#
# The Compose file's PostgreSQL runs it once, on an empty data directory (/docker-entrypoint-initdb.d/).
# For a managed PostgreSQL, run it as the administrator against an existing database:
#   PGHOST=… PGUSER=admin POSTGRES_DB=samsyn SAMSYN_DB_SECRETS_DIR=deploy/secrets deploy/init_roles.sh
# It can run again (it changes the passwords to the files' values). Passwords are read from files:
# db_owner_password, db_app_password, db_purge_password in $SAMSYN_DB_SECRETS_DIR (/run/secrets).
set -euo pipefail

database=${POSTGRES_DB:-samsyn}
secrets=${SAMSYN_DB_SECRETS_DIR:-/run/secrets}
owner=${SAMSYN_DB_OWNER_ROLE:-samsyn_owner}
app=${SAMSYN_DB_APP_ROLE:-samsyn_app}
purge=${SAMSYN_DB_PURGE_ROLE:-samsyn_purge}

read_secret() {
  local value=""
  IFS= read -r value <"$secrets/$1" || true
  if [ -z "$value" ]; then
    echo "init_roles.sh: $secrets/$1 is missing or empty" >&2
    exit 1
  fi
  printf '%s' "$value"
}

owner_password=$(read_secret db_owner_password)
app_password=$(read_secret db_app_password)
purge_password=$(read_secret db_purge_password)

# POSTGRES_USER is set inside the postgres image (the superuser of the init run); elsewhere PGUSER applies.
psql_user=()
if [ -n "${POSTGRES_USER:-}" ]; then psql_user=(--username "$POSTGRES_USER"); fi

psql -v ON_ERROR_STOP=1 --no-psqlrc --quiet "${psql_user[@]}" --dbname "$database" \
  -v database="$database" -v owner="$owner" -v app="$app" -v purge="$purge" \
  -v owner_password="$owner_password" -v app_password="$app_password" -v purge_password="$purge_password" <<'SQL'
SELECT format('CREATE ROLE %I', :'owner') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'owner')\gexec
SELECT format('CREATE ROLE %I', :'app') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app')\gexec
SELECT format('CREATE ROLE %I', :'purge') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'purge')\gexec
ALTER ROLE :"owner" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'owner_password';
ALTER ROLE :"app" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'app_password';
ALTER ROLE :"purge" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'purge_password';
-- The owner owns the database, and through pg_database_owner (PostgreSQL 15+) the schema public.
ALTER DATABASE :"database" OWNER TO :"owner";
ALTER SCHEMA public OWNER TO :"owner";
REVOKE ALL ON DATABASE :"database" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"database" TO :"app", :"purge";
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"app", :"purge";
-- Settings for Samsyn's queries, for every connection to the database (docs/architecture.md, "PostgreSQL
-- settings"; measured by `make bench-postgres` at 30 000 cases):
-- JIT off: the social manager's case list sorted by follow-up state is planned above JIT's thresholds and
-- spent 4.1 s compiling (inlining 0.2 s, optimisation 2.4 s, emission 1.4 s) to run a 0.36 s query; the
-- page's queries took 4.5 s with JIT and 0.45 s without. No page's queries were faster with it.
-- work_mem 4MB (PostgreSQL's default, set so that a managed service's own default does not apply): the
-- paged lists sort 50 rows in a top-N heapsort (0.1 MB) and a caseworker's cases in memory (1.3 MB), the
-- largest hash (10.8 MB, parallel) fits in one batch; nothing spilled to disk, and 16MB and 32MB were no
-- faster. Each sort or hash of each connection may take work_mem, so more would only be memory at risk.
ALTER DATABASE :"database" SET jit = off;
ALTER DATABASE :"database" SET work_mem = '4MB';
SQL
echo "init_roles.sh: roles $owner (owner of $database), $app and $purge are ready"
