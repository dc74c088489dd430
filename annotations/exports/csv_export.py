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
respected, see loading.Viewer).
"""

import csv
import io
from collections.abc import Iterator

from annotations.exports.loading import member_claims, viewer_for
from annotations.exports.report import is_http_url

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
]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ROWS_PER_CHUNK = 200


def neutralise(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_START) else value


def claim_state(claim, verdict, annotations) -> str:
    """Claim.state's rule, applied to rows already loaded (hidden work does not count)."""
    if verdict is not None:
        return "published"
    visible = [a for a in annotations if not a.hidden]
    if any(a.status == "approved" for a in visible):
        return "approved"
    return "in_progress" if visible else "unchecked"


def rows(document, viewer) -> Iterator[list]:
    for claim in member_claims(document, comments=False, flags=False):
        annotations = claim.annotation_list
        verdict = next(
            (v for v in claim.verdict_list if v.is_current and v.retracted_at is None), None
        )
        # Hidden work stays out even for editors: only their json carries it.
        seen = [a for a in annotations if not a.hidden and viewer.sees_annotation(a)]
        if verdict is not None:
            urls = [s.get("url") for s in verdict.sources or [] if isinstance(s, dict)]
        else:
            urls = [s.url for a in seen for s in a.source_list]
        urls = list(dict.fromkeys(u.strip() for u in urls if is_http_url(u)))
        yield [
            claim.pk,
            claim.start,
            claim.end,
            neutralise(claim.text),
            claim.kind,
            claim.checkworthiness,
            claim_state(claim, verdict, annotations),
            neutralise(verdict.rating.label) if verdict else "",
            neutralise(verdict.summary) if verdict else "",
            neutralise("\n".join(urls)),
            neutralise("\n".join(dict.fromkeys(a.author.get_username() for a in seen))),
        ]


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
