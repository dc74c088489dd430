"""Bytes of an uploaded file -> normalised plain text plus a little metadata.

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

import codecs
import datetime
import io
import os
import re
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass

import docx
import docx.table
import lxml.etree
import lxml.html
import pypdf
import pypdf.errors
import trafilatura
import trafilatura.settings
from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

FORMATS = ("text", "markdown", "html", "docx", "pdf")

# What each format's parser returns: text before normalisation, and metadata.
_Extracted = tuple[str, dict[str, str]]

_SUPPORTED = "plain text (.txt), Markdown (.md), HTML (.html), Word (.docx) or PDF (.pdf)"


class ImportRefused(ValueError):
    """The file cannot be imported; the message tells the user what to do instead.

    `code` names the reason for API clients: `empty`, `binary`, `encoding`, `unsupported`,
    `damaged`, `encrypted`, `no_text_layer`, `too_long` or `no_claims` (nothing in the text
    to split into claims: only rules, bullets or punctuation). `field` names the form or
    API field to blame when it is not the file or text itself (a metadata field).
    """

    def __init__(self, message: str, code: str, field: str | None = None):
        super().__init__(message)
        self.code = code
        self.field = field


@dataclass(frozen=True)
class ImportedText:
    """The normalised text of an imported document and what the file says about itself.

    Metadata fields are "" when the file does not say:
    `title` (HTML: og:title and similar metadata, else a page's only <h1>, else <title>
    without the site name, by trafilatura's rules; DOCX/PDF document title; Markdown front
    matter title or first level-1 heading), `author` (DOCX/PDF author, HTML meta author, front
    matter), `published` (ISO date YYYY-MM-DD; HTML publication metadata or front
    matter only, never a file's creation date), `language` (a language tag such as "de"
    or "en-GB": HTML lang, DOCX core property, PDF /Lang, front matter), `source_url`
    (http(s) only: HTML canonical or og:url, front matter).
    """

    text: str
    format: str
    title: str = ""
    author: str = ""
    published: str = ""
    language: str = ""
    source_url: str = ""


# --- normalisation ---------------------------------------------------------------------

_LINE_BREAKS = re.compile("\r\n?|[\x0b\x85\u2028]")
_PAGE_BREAKS = re.compile("[\x0c\u2029]")
# C0 controls except tab and newline, DEL, C1 controls, and stray byte-order marks.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff]")
_SURROGATES = re.compile("[\ud800-\udfff]")
_BLANK_LINE_RUNS = re.compile(r"\n{4,}")


def normalise_text(text: str) -> str:
    """Return the stored form of `text`: the same for uploads, pasted text and JSON.

    Line breaks become \\n (vertical tab, NEL and U+2028 too); form feeds and U+2029 become
    a blank line (a page or paragraph break); other control characters and byte-order
    marks are removed; lone surrogates (possible in JSON) become U+FFFD; Unicode NFC;
    trailing whitespace of lines removed; at most two blank lines in a row; the whole
    text stripped. Idempotent.
    """
    text = _LINE_BREAKS.sub("\n", text)
    text = _PAGE_BREAKS.sub("\n\n", text)
    text = _CONTROLS.sub("", text)
    text = _SURROGATES.sub("\ufffd", text)
    text = unicodedata.normalize("NFC", text)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    text = _BLANK_LINE_RUNS.sub("\n\n\n", text)
    return text.strip()


# --- public entry points ---------------------------------------------------------------


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
    name = _display_name(filename)
    mime, charset = _parse_content_type(content_type)
    if not data.strip():
        raise ImportRefused(f"{name} is empty. Choose the file that holds the document.", "empty")
    fmt = _detect_format(data, filename, mime, name)
    if fmt == "pdf":
        text, meta = _guarded(lambda: _pdf_text(data, name), name, "a PDF")
    elif fmt == "docx":
        text, meta = _guarded(lambda: _docx_text(data, name), name, "a Word document")
    else:
        decoded = _decode(data, name, charset or _html_meta_charset(data, fmt))
        if fmt is None:
            fmt = "html" if _looks_like_html(decoded) else "text"
        if fmt == "html":
            text, meta = _guarded(lambda: _html_text(decoded), name, "HTML")
        elif fmt == "markdown":
            text, meta = _guarded(lambda: _markdown_text(decoded), name, "Markdown")
        else:
            text, meta = decoded, {}
    return _finish(text, fmt, name, max_chars, meta)


def import_text(
    text: str, *, as_markdown: bool = False, max_chars: int = 2_000_000
) -> ImportedText:
    """Import pasted text (or text sent as JSON) with the same checks as a file."""
    name = "The text"
    if as_markdown:
        converted, meta = _markdown_text(text)
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
        author=_one_line(normalise_text(meta.get("author") or "")),
        published=_clean_date(meta.get("published")),
        language=_clean_language(meta.get("language")),
        source_url=_clean_url(meta.get("source_url")),
    )


def _guarded(extract: Callable[[], _Extracted], name: str, label: str) -> _Extracted:
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


# --- format detection ------------------------------------------------------------------

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


def _detect_format(data: bytes, filename: str | None, mime: str, name: str) -> str | None:
    """Return the format to parse `data` as, or None when text must be sniffed."""
    head = data[:1024]
    if head.lstrip().startswith(b"%PDF-"):
        return "pdf"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "docx"  # _docx_text refuses ZIP files that are not Word documents
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
            f"Upload {_SUPPORTED}.",
            "unsupported",
        )
    return None


def _extension(filename: str | None) -> str:
    base = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    return os.path.splitext(base)[1].lower()


def _display_name(filename: str | None) -> str:
    base = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return f'"{base}"' if base else "The file"


def _parse_content_type(content_type: str | None) -> tuple[str, str]:
    """Return (media type, charset) from a Content-Type value, both lower case or ""."""
    mime, *params = (content_type or "").split(";")
    charset = ""
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'").lower()
    return mime.strip().lower(), charset


def _looks_like_html(text: str) -> bool:
    head = text[:1024].lstrip().lower()
    return head.startswith(("<!doctype html", "<html")) or (
        head.startswith("<?xml") and "<html" in head
    )


# --- decoding text ---------------------------------------------------------------------

# C0 controls that never occur in text files (tab, newlines, VT and FF do).
_BINARY_CONTROLS = bytes([*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F])
_BINARY_CONTROL_CHARS = dict.fromkeys(_BINARY_CONTROLS)
_HTML_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)


def _decode(data: bytes, name: str, charset: str) -> str:
    """Decode text bytes: BOM, then a declared charset, then UTF-8; refuse binary data.

    `charset` comes from the content type or an HTML <meta charset>; unknown ones are ignored.
    """
    if data.startswith(codecs.BOM_UTF8):
        text = _decode_as(data[3:], "utf-8", name)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16-le" if data.startswith(codecs.BOM_UTF16_LE) else "utf-16-be"
        text = _decode_as(data[2:], encoding, name)
    else:
        if charset and _is_text_encoding(charset):
            text = _decode_as(data, charset, name)
        else:
            if _looks_like_utf16_without_bom(data):
                raise ImportRefused(
                    f"{name} looks like UTF-16 text without a byte-order mark. "
                    "Save it as UTF-8 and upload it again.",
                    "encoding",
                )
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as error:
                if _too_many_controls(
                    len(data) - len(data.translate(None, _BINARY_CONTROLS)), len(data)
                ):
                    raise _binary(name) from error
                raise ImportRefused(
                    f"{name} is not UTF-8 text (byte {error.start} cannot be read; it may be "
                    "in an older encoding such as Windows-1252). Save it as UTF-8 and upload "
                    "it again.",
                    "encoding",
                ) from error
    if _too_many_controls(len(text) - len(text.translate(_BINARY_CONTROL_CHARS)), len(text)):
        raise _binary(name)
    return text


def _decode_as(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeError as error:
        start = getattr(error, "start", None)
        where = f" (byte {start} cannot be read)" if start is not None else ""
        raise ImportRefused(
            f"{name} is not valid {encoding.upper()} text{where}. "
            "Save it as UTF-8 and upload it again.",
            "encoding",
        ) from error


def _too_many_controls(count: int, length: int) -> bool:
    # One stray control is tolerated in any file; more only up to 1 % of the text.
    return count > max(1, length // 100)


def _binary(name: str) -> ImportRefused:
    return ImportRefused(
        f"{name} looks like a binary file, not text. Upload {_SUPPORTED}.", "binary"
    )


def _is_text_encoding(charset: str) -> bool:
    try:
        b"\x00".decode(charset)  # LookupError also for codecs such as "base64" or "rot13"
    except LookupError:
        return False
    except UnicodeError:  # a real text encoding (e.g. UTF-16) that needs more bytes
        pass
    return True


def _html_meta_charset(data: bytes, fmt: str | None) -> str:
    if fmt not in ("html", None):
        return ""
    match = _HTML_META_CHARSET.search(data[:2048])
    return match[1].decode("ascii").lower() if match else ""


def _looks_like_utf16_without_bom(data: bytes) -> bool:
    sample = data[:4096]
    if len(sample) < 4:
        return False
    even, odd = sample[0::2], sample[1::2]
    nul_even, nul_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    # ASCII-range UTF-16 has a NUL in every other byte and (almost) none in between.
    return max(nul_even, nul_odd) > 0.5 and min(nul_even, nul_odd) < 0.05


# --- Markdown --------------------------------------------------------------------------

_MARKDOWN = MarkdownIt("commonmark").enable(["table", "strikethrough"])
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_FRONT_MATTER_KEYS = {
    "title": "title",
    "author": "author",
    "date": "published",
    "published": "published",
    "lang": "language",
    "language": "language",
    "url": "source_url",
    "source_url": "source_url",
    "canonical_url": "source_url",
}
_BR_TAG = re.compile(r"<br\s*/?>", re.I)

# A block of output text and the list it belongs to, if any: lines of the same list are
# joined by one newline, everything else by a blank line.
_Block = tuple[str, object | None]


def _markdown_text(source: str) -> tuple[str, dict[str, str]]:
    source = normalise_text(source)
    meta: dict[str, str] = {}
    front_matter = _FRONT_MATTER.match(source)
    if front_matter:
        source = source[front_matter.end() :]
        for line in front_matter[1].splitlines():
            key, sep, value = line.partition(":")
            field = _FRONT_MATTER_KEYS.get(key.strip().lower())
            if sep and field and field not in meta:
                meta[field] = value.strip().strip("\"'")
    tree = SyntaxTreeNode(_MARKDOWN.parse(source))
    if "title" not in meta:
        heading = next((n for n in tree.walk() if n.type == "heading" and n.tag == "h1"), None)
        meta["title"] = _markdown_inline(heading) if heading else ""
    blocks: list[_Block] = []
    _markdown_blocks(tree, blocks)
    return _join_blocks(blocks), meta


def _markdown_blocks(node: SyntaxTreeNode, out: list[_Block], group: object = None) -> None:
    for child in node.children:
        kind = child.type
        if kind == "heading":
            out.append((_heading(int(child.tag[1]), _markdown_inline(child)), group))
        elif kind in ("paragraph", "th", "td"):
            out.append((_markdown_inline(child).strip(), group))
        elif kind in ("bullet_list", "ordered_list"):
            list_group = group or object()  # nested lists are flattened into the outer one
            number = int(child.attrs.get("start", 1))
            for item in child.children:
                mark = f"{number}. " if kind == "ordered_list" else "- "
                number += 1
                item_blocks: list[_Block] = []
                _markdown_blocks(item, item_blocks, list_group)
                if item.children and item.children[0].type == "paragraph" and item_blocks:
                    item_blocks[0] = (mark + _one_line(item_blocks[0][0]), list_group)
                out.extend(item_blocks)
        elif kind == "fence":  # kept verbatim, fence lines included
            fence = f"{child.markup}{child.info}\n{child.content}{child.markup}"
            out.append((fence, group))
        elif kind == "code_block":  # kept verbatim, indentation included
            code = "\n".join("    " + line for line in child.content.rstrip("\n").split("\n"))
            out.append((code, group))
        elif kind == "html_block":
            out.append((_html_fragment_text(child.content), group))
        elif kind != "hr":
            _markdown_blocks(child, out, group)  # blockquote, table, thead, tbody, tr


def _markdown_inline(node: SyntaxTreeNode) -> str:
    parts = []
    for child in node.children:
        kind = child.type
        if kind in ("text", "code_inline"):
            parts.append(child.content)
        elif kind == "softbreak":
            parts.append(" ")
        elif kind == "hardbreak" or (kind == "html_inline" and _BR_TAG.fullmatch(child.content)):
            parts.append("\n")
        elif kind not in ("image", "html_inline"):
            parts.append(_markdown_inline(child))  # inline, strong, em, s, link
    return "".join(parts)


def _html_fragment_text(fragment: str) -> str:
    try:
        root = lxml.html.document_fromstring(fragment)
    except (lxml.etree.ParserError, ValueError):  # nothing but whitespace or comments
        return ""
    for element in root.xpath("//head|//script|//style"):
        element.drop_tree()
    return root.text_content().strip()


# --- HTML ------------------------------------------------------------------------------

_TRAFILATURA_CONFIG = trafilatura.settings.use_config()
# The default (250 characters) sends short pages to a fallback that flattens all structure.
_TRAFILATURA_CONFIG.set("DEFAULT", "MIN_EXTRACTED_SIZE", "1")
_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*\?>")
_HTML_LANG = re.compile(r"""<html\b[^>]*?\blang\s*=\s*["']?([A-Za-z0-9_-]+)""", re.I)
_HTML_ROOT = re.compile(r"<(?:html|body)\b", re.I)
_HTML_CONTENT_ROOT = re.compile(r"<(?:article|main)\b", re.I)
_HTML_BODY_OPEN = re.compile(r"<body\b[^>]*>", re.I)
_XML_CONTAINERS = {"quote", "div", "main", "body", "section"}
_XML_BLOCKS = {"head", "p", "list", "table", "quote", "code", "div"}


