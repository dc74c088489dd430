"""PDF page layout -> the structured text: paragraphs, list items and headings rebuilt from
where pdfium (by pypdfium2) finds each line of text, its font and its size.

- Lines: pdfium's text lines in the order the page draws them, cut again where a
  character leaves the baseline. A bullet or number set apart from its text, as word
  processors and typesetters place them, is joined to the line on its baseline to its
  right, wherever the page draws it.
- Page furniture: in the top and bottom tenth of a page, a line whose text (digits aside)
  comes back at the same height on at least half the pages (two at least) is a running
  header or footer, and a line that is only a page number ("7", "- 7 -", "Page 7 of 9") is
  one too; both are dropped.
- Paragraphs: a line goes on the block before it unless it starts a list item, changes
  size or weight, stands further below the line before than its style's lines usually
  do, starts left of a list item's text, opens a transcript's turn ("MODERATOR:",
  "[00:12:31] SPEAKER 2:"), or follows a line that ends a sentence well short of the
  right edge. (Sizes are pdfium's; only their ratios matter, as some
  producers scale the page.) Lines are joined with a space; a word hyphenated at the line
  end ("inde-", "pendent") is joined without the hyphen when the next line goes on in
  lower case, with it ("Nord-Süd") when it goes on in upper case. A paragraph runs on
  across a page break when its last line ends without a full stop or the next line starts
  in lower case.
- Headings: a block of at most two lines and 150 characters, not ending in a comma, colon
  or full stop, set larger than the body text (the size most characters have) or bold
  where the body is not. Levels follow the sizes: the largest is `#`.
- List items: `- text` for bullets and dashes, `N. text` for numbers, `a) text` for
  letters; consecutive items form one list.
"""

from __future__ import annotations

import ctypes
import math
import re
from collections import Counter
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from .common import Block, heading_line, join_blocks

# Bullets, dashes, Symbol and Wingdings bullets (private use), and a glyph without a known
# character (U+FFFD): alone before text, what else could it be.
_BULLETS = "•◦▪●‣∙·–—\\-*\uf0b7\uf0a7\uf076\uf0d8\uf0fc\u25aa\u25cf\u25e6\u2043\u27a2\ufffd"
_MARKER = re.compile(
    rf"(?P<bullet>[{_BULLETS}])"
    r"|\(?(?P<number>\d{1,3})[.)]|(?P<letter>[a-z])[.)]"
)
_MARKER_AT_START = re.compile(rf"(?:{_MARKER.pattern})\s+")
_PAGE_NUMBER = re.compile(
    r"(?:page|p\.|pagina|seite|blz\.?)?\s*[-–—]?\s*\d{1,4}\s*[-–—]?"
    r"(?:\s*(?:/|of|sur|van|de|von)\s*\d{1,4})?",
    re.I,
)
_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi", re.I)
_LINE_END_HYPHEN = re.compile(r"[^\W\d_][-\u00ad\u2010]\Z")
_SENTENCE_END = re.compile(r"[.!?…:;][\"'”’»)\]]*\Z")
_NOT_HEADING_END = re.compile(r"[.,;:]\Z")
_FURNITURE_BAND = 0.1
# What opens a transcript's turn at the start of a line: a time in brackets or a name in
# capitals ("[00:12:31] SPEAKER 2:", "JANE DOE (D-NY):", "Q:"). Such a line starts a
# paragraph, even straight under a full line (annotations.text.transcripts reads them).
_TURN = re.compile(
    r"(?:[\[(]\d{1,2}:\d{2}(?::\d{2})?[\])]\s*)?"
    r"(?:[A-Z][A-Z.'’-]*(?: [A-Z][A-Z.'’-]*)*(?: \d{1,3})?(?: ?\([^()]{1,40}\))?:(?:\s|\Z)"
    r"|[\[(]\d{1,2}:\d{2}(?::\d{2})?[\])])"
)


