"""Strict parsing of the numbers and texts a request carries. Pure: no Django import.

`str.isdigit()` and `int()` accept more than ASCII digits: "²" passes `isdigit()` and
then makes `int()` fail, "٣" (Arabic-Indic three) becomes 3, " 7", "+7" and "7_0" are
numbers too, and a 5,000-digit string makes `int()` raise. Every id or number read
from a query string or a form goes through here instead, so each bad value is refused
the same way, with the field named.
"""

import re

# Primary keys are 64-bit (BigAutoField) on every database.
MAX_ID = 2**63 - 1

_INTEGER = re.compile(r"-?[0-9]{1,19}")


class InvalidValue(ValueError):
    """A value that is not what the field takes; `reason` is a sentence for the user."""

    def __init__(self, field: str, reason: str):
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason

    @property
    def message(self) -> str:
        return str(self)


def parse_int(raw, field: str, *, low: int = 0, high: int = MAX_ID, optional: bool = False):
    """`raw` as an int in [low, high]: ASCII digits, after a "-" for a negative number;
    no "+", space or underscore. With `optional`, a missing or empty value is None."""
    if optional and (raw is None or raw == ""):
        return None
    if isinstance(raw, str) and _INTEGER.fullmatch(raw):
        value = int(raw)
        if low <= value <= high:
            return value
    raise InvalidValue(field, f"Give a whole number from {low} to {high}.")


def parse_id(raw, field: str, *, optional: bool = False):
    """An object id: a whole number from 1 to MAX_ID (None for a missing or empty value
    with `optional`, a form's "nobody" choice)."""
    return parse_int(raw, field, low=1, high=MAX_ID, optional=optional)


def plain_text(raw, field: str) -> str:
    """Free text as posted, refused when it holds NUL, which no database column takes
    (PostgreSQL refuses it; SQLite would store what nothing else can read back)."""
    text = "" if raw is None else raw
    if "\x00" in text:
        raise InvalidValue(field, "Text may not contain NUL characters.")
    return text
