"""A growing text (a transcript still arriving): which of the segments split from its
new part are settled, and where the unfinished rest begins. Pure Python, no Django.

A chunk may end anywhere: in a word ("the econ"), in a number ("grew 3." before "5
percent"), after an abbreviation ("Mr." before "Smith"). The last segment of the new
part is settled only when the next chunk cannot change it: it ends a sentence (final
punctuation, and the splitter still ends it there when a capitalised word follows) and
whitespace follows it, or a blank line follows it (the end of a paragraph, heading or
list item). Otherwise it is held, with whatever follows it, until the next chunk, or
until the document is closed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from . import segmentation

__all__ = ["settled"]

# A sentence's last characters: final punctuation, then closing quotes or brackets.
_FINAL = re.compile(r"[.!?…‼⁇。！？][\"'”’»)\]]*\Z")
_PROBE = " Then"


class _Spoken(Protocol):
    @property
    def segment(self) -> segmentation.Segment: ...


def settled(text: str, spoken: Sequence[_Spoken], language: str = "en") -> tuple[int, int]:
    """(how many of `spoken`, the segments of the new part in order, are settled; where
    the held text begins: the last segment's start when it is held, else its end)."""
    if not spoken:
        return 0, -1
    last = spoken[-1].segment
    tail = text[last.end :]
    if "\n\n" in tail or (tail[:1].isspace() and _ends_sentence(text, last, language)):
        return len(spoken), last.end
    return len(spoken) - 1, last.start


def _ends_sentence(text: str, last: segmentation.Segment, language: str) -> bool:
    words = text[last.start : last.end]
    if not _FINAL.search(words):
        return False
    # The splitter's own rules (abbreviations, initials): does it still end the sentence
    # there when the next one begins?
    probe = segmentation.split(words + _PROBE, language)
    return any(segment.end == len(words) for segment in probe)
