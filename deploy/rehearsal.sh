#!/usr/bin/env bash
# The production rehearsal (CI runs it from deploy/ci.sh): Samsyn with SAMSYN_ENV=production on
# this machine's PostgreSQL and Redis — gunicorn, a Celery worker and Celery beat, as in the image —
# then a sign-in over HTTPS like a browser's, and a clean stop. The database roles are split as in
# production (README, Audit; deploy/init_roles.sh): migrations as the owner (python -m deploy.migrate),
# web, worker and beat as the application role, which must fail to delete, truncate or unguard the
# log tables, and `manage.py purge_logs` as the purge role.
#
#   deploy/rehearsal.sh        (from the repository root; needs PostgreSQL and Redis on 127.0.0.1)
#
# Only these differ from a real installation, all for loopback:
# - TLS is terminated by gunicorn itself with a self-signed certificate made for 127.0.0.1, instead
#   of the proxy; so the production security settings stay as they are (HTTPS redirect, Secure
#   `__Host-` cookies, HSTS, CSRF with Referer checks);
# - ALLOWED_HOSTS=127.0.0.1;
# - the beat's heartbeat every 10 s instead of 60 s (SAMSYN_BEAT_HEARTBEAT_SECONDS), to wait less.
# Database samsyn_deploy_rehearsal (SAMSYN_REHEARSAL_DATABASE), Redis db 5 (SAMSYN_REHEARSAL_REDIS_URL);
# both are emptied first and the database is dropped at the end. The roles are named
# samsyn_rehearsal_owner, _app and _purge (they are cluster-wide; they stay, owning nothing).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=deploy/lib.sh
. deploy/lib.sh

started=$SECONDS
database=${SAMSYN_REHEARSAL_DATABASE:-samsyn_deploy_rehearsal}
work=$(mktemp -d)
pids=()
names=(web worker beat)
stop_all() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
cleanup() {
  local status=$?
  stop_all
  if [ "$status" -ne 0 ]; then
    for log in "$work"/*.log; do printf '\n--- last lines of %s\n' "${log##*/}" >&2; tail -n 15 "$log" >&2; done
  fi
  dropdb --if-exists --force "$database" || true
  rm -rf "$work"
}
trap cleanup EXIT

say "keys and secrets into a temporary directory (deploy/generate_secrets.py), a certificate for 127.0.0.1"
"$PYTHON" deploy/generate_secrets.py "$work/keys" >/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" \
  -keyout "$work/tls.key" -out "$work/tls.crt" 2>/dev/null

export SAMSYN_DB_OWNER_ROLE=samsyn_rehearsal_owner SAMSYN_DB_APP_ROLE=samsyn_rehearsal_app
export SAMSYN_DB_PURGE_ROLE=samsyn_rehearsal_purge
say "a fresh database $database; the owner, app and purge roles (deploy/init_roles.sh); an empty Redis database"
fresh_database "$database"
POSTGRES_DB=$database SAMSYN_DB_SECRETS_DIR=$work/keys deploy/init_roles.sh
production_environment "$database" "$work/keys"
export SAMSYN_BEAT_HEARTBEAT_SECONDS=10
"$PYTHON" -c 'import os, redis; redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()'

say "migrations as the owner, then its grants to the app and purge roles (python -m deploy.migrate)"
DATABASE_URL=$(database_url "$database" "$SAMSYN_DB_OWNER_ROLE") "$PYTHON" -m deploy.migrate | tail -n 1
# From here on Samsyn is the application role, as web, worker and beat are in production.
DATABASE_URL=$(database_url "$database" "$SAMSYN_DB_APP_ROLE")
"$PYTHON" manage.py check --deploy --fail-level WARNING

say "collectstatic (as the image build does), a social manager with a password and a TOTP device"
export STATIC_ROOT=$work/static
"$PYTHON" manage.py collectstatic --noinput >/dev/null
"$PYTHON" -m deploy.rehearsal prepare "$work/credentials.json"

port=$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base=https://127.0.0.1:$port
say "gunicorn on $base, a Celery worker, Celery beat"
PROMETHEUS_MULTIPROC_DIR=$work/prometheus .venv/bin/gunicorn --config deploy/gunicorn.conf.py \
  --bind "127.0.0.1:$port" --workers 2 --certfile "$work/tls.crt" --keyfile "$work/tls.key" config.wsgi \
  2>"$work/web.log" &
pids+=($!)
.venv/bin/celery -A config --quiet worker --loglevel=INFO --concurrency=1 --hostname="rehearsal@%h" \
  2>"$work/worker.log" &
pids+=($!)
.venv/bin/celery -A config --quiet beat --loglevel=INFO --schedule="$work/celerybeat-schedule" 2>"$work/beat.log" &
pids+=($!)
for _ in $(seq 1 60); do
  curl --silent --fail --cacert "$work/tls.crt" "$base/healthz" >/dev/null && break
  sleep 1
done
for i in "${!pids[@]}"; do
  kill -0 "${pids[$i]}" 2>/dev/null || fail "${names[$i]} did not start"
done

