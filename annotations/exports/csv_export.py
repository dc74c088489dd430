"""One row per claim, for spreadsheets and scripts, streamed in chunks.

The file is UTF-8 with a byte-order mark: Excel reads BOM-less UTF-8 as the local code
page and garbles every accent; LibreOffice, pandas (encoding="utf-8-sig") and Python's
csv module cope with the mark. Rows end in CRLF (RFC 4180).

Cells a spreadsheet would run as a formula (text starting with =, +, -, @, tab or CR) get
a leading apostrophe, OWASP's advice: the cell then shows as text. Numbers we write
ourselves (ids, offsets, scores) are left as numbers.

Columns: the published verdict (current, not retracted) and its snapshotted sources when
there is one; otherwise the sources of the annotations the user may see. `annotators`
lists the authors of the annotations the user may see (blind workspaces and hidden work
respected, see permissions.Viewer).
"""

import csv
import io
from collections import defaultdict
from collections.abc import Iterator
from typing import NamedTuple

from django.db.models import Q

from annotations.exports.loading import CHUNK_SIZE
from annotations.exports.report import is_http_url
from annotations.models import Annotation, Claim, Source, Verdict
from annotations.permissions import viewer_for

HEADER = [
    "id",
    "start",
    "end",
    "text",
    "kind",
    "checkworthiness",
    "state",
    "verdict_rating",
    "verdict_summary",
    "sources",
    "annotators",
    "speaker",
    "spoken_at",
    "number",  # the claim's stored number, as pages and reports show it (last: added later)
]
# What each row reads of its claim, in the order rows() unpacks it.
CLAIM_COLUMNS = (
    "id", "start", "end", "text", "kind", "checkworthiness", "speaker", "spoken_at", "number"
)  # fmt: skip
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ROWS_PER_CHUNK = 200


def neutralise(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_START) else value


def claim_state(verdict, annotations) -> str:
    """Claim.state's rule, applied to the loaded rows that count for the viewer."""
    if verdict is not None:
        return "published"
    if any(a.status == "approved" for a in annotations):
        return "approved"
    return "in_progress" if annotations else "unchecked"


class AnnotationRow(NamedTuple):
    """What the CSV needs of an annotation; enough for Viewer.sees_annotation."""

    claim_id: int
    id: int
    author_id: int
    username: str
    hidden: bool
    status: str


def rows(document, viewer) -> Iterator[list]:
    """The rows, claim by claim in text order. Plain rows rather than model instances
    (a CSV of a long document has thousands), read in chunks of CHUNK_SIZE claims, each
    chunk after the last claim of the one before (no offsets, so a claim added meanwhile
    is neither repeated nor skipped). Queries per chunk: claims, annotations with their
    authors' names, sources, verdicts."""
    claims = Claim.objects.filter(document=document).order_by("start", "end", "id")
    after = None
    while True:
        window = claims
        if after is not None:
            start, end, pk = after
            window = window.filter(
                Q(start__gt=start)
                | Q(start=start, end__gt=end)
                | Q(start=start, end=end, id__gt=pk)
            )
        window = window[:CHUNK_SIZE]
        chunk = list(window.values_list(*CLAIM_COLUMNS))
        if not chunk:
            return
        in_chunk = window.values("id")
        annotations = defaultdict(list)
        for row in (
            # The document named too: with the chunk alone, PostgreSQL may hash the chunk
            # and read every annotation of the database against it.
            Annotation.objects.filter(claim__document=document, claim_id__in=in_chunk)
            .order_by("created_at", "id")
            .values_list("claim_id", "id", "author_id", "author__username", "hidden", "status")
        ):
            annotations[row[0]].append(AnnotationRow(*row))
        sources = defaultdict(list)
        for annotation_id, url in (
            Source.objects.filter(annotation__claim_id__in=in_chunk)
            .order_by("position", "id")
            .values_list("annotation_id", "url")
        ):
            sources[annotation_id].append(url)
        verdicts = {
            claim_id: (label, summary, snapshot)
            for claim_id, label, summary, snapshot in Verdict.objects.filter(
                claim_id__in=in_chunk, is_current=True, retracted_at__isnull=True
            ).values_list("claim_id", "rating__label", "summary", "sources")
        }
        # Hidden work stays out even for editors (only their json carries it), and the
        # state comes from the same rows, so a blind annotator's column leaks nothing.
        for pk, start, end, text, kind, checkworthiness, speaker, spoken_at, number in chunk:
            of_claim = annotations.get(pk, ())
            verdict = verdicts.get(pk)
            seen = viewer.unhidden_on(pk, of_claim) if of_claim else ()
            if verdict is not None:
                urls = [s.get("url") for s in verdict[2] or [] if isinstance(s, dict)]
            else:
                urls = [url for a in seen for url in sources.get(a.id, ())]
            if urls:
                urls = list(dict.fromkeys(u.strip() for u in urls if is_http_url(u)))
            yield [
                pk,
                start,
                end,
                neutralise(text),
                kind,
                round(checkworthiness, 3),
                claim_state(verdict, seen),
                neutralise(verdict[0]) if verdict else "",
                neutralise(verdict[1]) if verdict else "",
                neutralise("\n".join(urls)),
                neutralise("\n".join(dict.fromkeys(a.username for a in seen))),
                neutralise(speaker or document.speaker),
                "" if spoken_at is None else spoken_at,
                number,
            ]
        if len(chunk) < CHUNK_SIZE:
            return
        last = chunk[-1]
        after = (last[1], last[2], last[0])


def export(document, user=None, *, include_approved=False) -> Iterator[bytes]:
    # Checked now, not when the first chunk is asked for: a refusal must come before a
    # streaming response has sent its headers.
    return _stream(document, viewer_for(user, document))


def _stream(document, viewer) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(HEADER)
    chunk = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    yield chunk.encode("utf-8")
    for i, row in enumerate(rows(document, viewer), start=1):
        writer.writerow(row)
        if i % ROWS_PER_CHUNK == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")
