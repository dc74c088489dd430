"""On PostgreSQL the database cache tables of settings.CACHES become UNLOGGED: they hold
only throttle counters and cached pages, which a crash may lose, and a write to a logged
table waits for the WAL to reach the disk. Every throttled API request writes its counter
outside the request's transaction, so that wait was a second disk flush per request
(4 ms on a loaded 2-core machine against 0.1 ms unlogged). Other databases are left as
they are; going back leaves the tables unlogged (see 0019). A table named in the settings
later is made by `manage.py createcachetable` as a logged one."""

from django.conf import settings
from django.core.cache.backends.db import DatabaseCache
from django.db import migrations
from django.utils.module_loading import import_string


def cache_tables() -> list[str]:
    tables = []
    for config in settings.CACHES.values():
        backend = import_string(config["BACKEND"])
        if issubclass(backend, DatabaseCache):
            tables.append(config["LOCATION"])
    return tables


def unlog_cache_tables(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in cache_tables():
            cursor.execute(
                "SELECT relpersistence FROM pg_class WHERE oid = to_regclass(%s)",
                [connection.ops.quote_name(table)],
            )
            row = cursor.fetchone()
            if row is not None and row[0] == "p":  # exists, and logged
                schema_editor.execute(
                    f"ALTER TABLE {connection.ops.quote_name(table)} SET UNLOGGED"
                )


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0034_document_next_claim_number"),
    ]

    operations = [migrations.RunPython(unlog_cache_tables, migrations.RunPython.noop)]
