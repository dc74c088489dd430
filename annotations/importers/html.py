"""HTML: main content and metadata by trafilatura, turned into the structured text.

trafilatura drops navigation, headers, footers, sidebars and comments. What it keeps is
filtered once more, with the links it marks: a paragraph, list item or table cell whose
text is all link text (a "related stories" list, "Story one | Story two") is dropped, and
so is a link at the end of a block that only says "Read more", "Continue reading", "Share"
and the like (also in French and Dutch). Tables become list items, one a row
(`common.table_rows`)."""

from __future__ import annotations

import re

import trafilatura
import trafilatura.settings

from .common import Block, heading_line, join_blocks, one_line, table_rows

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
# Link text that only leads elsewhere: dropped wherever it is a link.
_BOILERPLATE_LINK = re.compile(
    r"(?:read|see|show|load|view) (?:more|all|full (?:story|article))|continue reading|"
    r"(?:click|tap) here|more|share(?: (?:this|on \w+))?(?: article| story| page)?|tweet|"
    r"e-?mail|print|subscribe|sign up|log in|comments?|next|previous|back to top|"
    r"lire la suite|en savoir plus|partager|lees meer|verder lezen|delen|meer",
    re.I,
)
_NOT_WORDS = re.compile(r"[\W_]*")


def html_text(html: str) -> tuple[str, dict[str, str]]:
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
        include_links=True,  # marks link text, for the boilerplate filter
        config=_TRAFILATURA_CONFIG,
        # Only dates the page declares; guessing from its text would mislead fact-checkers.
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if document is None or document.body is None:
        return "", {"language": match[1] if match else ""}
    blocks: list[Block] = []
    _xml_blocks(document.body, blocks)
    meta = {
        "title": document.title or "",
        "author": document.author or "",
        "published": document.date or "",
        "language": match[1] if match else "",
        "source_url": document.url or "",
    }
    return join_blocks(blocks), meta


def _xml_blocks(element, out: list[Block], group: object = None) -> None:
    """Walk trafilatura's XML (head, p, list/item, table/row/cell, quote, code, lb)."""
    for child in element:
        tag = child.tag
        if tag == "head":
            rend = child.get("rend", "")
            level = int(rend[1:]) if rend[:1] == "h" and rend[1:].isdigit() else 2
            out.append((heading_line(level, _xml_inline(child)), group))
        elif tag == "list":
            list_group = group or object()  # nested lists are flattened into the outer one
            ordered = child.get("rend") == "ol"
            for number, item in enumerate(child.iterchildren("item"), start=1):
                text = "" if _links_only(item) else one_line(_xml_inline(item))
                if text:
                    out.append((f"{number}. {text}" if ordered else f"- {text}", list_group))
                for nested in item.iterchildren("list"):
                    _xml_blocks([nested], out, list_group)
        elif tag == "table":
            rows = [
                ["" if _links_only(cell) else _xml_inline(cell) for cell in row.iter("cell")]
                for row in child.iter("row")
            ]
            table_group = object()
            out.extend((line, table_group) for line in table_rows(rows))
        elif tag == "code":  # fenced as in Markdown, so "# comment" in code is no heading
            code = "".join(child.itertext()).strip("\n")
            out.append((f"```\n{code}\n```", group))
        elif tag in _XML_CONTAINERS and any(c.tag in _XML_BLOCKS for c in child):
            _xml_blocks(child, out, group)
        elif tag not in ("graphic", "lb", "item", "ref") and not _links_only(child):
            out.append((_xml_inline(child).strip(), group))


def _xml_inline(element) -> str:
    parts = [element.text or ""]
    for child in element:
        if child.tag == "lb":
            parts.append("\n")
        elif child.tag == "ref" and _is_boilerplate_link(child):
            pass
        elif child.tag not in ("list", "graphic"):
            parts.append(_xml_inline(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _is_boilerplate_link(ref) -> bool:
    """A "Read more" link that ends its block: not the word "more" inside a sentence."""
    ends = ref.getnext() is None and _NOT_WORDS.fullmatch(ref.tail or "") is not None
    return ends and _BOILERPLATE_LINK.fullmatch(_words(ref)) is not None


def _words(element) -> str:
    return one_line("".join(element.itertext())).strip(" .…:»›>→-–|")


def _links_only(element) -> bool:
    """Whether `element` has links and no words outside them (nested lists aside)."""
    links, text = _unlinked(element)
    return links > 0 and _NOT_WORDS.fullmatch(text) is not None


def _unlinked(element) -> tuple[int, str]:
    """How many links `element` holds, and its text outside them and nested lists."""
    links, parts = 0, [element.text or ""]
    for child in element:
        if child.tag == "ref":
            links += 1
        elif child.tag != "list":
            inner_links, inner_text = _unlinked(child)
            links += inner_links
            parts.append(inner_text)
        parts.append(child.tail or "")
    return links, "".join(parts)
