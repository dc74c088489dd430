"""Live documents: a transcript checked while it is still being spoken.

An editor starts a live document (`start_live_document`: the import page's or the
API's `live`), with or without a first text. Chunks of transcript are appended in order
(`append_chunk`, sequence numbers 1, 2, …) by editors or by the desk's ingest token
(a transcription service); `close_live_document` ends it, and the document is an
ordinary, immutable one again.

Each append, in one transaction under the document's row lock (two appends never
interleave; a chunk is appended whole or not at all):

- the chunk's words go at the end of the text, nothing stored before moves;
- only the text not split yet (the held unfinished sentence, then the chunk) is split,
  turn by turn when it carries speaker labels and times, and scored, stored and matched
  against the desk's published verdicts as an import's claims are (services.store_spoken,
  matching.mark_prior_verdicts), and against its reference fact-checks
  (matching.mark_references); an unfinished last sentence is held (text.growing);
- the new claims are numbered on from the document's counter and announced with one
  `claim.created` event each, after the commit.

A retried chunk (same number, same text) is not appended again and gets the first
answer; a gap, or other text under a number already used, is refused with 409.
"""

import hashlib
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, TextField, Value
from django.db.models.functions import Concat
from django.utils import timezone

from annotations import importers, matching
from annotations.importers import chunks as chunk_text
from annotations.models import (
    Claim,
    ClaimKind,
    Conflict,
    Document,
    DocumentChunk,
    Event,
    IngestClient,
    InvalidInput,
    ReferenceFactCheck,
    SpeakerType,
    Workspace,
)
from annotations.models.documents import LIVE_MARK
from annotations.models.events import emit_many, event_for
from annotations.permissions import Action, require
from annotations.services import base_language, store_spoken
from annotations.text import growing, transcripts

APPEND_REFUSED = "Only editors, and the desk's ingest tokens, can append to live documents."
CLOSE_REFUSED = "Only editors, and the desk's ingest tokens, can close live documents."
# A reference fact-check's matching columns, never shown.
_UNREAD = ("match_text", "search_vector", "match_vector")


@dataclass(frozen=True)
class Appended:
    """What an append did: its chunk (the first one's, for a retry), the claims it
    stored (those still there), whether it was a retry, and the text held."""

    document: Document
    chunk: DocumentChunk
    claims: list[Claim]
    replayed: bool


def start_live_document(
    workspace: Workspace,
    *,
    title: str,
    text: str = "",
    speaker: str = "",
    speaker_type: str = "",
    source_url: str = "",
    published: date | None = None,
    language: str = "",
    created_by=None,
) -> Document:
    """A new live document; a first text, if given, is its chunk 0 (split as chunks are)."""
    require(created_by, Action.DOCUMENT_IMPORT, workspace, "Only editors can import documents.")
    title = " ".join((title or "").split())[:300]
    if not title:
        raise InvalidInput("Give the live document a title.", field="title")
    details = {
        "speaker": speaker,
        "speaker_type": speaker_type or SpeakerType.PERSON,
        "source_url": source_url,
        "published": published,
        "language": (language or "en")[:10],
    }
    with transaction.atomic():  # a refused first text leaves no document behind
        return _start(workspace, title, text, created_by, **details)


def _start(workspace, title, text, created_by, **details) -> Document:
    document = Document.objects.create(
        workspace=workspace,
        title=title,
        text="",
        live=True,
        created_by=created_by,
        **details,
    )
    if text.strip():
        append_chunk(document, text, sequence=0, by=created_by)
        document.refresh_from_db()
    return document


def append_chunk(document: Document, text: str, *, sequence: int, by) -> Appended:
    """Append one chunk (see the module's doc). Raises InvalidInput (400) for bad text,
    Conflict (409) for a document that is not live or for a sequence number out of
    order, NotVisible/WorkflowError from the permission map (by=None: the operator's
    command line)."""
    if by is not None:
        require(by, Action.DOCUMENT_APPEND, document, APPEND_REFUSED)
    if not isinstance(sequence, int) or isinstance(sequence, bool) or sequence < 0:
        raise InvalidInput("The sequence number is a whole number, 1 or more.", "sequence")
    try:
        chunk_text.refuse_bad_chunk(text, settings.MAX_CHUNK_CHARS)
    except importers.ImportRefused as refused:
        raise InvalidInput(str(refused), field="text") from None
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    try:
        with transaction.atomic():
            locked = Document.objects.select_for_update().get(pk=document.pk)
            locked.workspace = document.workspace  # loaded with it: the events name it
            replay = _earlier(locked, sequence, digest)
            if replay is not None:
                return _answer(locked, replay, replayed=True)
            added = _words(locked.text, text)
            chunk = DocumentChunk(
                document=locked,
                sequence=sequence,
                start=len(locked.text),
                end=len(locked.text) + len(added),
                sha256=digest,
                **_sender(by),
            )
            locked.text += added
            claims = _split_new(locked, chunk, by, final=False)
            chunk.save()
            return Appended(locked, chunk, claims, replayed=False)
    except IntegrityError:
        # The same number appended by a concurrent request in between (the lock makes
        # this rare: a retry that raced its first attempt). Answer as a retry would.
        locked = Document.objects.get(pk=document.pk)
        replay = _earlier(locked, sequence, digest)
        if replay is None:
            raise
        return _answer(locked, replay, replayed=True)


