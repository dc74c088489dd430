"""Split document text into claim-sized segments: headings, sentences, list items, metadata.

Pure Python, no Django. `split(text)` returns `Segment`s whose `start`/`end` are code-point
offsets into the given string (end exclusive), so `text[seg.start:seg.end]` is the segment.

Guarantees, for any input string:

- segments are ordered, never overlap, never empty, and have no whitespace (`str.isspace`) at
  either edge;
- every non-whitespace character lies inside some segment, except *marks*, which are left
  outside every span. A mark sits at the start of a line (after its indentation):
  - a Markdown heading mark (`#` … `######`) or a list mark (`-`, `*`, `+`, `•`, `–`, `‣`,
    `◦`, `▪`, `●`, `1.`, `12)`, `a)`), followed by whitespace or the end of the line;
  - after such a mark or alone, stray punctuation tokens made only of `.,;:` and followed by
    whitespace or the end of the line. The demo document has a paragraph that begins with a
    lone full stop (". When that failed, …"); that full stop belongs to no sentence, so it is
    skipped rather than kept as a one-character segment or glued to the claim. Only the start
    of a block (paragraph, list item, heading) is stripped this way;
  - a horizontal rule line (`---`, `***`, `___`, `===`, spaced or not).

Line breaks are those of `str.splitlines` (`\\r\\n` counts as one). A blank line (nothing but
whitespace) separates paragraphs. A single line break inside a paragraph is not a sentence
boundary (hard-wrapped text) unless the next line starts a list item or the line is a heading.

Kinds:

- `heading`: a `#` line; or a short line (at most 120 characters and 20 words) that starts a
  block, starts with a capital (or an uncased script), has no terminal punctuation, does not end
  with a lead-in word such as "including", holds one sentence, and is followed by a blank line,
  a list item or the end of the text. A shorter such line (at most 80 characters) directly
  followed by a clearly longer paragraph line is a heading too; its segment ends at the line
  break.
- `metadata`: a line at the start of a block, with a blank line or the edge of the text before
  or after it, that holds only dates, times, page counters or URLs, such as a browser print
  header ("10/25/23, 11:57 AM") or a lone date line; and, inside a sentence, a mail header's
  date and time stamp followed by a capitalised word ("Kay Mann 04/26/2001 07:17 AM Will you").
- `list_item`: the text after a list mark, continued by following lines up to a blank line or the
  next mark; an item holding several sentences gives one `list_item` segment per sentence. A
  list written on one line ("1) The first item 2) The second item", "• one • two") gives one
  item per label (`inline_lists.py`); a label inside the line stays in its item's segment.
- `sentence`: everything else, one per sentence.

Sentence boundaries: terminal punctuation (`.`, `!`, `?`, `…`, `؟`, CJK `。！？`) with any closing
quotes or brackets (a French closing guillemet after a space too: "! »"), followed by
whitespace; a full stop glued to a capitalised word ("victims.Exchange", not
"Jane.Doe@example.com"); the end of a block. Before a capitalised word, a digit or nothing: not
after an abbreviation of `abbreviations.py` ("Mr.", "e.g."), a number abbreviation before a
number ("No. 5"), an initial ("J. F. Kennedy"), nor after a sentence-final abbreviation or dotted
acronym ("etc.", "U.S.", "a.m.") unless a usual sentence starter follows ("… the U.S. The war")
or a title follows a whole clause ("at 6 P.M. Mr. Smith then left"). Before a word in lower
case: after a full stop that ends an ordinary word ("available. it is"), and after "?" or "!"
when the word is a pronoun or connective ("tomorrow? there will be"); never after an
abbreviation, an initial, a number, a closing quote ("'Great.' she said") or an ellipsis. A
spaced ellipsis is one mark: ". . ." leaves words out, ". . . ." ends a sentence, and after
"compounds. . . ." the next sentence starts at the ellipsis. "[...]" ends nothing. Not inside
brackets for up to 600 characters, nor inside a quotation while the sentence holding it is
under 100 characters ('He said "We win. They lose" and left'); a longer quotation is split into
its sentences. A letter's greeting or closing ("Dear all,", "Best regards,") before a
capitalised word, and each link in a run of links, is a segment of its own. A piece without any
letter or digit is never cut off on its own: at the end of a block it joins the sentence before
(`coalition. "`).

Speed: the text is never walked character by character in Python. Lines, boundary candidates
and next words come from precompiled regular expressions run with `pos`/`endpos` (no copies of
large slices); each candidate is decided by constant-time checks on a bounded window, and
bracket and quote depth are kept with `str.count` over the stretch since the last check, so the
whole run is linear in the length of the text, also for one giant line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from .abbreviations import (
    ABBREVIATIONS,
    CONTINUATION_WORDS,
    FINAL_ABBREVIATIONS,
    LOWER_CASE_STARTERS,
    MONTHS,
    NUMBER_ABBREVIATIONS,
    SENTENCE_STARTERS,
    TITLES,
)
from .inline_lists import LABEL, LABEL_STARTS, LIST_MARKS, inline_items

__all__ = ["KINDS", "Segment", "SegmentKind", "split"]

SegmentKind = Literal["heading", "sentence", "list_item", "metadata"]
KINDS: tuple[SegmentKind, ...] = ("heading", "sentence", "list_item", "metadata")


@dataclass(frozen=True, slots=True)
class Segment:
    start: int
    end: int
    kind: SegmentKind

    def text(self, document: str) -> str:
        return document[self.start : self.end]


# Line breaks as in str.splitlines().
_LB = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
_OTHER_LB = re.compile("[\v\f\x1c\x1d\x1e\x85\u2028\u2029]")

# The stripped content of one non-blank line.
_LINE = re.compile(rf"\S(?:[^{_LB}]*\S)?")

_MARK = re.compile(rf"(?:(?P<hash>#{{1,6}})|[{LIST_MARKS}]|\d{{1,3}}[.)]|[a-z]\))(?:\s+|$)")
_RULE = re.compile(r"([-*_=])(?:[ \t]*\1){2,}")
# Leading whitespace and stray punctuation at the start of a block; always matches.
_STRAY = re.compile(r"\s*(?:[.,;:]+(?:\s+|$))*")

_TERMINAL = ".!?…‽؟。！？"
_CLOSERS = "\"'”’»›)]}」』）"
_OPENERS = "\"'“‘«‹([{¿¡「『（"

# A sentence-boundary candidate: terminal punctuation plus closing quotes or brackets, then
# whitespace or the end of the block; or a full stop glued to a capitalised word
# ("victims.Exchange"); or CJK terminal punctuation, which needs no space after it.
_CANDIDATE = re.compile(
    # One character class first, so the regex engine can skip ahead to punctuation quickly.
    # A spaced ellipsis (". . .") is one run of punctuation.
    rf"(?P<punct>[.!?…‽؟。！？](?:[.!?…‽؟]| \.(?=[\s{re.escape(_CLOSERS)}]|$))*)"
    # French sets a closing guillemet off by a space: « Nous gagnerons ! »
    rf"(?:(?<=[.!?…‽؟])(?:[ \u00a0\u202f]?[»›])?[{re.escape(_CLOSERS)}]*(?=\s|$)"
    r"|(?P<glued>)(?<=[a-z]{2}[.!?])(?=[A-Z][a-z])"
    r"|(?P<cjk>)(?<=[。！？])[。！？]*[」』”’）)]*)"
)
# Whitespace after a candidate, then the next word (skipping opening quotes and brackets).
_NEXT = re.compile(rf"(\s*)[{re.escape(_OPENERS)}*_]*(\w{{0,40}})")
_ALNUM = re.compile(r"[^\W_]")
_TRAILING = re.compile(r"[\W_]*\Z")
_NOT_HEADING_END = _TERMINAL + ",;:-–—"
_ACRONYM = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")
_DIGITS = re.compile(r"\d+")
_TOKEN = re.compile(r"\S{0,80}")
# The greeting or closing of a letter, followed by a capitalised word.
_ADDRESS = re.compile(
    r"(?:(?:Dear|Hi|Hello|Hey|Greetings|Cher|Chère|Chers|Bonjour|Beste|Geachte|Hallo|Liebe|Lieber)"
    r"(?:[ \t]+[\w.'-]+){0,3}"
    r"|(?:(?:Best|Kind|Kindest|Warm|Warmest|Many)[ \t]+)?(?:[Rr]egards|[Tt]hanks|[Ww]ishes)"
    r"|Sincerely|Cheers|Yours(?:[ \t]+(?:truly|sincerely|faithfully))?"
    r"|Cordialement|Bien [àa] vous|Met vriendelijke groet(?:en)?|Groeten|Mit freundlichen Grüßen"
    r"),(?=\s+[^\W\d_a-zà-ÿ])"
)
# A date with a time, followed by more text that starts with a capital.
_STAMP = re.compile(
    r"(?<!\S)\d{1,2}/\d{1,2}/\d{2,4},?[ \t]+\d{1,2}:\d{2}(?::\d{2})?(?:[ \t]*[AaPp]\.?[Mm]\.?)?+"
    r"(?=\s+[^\W\d_a-z])"
)
_LINK_BEFORE_LINK = re.compile(r"(?:https?|ftp)://\S+(\s+)(?=(?:https?|ftp)://\S)")
# What `_ADDRESS` can start with, checked first because it is cheaper than the expression.
_ADDRESS_WORDS = """
Dear Hi Hello Hey Greetings Cher Chère Bonjour Beste Geachte Hallo Lieb Best Kind Warm Many
Regards regards Thanks thanks Wishes wishes Sincerely Cheers Yours Cordialement Bien Met Groeten
Mit
"""
_ADDRESS_STARTS = tuple(_ADDRESS_WORDS.split())
_ADDRESS_FIRST = frozenset(word[0] for word in _ADDRESS_STARTS)
_TRAILING_SPACE = re.compile(r"\s*\Z")
# Spaces in a phrase short enough to open a sentence before its subject ("At 5 a.m.").
_OPENING_PHRASE = 3

# A sentence that has been inside brackets or quotes for longer than this is split anyway, so a
# stray quote mark cannot glue a whole paragraph into one segment.
_MAX_NESTED = 600
# A quotation of several sentences is split into them once the sentence that holds it is
# this long: "He said "We win. They lose" and left" is one sentence, a quoted speech is not.
_MAX_QUOTED = 100
_MAX_HEADING = 120
_MAX_HEADING_WORDS = 20
_MAX_GLUED_HEADING = 80
_MAX_METADATA = 100


def _metadata_pattern() -> re.Pattern[str]:
    months = sorted({m for names in MONTHS.values() for m in names}, key=len, reverse=True)
    short = "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
    month = "(?:" + "|".join(map(re.escape, months)) + "|" + short + r")\.?"
    weekday = (
        r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?|lundi|mardi|mercredi|jeudi|vendredi|samedi"
        r"|dimanche|maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|Montag|Dienstag"
        r"|Mittwoch|Donnerstag|Freitag|Samstag|Sonntag"
    )
    day = r"\d{1,2}(?:st|nd|rd|th|er|e)?\.?"
    token = "|".join(
        [
            r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}",
            r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?",
            r"\d{1,2}[:h.]\d{2}(?::\d{2})?(?:\s*[AaPp]\.?[Mm]\.?)?",
            rf"(?:(?:{weekday}),?\s+)?(?:{day}\s+{month},?\s+\d{{4}}|{month}\s+{day},?\s+\d{{4}})",
            rf"{month}\s+\d{{4}}",
            r"(?:(?:Page|Pagina|Seite|p\.)\s*)?\d{1,4}\s*(?:/|of|sur|van|von)\s*\d{1,4}",
            r"https?://\S+",
        ]
    )
    return re.compile(rf"(?:{token})(?:[\s,|·–—-]+(?:{token}))*", re.IGNORECASE)


_METADATA = _metadata_pattern()


class _Language:
    """The word lists of one language, looked up once per call."""

    __slots__ = (
        "abbreviations",
        "continuation",
        "final",
        "folded",
        "lower_starters",
        "months",
        "numeric",
        "ordinals",
        "starters",
        "titles",
    )

    def __init__(self, language: str) -> None:
        code = language.lower().replace("_", "-").split("-")[0]
        if code not in ABBREVIATIONS:
            code = "en"
        self.abbreviations = ABBREVIATIONS[code]
        self.final = FINAL_ABBREVIATIONS[code]
        self.starters = SENTENCE_STARTERS[code]
        self.continuation = CONTINUATION_WORDS[code]
        self.months = MONTHS[code]
        self.titles = TITLES[code]
        self.numeric = NUMBER_ABBREVIATIONS[code]
        self.lower_starters = LOWER_CASE_STARTERS[code]
        # Any case, for a full stop followed by a word in lower case ("5th st. near").
        self.folded = frozenset(
            word.lower() for word in (self.abbreviations - self.numeric) | self.final
        )
        # German writes ordinals with a full stop: "am 3. Oktober".
        self.ordinals = code == "de"


def split(text: str, language: str = "en") -> list[Segment]:
    """Split `text` into ordered, non-overlapping segments (see the module docstring)."""
    lang = _Language(language)
    segments: list[Segment] = []
    block_kind: SegmentKind | None = None
    block_start = block_end = 0
    block_mark = ""
    lines = _lines(text)
    following = next(lines, None)
    while following is not None:
        # One line of lookahead, without keeping a list of all lines alive.
        start, end, blank_before = following
        following = next(lines, None)
        if blank_before and block_kind is not None:
            _emit_block(text, block_start, block_end, block_kind, lang, segments, block_mark)
            block_kind = None
        rule = _RULE.fullmatch(text, start, end)
        mark = None if rule else _MARK.match(text, start, end)
        if rule or mark is not None:
            if block_kind is not None:
                _emit_block(text, block_start, block_end, block_kind, lang, segments, block_mark)
                block_kind = None
            if mark is None:  # a horizontal rule is all mark
                continue
            if mark.group("hash"):
                _emit_block(text, mark.end(), end, "heading", lang, segments)
            else:
                block_kind, block_start, block_end = "list_item", mark.end(), end
                block_mark = mark.group().strip()
            continue
        if block_kind is None:
            if (
                end - start <= _MAX_METADATA
                and (blank_before or following is None or following[2])
                and _METADATA.fullmatch(text, start, end)
            ):
                segments.append(Segment(start, end, "metadata"))
                continue
            if _is_heading(text, start, end, following, lang):
                _emit_block(text, start, end, "heading", lang, segments)
                continue
            block_kind, block_start, block_mark = "sentence", start, ""
        block_end = end
    if block_kind is not None:
        _emit_block(text, block_start, block_end, block_kind, lang, segments, block_mark)
    return segments


def _lines(text: str) -> Iterator[tuple[int, int, bool]]:
    """(start, end, blank_before) of every non-blank line, stripped of edge whitespace.

    `blank_before` is true for the first line and for a line that follows a blank line."""
    previous = 0
    count = text.count
    first = True
    for match in _LINE.finditer(text):
        start, end = match.span()
        breaks = count("\n", previous, start) + count("\r", previous, start)
        if breaks:
            breaks -= count("\r\n", previous, start)
        if breaks < 2:
            other = _OTHER_LB.search(text, previous, start)
            if other is not None:
                breaks += 1 + (_OTHER_LB.search(text, other.end(), start) is not None)
        yield start, end, breaks >= 2 or first
        first = False
        previous = end


def _is_heading(
    text: str,
    start: int,
    end: int,
    following: tuple[int, int, bool] | None,
    lang: _Language,
) -> bool:
    """Whether the line [start, end), which starts a block, is a plain-text heading."""
    length = end - start
    if length > _MAX_HEADING or text.count(" ", start, end) >= _MAX_HEADING_WORDS:
        return False
    tail = text[max(start, end - 30) : end]
    # Whatever follows the last letter or digit: 'coalition. "' or 'peace! 🕊' end a sentence.
    trailing = _TRAILING.search(tail).group()
    if any(char in _NOT_HEADING_END for char in trailing):
        return False
    first = _ALNUM.search(text, start, end)
    if first is None or text[first.start()].islower():
        return False
    last_word = tail.rsplit(None, 1)[-1] if tail.strip() else ""
    if last_word in lang.continuation:
        return False
    if following is not None and not following[2]:
        # Directly followed by another line: a heading only when that line is a list item or
        # clearly longer, unlike the first line of a hard-wrapped paragraph.
        next_start, next_end, _ = following
        if not _MARK.match(text, next_start, next_end):
            next_length = next_end - next_start
            if length > _MAX_GLUED_HEADING:
                return False
            next_first = _ALNUM.search(text, next_start, next_end)
            if next_first is None or text[next_first.start()].islower():
                return False
            short_title = (
                text.count(" ", start, end) < 5 and text[next_end - 1] in _TERMINAL + _CLOSERS
            )
            if 4 * length > 3 * next_length and not short_title:
                return False
    return len(_sentence_spans(text, start, end, lang)) == 1


def _emit_block(
    text: str,
    start: int,
    end: int,
    kind: SegmentKind,
    lang: _Language,
    segments: list[Segment],
    mark: str = "",
) -> None:
    start = _STRAY.match(text, start, end).end()
    if start >= end:
        return
    if kind in ("heading", "metadata"):
        segments.append(Segment(start, end, kind))
        return
    append = segments.append
    if not mark and text[start] not in LABEL_STARTS:
        # Most blocks: no list label to look for.
        _emit_sentences(text, start, start, end, kind, lang, append)
        return
    items = inline_items(text, start, end, mark)
    if len(items) > 1:
        kind = "list_item"
    for item_start, item_end in items:
        # A label inside the text ("2. The second item") is kept in the item's first segment
        # and never ends a sentence of its own.
        label = LABEL.match(text, item_start, item_end)
        body = item_start if label is None else _NEXT.match(text, label.end(), item_end).end(1)
        if body >= item_end:
            append(Segment(item_start, item_end, kind))
        else:
            _emit_sentences(text, item_start, body, item_end, kind, lang, append)


def _emit_sentences(
    text: str, start: int, body: int, end: int, kind: SegmentKind, lang: _Language, append
) -> None:
    """Emit the sentences of [body, end), the first one from `start` (before a list label)."""
    spans = _sentence_spans(text, body, end, lang)
    spans[0] = (start, spans[0][1])
    special = text.find("/", body, end) >= 0
    for span_start, span_end in spans:
        if special or (
            text[span_start] in _ADDRESS_FIRST and text.startswith(_ADDRESS_STARTS, span_start)
        ):
            _emit_sentence(text, span_start, span_end, kind, append)
        else:
            append(Segment(span_start, span_end, kind))


def _emit_sentence(text: str, start: int, end: int, kind: SegmentKind, append) -> None:
    """Emit the sentence [start, end), less what stands apart inside it: a letter's greeting
    or closing, a date and time stamp, links one after the other."""
    if text.startswith(_ADDRESS_STARTS, start):
        address = _ADDRESS.match(text, start, end)
        if address is not None:
            # "Dear all, My name is …", "Best regards, Jane Doe": a letter's greeting or
            # closing is not part of the sentence after it.
            append(Segment(start, address.end(), kind))
            start = _NEXT.match(text, address.end(), end).end(1)
    if text.find("/", start, end) >= 0:
        # "Kay Mann 04/26/2001 07:17 AM Will you …": a mail header's stamp is metadata.
        for stamp in _STAMP.finditer(text, start, end):
            before = _TRAILING_SPACE.search(text, start, stamp.start()).start()
            if before <= start:
                append(Segment(start, stamp.end(), "metadata"))
            elif _word_before(text, before, start)[:1].isupper():  # "Kay Mann 04/26/2001 …"
                append(Segment(start, before, kind))
                append(Segment(stamp.start(), stamp.end(), "metadata"))
            else:  # "… sent on 04/25/01 12:42:55"
                append(Segment(start, stamp.end(), kind))
            start = _NEXT.match(text, stamp.end(), end).end(1)
        if text.find("://", start, end) >= 0:
            # Links one after the other are a list of links, not one sentence.
            for link in _LINK_BEFORE_LINK.finditer(text, start, end):
                append(Segment(start, link.start(1), kind))
                start = link.end(1)
    append(Segment(start, end, kind))


def _sentence_spans(text: str, start: int, end: int, lang: _Language) -> list[tuple[int, int]]:
    """Sentences of the block [start, end), which starts and ends with non-whitespace."""
    spans: list[tuple[int, int]] = []
    sentence_start = start
    counted = start  # brackets and quotes are counted in [sentence_start, counted)
    parens = quotes = curly = guillemets = 0
    alnum_seen = False
    alnum_checked = start
    count = text.count
    for candidate in _CANDIDATE.finditer(text, start, end):
        if candidate.end() >= end:
            break
        following = _NEXT.match(text, candidate.end(), end)
        next_start = following.end(1)
        if next_start >= end:
            break
        boundary = _boundary(text, candidate, sentence_start, following.group(2), lang)
        if boundary is None:
            continue
        if boundary < candidate.end():  # "compounds. . . . The": the ellipsis opens the next
            next_start = _NEXT.match(text, boundary, end).end(1)
        if not alnum_seen:
            alnum_seen = _ALNUM.search(text, alnum_checked, boundary) is not None
            alnum_checked = boundary
            if not alnum_seen:
                continue  # never cut off a piece without a letter or digit
        parens = max(0, parens + count("(", counted, boundary) - count(")", counted, boundary))
        quotes += count('"', counted, boundary)
        curly = max(0, curly + count("“", counted, boundary) - count("”", counted, boundary))
        guillemets = max(
            0, guillemets + count("«", counted, boundary) - count("»", counted, boundary)
        )
        counted = boundary
        length = boundary - sentence_start
        if (parens and length < _MAX_NESTED) or (
            (quotes % 2 or curly or guillemets) and length < _MAX_QUOTED
        ):
            continue  # inside brackets or a short quotation that goes on
        spans.append((sentence_start, boundary))
        sentence_start = counted = alnum_checked = next_start
        parens = quotes = curly = guillemets = 0
        alnum_seen = False
    if spans and not alnum_seen and _ALNUM.search(text, alnum_checked, end) is None:
        # A trailing piece without letters or digits (a stray closing quote, "…") joins the
        # sentence before it.
        spans[-1] = (spans[-1][0], end)
    else:
        spans.append((sentence_start, end))
    return spans


def _boundary(
    text: str, candidate: re.Match[str], sentence_start: int, next_word: str, lang: _Language
) -> int | None:
    """Where a candidate ends a sentence, if it does, judged from the words on either side."""
    if candidate.group("cjk") is not None:
        return candidate.end()
    punct = candidate.group("punct")
    start = candidate.start()
    before = text[start - 1] if start > sentence_start else " "
    if before in "[(":
        return None  # "[...]" marks words left out
    lower_next = next_word[:1].islower()
    if " " in punct:  # a spaced ellipsis
        if lower_next:
            return None
        if not before.isspace():
            # "compounds. . . . The": the sentence ends at its full stop.
            return start + 1 if punct[1] == " " else candidate.end()
        # ". . ." leaves words out ("the thing is . . . I didn't"); ". . . ." also ends one.
        return candidate.end() if punct.count(".") >= 4 else None
    glued = candidate.group("glued") is not None
    if punct != "." and not glued and not lower_next:
        return candidate.end()  # "!", "?", "?!", ellipses: a capital starts anew
    word = "" if before.isspace() else _word_before(text, start, sentence_start)
    if lower_next:
        closed = candidate.end() > start + len(punct)  # "'Great.' she said"
        ends = not closed and _ends_before_lower_case(punct, word, next_word, lang)
        return candidate.end() if ends else None
    if glued:
        return candidate.end() if _glued_ends(text, candidate, word, lang) else None
    ends = _ends(text, candidate, sentence_start, word, next_word, lang)
    return candidate.end() if ends else None


def _word_before(text: str, start: int, sentence_start: int) -> str:
    """The word just before `start`, without opening quotes or brackets; "" after a space."""
    window = text[max(sentence_start, start - 40) : start]
    if not window or window[-1].isspace():
        return ""
    word = window.rsplit(None, 1)[-1].lstrip(_OPENERS)
    if "'" in word or "’" in word:
        head, _, tail = word.replace("’", "'").rpartition("'")
        if len(head) <= 2 and tail:
            return tail  # a French elision is not part of the word: "l'art. 5" is "art."
    return word


def _ends_before_lower_case(punct: str, word: str, next_word: str, lang: _Language) -> bool:
    """Whether terminal punctuation followed by a word in lower case ends a sentence.

    In edited text it seldom does: an abbreviation goes on ("e.g. the", "U.S.A. last"), an
    exclamation is part of a name ("Yahoo! in"). Web and chat text often starts sentences in
    lower case ("It is closed. it is now a bar"), mostly with a pronoun or a connective."""
    if punct == ".":
        return bool(word) and not _abbreviated(word, lang)
    if punct[-1] in "!?":
        return next_word in lang.lower_starters
    return False


def _abbreviated(word: str, lang: _Language) -> bool:
    """Whether a word before a full stop is likely an abbreviation, an initial or a number."""
    return word.lower() in lang.folded or len(word) == 1 or "." in word or word.isdigit()


def _glued_ends(text: str, candidate: re.Match[str], word: str, lang: _Language) -> bool:
    """Whether punctuation glued to a capitalised word ends a sentence: "victims.Exchange" is
    a missing space; "example.Com", "a/b.Cd", "Jane.Doe@example.com" are not sentences."""
    token = _TOKEN.match(text, candidate.end()).group()
    return not (
        "/" in word
        or "@" in word
        or "@" in token
        or "." in token
        or word in lang.abbreviations
        or word in lang.final
    )


def _ends(
    text: str,
    candidate: re.Match[str],
    sentence_start: int,
    word: str,
    next_word: str,
    lang: _Language,
) -> bool:
    """Whether a full stop followed by a capitalised word, a digit or nothing ends a sentence."""
    if not word:
        return True  # "Belgium !" or a lone full stop
    if word in lang.numeric:
        return next_word in lang.starters  # "No. 5", "Art. 3" go on; "I said no. The" ends
    if word in lang.abbreviations:
        return False
    if (
        word in lang.final
        or (len(word) == 1 and word.isupper())  # initials: "J. F. Kennedy"
        or _ACRONYM.fullmatch(word)  # "U.S.", "a.m."
    ):
        if next_word in lang.starters:
            return True
        # "at 6 P.M. Mr. Smith went": a title after a whole clause opens a new sentence, not
        # after an opening phrase ("At 5 a.m. Mr. Smith went").
        words = text.count(" ", sentence_start, candidate.start())
        return next_word in lang.titles and words > _OPENING_PHRASE
    # German ordinal before a month ("am 3. Oktober") is no boundary; any other word is.
    return not (lang.ordinals and next_word in lang.months and _DIGITS.fullmatch(word))
