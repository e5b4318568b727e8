"""Validate deploy/compose.yaml without a Docker engine, as `docker compose config` would, plus
Samsyn's own rules for it.

    python deploy/validate_compose.py deploy/compose.yaml

1. Interpolation of ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?message}, ${VAR?message} and
   $$ from the environment, as Compose does (a required variable that is missing is an error).
2. The Compose Specification, through the `compose-spec` package (bindings to the Rust
   `compose_spec` parser): unknown keys, wrong types, bad durations, image names, port syntax,
   and secrets, volumes, networks and configs that services use but the file does not declare.
3. Samsyn's rules: every `depends_on` names a service; exactly one beat; the web, database and
   Redis have health checks, the web's on /healthz; no secret value in the file (a variable that
   names a key, password, token or secret must be a *_FILE path); every Samsyn process runs
   read-only as a non-root user without capabilities; data lives in named volumes.
4. The database roles of README's "Audit": migrate connects as the owner (not PostgreSQL's
   administrator); web, worker and beat as one application role that is neither the owner nor the
   purge role, and none of them is given the owner's or the purge role's password; the one-shot
   `purge-logs` service (a profile, run by the host's timer) runs `manage.py purge_logs` as the purge
   role. Passwords come from files, never in the URL.

The official `docker-compose` package on PyPI (1.29, the last Python release) does not install on
Python 3.11 (its PyYAML<6 pin fails to build), and Compose v2 is a Go binary that needs a Docker
CLI plugin, so this script is what CI runs.
"""

import json
import os
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from compose_spec import PyCompose

_VARIABLE = re.compile(r"\$(?:(?P<escaped>\$)|\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\})")
_SECRET_NAME = re.compile(r"(SECRET|PASSWORD|TOKEN|_KEYS?)(_|$)")
SAMSYN_PROCESSES = ("web", "worker", "beat", "migrate", "purge-logs")
APP_PROCESSES = ("web", "worker", "beat")


class ComposeError(Exception):
    """The compose file breaks one of the rules the deploy issue sets."""


def interpolate(value, environ):
    """Compose's variable substitution, applied to every string of the loaded file."""
    if isinstance(value, dict):
        return {key: interpolate(item, environ) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, environ) for item in value]
    if not isinstance(value, str):
        return value

    def substitute(match):
        if match["escaped"]:
            return "$"
        name, op, arg = match["name"], match["op"], match["arg"]
        current = environ.get(name)
        missing = current is None or (op is not None and op.startswith(":") and current == "")
        if op in (":-", "-"):
            return arg if missing else current
        if op in (":?", "?"):
            if missing:
                raise ComposeError(f"required variable {name} is missing: {arg}")
            return current
        return current or ""

    return _VARIABLE.sub(substitute, value)


def _command(service: dict) -> str:
    command = service.get("command") or []
    return command if isinstance(command, str) else " ".join(command)


def _database_login(service: dict) -> tuple[str | None, str | None, str | None]:
    """(user of DATABASE_URL, its password in the URL if any, the secret named by DATABASE_PASSWORD_FILE)."""
    environment = service.get("environment") or {}
    url = urlsplit(environment.get("DATABASE_URL") or "")
    password_file = environment.get("DATABASE_PASSWORD_FILE") or ""
    secret = password_file.removeprefix("/run/secrets/") if password_file.startswith("/run/secrets/") else None
    return url.username, url.password, secret


def _secret_names(service: dict) -> set[str]:
    return {item if isinstance(item, str) else item.get("source") for item in service.get("secrets", []) or []}


