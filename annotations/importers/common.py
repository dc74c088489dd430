"""What the importers share: the result and refusal types, text normalisation and
the blocks every parser's output is joined from."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

FORMATS = ("text", "markdown", "html", "docx", "pdf")

# What each format's parser returns: text before normalisation, and metadata.
Extracted = tuple[str, dict[str, str]]

SUPPORTED = "plain text (.txt), Markdown (.md), HTML (.html), Word (.docx) or PDF (.pdf)"


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


# A block of output text and the list it belongs to, if any: lines of the same list are
# joined by one newline, everything else by a blank line.
Block = tuple[str, object | None]


def join_blocks(blocks: list[Block]) -> str:
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


def heading_line(level: int, text: str) -> str:
    text = one_line(text)
    return f"{'#' * max(1, min(level, 6))} {text}" if text else ""


def one_line(text: str) -> str:
    return " ".join(text.split())


_TABLE_CELL_SEPARATOR = " · "


def table_rows(rows: list[list[str]]) -> list[str]:
    """A table as list items, one a row, its cells in reading order.

    When the first row looks like a header (at least two columns, every cell a short label
    without digits) it is not a row of its own: each later row with as many cells names its
    cells after it ("Year: 2024 · Homes: 12,000"). Otherwise, and in rows whose merged cells
    break the columns, the cells are joined with " · ". Empty cells and rows are left out.
    """
    rows = [[one_line(cell) for cell in row] for row in rows]
    rows = [row for row in rows if any(row)]
    header = None
    if len(rows) >= 2 and len(rows[0]) >= 2 and all(_is_label(cell) for cell in rows[0]):
        header, rows = rows[0], rows[1:]
    lines = []
    for row in rows:
        if header is not None and len(row) == len(header):
            cells = [f"{label}: {cell}" for label, cell in zip(header, row, strict=True) if cell]
        else:
            cells = [cell for cell in row if cell]
        if cells:
            lines.append("- " + _TABLE_CELL_SEPARATOR.join(cells))
    return lines


def _is_label(cell: str) -> bool:
    return 0 < len(cell) <= 40 and not any(character.isdigit() for character in cell)
