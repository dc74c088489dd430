"""Plain text and Markdown: decoding bytes to text, and Markdown (with front matter)
to the structured plain text."""

from __future__ import annotations

import codecs
import re

import lxml.etree
import lxml.html
from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

from .common import (
    SUPPORTED,
    Block,
    ImportRefused,
    heading_line,
    join_blocks,
    normalise_text,
    one_line,
)

# C0 controls that never occur in text files (tab, newlines, VT and FF do).
_BINARY_CONTROLS = bytes([*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F])
_BINARY_CONTROL_CHARS = dict.fromkeys(_BINARY_CONTROLS)
_HTML_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)


def decode(data: bytes, name: str, charset: str) -> str:
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
        f"{name} looks like a binary file, not text. Upload {SUPPORTED}.", "binary"
    )


def _is_text_encoding(charset: str) -> bool:
    try:
        b"\x00".decode(charset)  # LookupError also for codecs such as "base64" or "rot13"
    except LookupError:
        return False
    except UnicodeError:  # a real text encoding (e.g. UTF-16) that needs more bytes
        pass
    return True


def html_meta_charset(data: bytes, fmt: str | None) -> str:
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


def markdown_text(source: str) -> tuple[str, dict[str, str]]:
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
    blocks: list[Block] = []
    _markdown_blocks(tree, blocks)
    return join_blocks(blocks), meta


def _markdown_blocks(node: SyntaxTreeNode, out: list[Block], group: object = None) -> None:
    for child in node.children:
        kind = child.type
        if kind == "heading":
            out.append((heading_line(int(child.tag[1]), _markdown_inline(child)), group))
        elif kind in ("paragraph", "th", "td"):
            out.append((_markdown_inline(child).strip(), group))
        elif kind in ("bullet_list", "ordered_list"):
            list_group = group or object()  # nested lists are flattened into the outer one
            number = int(child.attrs.get("start", 1))
            for item in child.children:
                mark = f"{number}. " if kind == "ordered_list" else "- "
                number += 1
                item_blocks: list[Block] = []
                _markdown_blocks(item, item_blocks, list_group)
                if item.children and item.children[0].type == "paragraph" and item_blocks:
                    item_blocks[0] = (mark + one_line(item_blocks[0][0]), list_group)
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
