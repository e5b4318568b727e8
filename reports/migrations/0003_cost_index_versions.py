"""Index values are versioned: a corrected value is a new version from a date. Each existing value becomes
the first version of its year, from the day it was last saved; a year's first version serves every
comparison until a later version takes over (reports.costs.Prices), so existing comparisons are unchanged."""

import django.utils.timezone
from django.db import migrations, models


def from_when_saved(apps, schema_editor):
    CostIndex = apps.get_model("reports", "CostIndex")
    for index in CostIndex.objects.all():
        CostIndex.objects.filter(pk=index.pk).update(valid_from=django.utils.timezone.localdate(index.updated_at))


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_fill_statistics_keys"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="costindex",
            options={
                "ordering": ["agreement_id", "year", "valid_from"],
                "verbose_name": "kostnadsindex",
                "verbose_name_plural": "kostnadsindex",
            },
        ),
        migrations.RemoveConstraint(model_name="costindex", name="cost_index_unique_year"),
        migrations.RemoveConstraint(model_name="costindex", name="cost_index_unique_global_year"),
        migrations.AddField(
            model_name="costindex",
            name="valid_from",
            field=models.DateField(default=django.utils.timezone.localdate, verbose_name="gäller från"),
        ),
        migrations.RunPython(from_when_saved, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="costindex",
            constraint=models.UniqueConstraint(
                fields=("agreement", "year", "valid_from"), name="cost_index_unique_version"
            ),
        ),
        migrations.AddConstraint(
            model_name="costindex",
            constraint=models.UniqueConstraint(
                condition=models.Q(("agreement__isnull", True)),
                fields=("year", "valid_from"),
                name="cost_index_unique_global_version",
            ),
        ),
    ]
