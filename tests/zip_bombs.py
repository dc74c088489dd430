"""Word documents that inflate far beyond their size, for the importer's ZIP bomb guard
(tests and bench/zip_bomb.py)."""

import io
import struct
import zipfile

import docx

BOMB_MESSAGE = (
    "{name} unpacks to more than 100 times its own size, which no Word document does. "
    "Open it in a word processor, save a fresh copy and upload that."
)
_PARAGRAPH = b"<w:p><w:r><w:t>Prices rose by 5% in May.</w:t></w:r></w:p>"


def docx_bomb(inflated_bytes: int = 8 * 2**20, *, lying: bool = False) -> bytes:
    """A real Word document whose word/document.xml holds `inflated_bytes` of paragraphs,
    deflated to a few KB. With `lying`, its local and central headers say that
    document.xml inflates to no more than its compressed size."""
    template = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("Prices rose.")
    document.save(template)
    source = zipfile.ZipFile(template)
    head, tail = source.read("word/document.xml").split(b"<w:body>")
    body = _PARAGRAPH * (inflated_bytes // len(_PARAGRAPH))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "word/document.xml":
                content = head + b"<w:body>" + body + tail
            archive.writestr(info.filename, content)
    data = out.getvalue()
    return _understate_sizes(data, b"word/document.xml") if lying else data


def _understate_sizes(data: bytes, name: bytes) -> bytes:
    """Rewrite the member's uncompressed size, in its central directory entry and its
    local header, to its compressed size."""
    patched = bytearray(data)
    position = patched.find(b"PK\x01\x02")
    while position >= 0:
        name_length = struct.unpack_from("<H", patched, position + 28)[0]
        if patched[position + 46 : position + 46 + name_length] == name:
            compressed = struct.unpack_from("<I", patched, position + 20)[0]
            struct.pack_into("<I", patched, position + 24, compressed)
            local = struct.unpack_from("<I", patched, position + 42)[0]
            struct.pack_into("<I", patched, local + 22, compressed)
        position = patched.find(b"PK\x01\x02", position + 4)
    return bytes(patched)


ARCHIVE_BOMB_MESSAGE = (
    "{name} unpacks to more than 100 times its own size, which no archive of documents "
    "does. Unpack it, check its files and make a fresh archive of them."
)


def zip_bomb(inflated_bytes: int = 8 * 2**20, *, lying: bool = False) -> bytes:
    """A ZIP of documents (as a batch import takes) whose one text file holds
    `inflated_bytes` of one sentence repeated, deflated to a few KB; with `lying`, its
    headers say the file inflates to no more than its compressed size."""
    sentence = b"Prices rose by 5% in May. "
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("speech.txt", b"Unemployment fell to 4% last year.")
        archive.writestr("bomb.txt", sentence * (inflated_bytes // len(sentence)))
    data = out.getvalue()
    return _understate_sizes(data, b"bomb.txt") if lying else data