def _html_text(html: str) -> tuple[str, dict[str, str]]:
    match = _HTML_LANG.search(html[:8192])
    # lxml refuses a str that still declares an encoding; the text is decoded already.
    html = _XML_DECLARATION.sub("", html, count=1)
    if not _HTML_ROOT.search(html):
        html = f"<html><body>{html}</body></html>"  # trafilatura rejects bare fragments
    if not _HTML_CONTENT_ROOT.search(html):
        # Without an <article> or <main> (pages exported from word processors, hand-written
        # HTML) trafilatura only recovers paragraphs and drops headings and lists; the
        # wrapper makes it treat the body as the article and still prune boilerplate in it.
        html = _HTML_BODY_OPEN.sub(r"\g<0><article>", html, count=1)
    document = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        include_formatting=False,
        config=_TRAFILATURA_CONFIG,
        # Only dates the page declares; guessing from its text would mislead fact-checkers.
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if document is None or document.body is None:
        return "", {"language": match[1] if match else ""}
    blocks: list[_Block] = []
    _xml_blocks(document.body, blocks)
    meta = {
        "title": document.title or "",
        "author": document.author or "",
        "published": document.date or "",
        "language": match[1] if match else "",
        "source_url": document.url or "",
    }
    return _join_blocks(blocks), meta


