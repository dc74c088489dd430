"""Export formats: one module per format, registered here by the names that the document
page, the API and `manage.py export_document` share (DESIGN.md).

Every exporter has `export(document, user, *, include_approved=False)` returning bytes, or
an iterator of bytes chunks for the formats that stream (csv, json). Two families:

- public formats (html, pdf, md, claimreview): what a reader of the published report sees,
  the same for everyone: published verdicts and their correction history, plus approved
  work without a verdict when `include_approved` is set. `user` is not consulted; the
  caller has checked that the user may read the document.
- member formats (csv, json, w3c): what `user` may read under the permission map (blind
  workspaces, hidden items); `user=None` means the system (the management command), which
  sees what an editor sees. Only an editor's json carries hidden items, marked hidden.

Module names avoid shadowing the standard library (`csv_export`, `json_export`).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from asgiref.sync import sync_to_async
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header
from django.utils.text import slugify

from annotations.exports import claimreview, csv_export, html, json_export, md, pdf, w3c

_END = object()


# Under ASGI, chunks are read in the request's thread until they make this many bytes,
# then sent: each pass to the thread and back waits for the event loop, which a busy
# server makes slow, so a 300 KB export goes in three passes rather than a dozen.
SEND_BYTES = 128 * 1024


def _read_some(chunks) -> bytes | object:
    """The next chunks of an iterator, joined, up to about SEND_BYTES; _END after the last."""
    gathered, size = [], 0
    for chunk in chunks:
        gathered.append(chunk)
        size += len(chunk)
        if size >= SEND_BYTES:
            break
    return b"".join(gathered) if gathered else _END


class ExportResponse(StreamingHttpResponse):
    """A streamed export: its chunks come from a synchronous iterator that reads the
    database. A WSGI server (and the test client) iterates it as it is; under ASGI the
    chunks are read in the request's thread, about SEND_BYTES at a time, and sent as they
    come, where Django's own response would read the whole export into memory first
    (and warn)."""

    async def __aiter__(self):
        chunks = iter(self.streaming_content)
        read = sync_to_async(_read_some, thread_sensitive=True)
        while (chunk := await read(chunks)) is not _END:
            yield chunk


@dataclass(frozen=True)
class Exporter:
    name: str
    content_type: str
    extension: str
    export: Callable[..., bytes | Iterable[bytes]]
    public: bool  # True: the published report's content; False: the member's view
    streams: bool  # True: export() returns an iterator of bytes chunks
    label: str  # what the pages call it

    @property
    def background(self) -> bool:
        """Made by a background job: rendering takes seconds for a long document."""
        return self.name == "pdf"

    def response(self, document, user, *, include_approved=False) -> HttpResponse:
        """The export as a download, for the pages and the API alike: streamed when the
        format streams, never cached for anyone else (member formats carry what this user
        may see)."""
        result = self.export(document, user, include_approved=include_approved)
        if isinstance(result, bytes):
            response = HttpResponse(result, content_type=self.content_type)
        else:
            response = ExportResponse(result, content_type=self.content_type)
        response["Content-Disposition"] = content_disposition_header(True, self.filename(document))
        response["Cache-Control"] = "private, no-store"
        return response

    def filename(self, document) -> str:
        """One name per document and format, whichever path made the file: the two
        JSON-LD formats are told apart by their names."""
        stem = f"{slugify(document.title)[:60] or 'document'}-{document.pk}"
        if self.extension == "jsonld":
            return f"{stem}.{self.name}.jsonld"
        return f"{stem}.{self.extension}"

    def render(self, document, user, *, include_approved=False) -> bytes:
        """The whole export as bytes (joins the chunks of a streaming format)."""
        result = self.export(document, user, include_approved=include_approved)
        return result if isinstance(result, bytes) else b"".join(result)


FORMATS: dict[str, Exporter] = {
    exporter.name: exporter
    for exporter in [
        Exporter("html", "text/html; charset=utf-8", "html", html.export, True, False, "HTML"),
        Exporter("pdf", "application/pdf", "pdf", pdf.export, True, False, "PDF"),
        Exporter("md", "text/markdown; charset=utf-8", "md", md.export, True, False, "Markdown"),
        Exporter("csv", "text/csv; charset=utf-8", "csv", csv_export.export, False, True, "CSV"),
        Exporter("json", "application/json", "json", json_export.export, False, True, "JSON"),
        Exporter(
            "claimreview",
            "application/ld+json",
            "jsonld",
            claimreview.export,
            True,
            False,
            "ClaimReview",
        ),
        Exporter(
            "w3c", "application/ld+json", "jsonld", w3c.export, False, False, "W3C annotations"
        ),
    ]
}

# How a query string asks for approved work in the public formats.
TRUE_VALUES = frozenset({"1", "true", "True", "on"})
