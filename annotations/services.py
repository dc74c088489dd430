"""Writes that span several models: importing a document with its claims."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import IntegrityError, connections, router, transaction

from annotations import checkworthiness, importers, matching, segmentation
from annotations.models import Claim, Document, Workspace

CLAIM_BATCH = 2000


@dataclass(frozen=True)
class ImportResult:
    document: Document
    created: bool
    claims: int


@dataclass(frozen=True)
class PreviewClaim:
    start: int
    end: int
    kind: str
    text: str
    checkworthiness: float


def base_language(language: str) -> str:
    return (language or "en").split("-")[0].lower() or "en"


def segment(text: str, language: str = "en") -> list[PreviewClaim]:
    """The claims the splitter finds, with their check-worthiness: what an import stores
    and what the browser previews."""
    lang = base_language(language)
    claims = []
    for seg in segmentation.split(text, lang):
        span = text[seg.start : seg.end]
        claims.append(
            PreviewClaim(
                seg.start, seg.end, seg.kind, span, checkworthiness.score(span, seg.kind, lang)
            )
        )
    return claims


def import_document(
    workspace: Workspace,
    source: importers.ImportedText | str,
    *,
    title: str = "",
    speaker: str = "",
    source_url: str = "",
    published: date | None = None,
    language: str = "",
    created_by=None,
) -> ImportResult:
    """Store a document and its claims in one transaction: on any error nothing is saved.
    The same text twice in a workspace returns the existing document."""
    if isinstance(source, str):
        source = importers.import_text(source, max_chars=settings.MAX_DOCUMENT_CHARS)
    text = source.text
    if len(text) > settings.MAX_DOCUMENT_CHARS:
        raise importers.ImportRefused(
            f"The text has {len(text):,} characters; the limit is "
            f"{settings.MAX_DOCUMENT_CHARS:,}. Split it into several documents.",
            "too_long",
        )
    digest = Document.hash_text(text)
    existing = Document.objects.filter(workspace=workspace, text_sha256=digest).first()
    if existing is not None:
        return ImportResult(existing, created=False, claims=existing.claims.count())
    language = language or source.language or "en"
    if published is None and source.published:
        published = date.fromisoformat(source.published)
    title = (title or source.title or _first_line(text))[:300]
    try:
        with transaction.atomic():
            document = Document.objects.create(
                workspace=workspace,
                title=title,
                speaker=speaker or source.author,
                source_url=source_url or source.source_url,
                published=published,
                language=language[:10],
                text=text,
                created_by=created_by,
            )
            claims = [
                Claim(
                    document=document,
                    start=c.start,
                    end=c.end,
                    kind=c.kind,
                    text=c.text,
                    match_text=matching.normalise(c.text),
                    checkworthiness=c.checkworthiness,
                    created_at=document.created_at,
                )
                for c in segment(text, language)
            ]
            insert_claims(claims)
            matching.index_imported(document, claims)
    except IntegrityError:
        # A concurrent import of the same text won the race.
        existing = Document.objects.filter(workspace=workspace, text_sha256=digest).first()
        if existing is None:
            raise
        return ImportResult(existing, created=False, claims=existing.claims.count())
    return ImportResult(document, created=True, claims=len(claims))


def insert_claims(claims: list[Claim]) -> None:
    """Insert new claims in bulk and set their primary keys. On PostgreSQL: ids drawn
    from the table's sequence in one query, then COPY, several times faster than the
    INSERTs of bulk_create for the thousands of claims of a long document. Elsewhere
    bulk_create. Like bulk_create, no signals and no history rows."""
    connection = connections[router.db_for_write(Claim)]
    if connection.vendor != "postgresql" or not claims:
        Claim.objects.bulk_create(claims, batch_size=CLAIM_BATCH)
        return
    meta = Claim._meta
    quote = connection.ops.quote_name
    fields = [f for f in meta.concrete_fields if not f.generated]
    with connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(claims)],
        )
        for claim, (pk,) in zip(claims, cursor.fetchall(), strict=True):
            claim.pk = pk
        columns = ", ".join(quote(f.column) for f in fields)
        with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for claim in claims:
                copy.write_row(
                    [f.get_db_prep_save(f.pre_save(claim, True), connection) for f in fields]
                )
    for claim in claims:
        claim._state.adding = False
        claim._state.db = connection.alias


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip().lstrip("#").strip()
    return "Untitled document"
