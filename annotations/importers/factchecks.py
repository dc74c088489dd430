"""Files of fact-checks published elsewhere -> checked records, and the records that could
not be read, each with its line (or item) and the reason.

Pure module: no Django. `read_factchecks(data, filename)` takes the bytes of:

- schema.org ClaimReview JSON-LD, as fact-checkers embed it and aggregators publish it:
  one object, an array, a `@graph`, a DataFeed (`dataFeedElement`, the DataCommons feed),
  the Google Fact Check Tools search answer (`{"claims": [{"text", "claimReview": [...]}]}`),
  or JSON lines holding any of these;
- a TSV with a header row naming at least the claim and url columns (see `COLUMNS`).

The format is told from the content, never from the name alone. Whole-file problems
(empty, binary, not UTF-8 or UTF-16, neither JSON nor TSV, too large, no record at all)
raise `ImportRefused`; a record that cannot be used (no claim, no http(s) url, a date that
is not a date, a field over its length, a NUL character, a line that is not UTF-8) becomes
a `RecordProblem` and the others are read on.
"""

from __future__ import annotations

import codecs
import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from .claimreview import ClaimReviewError, reviews_in
from .common import ImportRefused, normalise_text, one_line

# Field lengths: those of annotations.models.ReferenceFactCheck (a test holds them equal).
LIMITS = {
    "claim": 5000,
    "url": 2000,
    "rating": 200,
    "publisher": 300,
    "claimant": 300,
    "title": 500,
    "language": 10,
}
DEFAULT_MAX_BYTES = 50 * 1024 * 1024

# TSV header names (folded: lower case, no spaces, "_" or "-") -> field.
COLUMNS = {
    "claim": "claim",
    "claimtext": "claim",
    "claimreviewed": "claim",
    "statement": "claim",
    "text": "claim",
    "rating": "rating",
    "textualrating": "rating",
    "verdict": "rating",
    "label": "rating",
    "url": "url",
    "link": "url",
    "reviewurl": "url",
    "factcheckurl": "url",
    "publisher": "publisher",
    "author": "publisher",
    "factchecker": "publisher",
    "source": "publisher",
    "date": "published",
    "published": "published",
    "datepublished": "published",
    "reviewdate": "published",
    "claimant": "claimant",
    "speaker": "claimant",
    "title": "title",
    "headline": "title",
    "language": "language",
    "lang": "language",
    "inlanguage": "language",
    "languagecode": "language",
}

FORMAT_LABELS = {"json": "ClaimReview JSON", "jsonl": "ClaimReview JSON lines", "tsv": "TSV"}


@dataclass(frozen=True)
class FactCheck:
    """One fact-check as published: the claim, the link to the fact-check, the rating in
    the publisher's words and who published it when; "" (None for the date) when the
    file does not say."""

    claim: str
    url: str
    rating: str = ""
    publisher: str = ""
    claimant: str = ""
    published: date | None = None
    title: str = ""
    language: str = ""


@dataclass(frozen=True)
class RecordProblem:
    """A record left out. `line` is the line of the file (JSON lines, TSV, a JSON record
    on a line of its own) or the number of the record in the file, counted from 1
    (`unit` "item": a JSON array, graph or feed)."""

    line: int
    message: str
    unit: str = "line"

    @property
    def where(self) -> str:
        return f"{self.unit} {self.line}"


@dataclass
class FactCheckFile:
    format: str  # "json", "jsonl" or "tsv"
    records: list[FactCheck] = field(default_factory=list)
    problems: list[RecordProblem] = field(default_factory=list)


class _Bad(ValueError):
    """A record's field cannot be used; the message says which and why."""


