"""Django's `migrate`, first mending the history of databases that applied the matching
terms migration under its earlier name.

`0028_matching_terms` was first published as `0024_matching_terms`, right after 0023,
with the same operations. A database migrated then holds its table and column and
records the earlier name, so a plain `migrate` would create them a second time and fail.
Such a database has that migration undone (its table holds only term keys, which
`rebuild_match_keys` writes again, and a transient flag) and its record dropped; `migrate`
then applies 0024 to 0028 in order, as on any other database.
"""

from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import connections
from django.db.migrations.executor import MigrationExecutor

APP = "annotations"
EARLIER_NAME = "0024_matching_terms"
NAME = "0028_matching_terms"
APPLIED_AFTER = "0023_claim_speaker_from_document"


class Command(DjangoMigrate):
    def handle(self, *args, **options):
        # --plan and --check only report; they change nothing, so nothing is mended.
        if not (options["plan"] or options["check_unapplied"]):
            self.mend_renamed_migration(connections[options["database"]])
        return super().handle(*args, **options)

    def mend_renamed_migration(self, connection) -> None:
        executor = MigrationExecutor(connection)
        if not executor.recorder.has_table():
            return
        applied = executor.recorder.applied_migrations()
        if (APP, EARLIER_NAME) not in applied or (APP, NAME) in applied:
            return
        self.stdout.write(
            f"This database applied {APP}.{EARLIER_NAME}, now {NAME}: undoing it to apply "
            f"it again in order (run rebuild_match_keys afterwards)."
        )
        terms = executor.loader.get_migration(APP, NAME)
        state = executor.loader.project_state((APP, APPLIED_AFTER))
        with connection.schema_editor(atomic=terms.atomic) as editor:
            terms.unapply(state, editor)
        executor.recorder.record_unapplied(APP, EARLIER_NAME)
