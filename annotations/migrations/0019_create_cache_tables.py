"""The database cache tables of settings.CACHES (the API throttle counters by default in
production, `db://factcheck_throttle`), made as `manage.py createcachetable` makes them,
so that a fresh `migrate` leaves a working site. A table that exists already is left as
it is; going back leaves the tables too (they hold only counters and cached pages).
A table named in the settings later needs `manage.py createcachetable`."""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0018_verdict_once_per_version"),
    ]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
