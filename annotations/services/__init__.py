"""Writes that span several models: importing a document with its claims."""

from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import IntegrityError, connections, router, transaction

from annotations import importers, matching, search
from annotations.models import Claim, ClaimKind, Document, SpeakerType, Workspace
from annotations.text import checkworthiness, transcripts
from annotations.text.language import detect as detect_language


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
    # From a transcript's speaker label ("" and None elsewhere: the document's speaker).
    speaker: str = ""
    spoken_at: int | None = None


def base_language(language: str) -> str:
    return (language or "en").split("-")[0].lower() or "en"


def document_language(text: str, chosen: str = "", declared: str = "") -> str:
    """The language a document is split and scored in: the one chosen at import, else the
    one its file declares, else the one detected from its words (English when unclear)."""
    return chosen or declared or detect_language(text)


def segment(text: str, language: str = "en") -> list[PreviewClaim]:
    """The claims the splitter finds (turn by turn in a transcript, with their speakers),
    with their check-worthiness: what an import stores and what the browser previews."""
    lang = base_language(language)
    return _scored(text, transcripts.split(text, lang), lang)


def _scored(text: str, spoken: list[transcripts.Spoken], lang: str) -> list[PreviewClaim]:
    claims = []
    for item in spoken:
        seg = item.segment
        span = text[seg.start : seg.end]
        score = checkworthiness.score(span, seg.kind, lang)
        claims.append(
            PreviewClaim(seg.start, seg.end, seg.kind, span, score, item.speaker, item.seconds)
        )
    return claims


def import_document(
    workspace: Workspace,
    source: importers.ImportedText | str,
    *,
    title: str = "",
    speaker: str = "",
    speaker_type: str = "",
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
    language = document_language(text, language, source.language)
    if published is None and source.published:
        published = date.fromisoformat(source.published)
    title = (title or source.title or _first_line(text))[:300]
    speaker = _fits("speaker", "speaker", speaker or source.author)
    source_url = _fits("source_url", "source URL", source_url or source.source_url)
    try:
        with transaction.atomic():
            document = Document.objects.create(
                workspace=workspace,
                title=title,
                speaker=speaker,
                speaker_type=speaker_type or SpeakerType.PERSON,
                source_url=source_url,
                published=published,
                language=language[:10],
                text=text,
                created_by=created_by,
            )
            count = _store_claims(document, language)
    except IntegrityError:
        # A concurrent import of the same text won the race.
        existing = Document.objects.filter(workspace=workspace, text_sha256=digest).first()
        if existing is None:
            raise
        return ImportResult(existing, created=False, claims=existing.claims.count())
    return ImportResult(document, created=True, claims=count)


def _fits(field: str, label: str, value: str) -> str:
    """`value` when its column holds it. Callers check what they are given; metadata read
    from the document (a front matter's author or url) can be longer, and is refused
    naming the field rather than failing in the database."""
    limit = Document._meta.get_field(field).max_length
    if len(value) > limit:
        raise importers.ImportRefused(
            f"The {label} has {len(value):,} characters; the limit is {limit:,}. Give a "
            f"shorter {label} with the import, or shorten the one in the document.",
            "too_long",
            field=field,
        )
    return value


def _store_claims(document: Document, language: str) -> int:
    """Split the document, score and store its claims with their match keys and search
    vectors, mark those an earlier verdict covers; return how many. In the caller's
    transaction."""
    text = document.text
    lang = base_language(language)
    spoken = transcripts.split(text, lang)
    if not spoken:
        raise importers.ImportRefused(
            "The text has no sentence, heading or list item to split into claims: only "
            "rules, bullets or punctuation. Check that you chose the right file.",
            "no_claims",
        )
    claims, ids = store_spoken(document, spoken, lang)
    matching.mark_after_import(
        document,
        {pk: c.text for pk, c in zip(ids, claims, strict=True) if c.kind != ClaimKind.HEADING},
    )
    return len(claims)


def store_spoken(
    document: Document, spoken: list[transcripts.Spoken], lang: str, *, created_at=None
) -> tuple[list[PreviewClaim], list[int]]:
    """Score and store `spoken` (segments of document.text) as the document's next
    claims, numbered on from its counter, with their match keys, word-vector sums and
    search vectors; return them and their ids. In the caller's transaction. An import
    stores all of a document's claims this way, an appended chunk its new ones.

    Most of a long import's time is the database writing ~28 match keys a claim into its
    indexes. So the keys are computed first, then written by a second thread on the same
    connection while this one scores the claims: the database works on its own core (and
    psycopg and sqlite3 let go of the GIL while they wait for it). The connection is
    never used by both at once: this thread touches it again only once the keys are in."""
    text = document.text
    spans = [text[item.segment.start : item.segment.end] for item in spoken]
    folded = [matching.normalise(span) for span in spans]
    connection = connections[router.db_for_write(Claim)]
    ids = _draw_claim_ids(connection, len(spoken))
    write_keys = matching.match_key_writer(connection, ids, folded, document.workspace_id)

    def embed_and_write_keys():  # the tokenizer and numpy let go of the GIL at times
        vectors = matching.embedding.stored(folded)
        write_keys()
        return vectors

    with _sharing(connection) as helper:
        writing = helper.submit(embed_and_write_keys)
        claims = _scored(text, spoken, lang)
        vectors = writing.result()
    insert_claims(connection, document, ids, claims, folded, vectors, created_at=created_at)
    return claims, ids


@contextmanager
def _sharing(connection):
    """A one-thread pool whose thread may use `connection`, with its open transaction.
    Leaving the block waits for the thread, so the connection is never rolled back or
    committed under it, whatever the caller raised."""
    connection.inc_thread_sharing()
    try:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="import") as pool:
            yield pool
    finally:
        connection.dec_thread_sharing()


