"""Writes that span several models: importing a document with its claims."""

from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction

from annotations.models import Document, Workspace


@dataclass(frozen=True)
class ImportResult:
    document: Document
    created: bool


def import_document(
    workspace: Workspace,
    text: str,
    *,
    title: str,
    speaker: str = "",
    source_url: str = "",
    published: date | None = None,
    language: str = "en",
    created_by=None,
) -> ImportResult:
    """Store a document, in one transaction. The same text twice in a workspace
    returns the existing document instead of a duplicate."""
    digest = Document.hash_text(text)
    existing = Document.objects.filter(workspace=workspace, text_sha256=digest).first()
    if existing is not None:
        return ImportResult(existing, created=False)
    try:
        with transaction.atomic():
            document = Document.objects.create(
                workspace=workspace,
                title=title,
                speaker=speaker,
                source_url=source_url,
                published=published,
                language=language,
                text=text,
                created_by=created_by,
            )
    except IntegrityError:
        # A concurrent import of the same text won the race.
        existing = Document.objects.filter(workspace=workspace, text_sha256=digest).first()
        if existing is None:
            raise
        return ImportResult(existing, created=False)
    return ImportResult(document, created=True)
