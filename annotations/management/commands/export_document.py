import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from annotations.exports import FORMATS
from annotations.models import Document
from annotations.permissions import can


class Command(BaseCommand):
    help = (
        "Export a document in one of the formats "
        f"({', '.join(FORMATS)}). Without --as the export runs as the system, with an "
        "editor's view: json then includes hidden items, marked hidden (a full backup). "
        "With --as USERNAME it shows what that member may see."
    )

    def add_arguments(self, parser):
        parser.add_argument("document_id", type=int, metavar="ID")
        parser.add_argument("--format", "-f", required=True, choices=sorted(FORMATS))
        parser.add_argument(
            "-o", "--output", required=True, metavar="FILE", help="File to write; - for stdout."
        )
        parser.add_argument(
            "--include-approved",
            action="store_true",
            help="Public formats: also show approved work that has no published verdict.",
        )
        parser.add_argument(
            "--as", dest="username", metavar="USERNAME", help="Export what this member sees."
        )

    def handle(self, *args, document_id, format, output, include_approved, username, **options):
        document = Document.objects.select_related("workspace").filter(pk=document_id).first()
        if document is None:
            raise CommandError(f"No document with id {document_id}.")
        user = None
        if username:
            user = get_user_model()._default_manager.filter(username=username).first()
            if user is None:
                raise CommandError(f"No user {username!r}.")
            if not can(user, "document.read", document):
                raise CommandError(f"{username} may not read document {document_id}.")
        result = FORMATS[format].export(document, user, include_approved=include_approved)
        chunks = [result] if isinstance(result, bytes) else result
        if output == "-":
            for chunk in chunks:
                sys.stdout.buffer.write(chunk)
            sys.stdout.buffer.flush()
            return
        size = 0
        with open(output, "wb") as file:
            for chunk in chunks:
                file.write(chunk)
                size += len(chunk)
        self.stderr.write(f"Wrote {size} bytes of {format} to {output}.")
