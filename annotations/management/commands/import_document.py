"""Import files into a workspace: `import_document PATH… --workspace SLUG`.

Each file is its own transaction: a file that fails leaves nothing behind and the
others go on. With `--json FILE` a document exported as json is restored instead.
"""

import sys
from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from annotations import importers
from annotations.models import Workspace
from annotations.services import import_document
from annotations.services.restore import RestoreError, restore_document


class Command(BaseCommand):
    help = "Import text, Markdown, HTML, DOCX or PDF files as documents, split into claims."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", type=Path)
        parser.add_argument("--workspace", required=True, help="Workspace slug.")
        parser.add_argument("--title", default="", help="Title (default: from the file).")
        parser.add_argument("--speaker", default="")
        parser.add_argument("--source-url", default="")
        parser.add_argument("--published", default="", help="Publication date, YYYY-MM-DD.")
        parser.add_argument("--language", default="", help="Language code (default: detected).")
        parser.add_argument("--as", dest="username", default="", help="Record this user.")
        parser.add_argument("--json", type=Path, help="Restore a document exported as json.")

    def handle(self, *args, paths, workspace, json, **options):
        try:
            ws = Workspace.objects.get(slug=workspace)
        except Workspace.DoesNotExist:
            raise CommandError(f"No workspace with the slug {workspace!r}.") from None
        user = None
        if options["username"]:
            user = get_user_model().objects.filter(username=options["username"]).first()
            if user is None:
                raise CommandError(f"No user {options['username']!r}.")
        if json is not None:
            return self._restore(json, ws)
        if not paths:
            raise CommandError("Give one or more files to import (or --json FILE).")
        published = None
        if options["published"]:
            try:
                published = date.fromisoformat(options["published"])
            except ValueError:
                raise CommandError("--published must be a date as YYYY-MM-DD.") from None
        failures = 0
        bar = tqdm(paths, unit="file", disable=len(paths) < 2 and not sys.stderr.isatty())
        for path in bar:
            bar.set_description(path.name[:30])
            try:
                data = self._read(path)
                imported = importers.import_file(
                    data, filename=path.name, max_chars=settings.MAX_DOCUMENT_CHARS
                )
                result = import_document(
                    ws,
                    imported,
                    title=options["title"],
                    speaker=options["speaker"],
                    source_url=options["source_url"],
                    published=published,
                    language=options["language"],
                    created_by=user,
                )
            except (importers.ImportRefused, OSError, CommandError) as exc:
                failures += 1
                tqdm.write(self.style.ERROR(f"{path}: {exc}"), file=self.stderr)
                continue
            verb = "imported" if result.created else "already there as"
            tqdm.write(
                f"{path}: {verb} document {result.document.pk} ({result.claims} claims)",
                file=self.stdout,
            )
        if failures:
            raise CommandError(f"{failures} of {len(paths)} file(s) could not be imported.")

    def _read(self, path: Path) -> bytes:
        size = path.stat().st_size
        if size > settings.MAX_UPLOAD_BYTES:
            raise CommandError(
                f"the file has {size:,} bytes; the limit is {settings.MAX_UPLOAD_BYTES:,} "
                "(MAX_UPLOAD_BYTES)."
            )
        return path.read_bytes()

    def _restore(self, path: Path, workspace):
        import json as jsonlib

        try:
            data = jsonlib.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"{path}: not a readable json export ({exc}).") from None
        try:
            document = restore_document(data, workspace)
        except RestoreError as exc:
            raise CommandError(f"{path}: {exc}") from None
        self.stdout.write(f"{path}: restored as document {document.pk}")
