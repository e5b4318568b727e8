"""Persons created before the signal existed get their key from the data migration."""

import importlib

from django.apps import apps

from casework.models import Person
from tests.reports import factories

migration = importlib.import_module("reports.migrations.0002_fill_statistics_keys")


def test_the_migration_gives_persons_without_a_key_one(agreement):
    person = factories.PersonFactory(agreement=agreement)
    Person.objects.filter(pk=person.pk).update(statistics_key=0)
    keyed = factories.PersonFactory(agreement=agreement)
    migration.fill_statistics_keys(apps, None)
    person.refresh_from_db()
    assert 0 < person.statistics_key < 1
    assert Person.objects.get(pk=keyed.pk).statistics_key == keyed.statistics_key
