"""PDF: the text layer of each page, dehyphenated, and the document's metadata."""

from __future__ import annotations

import io
import re

import pypdf
import pypdf.errors

from .common import ImportRefused

# A letter, a hyphen (or soft hyphen) at the line end, a letter on the next line.
_LINE_END_HYPHEN = re.compile(r"([^\W\d_])[-\u00ad]\n([^\W\d_])")


def pdf_text(data: bytes, name: str) -> tuple[str, dict[str, str]]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")  # many PDFs only restrict printing or copying
        except pypdf.errors.DependencyError:
            opened = False
        if not opened:
            raise ImportRefused(
                f"{name} is protected by a password. Open it, save a copy without the "
                "password (for example by printing to PDF) and upload that.",
                "encrypted",
            )
    pages = [_dehyphenate(page.extract_text() or "").strip() for page in reader.pages]
    if not any(pages):
        raise ImportRefused(
            f"{name} has no text layer; run OCR first (for example with OCRmyPDF or your "
            "scanner's software) and upload the resulting PDF.",
            "no_text_layer",
        )
    return "\n\n".join(page for page in pages if page), _pdf_meta(reader)


def _dehyphenate(text: str) -> str:
    """Join words broken at a line end: "frac-\\ntion" -> "fraction".

    Only when the next line goes on in lower case, so "Nord-\\nSüd" and "well-\\nKnown"
    keep their hyphen and line break. A compound broken at its own hyphen ("well-\\nknown")
    loses the hyphen: without a dictionary the two cases look the same.
    """

    def join(match: re.Match[str]) -> str:
        before, after = match[1], match[2]
        return before + after if after.islower() else match[0]

    return _LINE_END_HYPHEN.sub(join, text)


def _pdf_meta(reader: pypdf.PdfReader) -> dict[str, str]:
    try:  # metadata is optional; a broken info dictionary must not block the import
        info = reader.metadata
        language = reader.root_object.get("/Lang")
        return {
            "title": str(info.title or "") if info else "",
            "author": str(info.author or "") if info else "",
            "language": str(language.get_object()) if language is not None else "",
        }
    except Exception:
        return {}
