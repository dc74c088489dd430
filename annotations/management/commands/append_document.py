"""Append a chunk of transcript to a live document: `append_document ID FILE
[--sequence N] [--close]` (FILE `-` reads standard input). Without --sequence the chunk
is the document's next. `append_document ID --close` closes it."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from annotations import importers
from annotations.importers.chunks import chunk_from_bytes
from annotations.models import Document, WorkflowError
from annotations.services.live import append_chunk, close_live_document


class Command(BaseCommand):
    help = "Append a chunk of transcript (a UTF-8 text file) to a live document, or close it."

    def add_arguments(self, parser):
        parser.add_argument("document", type=int, help="The live document's id.")
        parser.add_argument("file", nargs="?", help="The chunk: a UTF-8 text file, or - for stdin.")
        parser.add_argument(
            "--sequence", type=int, help="The chunk's number (default: the document's next)."
        )
        parser.add_argument("--close", action="store_true", help="Close the document after.")

    def handle(self, *args, document, file, sequence, close, **options):
        live = Document.objects.filter(pk=document).first()
        if live is None:
            raise CommandError(f"No document with the id {document}.")
        if file is None and not close:
            raise CommandError("Give the chunk's file (or - for standard input), or --close.")
        try:
            if file is not None:
                self._append(live, file, sequence)
            if close:
                closed = close_live_document(live, None)
                held = len(closed.claims) if closed else 0
                self.stdout.write(f"Closed document {live.pk}: {held} held claim(s) stored.")
        except importers.ImportRefused as refused:
            raise CommandError(str(refused)) from None
        except WorkflowError as refused:
            raise CommandError(refused.message) from None

    def _append(self, live, file, sequence):
        if file == "-":
            data = sys.stdin.buffer.read()
        else:
            try:
                data = Path(file).read_bytes()
            except OSError as error:
                raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        text = chunk_from_bytes(data, None if file == "-" else file)
        if sequence is None:
            sequence = live.last_sequence + 1
        elif sequence < 1:
            raise CommandError("--sequence is a whole number, 1 or more.")
        appended = append_chunk(live, text, sequence=sequence, by=None)
        numbers = ", ".join(str(claim.number) for claim in appended.claims) or "none"
        again = " (appended before: nothing changed)" if appended.replayed else ""
        self.stdout.write(
            f"Chunk {appended.chunk.sequence} of document {live.pk}{again}: characters "
            f"{appended.chunk.start}–{appended.chunk.end}; new claims: {numbers}."
        )
