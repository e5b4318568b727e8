"""Legal bases are versioned: the versions of a provision share its code, each with its own validity. The
existing rows become the first version of their provision, unchanged, so every disclosure keeps its basis."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0005_concern_reception_blank_when_absent"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="legalbasis",
            options={
                "ordering": ["law_reference", "valid_from"],
                "verbose_name": "rättslig grund för utlämnande",
                "verbose_name_plural": "rättsliga grunder för utlämnande",
            },
        ),
        migrations.AlterField(
            model_name="legalbasis",
            name="code",
            field=models.SlugField(max_length=40, verbose_name="kod"),
        ),
        migrations.AddConstraint(
            model_name="legalbasis",
            constraint=models.UniqueConstraint(fields=("code", "valid_from"), name="legal_basis_unique_version"),
        ),
    ]