def close_live_document(document: Document, by) -> Appended | None:
    """End a live document: the held text becomes claims, and the text is immutable from
    now on. Closing a closed document changes nothing (None). by=None: the operator's
    command line."""
    if by is not None:
        require(by, Action.DOCUMENT_APPEND, document, CLOSE_REFUSED)
    with transaction.atomic():
        locked = Document.objects.select_for_update().get(pk=document.pk)
        locked.workspace = document.workspace
        if not locked.live:
            if locked.closed_at is not None:
                return None
            raise Conflict("This document is not live: there is nothing to close.")
        chunk = DocumentChunk(document=locked, sequence=locked.last_sequence, sha256="")
        chunk.start = chunk.end = len(locked.text)
        claims = _split_new(locked, chunk, by, final=True)
        locked.live = False
        locked.closed_at = timezone.now()
        digest = Document.hash_text(locked.text)
        # Ordinary again: its text's digest, unless another document of the desk has
        # this very text (then it keeps its mark; see Document.save).
        taken = Document.objects.filter(workspace_id=locked.workspace_id, text_sha256=digest)
        if not taken.exists():
            locked.text_sha256 = digest
        Document.objects.filter(pk=locked.pk).update(
            live=False, closed_at=locked.closed_at, text_sha256=locked.text_sha256
        )
        return Appended(locked, chunk, claims, replayed=False)


def _earlier(document: Document, sequence: int, digest: str) -> DocumentChunk | None:
    """The chunk already appended under this number when it has the same text; raise
    Conflict when the document is not live, for a gap, or for other text."""
    expected = document.last_sequence + 1
    if sequence < expected:
        earlier = DocumentChunk.objects.filter(document=document, sequence=sequence).first()
        if earlier is not None and earlier.sha256 == digest:
            return earlier
        if earlier is not None:
            raise Conflict(
                f"Chunk {sequence} was appended already with other text; the next chunk "
                f"is {expected}."
            )
    if not document.live:
        if document.closed_at is not None:
            raise Conflict("This live document was closed: its text can no longer change.")
        raise Conflict("This document is not live: only live documents take chunks.")
    if sequence == 0 and document.last_sequence == 0 and not document.text:
        return None  # the first text of a document started live
    if sequence != expected:
        raise Conflict(
            f"Chunk {sequence} is out of order: the document has chunks up to "
            f"{document.last_sequence}, so the next one is {expected}. Send the missing "
            "chunks first."
        )
    return None


def _words(existing: str, text: str) -> str:
    try:
        added = chunk_text.joined(existing, text)
    except importers.ImportRefused as refused:
        raise InvalidInput(str(refused), field="text") from None
    if len(existing) + len(added) > settings.MAX_DOCUMENT_CHARS:
        raise InvalidInput(
            f"The document would have {len(existing) + len(added):,} characters; the limit "
            f"is {settings.MAX_DOCUMENT_CHARS:,}. Close it and go on in a new live document.",
            field="text",
        )
    return added


def _sender(by) -> dict:
    if isinstance(by, IngestClient):
        return {"sent_by_token": by.token.name}
    return {"appended_by": by}


