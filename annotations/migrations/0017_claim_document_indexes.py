"""Two indexes fewer on claims: (document) and (document, start) repeated the first
columns of the unique (document, start, end), which serves a document's claims in reading
order, and of (document, id). Each claim an import writes had two more index entries."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0016_match_key_composite_primary_key"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="claim",
            name="annotations_documen_f7df80_idx",
        ),
        migrations.AlterField(
            model_name="claim",
            name="document",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="claims",
                to="annotations.document",
            ),
        ),
    ]
