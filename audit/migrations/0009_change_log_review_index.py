"""On PostgreSQL, the change-log review's index: the agreement's entries (`additional_data -> 'agreement_id'`,
the expression audit.selectors.review_change_log filters on) newest first, as the review orders them.

Without it the review read every entry of the period (of every agreement), joined each to its user, seal
and content type, and sorted them for a page of 50: 16 870 entries and 630 ms at a large municipality
(bench/pages.py, issue 20). With it the page is read from the index in order and the joins are done for
its 50 entries. django-auditlog's model is not ours to give an index in its Meta, hence SQL here. SQLite
(development) goes without.
"""

from django.db import migrations

INDEX = "audit_logentry_agreement_recent"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX {INDEX} ON auditlog_logentry ((additional_data -> 'agreement_id'), timestamp DESC, id DESC)",
        params=None,
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0008_access_links"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [migrations.RunPython(create_index, drop_index)]
