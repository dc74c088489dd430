"""Which format an upload is: file signatures, then the name, then the content type."""

from __future__ import annotations

import os

from .common import SUPPORTED, ImportRefused

_EXTENSIONS = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".htm": "html",
    ".html": "html",
    ".xhtml": "html",
    ".docx": "docx",
    ".pdf": "pdf",
}
_CONTENT_TYPES = {
    "text/plain": "text",
    "text/markdown": "markdown",
    "text/x-markdown": "markdown",
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/pdf": "pdf",
}
# Sent by browsers and HTTP clients that do not know the type: no information.
_GENERIC_CONTENT_TYPES = {
    "",
    "application/octet-stream",
    "binary/octet-stream",
    "application/unknown",
}

_OCR_ADVICE = "To import a scan, run OCR first and upload the resulting PDF or text."
_ARCHIVE_ADVICE = "Take the document out of the archive and upload it."
_SAVE_AS_ADVICE = "Open it in a word processor, save it as .docx or PDF and upload that."
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image", _OCR_ADVICE),
    (b"\xff\xd8\xff", "a JPEG image", _OCR_ADVICE),
    (b"GIF87a", "a GIF image", _OCR_ADVICE),
    (b"GIF89a", "a GIF image", _OCR_ADVICE),
    (b"II*\x00", "a TIFF image", _OCR_ADVICE),
    (b"MM\x00*", "a TIFF image", _OCR_ADVICE),
    (b"\x1f\x8b", "a gzip archive", _ARCHIVE_ADVICE),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive", _ARCHIVE_ADVICE),
    (b"Rar!\x1a\x07", "a RAR archive", _ARCHIVE_ADVICE),
    (b"\xfd7zXZ\x00", "an xz archive", _ARCHIVE_ADVICE),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old-style Office file (.doc)", _SAVE_AS_ADVICE),
    (b"{\\rtf", "an RTF file", _SAVE_AS_ADVICE),
)


def detect_format(data: bytes, filename: str | None, mime: str, name: str) -> str | None:
    """Return the format to parse `data` as, or None when text must be sniffed."""
    head = data[:1024]
    if head.lstrip().startswith(b"%PDF-"):
        return "pdf"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "docx"  # docx_text refuses ZIP files that are not Word documents
    for signature, what, advice in _SIGNATURES:
        if head.startswith(signature):
            raise ImportRefused(f"{name} is {what}, not a text document. {advice}", "binary")
    extension = _extension(filename)
    declared = _EXTENSIONS.get(extension) or _CONTENT_TYPES.get(mime)
    if declared in ("pdf", "docx"):
        label = "PDF" if declared == "pdf" else "Word (.docx)"
        raise ImportRefused(
            f"{name} is not a {label} file, whatever its name says; it may be damaged. "
            "Open it, save a fresh copy and upload that.",
            "damaged",
        )
    if declared:
        return declared
    if extension or mime not in _GENERIC_CONTENT_TYPES:
        raise ImportRefused(
            f"{name} has a file type that cannot be imported ({extension or mime}). "
            f"Upload {SUPPORTED}.",
            "unsupported",
        )
    return None


def _extension(filename: str | None) -> str:
    base = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    return os.path.splitext(base)[1].lower()


def display_name(filename: str | None) -> str:
    base = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return f'"{base}"' if base else "The file"


def parse_content_type(content_type: str | None) -> tuple[str, str]:
    """Return (media type, charset) from a Content-Type value, both lower case or ""."""
    mime, *params = (content_type or "").split(";")
    charset = ""
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'").lower()
    return mime.strip().lower(), charset


def looks_like_html(text: str) -> bool:
    head = text[:1024].lstrip().lower()
    return head.startswith(("<!doctype html", "<html")) or (
        head.startswith("<?xml") and "<html" in head
    )
