"""The document text as the reader sees it, with every claim marked: pure, no Django.

The text is cut into blocks at line breaks (never inside a claim); a block is a heading,
a list item, a metadata line or a paragraph, after the kind of the first splitter claim
that starts in it. Marks the reader does not need are left out of the HTML, as the splitter
leaves them out of every claim: a list item's bullet and a heading's Markdown `#` marks (their
count gives the heading's level: `#` is an `<h2>`, `##` an `<h3>`, deeper ones `<h4>`; the
page title is the `<h1>`). Inside a block the text is cut at every claim boundary, and each piece
is wrapped in the marks of all claims that cover it, outermost (earliest, longest) first.
A claim that overlaps another without nesting in it is therefore split into several
`<mark>` pieces, so the HTML stays well formed whatever the overlaps.

Every piece of text is a `<span data-offset="N">` whose text starts at code point N of
the document: the browser script turns a DOM selection into code-point offsets from it.
"""

from __future__ import annotations

import re
from bisect import bisect_left, insort
from dataclasses import dataclass
from html import escape

BLOCK_TAGS = {"heading": "h2", "metadata": "p", "list_item": "li", "paragraph": "p"}
_BULLET = re.compile(r"\s*(?:[-*•–·]|\d{1,3}[.)])\s+")
_HEADING_MARK = re.compile(r"\s*(#{1,6})(?:[ \t]+|$)")


@dataclass(frozen=True)
class MarkedClaim:
    """A claim to mark. `attrs` and `badge` are HTML the caller has escaped already;
    the first piece of the claim also gets id="claim-<id>" and the badge."""

    id: int
    start: int
    end: int
    kind: str
    attrs: str = ""
    badge: str = ""

    @property
    def order(self) -> tuple[int, int, int]:
        return (self.start, -self.end, self.id)


@dataclass
class Block:
    start: int
    end: int
    kind: str  # heading, metadata, list_item or paragraph
    level: int = 1  # a heading's level: how many `#` marks it had, or 1
    anchor: int | None = None  # a heading's: its claim's start, the outline's target

    @property
    def tag(self) -> str:
        if self.kind == "heading":
            return f"h{min(self.level + 1, 4)}"
        return BLOCK_TAGS[self.kind]


def _text(chunk: str) -> str:
    # A literal CR would reach the DOM as LF (HTML parsers normalise newlines) and shift
    # every offset after it; a character reference keeps it.
    return escape(chunk, quote=False).replace("\r", "&#13;")


def blocks(text: str, claims: list[MarkedClaim]) -> list[Block]:
    """The blocks of the text: lines, joined where a claim runs across a line break;
    blank lines dropped, surrounding whitespace trimmed, list bullets left out."""
    newlines = [m.start() for m in re.finditer("\n", text)]
    bridged = set()
    for claim in claims:
        first = bisect_left(newlines, claim.start)
        last = bisect_left(newlines, claim.end)
        bridged.update(range(first, last))
    result = []
    start = 0
    for i, position in enumerate([*newlines, len(text)]):
        if i < len(newlines) and i in bridged:
            continue
        block = _trimmed(text, start, position)
        if block is not None:
            result.append(block)
        start = position + 1
    if claims:
        _assign_kinds(text, result, claims)
    return result


def _trimmed(text: str, start: int, end: int) -> Block | None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if not stripped:
        return None
    lead = len(chunk) - len(chunk.lstrip())
    return Block(start + lead, start + lead + len(stripped), "paragraph")


def _assign_kinds(text: str, result: list[Block], claims: list[MarkedClaim]) -> None:
    splitter = sorted((c for c in claims if c.kind != "selection"), key=lambda c: c.order)
    starts = [c.start for c in splitter]
    for block in result:
        i = bisect_left(starts, block.start)
        # A list item's bullet comes before its claim: look at claims starting in the line.
        if i < len(splitter) and splitter[i].start < block.end:
            kind = splitter[i].kind
            if kind in ("heading", "metadata", "list_item"):
                block.kind = kind
            if kind == "heading":
                block.anchor = splitter[i].start
        mark = None
        if block.kind == "list_item":
            mark = _BULLET.match(text, block.start, block.end)
        elif block.kind == "heading":
            mark = _HEADING_MARK.match(text, block.start, block.end)
            if mark and mark.end() <= splitter[i].start:
                block.level = len(mark[1])
        if mark and mark.end() <= splitter[i].start:
            block.start = mark.end()


def render(text: str, claims: list[MarkedClaim], structure: list[MarkedClaim] | None = None) -> str:
    """The HTML of the whole text with the claims marked (see the module docstring).
    `structure`, when given, are the claims that shape the blocks (all of the document's,
    while only some are marked), so the text reads the same whichever claims are shown.
    A heading block carries id="at-<its claim's start>", for an outline to link to."""
    claims = sorted(claims, key=lambda c: c.order)
    shaping = claims if structure is None else sorted(structure, key=lambda c: c.order)
    out: list[str] = []
    in_list = False
    seen: set[int] = set()
    following = 0  # the first claim not yet taken into a block
    open_claims: list[MarkedClaim] = []  # taken, and may still run into the next block
    for block in blocks(text, shaping):
        if block.kind == "list_item" and not in_list:
            out.append('<ul class="doc-list">')
            in_list = True
        elif block.kind != "list_item" and in_list:
            out.append("</ul>")
            in_list = False
        tag = block.tag
        ident = f' id="at-{block.anchor}"' if block.anchor is not None else ""
        out.append(f'<{tag} class="doc-block doc-{block.kind}"{ident}>')
        # Claims that touch the block: those starting before its end and ending after
        # its start. Blocks are cut only between claims, so one pass over the claims in
        # start order finds them.
        while following < len(claims) and claims[following].start < block.end:
            open_claims.append(claims[following])
            following += 1
        inside = [c for c in open_claims if c.end > block.start]
        open_claims = [c for c in inside if c.end > block.end]
        _render_block(text, block, inside, seen, out)
        out.append(f"</{tag}>")
    if in_list:
        out.append("</ul>")
    return "".join(out)


def _render_block(text, block, claims, seen, out) -> None:
    points = {block.start, block.end}
    for c in claims:
        points.update(p for p in (c.start, c.end) if block.start < p < block.end)
    points = sorted(points)
    by_start: dict[int, list[MarkedClaim]] = {}
    for c in claims:
        by_start.setdefault(max(c.start, block.start), []).append(c)
    active: list[tuple[tuple[int, int, int], MarkedClaim]] = []
    stack: list[MarkedClaim] = []
    for a, b in zip(points, points[1:], strict=False):
        active = [item for item in active if item[1].end > a]
        for c in by_start.get(a, ()):
            insort(active, (c.order, c), key=lambda item: item[0])
        wanted = [c for _, c in active]
        common = 0
        while common < len(stack) and common < len(wanted) and stack[common] is wanted[common]:
            common += 1
        for _ in range(len(stack) - common):
            out.append("</mark>")
        del stack[common:]
        for c in wanted[common:]:
            first = c.id not in seen
            seen.add(c.id)
            ident = f' id="claim-{c.id}"' if first else ""
            out.append(
                f'<mark class="claim{"" if first else " claim-cont"}"{ident} data-claim="{c.id}"'
                f' data-start="{c.start}" data-end="{c.end}"{c.attrs}>'
            )
            if first:
                out.append(c.badge)
            stack.append(c)
        out.append(f'<span data-offset="{a}">{_text(text[a:b])}</span>')
    out.extend("</mark>" for _ in stack)