def _split_new(document: Document, chunk: DocumentChunk, by, *, final: bool) -> list[Claim]:
    """Split, store, match and announce the claims of the text not split yet; hold an
    unfinished last sentence unless `final`. Writes the document's text and state."""
    lang = base_language(document.language)
    spoken = transcripts.split(document.text, lang, start=document.held_from, consistent=False)
    ready, held_from = growing.settled(document.text, spoken, lang)
    if final:
        ready, held_from = len(spoken), len(document.text)
    elif held_from < 0:
        held_from = document.held_from  # nothing to split yet: the text waits whole
    # A reader may have made a claim of words held meanwhile (a selection): one span,
    # one claim, so the splitter's segment there is not stored again.
    taken = set(
        Claim.objects.filter(document=document, start__gte=document.held_from).values_list(
            "start", "end"
        )
    )
    spoken = [s for s in spoken[:ready] if (s.segment.start, s.segment.end) not in taken]
    now = timezone.now()
    stored, ids = store_spoken(document, spoken, lang, created_at=now) if spoken else ([], [])
    document.held_from = held_from
    document.last_sequence = max(document.last_sequence, chunk.sequence)
    added = document.text[chunk.start :]
    Document.objects.filter(pk=document.pk).update(
        # Added at the end by the database: what is stored is never written again.
        text=Concat(F("text"), Value(added), output_field=TextField()) if added else F("text"),
        held_from=held_from,
        last_sequence=document.last_sequence,
    )
    if not ids:
        return []
    if matching.mark_prior_verdicts(document, claim_ids=ids):
        marked = Claim.objects.filter(pk__in=ids, prior_verdict__isnull=False)
        priors = {
            pk: (verdict, score)
            for pk, verdict, score in marked.values_list("pk", "prior_verdict", "prior_similarity")
        }
    else:
        priors = {}
    references = matching.mark_references(
        document,
        {
            pk: item.text
            for pk, item in zip(ids, stored, strict=True)
            if item.kind != ClaimKind.HEADING
        },
    )
    found = (
        ReferenceFactCheck.objects.defer(*_UNREAD).in_bulk({r for r, _ in references.values()})
        if references
        else {}
    )
    first = document.next_claim_number - len(ids)
    chunk.first_number, chunk.claims = first, len(ids)
    numbers = _numbers(stored, first)
    claims = [
        Claim(
            pk=pk,
            document=document,
            number=number,
            start=item.start,
            end=item.end,
            kind=item.kind,
            text=item.text,
            speaker=item.speaker or document.speaker,
            spoken_at=item.spoken_at,
            checkworthiness=item.checkworthiness,
            prior_verdict_id=priors.get(pk, (None, None))[0],
            prior_similarity=priors.get(pk, (None, None))[1],
            prior_reference_id=references.get(pk, (None, None))[0],
            prior_reference_similarity=references.get(pk, (None, None))[1],
            created_at=now,
        )
        for pk, number, item in zip(ids, numbers, stored, strict=True)
    ]
    for claim in claims:
        claim.prior_reference = found.get(claim.prior_reference_id)
    _announce(claims, by)
    return claims


def _numbers(stored, first: int) -> list[int]:
    """The numbers insert_claims gave: in reading order from `first`."""
    order = sorted(range(len(stored)), key=lambda i: (stored[i].start, stored[i].end))
    numbers = [0] * len(stored)
    for number, index in enumerate(order, start=first):
        numbers[index] = number
    return numbers


def _announce(claims: list[Claim], by) -> None:
    """One claim.created event a claim, in one INSERT, heard after the commit."""
    user = None if isinstance(by, IngestClient) else by
    name = by.get_username() if by is not None else ""
    emit_many(
        [
            event_for(
                Event.Kind.CLAIM_CREATED,
                claim=claim,
                actor=user,
                data={
                    "start": claim.start,
                    "end": claim.end,
                    "kind": claim.kind,
                    "actor_name": name,
                    **_marks(claim),
                },
            )
            for claim in claims
        ]
    )


def _marks(claim: Claim) -> dict:
    """What a new claim's event says of its "checked before" marks, where it has any."""
    marks = {}
    if claim.prior_verdict_id is not None:
        marks["prior_verdict"] = claim.prior_verdict_id
    reference = claim.prior_reference
    if reference is not None:
        marks["reference"] = {
            "id": reference.pk,
            "publisher": reference.publisher,
            "rating": reference.rating,
            "score": claim.prior_reference_similarity,
        }
    return marks


def _answer(document: Document, chunk: DocumentChunk, *, replayed: bool) -> Appended:
    claims = []
    if chunk.claims:
        numbers = range(chunk.first_number, chunk.first_number + chunk.claims)
        claims = list(
            Claim.objects.filter(document=document, number__in=numbers)
            .select_related("prior_reference")
            .defer(*(f"prior_reference__{name}" for name in _UNREAD))
        )
    return Appended(document, chunk, claims, replayed=replayed)


def held_text(document: Document) -> str:
    """The unfinished end of a live document's text, waiting for the next chunk."""
    return document.text[document.held_from :].strip() if document.live else ""


__all__ = [
    "LIVE_MARK",
    "Appended",
    "append_chunk",
    "close_live_document",
    "held_text",
    "start_live_document",
]
