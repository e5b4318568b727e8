"""Tampering with the log tables behind the application's back, as an attacker with database access
would: on PostgreSQL the append-only trigger is disabled first (inside the test's transaction)."""

from contextlib import contextmanager

from django.db import connection


@contextmanager
def trigger_disabled(*tables):
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            # ALTER TABLE needs the transaction's deferred foreign-key checks done first.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table in tables:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER samsyn_append_only")
        yield cursor
        if postgres:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table in tables:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER samsyn_append_only")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
