"""Match keys are now 16 bands of 4 rows (were 28 of 5): every key changes, so the keys
are deleted and made again with 0010's fill_match_keys."""

from importlib import import_module

from django.db import migrations

fill = import_module("annotations.migrations.0010_fill_match_keys").fill_match_keys


def rebuild_match_keys(apps, schema_editor):
    ClaimMatchKey = apps.get_model("annotations", "ClaimMatchKey")
    ClaimMatchKey.objects.using(schema_editor.connection.alias).all().delete()
    fill(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0013_match_key_indexes"),
    ]

    # Going back needs the old parameters in annotations.matching: rebuild with those.
    operations = [migrations.RunPython(rebuild_match_keys, rebuild_match_keys)]
