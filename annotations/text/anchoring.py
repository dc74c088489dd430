"""Anchoring claims in a document's text: offset checks, W3C selectors, UTF-16 offsets.

Offsets in the database and the API are Python code points. Browsers count UTF-16 code
units, in which a character outside the Basic Multilingual Plane ("𝒳", most emoji) takes
two. The browser script converts in JavaScript; these functions serve the API, exports
and tests. This module imports no Django.

Re-anchoring is exact: locate_quote() finds the quoted text or gives up. It never moves
an annotation to look-alike text.
"""

from __future__ import annotations

import functools
import operator
import re
from bisect import bisect_left

DEFAULT_CONTEXT = 32  # code points of prefix and suffix in a TextQuoteSelector

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class SpanError(ValueError):
    """A span that cannot be a claim: out of the text, empty or only whitespace."""


# --- UTF-16 <-> code points -----------------------------------------------------------


def utf16_to_codepoints(text: str, offset: int) -> int:
    """The code-point offset of a UTF-16 offset into `text`.

    Raises ValueError when the offset is outside [0, UTF-16 length] or falls between the
    two halves of a surrogate pair.
    """
    offset = operator.index(offset)
    astral_units = _astral_positions(text)[1]
    length = len(text) + len(astral_units)
    if not 0 <= offset <= length:
        raise ValueError(f"UTF-16 offset {offset} is outside the text (0 to {length})")
    # Each astral character that starts before the offset adds one unit to UTF-16.
    before = bisect_left(astral_units, offset)
    if before and astral_units[before - 1] + 1 == offset:
        raise ValueError(f"UTF-16 offset {offset} splits a surrogate pair")
    codepoints = offset - before
    _refuse_split_pair(text, codepoints, f"UTF-16 offset {offset}")
    return codepoints


def codepoints_to_utf16(text: str, offset: int) -> int:
    """The UTF-16 offset of a code-point offset into `text`.

    Raises ValueError when the offset is outside [0, len(text)] or splits a surrogate pair
    (possible only when `text` holds raw surrogates, as decoded from some JSON).
    """
    offset = operator.index(offset)
    if not 0 <= offset <= len(text):
        raise ValueError(f"offset {offset} is outside the text (0 to {len(text)})")
    _refuse_split_pair(text, offset, f"offset {offset}")
    return offset + bisect_left(_astral_positions(text)[0], offset)


@functools.lru_cache(maxsize=16)
def _astral_positions(text: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Where the characters outside the BMP start: in code points, and in UTF-16 units."""
    # Cached: a document is converted claim after claim, always the same long text.
    if text.isascii():
        return (), ()
    codepoints = tuple(m.start() for m in _ASTRAL.finditer(text))
    return codepoints, tuple(p + i for i, p in enumerate(codepoints))


def _refuse_split_pair(text: str, codepoints: int, what: str) -> None:
    # A str may hold a high and a low surrogate as two code points; UTF-16 sees one pair.
    if (
        0 < codepoints < len(text)
        and "\ud800" <= text[codepoints - 1] <= "\udbff"
        and "\udc00" <= text[codepoints] <= "\udfff"
    ):
        raise ValueError(f"{what} splits a surrogate pair")


# --- Spans ----------------------------------------------------------------------------


def check_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Validate the span [start, end) of `text` and return it without surrounding whitespace.

    Raises SpanError with a message for the person who made the selection.
    """
    _check_bounds(start, end, len(text))
    trimmed_start = start + (len(text[start:end]) - len(text[start:end].lstrip()))
    trimmed_end = start + len(text[start:end].rstrip())
    if trimmed_start >= trimmed_end:
        raise SpanError("the selection is only whitespace")
    return trimmed_start, trimmed_end


def _check_bounds(start: int, end: int, length: int | None) -> None:
    start, end = operator.index(start), operator.index(end)
    if start < 0:
        raise SpanError("start must be ≥ 0")
    if length is not None and end > length:
        raise SpanError(f"end is beyond the end of the text (length {length})")
    if start > end:
        raise SpanError("start must not be after end")
    if start == end:
        raise SpanError("the selection is empty")


# --- W3C Web Annotation selectors ------------------------------------------------------


def quote_selector(text: str, start: int, end: int, context: int = DEFAULT_CONTEXT) -> dict:
    """A W3C TextQuoteSelector for [start, end): the exact text and up to `context` code
    points on either side (fewer at the edges of the text; "" at the very edge)."""
    _check_bounds(start, end, len(text))
    if context < 0:
        raise ValueError("context must be ≥ 0")
    return {
        "type": "TextQuoteSelector",
        "exact": text[start:end],
        "prefix": text[max(0, start - context) : start],
        "suffix": text[end : end + context],
    }


def position_selector(start: int, end: int) -> dict:
    """A W3C TextPositionSelector. Its offsets are code points, as everywhere in the API."""
    _check_bounds(start, end, None)
    return {"type": "TextPositionSelector", "start": start, "end": end}


# --- Re-anchoring ---------------------------------------------------------------------


def locate_quote(
    text: str, exact: str, prefix: str = "", suffix: str = "", hint: int | None = None
) -> tuple[int, int] | None:
    """Where `exact` occurs in `text`, as (start, end) in code points; None if it does not.

    Among several occurrences, the one whose surroundings agree with the most characters
    of `prefix` (read backwards) and `suffix` wins; then the one nearest `hint`, an
    expected start; then the first. No fuzzy matching: the exact string must occur.
    """
    if not exact:
        return None
    starts = []
    found = text.find(exact)
    while found != -1:
        starts.append(found)
        found = text.find(exact, found + 1)  # overlapping occurrences count too
    if not starts:
        return None

    def rank(start: int) -> tuple[int, int, int]:
        end = start + len(exact)
        context = _common_suffix(prefix, text[max(0, start - len(prefix)) : start])
        context += _common_prefix(suffix, text[end : end + len(suffix)])
        distance = abs(start - hint) if hint is not None else 0
        return (-context, distance, start)

    best = min(starts, key=rank) if len(starts) > 1 else starts[0]
    return best, best + len(exact)


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _common_suffix(a: str, b: str) -> int:
    return _common_prefix(a[::-1], b[::-1])