def _xml_blocks(element, out: list[_Block], group: object = None) -> None:
    """Walk trafilatura's XML (head, p, list/item, table/row/cell, quote, code, lb)."""
    for child in element:
        tag = child.tag
        if tag == "head":
            rend = child.get("rend", "")
            level = int(rend[1:]) if rend[:1] == "h" and rend[1:].isdigit() else 2
            out.append((_heading(level, _xml_inline(child)), group))
        elif tag == "list":
            list_group = group or object()  # nested lists are flattened into the outer one
            ordered = child.get("rend") == "ol"
            for number, item in enumerate(child.iterchildren("item"), start=1):
                text = _one_line(_xml_inline(item))
                if text:
                    out.append((f"{number}. {text}" if ordered else f"- {text}", list_group))
                for nested in item.iterchildren("list"):
                    _xml_blocks([nested], out, list_group)
        elif tag == "table":
            for cell in child.iter("cell"):
                out.append((_xml_inline(cell).strip(), group))
        elif tag == "code":  # fenced as in Markdown, so "# comment" in code is no heading
            code = "".join(child.itertext()).strip("\n")
            out.append((f"```\n{code}\n```", group))
        elif tag in _XML_CONTAINERS and any(c.tag in _XML_BLOCKS for c in child):
            _xml_blocks(child, out, group)
        elif tag not in ("graphic", "lb", "item"):
            out.append((_xml_inline(child).strip(), group))


