"""Load reference fact-checks (fact-checks published elsewhere) into a workspace:
`import_factchecks FILE --workspace SLUG`.

FILE is ClaimReview JSON-LD (an object, an array, a @graph, a feed or JSON lines) or a TSV
with a header row (claim, rating, url, and optionally publisher, date, claimant, title,
language). Records that cannot be read are listed by line (or item) and skipped; the rest
are stored in one transaction. Fact-checks already in the workspace are not added again.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from annotations.importers import ImportRefused
from annotations.models import Workspace
from annotations.services.factcheck_files import load_factchecks


class Command(BaseCommand):
    help = "Load reference fact-checks from a ClaimReview JSON(-lines) or TSV file."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The ClaimReview JSON or TSV file.")
        parser.add_argument("--workspace", required=True, help="Workspace slug.")

    def handle(self, *args, path, workspace, **options):
        ws = Workspace.objects.filter(slug=workspace).first()
        if ws is None:
            raise CommandError(f"No workspace with the slug {workspace!r}.")
        try:
            size = path.stat().st_size
            if size > settings.FACTCHECKS_MAX_BYTES:
                raise CommandError(
                    f"{path}: the file has {size:,} bytes; the limit is "
                    f"{settings.FACTCHECKS_MAX_BYTES:,} (FACTCHECKS_MAX_BYTES)."
                )
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror or exc}") from None
        try:
            report = load_factchecks(ws, data, None, filename=path.name)
        except ImportRefused as exc:
            raise CommandError(f"{path}: {exc}") from None
        for problem in report.problems:
            self.stderr.write(f"{path}, {problem.where}: {problem.message}")
        self.stdout.write(
            f"{path}: loaded {report.loaded}, already there {report.duplicates}, "
            f"skipped {report.skipped}."
        )
        if report.skipped and not report.loaded and not report.duplicates:
            raise CommandError(f"{path}: nothing loaded; every record had a problem.")
