"""Transcripts: speaker labels at the start of lines, the turns they open, and the text
split into claims turn by turn. Pure Python, no Django.

A label stands at the start of a line (after indentation): an optional time, a name, an
optional note in brackets, an optional time, then a colon and a space or the end of the
line. For example `MODERATOR:`, `Jane Doe:`, `[00:12:31] SPEAKER 2:`, `JANE DOE (D-NY):`,
`Q:`, `00:04 Mr. Smith:` or `Sen. Warren [1:02:03]:`. Times are `m:ss`, `mm:ss` or
`h:mm:ss`, bare or in square or round brackets, and give the turn's second from the
start of the recording.

A name is at most five words of at most 40 characters in all, each word capitalised or a
name particle ("van", "de", "von"...), the last one possibly a number ("SPEAKER 2"). Words that
open notes rather than turns ("Note:", "Example:", "Source:", "Update:"...) are no names.

Text is a transcript only when its labels are consistent: at least three labelled lines,
at least two speakers, and one speaker speaking at least twice. Then each turn runs from
its label to the next label or the next Markdown heading line; claims inside a turn carry
its speaker and time, and never include the label. Text before the first turn and
headings between turns are split as usual and carry no speaker of their own.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from . import segmentation
from .segmentation import Segment

__all__ = ["Spoken", "Turn", "clock", "split", "turns"]

_TIME = r"\d{1,2}:\d{2}(?::\d{2})?"
_LABEL = re.compile(
    rf"^[ \t]*(?:[\[(]?(?P<time>{_TIME})[\])]?[ \t]*[-–]?[ \t]*)?"
    r"(?P<name>[^\W\d_][\w.'’\- ]{0,39}?)"
    rf"(?:[ \t]*\((?!{_TIME}\))(?P<note>[^()\n]{{1,40}})\))?"
    rf"(?:[ \t]*[\[(](?P<after>{_TIME})[\])])?"
    r"[ \t]*:(?:[ \t]+|(?=\n)|\Z)",
    re.M,
)
_HEADING_LINE = re.compile(r"^[ \t]*#{1,6}[ \t]", re.M)
_PARTICLES = {"van", "de", "der", "den", "von", "du", "da", "di", "la", "le", "del", "ter", "'t"}
_NOT_NAMES = {
    "note", "notes", "nb", "n.b.", "example", "examples", "source", "sources", "update",
    "updated", "warning", "caution", "tip", "summary", "conclusion", "date", "time",
    "location", "place", "subject", "re", "from", "to", "cc", "title", "author", "tags",
    "category", "keywords", "url", "link", "photo", "image", "caption", "credit", "credits",
    "disclaimer", "correction", "editor's note", "translation", "transcript", "see also",
    "read more", "figure", "table", "chapter", "section", "part", "article", "phone", "tel",
    "email", "e-mail", "fax", "address", "website", "status", "result", "results", "total",
    "price", "cost", "year", "definition", "important", "attention", "ps", "p.s.", "edit",
    "remarque", "exemple", "bron", "opmerking", "voorbeeld", "let op", "mise à jour",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Turn:
    """One speaker's turn: the label at [label_start, start), the speech at [start, end)."""

    label_start: int
    start: int
    end: int
    speaker: str
    seconds: int | None


@dataclass(frozen=True, slots=True)
class Spoken:
    """A claim-sized segment and who said it when ("" and None outside turns)."""

    segment: Segment
    speaker: str = ""
    seconds: int | None = None


def turns(text: str, *, consistent: bool = True) -> list[Turn]:
    """The turns of a transcript, in order; [] when the text is not one. With
    consistent=False every label opens a turn, however few (a live transcript, whose
    first chunk may hold one speaker's words)."""
    labels = [match for match in _LABEL.finditer(text) if _is_name(match["name"])]
    speakers = Counter(_speaker(match) for match in labels)
    if not labels or (
        consistent and (len(labels) < 3 or len(speakers) < 2 or speakers.most_common(1)[0][1] < 2)
    ):
        return []
    headings = [match.start() for match in _HEADING_LINE.finditer(text)]
    result = []
    for i, match in enumerate(labels):
        end = labels[i + 1].start() if i + 1 < len(labels) else len(text)
        end = next((h for h in headings if match.end() <= h < end), end)
        time = match["time"] or match["after"]
        result.append(
            Turn(match.start(), match.end(), end, _speaker(match), _seconds(time) if time else None)
        )
    return result


def split(
    text: str, language: str = "en", *, start: int = 0, consistent: bool = True
) -> list[Spoken]:
    """`segmentation.split`, turn by turn in a transcript (see the module docstring).
    Text that is not a transcript is split as a whole, exactly as `segmentation.split`.
    With `start`, only text[start:] is split (the turns are still read from the whole
    text): the new part of a growing document, `start` a boundary between segments.
    `consistent` as for `turns`."""
    found = turns(text, consistent=consistent)
    if not found:
        if start:
            return [Spoken(s) for s in _split_part(text, start, len(text), language)]
        return [Spoken(segment) for segment in segmentation.split(text, language)]
    result: list[Spoken] = []
    position = start
    for turn in found:
        if turn.end <= start:
            continue
        result.extend(Spoken(s) for s in _split_part(text, position, turn.label_start, language))
        for segment in _split_part(text, max(turn.start, start), turn.end, language):
            # Spoken words without a full stop ("Thank you") are no headings.
            kind = "sentence" if segment.kind == "heading" else segment.kind
            result.append(
                Spoken(Segment(segment.start, segment.end, kind), turn.speaker, turn.seconds)
            )
        position = max(turn.end, start)
    result.extend(Spoken(s) for s in _split_part(text, position, len(text), language))
    return result


def _split_part(text: str, start: int, end: int, language: str) -> list[Segment]:
    if start >= end:
        return []
    return [
        Segment(start + s.start, start + s.end, s.kind)
        for s in segmentation.split(text[start:end], language)
    ]


def _is_name(name: str) -> bool:
    words = name.split()
    if not words or len(words) > 5 or " ".join(words).lower() in _NOT_NAMES:
        return False
    if words[-1].isdigit():  # "SPEAKER 2", "Speaker 12": a number only after a word
        words = words[:-1]
    return (
        bool(words)
        and all(word[0].isupper() or word.lower() in _PARTICLES for word in words)
        and not any(word.isdigit() for word in words)
    )


def _speaker(match: re.Match[str]) -> str:
    name = " ".join(match["name"].split())
    return f"{name} ({match['note'].strip()})" if match["note"] else name


def clock(seconds: int) -> str:
    """Seconds from the start of a recording as h:mm:ss (751 -> "0:12:31")."""
    return f"{seconds // 3600}:{seconds // 60 % 60:02}:{seconds % 60:02}"


def _seconds(time: str) -> int:
    seconds = 0
    for part in time.split(":"):
        seconds = seconds * 60 + int(part)
    return seconds