@dataclass
class Line:
    page: int
    x0: float
    y0: float  # the bottom of the line's glyphs
    x1: float
    y1: float  # the top of the line's glyphs
    baseline: float
    text: str
    size: float
    bold: bool
    marker: str = ""  # the list mark this line starts with, normalised ("- ", "3. ", "b) ")
    text_x0: float = -1.0  # where the text after a list mark starts

    def __post_init__(self):
        if self.text_x0 < 0:
            self.text_x0 = self.x0

    @property
    def style(self) -> tuple[float, bool]:
        return (round(self.size * 2) / 2, self.bold)


def layout_text(data: bytes) -> str:
    pages = [(height, _with_markers(lines)) for height, lines in _page_lines(data)]
    lines = [line for page in _without_furniture(pages) for line in page]
    if not lines:
        return ""
    return join_blocks(_blocks(lines))


def _page_lines(data: bytes) -> list[tuple[float, list[Line]]]:
    """Every page's height and text lines, in the order the page draws them."""
    document = pdfium.PdfDocument(data)
    try:
        pages = []
        for number in range(len(document)):
            page = document[number]
            textpage = page.get_textpage()
            try:
                pages.append((page.get_height(), _lines(textpage, number)))
            finally:
                textpage.close()
                page.close()
        return pages
    finally:
        document.close()


def _lines(textpage, page: int) -> list[Line]:
    """The text lines of a page: pdfium's lines, cut again before a word that leaves the
    baseline or stands far apart on it (pdfium joins a hyphenated line end with the next
    line, and may join a bullet with its text). Only each word's first and last character
    are measured: the characters of a word stand together."""
    count = textpage.count_chars()
    text = textpage.get_text_range(0, count)
    if len(text) != count:  # characters beyond the BMP come back as two UTF-16 units
        text = "".join(chr(pdfium_c.FPDFText_GetUnicode(textpage, i)) for i in range(count))
    measure = _CharBoxes(textpage)
    lines: list[Line] = []
    for pdfium_line in _PDFIUM_LINE.finditer(text):
        run: _Run | None = None
        for word in _WORD.finditer(text, pdfium_line.start(), pdfium_line.end()):
            first, last = word.start(), word.end() - 1
            if text[last] in _HYPHEN_MARKS and last > first:
                last -= 1  # the mark has no box of its own
            x0, y0, _, y1 = measure(first)
            _, end_y0, x1, end_y1 = measure(last) if last != first else (x0, y0, x0, y1)
            if run is not None and not run.takes(x0, y0, y1):
                lines.append(run.line(textpage, page))
                run = None
            if run is None:
                run = _Run(first, x0, min(y0, end_y0), x1, max(y1, end_y1))
            run.add(word[0].replace("\ufffe", "-").replace("\x02", "-"), x1, y0, y1)
        if run is not None:
            lines.append(run.line(textpage, page))
    return lines


_PDFIUM_LINE = re.compile(r"[^\r\n]+")
# pdfium marks a hyphen it takes for a line-end hyphenation with these.
_HYPHEN_MARKS = "\ufffe\x02"
_WORD = re.compile(rf"[^\s{_HYPHEN_MARKS}]+[{_HYPHEN_MARKS}]?|[{_HYPHEN_MARKS}]")


class _CharBoxes:
    """A character's box (left, bottom, right, top), with the ctypes buffers made once."""

    def __init__(self, textpage):
        self.textpage = textpage
        self.values = [ctypes.c_double() for _ in range(4)]
        self.refs = [ctypes.byref(value) for value in self.values]

    def __call__(self, index: int) -> tuple[float, float, float, float]:
        left, right, bottom, top = self.values
        pdfium_c.FPDFText_GetCharBox(self.textpage, index, *self.refs)
        return left.value, bottom.value, right.value, top.value


