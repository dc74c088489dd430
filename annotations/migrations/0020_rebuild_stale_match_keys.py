"""Match keys made with other parameters than annotations.matching's are made again.

0014_rebuild_match_keys (16 bands of 4 rows) was taken out of the history when the code
went back to 28 bands of 5, and 0015 re-pointed past it: a database that had applied
0014 kept 16 × 4 keys, which no lookup with 28 × 5 keys finds. Claims imported since
then have 28 × 5 keys, so such a database holds both.

Which keys are stale is read from the data, not from a stored record of the parameters:
a record would say that the parameters changed, not which claims were keyed before the
change, and here old and new keys sit side by side. Each claim's stored keys are compared
with the keys annotations.matching gives its folded text today, which also catches a
change of ROWS, COPIES or MATCH_KEY_SEED (same number of keys, other values); a claim
whose keys differ, or that has none, gets them deleted and written again. In chunks of
CHUNK claims by primary key, each read of keys a range scan of the (claim, key) primary
key. Claims whose keys are right are not written, so running it again writes nothing;
going back leaves the keys as they are (they are those of the code).

If the key parameters change again, a new migration calls rebuild_stale_match_keys.
"""

from collections import defaultdict

from django.db import migrations

CHUNK = 2000


def rebuild_stale_match_keys(apps, schema_editor):
    from annotations.matching import match_key_matrix, normalise

    Claim = apps.get_model("annotations", "Claim")
    ClaimMatchKey = apps.get_model("annotations", "ClaimMatchKey")
    db = schema_editor.connection.alias
    claims = Claim.objects.using(db).order_by("pk")
    keys_of = ClaimMatchKey.objects.using(db)
    last = 0
    while True:
        chunk = list(
            claims.filter(pk__gt=last).values_list(
                "pk", "match_text", "text", "document__workspace_id"
            )[:CHUNK]
        )
        if not chunk:
            return
        first, last = chunk[0][0], chunk[-1][0]
        stored = defaultdict(set)
        for claim_id, key in keys_of.filter(
            claim_id__gte=first, claim_id__lte=last
        ).values_list("claim_id", "key"):
            stored[claim_id].add(key)
        texts = [folded or normalise(text) for _, folded, text, _ in chunk]
        keys, has_words = match_key_matrix(texts)
        stale = []
        rows = []
        for (pk, _, _, workspace_id), row, words in zip(
            chunk, keys.tolist(), has_words.tolist()
        ):
            expected = set(row) if words else set()
            if stored.get(pk, set()) != expected:
                stale.append(pk)
                rows += [
                    ClaimMatchKey(claim_id=pk, workspace_id=workspace_id, key=key)
                    for key in sorted(expected)
                ]
        if stale:
            keys_of.filter(claim_id__in=stale).delete()
            keys_of.bulk_create(rows, batch_size=CHUNK)


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0019_create_cache_tables"),
    ]

    operations = [
        migrations.RunPython(rebuild_stale_match_keys, migrations.RunPython.noop),
    ]
