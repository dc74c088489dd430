"""Bytes of an uploaded file -> normalised plain text plus a little metadata.

The entry points `import_file` and `import_text` live here; format detection is in
`detect`, each format's parser in `plain` (text, Markdown), `html`, `docx` and `pdf`,
and what they share in `common`.

Pure module: no Django. The caller passes limits in and turns `ImportRefused` into a form
or API error; its message is written for the person who uploaded the file.

Every path (file upload, pasted text, JSON) stores `normalise_text()` output, and claim
offsets refer to that stored text.

The text keeps just enough structure for the splitter, whatever the source format:

- headings are single lines `# Heading` … `###### Heading` (one mark per level, one space);
- list items are single lines `- item` or `1. item`; nested lists are flattened;
- other blocks (paragraphs, table cells, quotes, code) are separated by one blank line,
  consecutive list items by a single newline.

Decisions worth knowing:

- NUL and other C0 controls: a file in which more than one character, and more than 1 % of
  the characters, are C0 controls (other than tab, newline, carriage return, vertical tab
  and form feed) is refused as binary. Below that, the stray controls, NUL included, are
  removed by `normalise_text` like in pasted text, because PostgreSQL cannot store NUL.
- Format detection: file signatures (PDF, ZIP, images, archives) win over the name, so a
  PNG called `speech.txt` is refused as an image; then the file name extension, then the
  content type; with neither, the text is sniffed as HTML or plain text (never Markdown).
- Markdown is parsed with markdown-it-py (CommonMark plus tables and strikethrough):
  emphasis, links and inline code lose their markup, images are dropped, code blocks are
  kept verbatim with their fence lines (so a `# comment` inside code stays recognisably
  code; HTML <pre> blocks get the same fences), soft line breaks inside a paragraph become
  spaces, HTML blocks keep only their text, and a YAML front matter block supplies
  metadata.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable

from .common import FORMATS, Extracted, ImportedText, ImportRefused, normalise_text, one_line
from .detect import detect_format, display_name, looks_like_html, parse_content_type
from .docx import docx_text
from .html import html_text
from .pdf import pdf_text
from .plain import decode, html_meta_charset, markdown_text

__all__ = [
    "FORMATS",
    "ImportRefused",
    "ImportedText",
    "import_file",
    "import_text",
    "normalise_text",
]


def import_file(
    data: bytes,
    filename: str | None = None,
    content_type: str | None = None,
    *,
    max_chars: int = 2_000_000,
) -> ImportedText:
    """Extract the normalised text and metadata of an uploaded file.

    Raises `ImportRefused` for empty, binary, undecodable, damaged, encrypted or unknown
    files, PDFs without a text layer, and texts longer than `max_chars` (counted after
    normalisation, in code points).
    """
    name = display_name(filename)
    mime, charset = parse_content_type(content_type)
    if not data.strip():
        raise ImportRefused(f"{name} is empty. Choose the file that holds the document.", "empty")
    fmt = detect_format(data, filename, mime, name)
    if fmt == "pdf":
        text, meta = _guarded(lambda: pdf_text(data, name), name, "a PDF")
    elif fmt == "docx":
        text, meta = _guarded(lambda: docx_text(data, name), name, "a Word document")
    else:
        decoded = decode(data, name, charset or html_meta_charset(data, fmt))
        if fmt is None:
            fmt = "html" if looks_like_html(decoded) else "text"
        if fmt == "html":
            text, meta = _guarded(lambda: html_text(decoded), name, "HTML")
        elif fmt == "markdown":
            text, meta = _guarded(lambda: markdown_text(decoded), name, "Markdown")
        else:
            text, meta = decoded, {}
    return _finish(text, fmt, name, max_chars, meta)


def import_text(
    text: str, *, as_markdown: bool = False, max_chars: int = 2_000_000
) -> ImportedText:
    """Import pasted text (or text sent as JSON) with the same checks as a file."""
    name = "The text"
    if as_markdown:
        converted, meta = markdown_text(text)
        return _finish(converted, "markdown", name, max_chars, meta)
    return _finish(text, "text", name, max_chars, {})


def _finish(text: str, fmt: str, name: str, max_chars: int, meta: dict[str, str]) -> ImportedText:
    text = normalise_text(text)
    if not text:
        where = " (scripts, menus and page furniture are left out)" if fmt == "html" else ""
        raise ImportRefused(
            f"{name} contains no text to import{where}. Check that you chose the right file.",
            "empty",
        )
    if len(text) > max_chars:
        raise ImportRefused(
            f"{name} has {len(text):,} characters; the limit is {max_chars:,}. "
            "Split the document into parts and import them one by one.",
            "too_long",
        )
    return ImportedText(
        text=text,
        format=fmt,
        title=_clean_title(meta.get("title")),
        author=_clean_author(meta.get("author")),
        published=_clean_date(meta.get("published")),
        language=_clean_language(meta.get("language")),
        source_url=_clean_url(meta.get("source_url")),
    )


def _guarded(extract: Callable[[], Extracted], name: str, label: str) -> Extracted:
    """Run a parser; turn its many kinds of failure on malformed input into one message."""
    try:
        return extract()
    except ImportRefused:
        raise
    except Exception as error:  # parsers raise KeyError, lxml, zip and own errors alike
        raise ImportRefused(
            f"{name} could not be read as {label}; it may be damaged. "
            "Open it, save a fresh copy and upload that.",
            "damaged",
        ) from error


_JUNK_TITLE = re.compile(
    r"^(microsoft (word|powerpoint) - |untitled$|\(?anonymous\)?$)|\.(docx?|pdf|odt|rtf)$", re.I
)


def _clean_title(title: str | None) -> str:
    title = one_line(normalise_text(title or ""))
    return "" if _JUNK_TITLE.search(title) else title


# Authors that name the program or template that wrote the file, or a default account,
# not the person who spoke or wrote: Word's "Microsoft Office User" and "Normal.dotm",
# python-docx's "python-docx", LibreOffice and the like.
_JUNK_AUTHOR = re.compile(
    r"^(?:python-docx|docx4j|apache poi|aspose\b.*|pandoc|google docs|"
    r"(?:microsoft )?(?:office|windows) user|microsoft (?:word|office)\b.*|"
    r"(?:libre|open)office(?:\.org)?\b.*|writer|word|admin(?:istrator)?|user|owner|"
    r"author|unknown|\(?anonymous\)?|default|.*\.(?:dotm|dotx|dot|ott))$",
    re.I,
)


def _clean_author(author: str | None) -> str:
    author = one_line(normalise_text(author or ""))
    return "" if _JUNK_AUTHOR.match(author) else author


def _clean_date(value: str | None) -> str:
    try:
        return datetime.date.fromisoformat((value or "").strip()[:10]).isoformat()
    except ValueError:
        return ""


_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")


def _clean_language(value: str | None) -> str:
    tag = (value or "").strip().replace("_", "-")
    return tag if _LANGUAGE_TAG.fullmatch(tag) else ""


def _clean_url(value: str | None) -> str:
    url = (value or "").strip()
    return url if re.match(r"https?://[^\s/]+", url, re.I) and not re.search(r"\s", url) else ""