@dataclass
class _Run:
    """Words on one baseline, gathered into a line."""

    first: int  # the index of the line's first character
    left: float
    bottom: float
    right: float
    top: float
    words: list[str] = field(default_factory=list)

    def takes(self, x0: float, y0: float, y1: float) -> bool:
        height = max(self.top - self.bottom, 1.0)
        on_the_line = y1 >= self.bottom + 0.1 * height and y0 <= self.top - 0.1 * height
        return on_the_line and self.right - height < x0 < self.right + 3 * height

    def add(self, word: str, right: float, y0: float, y1: float) -> None:
        self.words.append(word)
        self.right, self.bottom, self.top = right, min(self.bottom, y0), max(self.top, y1)

    def line(self, textpage, page: int) -> Line:
        size = pdfium_c.FPDFText_GetFontSize(textpage, self.first)
        x, y = ctypes.c_double(), ctypes.c_double()
        pdfium_c.FPDFText_GetCharOrigin(textpage, self.first, ctypes.byref(x), ctypes.byref(y))
        text = " ".join(self.words)
        bold = _bold(textpage, self.first)
        return Line(page, self.left, self.bottom, self.right, self.top, y.value, text, size, bold)


def _bold(textpage, index: int) -> bool:
    name = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    pdfium_c.FPDFText_GetFontInfo(textpage, index, name, len(name), ctypes.byref(flags))
    weight = pdfium_c.FPDFText_GetFontWeight(textpage, index)
    return bool(_BOLD_FONT.search(name.value.decode("latin-1"))) or weight >= 600


def _normalised_marker(match: re.Match[str]) -> str:
    if match["number"]:
        return f"{int(match['number'])}. "
    if match["letter"]:
        return f"{match['letter']}) "
    return "- "


def _with_markers(lines: list[Line]) -> list[Line]:
    """Mark list items: a mark alone on its line joins the text on its baseline to its
    right; a mark at the start of a line is taken off its text."""
    markers = [line for line in lines if _MARKER.fullmatch(line.text)]
    taken: set[int] = set()
    for marker in markers:
        target = min(
            (
                line
                for line in lines
                if line is not marker
                and id(line) not in taken
                and not _MARKER.fullmatch(line.text)
                and abs(line.baseline - marker.baseline) <= 0.3 * (line.y1 - line.y0)
                and marker.x1 - 1 <= line.x0 <= marker.x1 + 6 * marker.size
            ),
            key=lambda line: line.x0,
            default=None,
        )
        if target is not None and not target.marker:
            target.marker = _normalised_marker(_MARKER.fullmatch(marker.text))
            target.x0 = marker.x0
            taken.add(id(marker))
    result = []
    for line in lines:
        if id(line) in taken:
            continue
        if not line.marker:
            match = _MARKER_AT_START.match(line.text)
            if match and len(line.text) > match.end():
                line.marker = _normalised_marker(match)
                line.text = line.text[match.end() :]
                line.text_x0 = line.x0 + (line.x1 - line.x0) * match.end() / len(match.string)
        result.append(line)
    return result


def _without_furniture(pages: list[tuple[float, list[Line]]]) -> list[list[Line]]:
    """Drop running headers and footers and page numbers (see the module docstring)."""
    band: dict[str, list[Line]] = {}  # lines near the top or bottom, by text, digits aside
    for height, lines in pages:
        for line in lines:
            if line.y0 > height * (1 - _FURNITURE_BAND) or line.y1 < height * _FURNITURE_BAND:
                key = re.sub(r"\d+", "#", (line.marker + line.text).lower())
                band.setdefault(key, []).append(line)
    needed = max(2, math.ceil(len(pages) / 2))
    furniture = set()
    for same_text in band.values():
        for line in same_text:
            if _PAGE_NUMBER.fullmatch(line.marker + line.text) or (
                len(same_text) >= needed
                and len({o.page for o in same_text if abs(o.baseline - line.baseline) <= 4})
                >= needed
            ):
                furniture.add(id(line))
    return [[line for line in lines if id(line) not in furniture] for _, lines in pages]


@dataclass
class _Paragraph:
    lines: list[Line]
    text: str

    @property
    def first(self) -> Line:
        return self.lines[0]

    @property
    def last(self) -> Line:
        return self.lines[-1]


