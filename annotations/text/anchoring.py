"""Anchoring claims in a document's text: offset checks and W3C selectors.

Offsets in the database and the API are Python code points. Browsers count UTF-16 code
units, in which a character outside the Basic Multilingual Plane ("𝒳", most emoji) takes
two; the browser script converts before it sends a selection. This module imports no
Django.

Re-anchoring is exact: locate_quote() finds the quoted text or gives up. It never moves
an annotation to look-alike text.
"""

from __future__ import annotations

import operator

DEFAULT_CONTEXT = 32  # code points of prefix and suffix in a TextQuoteSelector


class SpanError(ValueError):
    """A span that cannot be a claim: out of the text, empty or only whitespace."""


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
