"""Lists written on one line: "1) The first item 2) The second item", "• one • two".

Pure Python, no Django; used by `segmentation.py`, which keeps each label inside its item's
first segment (a mark at the start of a line is left outside, as `segmentation` says).
"""

from __future__ import annotations

import re

__all__ = ["LABEL", "LABEL_STARTS", "LIST_MARKS", "inline_items"]

# The bullets that mark a list item at the start of a line.
LIST_MARKS = "-*+•–‣◦▪●"
# The label of a list item: a bullet, a number or a letter with ".", ")" or ".)", or both.
LABEL = re.compile(
    rf"(?P<bullet>[{LIST_MARKS}⁃])?"
    r"(?:[ \t]*(?:(?P<number>\d{1,3})|(?P<letter>[a-zA-Z]))(?P<delim>\.\)|[.)]))?(?=\s|$)"
)
LABEL_STARTS = frozenset(LIST_MARKS + "⁃0123456789aA")
_TRAILING_SPACE = re.compile(r"\s*\Z")


def inline_items(text: str, start: int, end: int, mark: str) -> list[tuple[int, int]]:
    """The items of a list written on one line ("1) The first item 2) The second item"), or
    the whole block [start, end).

    A list is opened by the block's mark or by a label at its start: a bullet, a number or
    "a", with ".", ")" or ".)". Only the same bullet or the next labels in order ("2)", "3)")
    open the next items, so a number or a letter in running text does not."""
    label = LABEL.fullmatch(mark) if mark else LABEL.match(text, start, end)
    if label is None:
        return [(start, end)]
    bullet, number, letter, delimiter = label.group("bullet", "number", "letter", "delim")
    if number is None and letter is None and bullet is None:
        return [(start, end)]
    if letter is not None and letter not in "aA":
        return [(start, end)]
    items: list[tuple[int, int]] = []
    item_start = start
    position = start + 1
    while True:
        if bullet is not None:
            pattern = rf"(?<=\s){re.escape(bullet)}"
        else:
            if number is not None:
                number = str(int(number) + 1)
            elif letter in "zZ":
                break
            else:
                letter = chr(ord(letter) + 1)
            pattern = rf"(?<=\s){number or letter}{re.escape(delimiter)}(?=\s+[^\W\d_a-z])"
        found = re.compile(pattern).search(text, position, end)
        if found is None:
            break
        items.append((item_start, _TRAILING_SPACE.search(text, item_start, found.start()).start()))
        item_start, position = found.start(), found.end()
    items.append((item_start, end))
    return items
