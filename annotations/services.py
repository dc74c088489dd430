"""Writes that span several models: importing a document with its claims."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import IntegrityError, connections, router, transaction

from annotations import checkworthiness, importers, matching, search, segmentation
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
            vectors = insert_claims(claims)
            matching.index_imported(document, claims, search_vectors=not vectors)
    except IntegrityError:
        # A concurrent import of the same text won the race.
        existing = Document.objects.filter(workspace=workspace, text_sha256=digest).first()
        if existing is None:
            raise
        return ImportResult(existing, created=False, claims=existing.claims.count())
    return ImportResult(document, created=True, claims=len(claims))


# Field types whose Python values both database drivers take as they are.
_PLAIN_TYPES = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "FloatField",
    "ForeignKey",
    "IntegerField",
    "PositiveIntegerField",
    "TextField",
}


def insert_claims(claims: list[Claim]) -> bool:
    """Insert new claims in bulk and set their primary keys, several times faster than
    bulk_create for the thousands of claims of a long document (which spends most of its
    time building SQL). Ids are drawn first. On PostgreSQL the rows go by COPY into a
    temporary table, then into the claims with their search vectors in one INSERT …
    SELECT (each row written once, not inserted and then updated); ids come from the
    table's sequence. On SQLite by one executemany, ids after the highest ever given, as
    AUTOINCREMENT would (the import's transaction holds SQLite's write lock, so no one
    else takes them meanwhile). Other databases: bulk_create. Like bulk_create, no
    signals and no history rows. True when the search vectors were written too."""
    connection = connections[router.db_for_write(Claim)]
    if connection.vendor not in ("postgresql", "sqlite") or not claims:
        Claim.objects.bulk_create(claims, batch_size=CLAIM_BATCH)
        return False
    meta = Claim._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    fields = [f for f in meta.concrete_fields if not f.generated and f.name != "search_vector"]
    columns = ", ".join(quote(f.column) for f in fields)

    plain = [f.get_internal_type() in _PLAIN_TYPES for f in fields]

    def row(claim):
        return [
            getattr(claim, f.attname)
            if is_plain
            else f.get_db_prep_save(f.pre_save(claim, True), connection)
            for f, is_plain in zip(fields, plain, strict=True)
        ]

    with connection.cursor() as cursor, connection.wrap_database_errors:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, len(claims)],
            )
            ids = [pk for (pk,) in cursor.fetchall()]
        else:
            cursor.execute(
                f"SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
                f"COALESCE((SELECT MAX({quote(meta.pk.column)}) FROM {table}), 0))",
                [meta.db_table],
            )
            first = cursor.fetchone()[0] + 1
            ids = range(first, first + len(claims))
        for claim, pk in zip(claims, ids, strict=True):
            claim.pk = pk
        if connection.vendor == "postgresql":
            staging = quote("claim_import")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {staging} (LIKE {table} INCLUDING DEFAULTS) ON COMMIT DROP"
            )
            with cursor.cursor.copy(f"COPY {staging} ({columns}) FROM STDIN") as copy:
                for claim in claims:
                    copy.write_row(row(claim))
            # The vector as search.index_claims builds it, over the staged rows (named
            # like the claims table, so the compiled column references point at them).
            vector_sql, vector_params = search.claim_vector_sql(connection)
            cursor.execute(
                f"INSERT INTO {table} ({columns}, {quote('search_vector')}) "
                f"SELECT {columns}, {vector_sql} FROM {staging} AS {table}",
                vector_params,
            )
            cursor.execute(f"DROP TABLE {staging}")
        else:
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})", [row(c) for c in claims]
            )
    for claim in claims:
        claim._state.adding = False
        claim._state.db = connection.alias
    return connection.vendor == "postgresql"


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip().lstrip("#").strip()
    return "Untitled document"