def _xml_inline(element) -> str:
    parts = [element.text or ""]
    for child in element:
        if child.tag == "lb":
            parts.append("\n")
        elif child.tag not in ("list", "graphic"):
            parts.append(_xml_inline(child))
        parts.append(child.tail or "")
    return "".join(parts)


# --- DOCX ------------------------------------------------------------------------------

# ZIP bomb guards, on the bytes really inflated (the sizes a ZIP declares can lie): no
# real Word document unpacks to more than _MAX_UNZIPPED_BYTES, nor (past a few MB) to more
# than _MAX_RATIO times its size; a Word document's XML deflates about tenfold, a bomb's
# a thousandfold.
_MAX_UNZIPPED_BYTES = 200 * 2**20
_MAX_RATIO = 100
_RATIO_FLOOR = 4 * 2**20
_CHUNK = 64 * 1024
_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature, then the name and extra lengths
_HEADING_STYLE = re.compile(r"heading ([1-9])", re.I)


def _docx_text(data: bytes, name: str) -> tuple[str, dict[str, str]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        if "word/document.xml" not in names:
            if "mimetype" in names and archive.read("mimetype").startswith(
                b"application/vnd.oasis"
            ):
                what = "an OpenDocument file"
            else:
                what = "a ZIP archive but not a Word document (.docx)"
            raise ImportRefused(
                f"{name} is {what}. Open it in a word processor, save it as .docx or PDF "
                "and upload that.",
                "binary",
            )
        if sum(info.file_size for info in archive.infolist()) > _MAX_UNZIPPED_BYTES:
            raise _unzips_too_large(name)
        _check_inflated_size(archive, data, name)
    document = docx.Document(io.BytesIO(data))
    blocks: list[_Block] = []
    _docx_blocks(document, blocks, set())
    properties = document.core_properties
    meta = {
        "title": properties.title or "",
        "author": properties.author or "",
        "language": properties.language or "",
    }
    return _join_blocks(blocks), meta


def _unzips_too_large(name: str) -> ImportRefused:
    return ImportRefused(
        f"{name} unpacks to more than {_MAX_UNZIPPED_BYTES // 2**20} MB, which no "
        "text document needs. Save it without embedded media and upload it again.",
        "too_long",
    )


def _check_inflated_size(archive: zipfile.ZipFile, data: bytes, name: str) -> None:
    """Inflate every member in chunks, keeping none, and stop as soon as the total passes
    the limits: a bomb is refused after a few MB of work, whatever its headers say."""
    ratio_limit = max(_RATIO_FLOOR, _MAX_RATIO * len(data))
    total = 0
    for info in archive.infolist():
        for chunk in _inflated_chunks(archive, data, info):
            total += len(chunk)
            if total > _MAX_UNZIPPED_BYTES:
                raise _unzips_too_large(name)
            if total > ratio_limit:
                raise ImportRefused(
                    f"{name} unpacks to more than {_MAX_RATIO} times its own size, which no "
                    "Word document does. Open it in a word processor, save a fresh copy and "
                    "upload that.",
                    "damaged",
                )


def _inflated_chunks(archive: zipfile.ZipFile, data: bytes, info: zipfile.ZipInfo):
    """A member's content in chunks. Deflated members are inflated from their local
    header until the stream ends, ignoring the declared sizes; zipfile reads any other
    member, and it stops at the declared size."""
    if info.compress_type != zipfile.ZIP_DEFLATED:
        with archive.open(info) as member:
            while chunk := member.read(_CHUNK):
                yield chunk
        return
    signature, name_length, extra_length = _LOCAL_HEADER.unpack_from(data, info.header_offset)
    if signature != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"no local header for {info.filename}")
    position = info.header_offset + _LOCAL_HEADER.size + name_length + extra_length
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    pending = b""
    while not inflater.eof:
        if not pending:
            if position >= len(data):
                break
            pending = data[position : position + _CHUNK]
            position += len(pending)
        chunk = inflater.decompress(pending, _CHUNK)
        pending = inflater.unconsumed_tail
        if chunk:
            yield chunk


