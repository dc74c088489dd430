"""Indexes for claim matching and full-text search, and the columns of 0004 filled in.

On PostgreSQL only: the pg_trgm extension, a GIN trigram index on the claims' folded text
(serves `match_text % …`), GIN indexes on the three search vectors. Django's GinIndex with
gin_trgm_ops cannot be declared on the models: SQLite would fail to create it.
On every backend: match_text of existing claims (expand, fill: 0004 added it empty).
"""

from django.db import migrations

CONFIG = "english"

INDEXES = [
    (
        "claim_match_text_trgm",
        "annotations_claim USING gin (match_text gin_trgm_ops)",
    ),
    ("claim_search_vector_gin", "annotations_claim USING gin (search_vector)"),
    ("annotation_search_vector_gin", "annotations_annotation USING gin (search_vector)"),
    ("verdict_search_vector_gin", "annotations_verdict USING gin (search_vector)"),
]

# The same vectors as annotations/search.py builds (VECTOR_FIELDS), for the rows that
# exist already.
FILL_VECTORS = [
    f"""UPDATE annotations_claim SET search_vector =
        setweight(to_tsvector('{CONFIG}', coalesce(text, '')), 'A')
        || setweight(to_tsvector('{CONFIG}', coalesce(restatement, '')), 'B')""",
    f"""UPDATE annotations_annotation SET search_vector =
        setweight(to_tsvector('{CONFIG}', coalesce(summary, '')), 'A')
        || setweight(to_tsvector('{CONFIG}', coalesce(note, '')), 'B')""",
    f"""UPDATE annotations_verdict SET search_vector =
        setweight(to_tsvector('{CONFIG}', coalesce(summary, '')), 'A')
        || setweight(to_tsvector('{CONFIG}', coalesce(correction_note, '')), 'B')
        || setweight(to_tsvector('{CONFIG}', coalesce(retraction_note, '')), 'B')""",
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for sql in FILL_VECTORS:
        schema_editor.execute(sql)
    for name, target in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")


def drop_indexes(apps, schema_editor):
    # The extension stays: other databases objects may use it, and it costs nothing.
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _ in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def fill_match_text(apps, schema_editor):
    from annotations.matching import normalise

    Claim = apps.get_model("annotations", "Claim")
    db = schema_editor.connection.alias
    batch = []
    for claim in Claim.objects.using(db).filter(match_text="").only("pk", "text").iterator(2000):
        claim.match_text = normalise(claim.text)
        batch.append(claim)
        if len(batch) == 2000:
            Claim.objects.using(db).bulk_update(batch, ["match_text"])
            batch = []
    Claim.objects.using(db).bulk_update(batch, ["match_text"])


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0005_membership_email_notifications"),
    ]

    operations = [
        migrations.RunPython(fill_match_text, migrations.RunPython.noop),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
