"""Similar claims now find candidates through match keys and score them with
similarity() on those rows only, so the trigram GIN index on match_text is no longer
read; keeping it made every import pay for ~85 index entries a claim. PostgreSQL only."""

from django.db import migrations


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS claim_match_text_trgm")


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS claim_match_text_trgm "
            "ON annotations_claim USING gin (match_text gin_trgm_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [("annotations", "0011_match_keys_without_db_constraints")]

    operations = [migrations.RunPython(drop, create)]
