"""Rating colours are #rrggbb, checked by the database.

Colours stored before the check (through the admin's raw fields, an import or SQL) that
it would refuse are first set to the neutral grey of new labels, so adding the
constraint cannot fail on existing data. Going back drops the constraint and leaves the
repaired colours as they are.
"""

from django.db import migrations, models

HEX_COLOUR_REGEX = r"\A#[0-9a-fA-F]{6}\Z"
NEUTRAL = "#6e7781"


def repair_colours(apps, schema_editor):
    Rating = apps.get_model("annotations", "Rating")
    db = schema_editor.connection.alias
    Rating.objects.using(db).exclude(colour__regex=HEX_COLOUR_REGEX).update(colour=NEUTRAL)


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0020_rebuild_stale_match_keys"),
    ]

    operations = [
        migrations.RunPython(repair_colours, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="rating",
            constraint=models.CheckConstraint(
                condition=models.Q(colour__regex=HEX_COLOUR_REGEX), name="rating_colour_hex"
            ),
        ),
    ]
