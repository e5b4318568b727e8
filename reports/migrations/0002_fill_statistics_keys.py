"""Persons created before the statistics-key signal existed get their fixed random key now."""

import secrets

from django.db import migrations


def fill_statistics_keys(apps, schema_editor):
    Person = apps.get_model("casework", "Person")
    persons = list(Person.objects.filter(statistics_key=0).only("pk", "statistics_key"))
    for person in persons:
        # The same draw as reports.disclosure_control.cell_key.new_statistics_key (migrations keep their own copy).
        while not person.statistics_key:
            person.statistics_key = secrets.randbits(53) / 2**53
    Person.objects.bulk_update(persons, ["statistics_key"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_reports"),
        ("casework", "0001_initial"),
    ]

    operations = [migrations.RunPython(fill_statistics_keys, migrations.RunPython.noop)]
