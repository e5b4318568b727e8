"""The migrate step of a release, run as the database owner (samsyn_owner):

    python -m deploy.migrate

1. `manage.py migrate --noinput`;
2. the table privileges of the application role and the purge role (README, "Audit"), granted by the
   owner again after every migration, so a table a migration adds is covered at once:
   - samsyn_app (web, workers, beat): SELECT, INSERT, UPDATE, DELETE on every table, except the log
     tables, where it has SELECT and INSERT only (no UPDATE, DELETE, TRUNCATE, TRIGGER, REFERENCES);
   - samsyn_purge (`manage.py purge_logs`): SELECT on every table, INSERT on the log tables, and DELETE on
     the three a purge deletes from;
   - both: the sequences;
3. a check, from the catalogue, that the application role really cannot change the log tables: it holds
   none of those privileges, owns none of them (an owner could disable the trigger), is no superuser and
   no member of the owner role. A failed check fails the release.

The roles are created by an administrator beforehand (deploy/init_roles.sh). Their names come from
SAMSYN_DB_APP_ROLE and SAMSYN_DB_PURGE_ROLE (default samsyn_app, samsyn_purge).
"""

import importlib
import os
import re
import sys

import django

# The tables the append-only trigger guards (one list, the migration's).
LOG_TABLES = importlib.import_module("audit.migrations.0004_append_only").AUDIT_TABLES
# What a purge deletes from (audit.services.purge_chain_prefix); verifications and purge records stay.
PURGED_TABLES = ("audit_accesslogentry", "audit_changelogseal", "auditlog_logentry")
FORBIDDEN_ON_LOGS = ("UPDATE", "DELETE", "TRUNCATE", "TRIGGER", "REFERENCES")


ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


class PrivilegeError(Exception):
    """The roles are missing, or the application role could change the log tables."""


def _tables(names) -> str:
    return ", ".join(f'"{name}"' for name in names)


def grant_statements(app: str, purge: str) -> list[str]:
    for role in (app, purge):
        if not ROLE_NAME.fullmatch(role):
            raise PrivilegeError(f"{role!r} is not a plain role name (lower-case letters, digits, _)")
    logs, purged = _tables(LOG_TABLES), _tables(PURGED_TABLES)
    return [
        f'GRANT USAGE ON SCHEMA public TO "{app}", "{purge}"',
        f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{app}"',
        f'GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{purge}"',
        f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "{app}", "{purge}"',
        f'REVOKE {", ".join(FORBIDDEN_ON_LOGS)} ON {logs} FROM "{app}", "{purge}"',
        f'GRANT SELECT, INSERT ON {logs} TO "{app}", "{purge}"',
        f'GRANT DELETE ON {purged} TO "{purge}"',
    ]


def privilege_problems(cursor, app: str, purge: str) -> list[str]:
    problems = []
    cursor.execute("SELECT rolname, rolsuper FROM pg_roles WHERE rolname IN (%s, %s)", [app, purge])
    roles = dict(cursor.fetchall())
    for role in (app, purge):
        if role not in roles:
            problems.append(f"the database role {role} does not exist (create it with deploy/init_roles.sh)")
        elif roles[role]:
            problems.append(f"the database role {role} is a superuser")
    if problems:
        return problems
    cursor.execute("SELECT current_user")
    (owner,) = cursor.fetchone()
    if owner in (app, purge):
        problems.append(f"migrations run as {owner}: run them as the owner role, not the {owner} role")
    cursor.execute("SELECT pg_has_role(%s, %s, 'MEMBER')", [app, owner])
    if cursor.fetchone()[0]:
        problems.append(f"{app} is a member of the owner role {owner}")
    for table in LOG_TABLES:
        cursor.execute("SELECT tableowner FROM pg_tables WHERE schemaname = 'public' AND tablename = %s", [table])
        row = cursor.fetchone()
        if row is None:
            problems.append(f"{table} does not exist")
            continue
        if row[0] in (app, purge):
            problems.append(f"{table} is owned by {row[0]}")
        for privilege in FORBIDDEN_ON_LOGS:
            cursor.execute("SELECT has_table_privilege(%s, %s, %s)", [app, f"public.{table}", privilege])
            if cursor.fetchone()[0]:
                problems.append(f"{app} holds {privilege} on {table}")
        for role in (app, purge):
            cursor.execute("SELECT has_table_privilege(%s, %s, 'SELECT, INSERT')", [role, f"public.{table}"])
            if not cursor.fetchone()[0]:
                problems.append(f"{role} cannot read and append to {table}")
    for table in PURGED_TABLES:
        cursor.execute("SELECT has_table_privilege(%s, %s, 'DELETE')", [purge, f"public.{table}"])
        if not cursor.fetchone()[0]:
            problems.append(f"{purge} holds no DELETE on {table}")
    return problems


def grant_and_check(connection, app: str, purge: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolname FROM pg_roles WHERE rolname IN (%s, %s)", [app, purge])
        missing = {app, purge} - {row[0] for row in cursor.fetchall()}
        if missing:
            raise PrivilegeError(
                "\n".join(f"the database role {role} does not exist (deploy/init_roles.sh)" for role in sorted(missing))
            )
        for statement in grant_statements(app, purge):
            cursor.execute(statement)  # noqa: S608 - role names checked against ROLE_NAME, table names are ours
        problems = privilege_problems(cursor, app, purge)
    if problems:
        raise PrivilegeError("\n".join(problems))


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    app = os.environ.get("SAMSYN_DB_APP_ROLE", "samsyn_app")
    purge = os.environ.get("SAMSYN_DB_PURGE_ROLE", "samsyn_purge")
    call_command("migrate", interactive=False)
    if connection.vendor != "postgresql":
        print("deploy.migrate: not PostgreSQL, no roles to grant", file=sys.stderr)
        return 1
    try:
        with transaction.atomic():
            grant_and_check(connection, app, purge)
    except PrivilegeError as exc:
        print(f"deploy.migrate: the database roles are not as README (Audit) requires:\n{exc}", file=sys.stderr)
        return 1
    print(
        f"deploy.migrate: privileges granted; {app} may read and append to the log tables "
        f"({', '.join(LOG_TABLES)}), {purge} may also purge {', '.join(PURGED_TABLES)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
