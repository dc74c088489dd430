"""Django's `migrate`, first mending the history of databases that applied the matching
terms migration under its earlier name.

`0028_matching_terms` was first published as `0024_matching_terms` (after 0023), with the
same operations. A database migrated then holds its tables and columns and records the
earlier name, so a plain `migrate` would create them a second time and fail. Such a
database is brought to 0027 (the migrations published in between touch nothing of it),
then recorded as having applied 0028 under its present name, and migrated on.
"""

from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder

APP = "annotations"
EARLIER_NAME = "0024_matching_terms"
NAME = "0028_matching_terms"
BEFORE = "0027_document_speaker_type"


class Command(DjangoMigrate):
    def handle(self, *args, **options):
        # --plan and --check only report; they change nothing, so nothing is mended.
        if not (options["plan"] or options["check_unapplied"]):
            self.mend_renamed_migration(options)
        return super().handle(*args, **options)

    def mend_renamed_migration(self, options) -> None:
        recorder = MigrationRecorder(connections[options["database"]])
        if not recorder.has_table():
            return
        applied = recorder.applied_migrations()
        if (APP, EARLIER_NAME) not in applied or (APP, NAME) in applied:
            return
        self.stdout.write(f"This database applied {APP}.{EARLIER_NAME}, now named {NAME}.")
        super().handle(**(options | {"app_label": APP, "migration_name": BEFORE}))
        recorder.record_applied(APP, NAME)
        recorder.record_unapplied(APP, EARLIER_NAME)
        self.stdout.write(f"Recorded {APP}.{NAME} as applied; migrating on.")