def _blocks(lines: list[Line]) -> list[Block]:
    body_style = _body_style(lines)
    measures = _Measures(_right_edges(lines), _line_pitches(lines))
    paragraphs: list[_Paragraph] = []
    for line in lines:
        current = paragraphs[-1] if paragraphs else None
        if current is not None and _goes_on(current, line, measures):
            current.lines.append(line)
            current.text = _joined(current.text, line.text)
        else:
            paragraphs.append(_Paragraph([line], line.text))
    heading_levels = _heading_levels(paragraphs, body_style)
    blocks: list[Block] = []
    group, group_kind = None, ""
    for paragraph in paragraphs:
        first = paragraph.first
        if first.marker:
            kind = first.marker[-2]  # "-", "." or ")": bullets, numbers or letters
            if group is None or kind != group_kind:
                group, group_kind = object(), kind
            blocks.append((first.marker + paragraph.text, group))
            continue
        group = None
        level = heading_levels.get(id(paragraph))
        blocks.append((heading_line(level, paragraph.text) if level else paragraph.text, None))
    return blocks


def _body_style(lines: list[Line]) -> tuple[float, bool]:
    weights: Counter[tuple[float, bool]] = Counter()
    for line in lines:
        weights[line.style] += len(line.text)
    return weights.most_common(1)[0][0]


def _right_edges(lines: list[Line]) -> dict[int, float]:
    """Each page's right edge of the text: the furthest a line reaches."""
    edges: dict[int, float] = {}
    for line in lines:
        edges[line.page] = max(edges.get(line.page, 0.0), line.x1)
    return edges


def _line_pitches(lines: list[Line]) -> dict[tuple[float, bool], float]:
    """The usual distance between the baselines of a paragraph's lines, for each style:
    the most frequent one between consecutive lines of that style."""
    pitches: dict[tuple[float, bool], Counter[float]] = {}
    for above, below in zip(lines, lines[1:], strict=False):
        pitch = round((above.baseline - below.baseline) * 2) / 2
        if above.page == below.page and above.style == below.style and pitch > 0:
            pitches.setdefault(above.style, Counter())[pitch] += 1
    return {style: counts.most_common(1)[0][0] for style, counts in pitches.items()}


@dataclass(frozen=True)
class _Measures:
    right_edges: dict[int, float]
    line_pitches: dict[tuple[float, bool], float]


def _goes_on(paragraph: _Paragraph, line: Line, measures: _Measures) -> bool:
    """Whether `line` continues `paragraph` (see the module docstring). Lines of one
    paragraph are at most 1.3 times the usual distance apart, and never more than 1.8
    times the font size: paragraphs that are all one line long make the usual distance
    a paragraph's."""
    last = paragraph.last
    if line.marker or line.style != last.style or _TURN.match(line.text):
        return False
    first = paragraph.first
    if first.marker and line.x0 < first.text_x0 - 2:
        return False  # left of a list item's text: the list is over
    ends_sentence = _SENTENCE_END.search(last.text) is not None
    if line.page != last.page:
        return not ends_sentence or line.text[:1].islower()
    pitch = last.baseline - line.baseline
    usual = measures.line_pitches.get(last.style, 1.8 * last.size)
    if not 0 < pitch <= min(1.3 * usual, 1.8 * last.size):
        return False
    right_edge = measures.right_edges[last.page]
    short = last.x1 < right_edge - 0.15 * (right_edge - first.x0)
    return not (ends_sentence and short)


def _joined(text: str, following: str) -> str:
    if _LINE_END_HYPHEN.search(text) and following[:1].isalpha():
        # "inde-" + "pendent": one word; "Nord-" + "Süd": a compound that keeps its hyphen.
        return text[:-1] + following if following[:1].islower() else text + following
    return f"{text} {following}"


def _heading_levels(paragraphs: list[_Paragraph], body: tuple[float, bool]) -> dict[int, int]:
    body_size, body_bold = body
    candidates = {}
    for paragraph in paragraphs:
        size, bold = paragraph.first.style
        if (
            paragraph.first.marker
            or len(paragraph.lines) > 2
            or len(paragraph.text) > 150
            or _NOT_HEADING_END.search(paragraph.text)
        ):
            continue
        if size >= body_size * 1.15 or (bold and not body_bold and size >= body_size - 0.5):
            candidates[id(paragraph)] = (size, bold)
    ranks = sorted(set(candidates.values()), reverse=True)
    return {key: min(ranks.index(style) + 1, 3) for key, style in candidates.items()}
