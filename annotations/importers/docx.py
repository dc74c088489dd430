"""Word (.docx): paragraphs, headings, lists and tables, behind a ZIP bomb guard
that inflates the archive in a stream before python-docx opens it."""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib

import docx
import docx.table

from .common import Block, ImportRefused, heading_line, join_blocks, one_line, table_rows

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


def docx_text(data: bytes, name: str) -> tuple[str, dict[str, str]]:
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
        check_inflated_size(archive, data, name)
    document = docx.Document(io.BytesIO(data))
    blocks: list[Block] = []
    _docx_blocks(document, blocks, set())
    properties = document.core_properties
    meta = {
        "title": properties.title or "",
        "author": properties.author or "",
        "language": properties.language or "",
    }
    return join_blocks(blocks), meta


def _unzips_too_large(name: str) -> ImportRefused:
    return ImportRefused(
        f"{name} unpacks to more than {_MAX_UNZIPPED_BYTES // 2**20} MB, which no "
        "text document needs. Save it without embedded media and upload it again.",
        "too_long",
    )


_RESAVE = "Open it in a word processor, save a fresh copy and upload that."


def check_inflated_size(
    archive: zipfile.ZipFile,
    data: bytes,
    name: str,
    *,
    what: str = "Word document",
    advice: str = _RESAVE,
) -> None:
    """Inflate every member in chunks, keeping none, and stop as soon as the total passes
    the limits: a bomb is refused after a few MB of work, whatever its headers say. `what`
    names the kind of file in the refusal (a ZIP of documents is guarded the same way)."""
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
                    f"{what} does. {advice}",
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


def _docx_blocks(container, out: list[Block], seen_cells: set) -> None:
    """Paragraphs and tables in document order. A table of one column is page layout: its
    cells' content comes out as paragraphs; any other gives one list item a row
    (`common.table_rows`)."""
    for item in container.iter_inner_content():
        if not isinstance(item, docx.table.Table):
            out.append(_docx_paragraph(item))
        elif len(item.columns) < 2:
            for row in item.rows:
                for cell in _unmerged(row.cells, seen_cells):
                    _docx_blocks(cell, out, seen_cells)
        else:
            group = object()
            rows = [
                [_docx_cell_text(cell) for cell in _unmerged(row.cells, seen_cells)]
                for row in item.rows
            ]
            out.extend((line, group) for line in table_rows(rows))


def _unmerged(cells, seen_cells: set) -> list:
    # A merged cell is returned once per grid column (and row) it spans.
    result = []
    for cell in cells:
        if cell._tc not in seen_cells:
            seen_cells.add(cell._tc)
            result.append(cell)
    return result


def _docx_cell_text(cell) -> str:
    return " ".join(paragraph.text for paragraph in cell.paragraphs)


def _docx_paragraph(paragraph) -> Block:
    text = paragraph.text.strip()
    level = _docx_heading_level(paragraph.style)
    if level:
        return heading_line(level, text), None
    if text and _docx_is_list_item(paragraph):
        return "- " + one_line(text), _DOCX_LIST
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
