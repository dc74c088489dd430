"""A chunk of a live transcript -> the text appended to the document. Pure module.

A chunk is normalised as an imported text is (`normalise_text`: line breaks, controls,
NFC, trailing spaces of lines), except at its edges: a chunk may end in the middle of a
sentence or a word, so the whitespace around it is kept, as one space or as its line
breaks (at most a blank line and a half, as normalise_text allows), and what the
document already ends with is not written twice.
"""

from __future__ import annotations

import re

from .common import ImportRefused, normalise_text
from .detect import detect_format, looks_like_html
from .plain import decode

__all__ = ["chunk_from_bytes", "joined", "refuse_bad_chunk"]

NAME = "The chunk"
# Markup no transcript holds: a page or a script sent by mistake (or on purpose).
_MARKUP = re.compile(
    r"<\s*/?\s*(script|style|iframe|object|embed|html|head|body|svg|form)\b", re.IGNORECASE
)
_EDGE = re.compile(r"\A(\s*)(.*?)(\s*)\Z", re.DOTALL)


def chunk_from_bytes(data: bytes, filename: str | None = None) -> str:
    """A chunk sent as a file: UTF-8 (or with a BOM) text; images, archives, PDFs and
    other binary data, and text in another encoding, refused with a message."""
    if not data.strip():
        raise ImportRefused(f"{NAME} is empty: send the transcript's next words.", "empty")
    # Refuses images and archives; a PDF or Word file is a document, not a chunk.
    found = detect_format(data, filename, "", NAME)
    if found in ("pdf", "docx"):
        kind = "a PDF" if found == "pdf" else "a Word document"
        raise ImportRefused(
            f"{NAME} is {kind}, not plain text. Send the transcript's words as UTF-8 text.",
            "unsupported",
        )
    return decode(data, NAME, "")


def refuse_bad_chunk(text: str, max_chars: int) -> None:
    """Refuse what no transcript chunk is: empty, NUL bytes (binary data), HTML, too long."""
    if "\x00" in text:
        raise ImportRefused(
            f"{NAME} contains NUL bytes, so it is binary data, not text. Send the "
            "transcript as UTF-8 text.",
            "binary",
        )
    if not text.strip():
        raise ImportRefused(f"{NAME} is empty: send the transcript's next words.", "empty")
    if looks_like_html(text) or (found := _MARKUP.search(text)):
        tag = found.group(1).lower() if not looks_like_html(text) else "html"
        raise ImportRefused(
            f"{NAME} contains HTML markup (<{tag}>). A transcript chunk is plain text: "
            "send the spoken words only.",
            "markup",
        )
    if len(text) > max_chars:
        raise ImportRefused(
            f"{NAME} has {len(text):,} characters; the limit is {max_chars:,}. Send it "
            "as several chunks.",
            "too_long",
        )


def joined(existing: str, chunk: str) -> str:
    """What to add to `existing` (a live document's text) for `chunk`: its words
    normalised, the whitespace at its edges kept (see the module's doc)."""
    lead, words, trail = _EDGE.match(chunk).groups()
    words = normalise_text(words)
    if not words:
        raise ImportRefused(f"{NAME} holds no text once control characters are removed.", "empty")
    before = _gap(lead) if existing else ""
    if before and existing[-1:].isspace():
        # The document ends with whitespace already: add only the line breaks it lacks.
        have = existing[len(existing.rstrip()) :].count("\n")
        before = "\n" * max(0, before.count("\n") - have)
    return before + words + _gap(trail)


def _gap(space: str) -> str:
    breaks = len(re.findall("\r\n?|[\n\x0b\x0c\x85\u2028\u2029]", space))
    if breaks:
        return "\n" * min(breaks, 3)
    return " " if space else ""
