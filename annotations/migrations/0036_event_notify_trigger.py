"""On PostgreSQL every new event row sends its NOTIFY to the live bus itself (a trigger,
annotations.live.CHANNEL, payload "<event id> <workspace id> <document id or 0>"). NOTIFY
is transactional: the notice goes out when the inserting transaction commits and never for a rolled-back
one, as the after-commit statement it replaces did, without the extra statement per event
(a thousand for a bulk request of a thousand annotations). SQLite has no NOTIFY: its bus
polls the events table."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION annotations_event_notify() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('factcheck_events', NEW.id::text || ' ' || NEW.workspace_id::text
        || ' ' || COALESCE(NEW.document_id, 0)::text);
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS annotations_event_notify ON annotations_event;
CREATE TRIGGER annotations_event_notify AFTER INSERT ON annotations_event
    FOR EACH ROW EXECUTE FUNCTION annotations_event_notify();
"""
DROP = """
DROP TRIGGER IF EXISTS annotations_event_notify ON annotations_event;
DROP FUNCTION IF EXISTS annotations_event_notify();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0035_unlogged_cache_tables"),
    ]

    operations = [migrations.RunPython(create, drop)]