def read_factchecks(
    data: bytes, filename: str | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> FactCheckFile:
    """Read a ClaimReview JSON(-lines) or TSV file. Raises ImportRefused for the whole
    file; leaves out, with a RecordProblem each, the records that cannot be used."""
    name = f"“{filename}”" if filename else "The file"
    if len(data) > max_bytes:
        raise ImportRefused(
            f"{name} has {len(data):,} bytes; the limit is {max_bytes:,}. "
            "Split it into smaller files.",
            "too_large",
            "file",
        )
    lines = _decoded_lines(data, name)
    if _first_line(lines) is None:  # only Unicode spaces
        raise _empty(name)
    first = lines[_first_line(lines)]
    if first is not None and first.lstrip()[:1] in ("{", "["):
        result = _read_json(lines, name)
    else:
        result = _read_tsv(lines, name)
    if not result.records and not result.problems:
        raise ImportRefused(
            f"{name} holds no ClaimReview and no fact-check to load.", "no_records", "file"
        )
    return result


# --- bytes -> lines -----------------------------------------------------------------------

_BINARY_SIGNATURES = (b"%PDF", b"PK\x03\x04", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b")
_CONTROL_BYTES = bytes(c for c in range(32) if c not in (9, 10, 12, 13, 11))


def _decoded_lines(data: bytes, name: str) -> list[str | None]:
    """The file's lines as text; None for a line that is not UTF-8 (reported on its own
    by the reader). UTF-16 with a byte-order mark is read whole."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise _not_text(name) from None
        if not text.strip():
            raise _empty(name)
        return text.split("\n")
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    if not data.strip():
        raise _empty(name)
    if data.startswith(_BINARY_SIGNATURES):
        raise _binary(name)
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    if controls > 1 and controls * 100 > len(data):
        raise _binary(name)
    lines: list[str | None] = []
    for raw in data.split(b"\n"):
        try:
            lines.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            lines.append(None)
    if all(text is None for text in lines if text != ""):
        raise _not_text(name)
    return lines


def _empty(name: str) -> ImportRefused:
    return ImportRefused(
        f"{name} is empty. Choose a ClaimReview JSON or TSV file.", "empty", "file"
    )


def _binary(name: str) -> ImportRefused:
    return ImportRefused(
        f"{name} is a binary file, not ClaimReview JSON or TSV text.", "binary", "file"
    )


def _not_text(name: str) -> ImportRefused:
    return ImportRefused(
        f"{name} is not UTF-8 text. Save it as UTF-8 and load it again.", "encoding", "file"
    )


def _undecodable(line: int) -> RecordProblem:
    return RecordProblem(line, "The line is not UTF-8 text; save the file as UTF-8.")


# --- JSON ---------------------------------------------------------------------------------


def _read_json(lines: list[str | None], name: str) -> FactCheckFile:
    """One JSON document (object or array), else JSON lines: one value per line."""
    if None not in lines:
        text = "\n".join(lines)
        try:
            document = json.loads(text)
        except RecursionError:
            raise _too_deep(name) from None
        except ValueError as error:
            if _looks_like_json_lines(lines):
                return _read_json_lines(lines, name)
            raise ImportRefused(
                f"{name} is not valid JSON: {_json_error(error)}. "
                "Give ClaimReview JSON-LD, JSON lines or a TSV.",
                "damaged",
                "file",
            ) from None
        result = FactCheckFile("json")
        _add_reviews(result, document, None)
        return result
    if _looks_like_json_lines(lines):
        return _read_json_lines(lines, name)
    raise _not_text(name)


def _read_json_lines(lines: list[str | None], name: str) -> FactCheckFile:
    result = FactCheckFile("jsonl")
    for number, text in enumerate(lines, start=1):
        if text is None:
            result.problems.append(_undecodable(number))
            continue
        if not text.strip():
            continue
        try:
            value = json.loads(text)
        except RecursionError:
            result.problems.append(RecordProblem(number, "The JSON is nested too deeply."))
            continue
        except ValueError as error:
            message = f"Not valid JSON: {_json_error(error, line=False)}."
            result.problems.append(RecordProblem(number, message))
            continue
        _add_reviews(result, value, number)
    return result


def _add_reviews(result: FactCheckFile, value, line: int | None) -> None:
    """The fact-checks in one JSON value; `line` when the value is one line of the file,
    else each record is numbered as an item."""
    for item, review in enumerate(reviews_in(value), start=1):
        where = RecordProblem(line, "") if line else RecordProblem(item, "", "item")
        if isinstance(review, ClaimReviewError):
            result.problems.append(RecordProblem(where.line, str(review), where.unit))
            continue
        try:
            result.records.append(_checked(review))
        except _Bad as bad:
            result.problems.append(RecordProblem(where.line, str(bad), where.unit))


def _first_line(lines: list[str | None]) -> int | None:
    return next((i for i, text in enumerate(lines) if text is None or text.strip()), None)


def _looks_like_json_lines(lines: list[str | None]) -> bool:
    """Whether one of the first lines holds a whole JSON object by itself (the lines of
    a pretty-printed document never do)."""
    heads = [text.strip() for text in lines[:50] if text and text.strip()][:10]
    for text in heads:
        if text.startswith("{"):
            try:
                json.loads(text)
            except (ValueError, RecursionError):
                continue
            return True
    return False


def _json_error(error: ValueError, *, line: bool = True) -> str:
    if isinstance(error, json.JSONDecodeError):
        # "Unterminated string starting at" says where below.
        msg = error.msg.removesuffix(" starting at")
        if not line:
            return f"{msg} at column {error.colno}"
        return f"{msg} at line {error.lineno}, column {error.colno}"
    return str(error)


def _too_deep(name: str) -> ImportRefused:
    return ImportRefused(f"{name} is JSON nested too deeply to read.", "damaged", "file")


# --- TSV ----------------------------------------------------------------------------------


def _read_tsv(lines: list[str | None], name: str) -> FactCheckFile:
    header_at = _first_line(lines)
    header = lines[header_at]
    if header is None:
        raise _not_text(name)
    if "\t" not in header:
        raise _not_factchecks(name, header)
    columns = [COLUMNS.get(_folded(cell)) for cell in _cells(header)]
    missing = [f for f in ("claim", "url") if f not in columns]
    if missing:
        raise ImportRefused(
            f"{name} is a TSV whose header row has no {' and no '.join(missing)} column. "
            "Name the columns claim, rating, url (and optionally publisher, date, claimant, "
            "title, language).",
            "unsupported",
            "file",
        )
    result = FactCheckFile("tsv")
    for number in range(header_at + 2, len(lines) + 1):
        text = lines[number - 1]
        if text is None:
            result.problems.append(_undecodable(number))
            continue
        if not text.strip():
            continue
        cells = _cells(text)
        if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns) :]):
            message = (
                f"The line has {len(cells)} cells but the header {len(columns)}; "
                "is there a tab inside a cell?"
            )
            result.problems.append(RecordProblem(number, message))
            continue
        fields = {col: cell for col, cell in zip(columns, cells, strict=False) if col}
        try:
            result.records.append(_checked(fields))
        except _Bad as bad:
            result.problems.append(RecordProblem(number, str(bad)))
    return result


def _not_factchecks(name: str, first: str | None) -> ImportRefused:
    head = (first or "").strip().lower()
    if "," in head and "claim" in head and "url" in head:
        hint = " It looks like CSV: save it as tab-separated values (TSV)."
    else:
        hint = ""
    return ImportRefused(
        f"{name} is neither ClaimReview JSON nor a TSV with a header row "
        f"(claim, rating, url).{hint}",
        "unsupported",
        "file",
    )


def _folded(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", name.strip().lstrip("\ufeff").lower())


def _cells(line: str) -> list[str]:
    """A TSV line's cells; a cell wholly in double quotes (as spreadsheets write a cell
    holding a quote) loses them, with doubled quotes made single."""
    cells = line.rstrip("\r").split("\t")
    return [
        cell[1:-1].replace('""', '"') if len(cell) >= 2 and cell[0] == cell[-1] == '"' else cell
        for cell in cells
    ]


# --- one record ---------------------------------------------------------------------------

_HTTP_URL = re.compile(r"https?://[^\s/?#]+[^\s]*", re.I)
_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?")
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")


def _checked(fields: dict) -> FactCheck:
    """A FactCheck from raw field values (text, or numbers), or _Bad naming the field."""
    claim = _text(fields, "claim")
    if not claim:
        raise _Bad("It has no claim (claimReviewed): the claim text is required.")
    return FactCheck(
        claim=claim,
        url=_url(_text(fields, "url")),
        rating=_text(fields, "rating"),
        publisher=_text(fields, "publisher"),
        claimant=_text(fields, "claimant"),
        published=_date(_text(fields, "published")),
        title=_text(fields, "title"),
        language=_language(fields.get("language")),
    )


def _text(fields: dict, name: str) -> str:
    value = fields.get(name)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise _Bad(f"The {name} is not text.")
    value = str(value)
    if "\x00" in value:
        raise _Bad(f"The {name} contains a NUL character.")
    if not (value.isprintable() and unicodedata.is_normalized("NFC", value)):
        value = normalise_text(value)  # the common case needs none of its work
    value = one_line(value)
    limit = LIMITS.get(name)
    if limit and len(value) > limit:
        raise _Bad(f"The {name} has {len(value):,} characters; the limit is {limit:,}.")
    return value


def _url(url: str) -> str:
    if not url:
        raise _Bad("It has no url: the link to the published fact-check is required.")
    if not _HTTP_URL.fullmatch(url):
        shown = url if len(url) <= 60 else url[:57] + "..."
        raise _Bad(f"The url {shown!r} is not an http(s) link.")
    scheme, rest = url.split(":", 1)
    return scheme.lower() + ":" + rest


def _date(value: str) -> date | None:
    if not value:
        return None
    match = _DATE.fullmatch(value)
    try:
        if match is None:
            raise ValueError
        return date.fromisoformat(match[1])
    except ValueError:
        shown = value if len(value) <= 40 else value[:37] + "..."
        raise _Bad(f"The date {shown!r} is not a date (YYYY-MM-DD).") from None


def _language(value) -> str:
    """A language tag such as "en" or "pt-BR"; anything else ("English", a dict) is left
    out rather than costing the record."""
    if not isinstance(value, str):
        return ""
    tag = value.strip().replace("_", "-")
    return tag if len(tag) <= LIMITS["language"] and _LANGUAGE_TAG.fullmatch(tag) else ""