say "the visit: sign in over HTTPS, start page, beat heartbeat in /healthz, /metrics"
"$PYTHON" -m deploy.rehearsal visit "$base" "$work/credentials.json" "$work/tls.crt"

say "the worker's liveness probe (as in compose.yaml and the manifests): celery inspect ping"
.venv/bin/celery -A config inspect ping --destination "rehearsal@$(hostname)" --timeout 10 >"$work/ping.log" 2>&1 \
  || fail "the worker did not answer celery inspect ping: $(tail -n 2 "$work/ping.log")"
say "  $(grep -v '^{' "$work/ping.log" | tr -s ' \n' ' ')"

say "stop: SIGTERM to gunicorn, worker and beat; each must exit 0"
for pid in "${pids[@]}"; do kill -TERM "$pid"; done
for i in "${!pids[@]}"; do
  status=0
  wait "${pids[$i]}" || status=$?
  [ "$status" -eq 0 ] || fail "${names[$i]} exited with $status: $(tail -n 3 "$work/${names[$i]}.log")"
done
pids=()

say "the application role cannot change the log tables; the purge role deletes only in a purge"
as_role() { psql --no-psqlrc --quiet --tuples-only -v ON_ERROR_STOP=1 --username "$1" --dbname "$database" -c "$2" 2>&1; }
[ "$(as_role "$SAMSYN_DB_APP_ROLE" 'SELECT count(*) > 0 FROM audit_accesslogentry' | tr -d ' ')" = t ] \
  || fail "the visit wrote no access-log entry"
for statement in "DELETE FROM audit_accesslogentry" "UPDATE auditlog_logentry SET id = id" \
  "TRUNCATE audit_accesslogentry" "ALTER TABLE audit_accesslogentry DISABLE TRIGGER samsyn_append_only" \
  "BEGIN; SELECT set_config('samsyn.audit_purge', 'on', true); DELETE FROM audit_accesslogentry; ROLLBACK"; do
  if refusal=$(as_role "$SAMSYN_DB_APP_ROLE" "$statement"); then fail "$SAMSYN_DB_APP_ROLE may: $statement"; fi
  case $refusal in
    *"permission denied"* | *"must be owner"*) say "  $SAMSYN_DB_APP_ROLE: $statement: ${refusal#*ERROR:  }" ;;
    *) fail "$SAMSYN_DB_APP_ROLE: $statement failed for another reason: $refusal" ;;
  esac
done
refusal=$(as_role "$SAMSYN_DB_PURGE_ROLE" "DELETE FROM audit_accesslogentry") && fail "a DELETE outside a purge went through"
case $refusal in *"append-only"*) ;; *) fail "the purge role's DELETE was not refused by the trigger: $refusal" ;; esac
as_role "$SAMSYN_DB_PURGE_ROLE" "BEGIN; SELECT set_config('samsyn.audit_purge', 'on', true);
  DELETE FROM audit_accesslogentry; ROLLBACK" >/dev/null || fail "the purge role cannot delete in a purge transaction"
say "  $SAMSYN_DB_PURGE_ROLE: DELETE refused by the trigger outside a purge, let through inside one (rolled back)"
DATABASE_URL=$(database_url "$database" "$SAMSYN_DB_PURGE_ROLE") "$PYTHON" manage.py purge_logs >"$work/purge.log" 2>&1 \
  || fail "manage.py purge_logs as $SAMSYN_DB_PURGE_ROLE: $(tail -n 3 "$work/purge.log")"
say "  manage.py purge_logs as $SAMSYN_DB_PURGE_ROLE: $(tr '\n' ' ' <"$work/purge.log")"

say "the logs: one JSON object a line, request ids, no query strings, no personal data"
"$PYTHON" - "$work" <<'PY'
import json, re, sys
from pathlib import Path

work = Path(sys.argv[1])
sample = json.loads((work / "credentials.json").read_text())["sample"]
for name in ("web", "worker", "beat"):
    lines = [line for line in (work / f"{name}.log").read_text().splitlines() if line.strip()]
    records = []
    for line in lines:
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            sys.exit(f"{name}.log: not a JSON line: {line[:200]}")
    for value in (sample["personal_number"], sample["first_name"], sample["last_name"]):
        if any(value in line for line in lines):
            sys.exit(f"{name}.log holds personal data")
    print(f"  {name}.log: {len(records)} JSON lines")
access = [r["message"] for r in map(json.loads, (work / "web.log").read_text().splitlines()) if r["name"] == "gunicorn.access"]
if not access or any("?" in line for line in access):
    sys.exit(f"access log without lines, or with a query string: {access[:3]}")
# WhiteNoise answers /static/ before the request-id middleware: those lines end in "-".
pages = [line for line in access if not line.split()[1].startswith("/static/")]
if not all(re.fullmatch(r"[0-9a-f]{32}", line.split()[-1]) for line in pages):
    sys.exit(f"access log lines without a request id: {pages[:3]}")
print(f"  access log: {len(access)} requests, e.g. {access[0]!r}")
PY

say "production rehearsal passed in $((SECONDS - started)) s"