def _draw_claim_ids(connection, count: int) -> list[int]:
    """Ids for `count` new claims, before they are inserted. PostgreSQL: from the table's
    sequence. SQLite: after the highest ever given, as AUTOINCREMENT would (the import's
    transaction holds SQLite's write lock, so no one else takes them meanwhile)."""
    meta = Claim._meta
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, count],
            )
            return [pk for (pk,) in cursor.fetchall()]
        quote = connection.ops.quote_name
        cursor.execute(
            f"SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
            f"COALESCE((SELECT MAX({quote(meta.pk.column)}) FROM {quote(meta.db_table)}), 0))",
            [meta.db_table],
        )
        first = cursor.fetchone()[0] + 1
        return list(range(first, first + count))


# The columns insert_claims fills per claim, in the order of its values.
_OWN_COLUMNS = (
    "id", "number", "start", "end", "kind", "text", "match_text", "match_vector",
    "checkworthiness", "speaker", "spoken_at",
)  # fmt: skip


def insert_claims(
    connection,
    document: Document,
    ids: list[int],
    claims: list[PreviewClaim],
    match_texts,
    vectors,
    *,
    created_at=None,
) -> None:
    """Insert a document's new claims, with the ids drawn for them, in bulk, with their
    search vectors on PostgreSQL. Several times faster than
    bulk_create for the thousands of claims of a long document (which spends most of its
    time making model instances and SQL): every column but the claim's own eleven (id,
    number, offsets, kind, text, folded text and its word-vector sum, check-worthiness,
    speaker and time) takes the
    same value in every row, converted once. Numbers go 1..n in reading order. A claim
    without a speaker of its own (from a transcript label) gets the document's.

    On PostgreSQL the rows go by COPY into a temporary table, then into the claims with
    their search vectors in one INSERT … SELECT (each row written once, not inserted and
    then updated). On SQLite by one executemany (search there needs no vectors). Like
    bulk_create, no signals and no history rows. `created_at`: the document's, unless
    given (the claims of an appended chunk)."""
    if not claims:
        return
    meta = Claim._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    fields = [f for f in meta.concrete_fields if not f.generated and f.name != "search_vector"]
    columns = ", ".join(quote(f.column) for f in fields)
    created_at = created_at or document.created_at
    prototype = Claim(document=document, created_at=created_at, speaker=document.speaker)
    template = [
        None if f.primary_key else f.get_db_prep_save(f.pre_save(prototype, True), connection)
        for f in fields
    ]
    attnames = [f.attname for f in fields]
    own = tuple(attnames.index(name) for name in _OWN_COLUMNS)
    limit = meta.get_field("speaker").max_length
    # Numbered in reading order from the document's counter (1..n: a new document;
    # numbers go on after the earlier claims for an appended chunk).
    order = sorted(range(len(claims)), key=lambda i: (claims[i].start, claims[i].end))
    numbers = [0] * len(claims)
    for number, index in enumerate(order, start=document.take_claim_numbers(len(claims))):
        numbers[index] = number

    vectors = iter(vectors)  # match_texts' word-vector sums (matching.embedding.stored)

    def rows():
        for pk, number, claim, folded in zip(ids, numbers, claims, match_texts, strict=True):
            row = template.copy()
            values = (
                pk,
                number,
                claim.start,
                claim.end,
                claim.kind,
                claim.text,
                folded,
                next(vectors),
                claim.checkworthiness,
                claim.speaker[:limit] or document.speaker,
                claim.spoken_at,
            )
            for position, value in zip(own, values, strict=True):
                row[position] = value
            yield row

    with connection.cursor() as cursor, connection.wrap_database_errors:
        if connection.vendor != "postgresql":
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows())
            return
        _copy_claims(connection, cursor, table, columns, rows())


def _copy_claims(connection, cursor, table: str, columns: str, rows) -> None:
    """PostgreSQL: the rows by COPY into a temporary table, then into the claims with
    their search vectors in one INSERT … SELECT."""
    quote = connection.ops.quote_name
    staging = quote("claim_import")
    cursor.execute(
        f"CREATE TEMPORARY TABLE {staging} (LIKE {table} INCLUDING DEFAULTS) ON COMMIT DROP"
    )
    with cursor.cursor.copy(f"COPY {staging} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    # The vector as search.index_claims builds it, over the staged rows (named like
    # the claims table, so the compiled column references point at them).
    vector_sql, vector_params = search.claim_vector_sql(connection)
    cursor.execute(
        f"INSERT INTO {table} ({columns}, {quote('search_vector')}) "
        f"SELECT {columns}, {vector_sql} FROM {staging} AS {table}",
        vector_params,
    )
    cursor.execute(f"DROP TABLE {staging}")


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip().lstrip("#").strip()
    return "Untitled document"
