"""ClaimMatchKey without a surrogate id: its primary key is (claim, key), which was a
unique constraint before. Each key row then has two index entries instead of three and
draws no number from a sequence, which on PostgreSQL took about 40% of an import's
match-key writes.

Django does not turn a single-column primary key into a composite one in place, so the
table is made again: the keys are kept aside in a plain table, the old table is dropped,
the new one created, and the keys copied back (then the spare table is dropped). The same
steps run backwards on the way back. No key is computed again.
"""

import django.db.models.deletion
from django.db import migrations, models

TABLE = "annotations_claimmatchkey"
SPARE = "annotations_claimmatchkey_spare"


def set_aside(apps, schema_editor):
    schema_editor.execute(
        f"CREATE TABLE {SPARE} AS SELECT claim_id, workspace_id, key FROM {TABLE}"
    )


def put_back(apps, schema_editor):
    schema_editor.execute(
        f"INSERT INTO {TABLE} (claim_id, workspace_id, key) "
        f"SELECT claim_id, workspace_id, key FROM {SPARE} ORDER BY workspace_id, key"
    )
    schema_editor.execute(f"DROP TABLE {SPARE}")


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0015_claim_list_index"),
    ]

    operations = [
        migrations.RunPython(set_aside, put_back),
        migrations.DeleteModel(name="ClaimMatchKey"),
        migrations.CreateModel(
            name="ClaimMatchKey",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "claim",
                        "key",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("key", models.BigIntegerField()),
                (
                    "claim",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="match_keys",
                        to="annotations.claim",
                    ),
                ),
                (
                    "workspace",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="annotations.workspace",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["workspace", "key", "claim"], name="claimmatchkey_lookup"
                    )
                ],
            },
        ),
        migrations.RunPython(put_back, set_aside),
    ]
