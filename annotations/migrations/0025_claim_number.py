"""Claims get a stored number (expand and fill; 0026 makes it required and unique).

Today's claims are numbered 1..n per document in reading order (start, end, id): the
numbers the pages showed until now. One UPDATE with a window function fills every
document at once, so it stays one statement at a million claims; the history rows take
their claim's number in a second one (0 for claims deleted before numbers existed)."""

from django.db import migrations, models


def fill_numbers(apps, schema_editor):
    Claim = apps.get_model("annotations", "Claim")
    HistoricalClaim = apps.get_model("annotations", "HistoricalClaim")
    quote = schema_editor.connection.ops.quote_name
    claims = quote(Claim._meta.db_table)
    history = quote(HistoricalClaim._meta.db_table)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {claims} SET number = ranked.n FROM ("
            f"SELECT id, ROW_NUMBER() OVER (PARTITION BY document_id "
            f'ORDER BY start, "end", id) AS n FROM {claims}'
            f") AS ranked WHERE {claims}.id = ranked.id"
        )
        cursor.execute(
            f"UPDATE {history} SET number = COALESCE(("
            f"SELECT c.number FROM {claims} AS c WHERE c.id = {history}.id), 0)"
        )


class Migration(migrations.Migration):
    dependencies = [("annotations", "0024_notification_hidden_kinds")]

    operations = [
        migrations.AddField(
            model_name="claim",
            name="number",
            field=models.PositiveIntegerField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="historicalclaim",
            name="number",
            field=models.PositiveIntegerField(editable=False, null=True),
        ),
        migrations.RunPython(fill_numbers, migrations.RunPython.noop, elidable=False),
    ]
