"""Match keys (ClaimMatchKey, 0008) for the claims that exist already, on every backend;
then an index on (workspace, key, claim) that serves the candidate lookup of
annotations.matching.similar_claims alone (an index-only scan on PostgreSQL: at 1M claims
the heap reads of the (workspace, key) index of 0008 make a lookup's p95 ~170 ms, the
index-only scan ~35-55 ms). Created here with SQL, as 0006 does, not declared on the model.

Keys come from annotations.matching.match_keys over each claim's folded text, in chunks
of CHUNK claims (read by primary key, written with bulk_create). A claim that has keys
already keeps them (ignore_conflicts), so running it again only adds what is missing.
If match_keys' parameters (BANDS, ROWS, COPIES, MATCH_KEY_SEED) ever change, every key
changes: a later migration must delete the keys and run fill_match_keys again.
"""

from django.db import migrations

CHUNK = 2000


def fill_match_keys(apps, schema_editor):
    from annotations.matching import match_keys, normalise

    Claim = apps.get_model("annotations", "Claim")
    ClaimMatchKey = apps.get_model("annotations", "ClaimMatchKey")
    db = schema_editor.connection.alias
    claims = Claim.objects.using(db).order_by("pk")
    last = 0
    while True:
        chunk = list(
            claims.filter(pk__gt=last).values_list(
                "pk", "match_text", "text", "document__workspace_id"
            )[:CHUNK]
        )
        if not chunk:
            return
        rows = [
            ClaimMatchKey(claim_id=pk, workspace_id=workspace_id, key=key)
            for pk, folded, text, workspace_id in chunk
            for key in match_keys(folded or normalise(text))
        ]
        ClaimMatchKey.objects.using(db).bulk_create(rows, batch_size=CHUNK, ignore_conflicts=True)
        last = chunk[-1][0]


LOOKUP_INDEX = "claimmatchkey_lookup"


def create_lookup_index(apps, schema_editor):
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {LOOKUP_INDEX} "
        "ON annotations_claimmatchkey (workspace_id, key, claim_id)"
    )


def drop_lookup_index(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {LOOKUP_INDEX}")


def drop_match_keys(apps, schema_editor):
    ClaimMatchKey = apps.get_model("annotations", "ClaimMatchKey")
    ClaimMatchKey.objects.using(schema_editor.connection.alias).all().delete()


class Migration(migrations.Migration):
    # After 0008 (the table); also after the concurrent 0009_report_moderation_actions,
    # so that the graph has one leaf.
    dependencies = [
        ("annotations", "0009_report_moderation_actions"),
    ]

    operations = [
        migrations.RunPython(fill_match_keys, drop_match_keys),
        migrations.RunPython(create_lookup_index, drop_lookup_index),
    ]
