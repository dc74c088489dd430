"""ClaimMatchKey keeps two indexes: the lookup (workspace, key, claim), made with SQL by
0010 and now declared on the model, and the unique (claim, key). The foreign keys' own
indexes and the (workspace, key) index of 0008 repeated their first columns and made
every import write three more index entries per key."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0012_drop_match_text_trigram_index"),
    ]

    operations = [
        # The index exists already (0010): record it in the model state only. First, so that
        # SQLite, which rebuilds the table to alter a field, builds it again.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name="claimmatchkey",
                    index=models.Index(
                        fields=["workspace", "key", "claim"], name="claimmatchkey_lookup"
                    ),
                ),
            ],
        ),
        migrations.RemoveIndex(model_name="claimmatchkey", name="annotations_workspa_507b70_idx"),
        migrations.AlterField(
            model_name="claimmatchkey",
            name="claim",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=models.deletion.CASCADE,
                related_name="match_keys",
                to="annotations.claim",
            ),
        ),
        migrations.AlterField(
            model_name="claimmatchkey",
            name="workspace",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=models.deletion.CASCADE,
                related_name="+",
                to="annotations.workspace",
            ),
        ),
    ]