# Word has no list container: consecutive list paragraphs form one list.
_DOCX_LIST = object()


def _docx_blocks(container, out: list[_Block], seen_cells: set) -> None:
    """Paragraphs and tables in document order; each table cell's content as paragraphs."""
    for item in container.iter_inner_content():
        if isinstance(item, docx.table.Table):
            for row in item.rows:
                for cell in row.cells:
                    # A merged cell is returned once per grid column it spans.
                    if cell._tc not in seen_cells:
                        seen_cells.add(cell._tc)
                        _docx_blocks(cell, out, seen_cells)
        else:
            out.append(_docx_paragraph(item))


def _docx_paragraph(paragraph) -> _Block:
    text = paragraph.text.strip()
    level = _docx_heading_level(paragraph.style)
    if level:
        return _heading(level, text), None
    if text and _docx_is_list_item(paragraph):
        return "- " + _one_line(text), _DOCX_LIST
    return text, None


def _docx_heading_level(style) -> int:
    for _ in range(10):  # follow a custom style's base styles up to a built-in heading
        if style is None:
            return 0
        name = style.name or ""
        if name == "Title":
            return 1
        match = _HEADING_STYLE.fullmatch(name)
        if match:
            return min(int(match[1]), 6)
        style = style.base_style
    return 0


