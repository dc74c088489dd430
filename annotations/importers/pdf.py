"""PDF: pypdf opens the file (refusing what needs a password) and reads its metadata;
`pdf_layout` rebuilds the text's structure from the page layout."""

from __future__ import annotations

import io

import pypdf
import pypdf.errors

from .common import ImportRefused
from .pdf_layout import layout_text


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
    text = layout_text(data)
    if not text.strip():
        raise ImportRefused(
            f"{name} has no text layer; run OCR first (for example with OCRmyPDF or your "
            "scanner's software) and upload the resulting PDF.",
            "no_text_layer",
        )
    return text, _pdf_meta(reader)


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