def database_role_violations(services: dict) -> list[str]:
    problems = []
    logins = {name: _database_login(services.get(name, {})) for name in SAMSYN_PROCESSES}
    for name, (user, password, secret) in logins.items():
        if name not in services:
            problems.append(f"{name}: no such service (README, Audit: purge_logs runs as its own role)")
            continue
        if not user or not secret:
            problems.append(
                f"{name}: DATABASE_URL must name a role and DATABASE_PASSWORD_FILE a secret in /run/secrets"
            )
        if password:
            problems.append(f"{name}: DATABASE_URL holds a password; use DATABASE_PASSWORD_FILE")
        if secret and secret not in _secret_names(services[name]):
            problems.append(f"{name}: DATABASE_PASSWORD_FILE names the secret {secret!r}, which is not mounted")
    administrator = ((services.get("db") or {}).get("environment") or {}).get("POSTGRES_USER", "postgres")
    owner, owner_secret = logins["migrate"][0], logins["migrate"][2]
    purge, purge_secret = logins["purge-logs"][0], logins["purge-logs"][2]
    if owner == administrator:
        problems.append(f"migrate: connects as PostgreSQL's administrator {administrator}; use the owner role")
    app_users = {logins[name][0] for name in APP_PROCESSES}
    if len(app_users) != 1:
        problems.append(f"web, worker and beat must share one application role, found {sorted(app_users)}")
    for name in APP_PROCESSES:
        user, _password, secret = logins[name]
        if user and user in (owner, purge, administrator):
            role = {purge: "the purge role's", administrator: "the administrator's", owner: "the owner's"}[user]
            problems.append(f"{name}: DATABASE_URL uses {role} role {user}; use the application role")
        if secret and secret in (owner_secret, purge_secret):
            problems.append(f"{name}: DATABASE_PASSWORD_FILE is the password of another role ({secret})")
        for other in sorted(
            _secret_names(services.get(name, {})) & {owner_secret, purge_secret, "db_password"} - {None}
        ):
            problems.append(f"{name}: must not be given the secret {other} (another database role's password)")
    if "purge-logs" not in services:
        return problems
    if purge in (owner, administrator) or purge in app_users:
        problems.append(f"purge-logs: must connect as the purge role, not {purge}")
    purge_service = services["purge-logs"]
    if "purge_logs" not in _command(purge_service).split():
        problems.append("purge-logs: must run manage.py purge_logs")
    if not purge_service.get("profiles"):
        problems.append("purge-logs: a one-shot job needs a profile (the host's timer runs it, `up` must not)")
    return problems


def samsyn_rule_violations(services: dict) -> list[str]:
    problems = database_role_violations(services)
    for name, service in services.items():
        for dependency in service.get("depends_on", {}) or {}:
            if dependency not in services:
                problems.append(f"{name}: depends_on names {dependency!r}, which is not a service")
        environment = service.get("environment") or {}
        for variable, value in environment.items():
            if _SECRET_NAME.search(variable) and not variable.endswith("_FILE") and value:
                problems.append(f"{name}: {variable} holds a value; secrets must come from files ({variable}_FILE)")
        for volume in service.get("volumes", []) or []:
            source = volume.split(":", 1)[0] if isinstance(volume, str) else volume.get("source", "")
            read_only = volume.endswith(":ro") if isinstance(volume, str) else volume.get("read_only", False)
            if source.startswith((".", "/")) and not read_only:
                problems.append(f"{name}: bind mount {source} must be read-only; data belongs in named volumes")
    beats = [name for name, service in services.items() if " beat " in f" {_command(service)} "]
    if beats != ["beat"] or (services["beat"].get("deploy") or {}).get("replicas", 1) != 1:
        problems.append(f"exactly one Celery beat service with one replica is required, found {beats}")
    for name in ("web", "db", "redis"):
        if "healthcheck" not in services.get(name, {}):
            problems.append(f"{name}: no health check")
    if "/healthz" not in str(services.get("web", {}).get("healthcheck", {}).get("test")):
        problems.append("web: the health check must ask /healthz")
    for name in SAMSYN_PROCESSES:
        service = services.get(name, {})
        if not (
            service.get("read_only")
            and str(service.get("user", "0")).split(":")[0] not in ("0", "root")
            and service.get("cap_drop") == ["ALL"]
        ):
            problems.append(f"{name}: must run read_only, as a non-root user, with cap_drop [ALL]")
    return problems


def validate(path: Path, environ) -> dict:
    """The interpolated file, as a dict; raises ComposeError naming every problem found."""
    loaded = yaml.safe_load(path.read_text())
    resolved = interpolate(loaded, environ)
    try:
        # PyYAML has already applied the `<<` merge keys; JSON keeps anchors out of the parser's way.
        compose = PyCompose.from_json(json.dumps(resolved))
        compose.validate()
    except ValueError as exc:
        raise ComposeError(f"not a valid Compose file: {exc}") from None
    normalised = compose.to_dict()
    problems = samsyn_rule_violations(normalised["services"])
    if problems:
        raise ComposeError("\n".join(problems))
    return normalised


def main(argv: list[str]) -> int:
    path = Path(argv[1] if len(argv) > 1 else Path(__file__).with_name("compose.yaml"))
    try:
        normalised = validate(path, os.environ)
    except ComposeError as exc:
        print(f"{path}: {exc}", file=sys.stderr)
        return 1
    print(f"{path}: valid Compose file; services: {', '.join(sorted(normalised['services']))}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