def _docx_is_list_item(paragraph) -> bool:
    # python-docx has no public API for numbering; numId 0 means "numbering removed".
    properties = paragraph._p.pPr
    numbering = properties.numPr if properties is not None else None
    if numbering is not None and numbering.numId is not None:
        return numbering.numId.val != 0
    name = paragraph.style.name if paragraph.style is not None else ""
    return (name or "").startswith("List") and not name.startswith("List Continue")


# --- PDF -------------------------------------------------------------------------------

# A letter, a hyphen (or soft hyphen) at the line end, a letter on the next line.
_LINE_END_HYPHEN = re.compile(r"([^\W\d_])[-\u00ad]\n([^\W\d_])")
_JUNK_TITLE = re.compile(
    r"^(microsoft (word|powerpoint) - |untitled$)|\.(docx?|pdf|odt|rtf)$", re.I
)


def _pdf_text(data: bytes, name: str) -> tuple[str, dict[str, str]]:
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


# --- shared helpers --------------------------------------------------------------------


def _join_blocks(blocks: list[_Block]) -> str:
    parts: list[str] = []
    previous_group = None
    for text, group in blocks:
        if not text.strip():
            continue
        if parts:
            parts.append("\n" if group is not None and group is previous_group else "\n\n")
        parts.append(text)
        previous_group = group
    return "".join(parts)


def _heading(level: int, text: str) -> str:
    text = _one_line(text)
    return f"{'#' * max(1, min(level, 6))} {text}" if text else ""


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _clean_title(title: str | None) -> str:
    title = _one_line(normalise_text(title or ""))
    return "" if _JUNK_TITLE.search(title) else title


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
