"""Folding a claim's wording for matching: `normalise` (case, accents, punctuation,
numbers written in words) so that the same claim worded a little differently compares
close. Pure: no database."""

import re
import unicodedata
from decimal import Decimal, InvalidOperation

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
}
_TEENS = {
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_ORDINALS = {
    "first": "one",
    "second": "two",
    "third": "three",
    "fourth": "four",
    "fifth": "five",
    "sixth": "six",
    "seventh": "seven",
    "eighth": "eight",
    "ninth": "nine",
    "tenth": "ten",
    "eleventh": "eleven",
    "twelfth": "twelve",
    "thirteenth": "thirteen",
    "fourteenth": "fourteen",
    "fifteenth": "fifteen",
    "sixteenth": "sixteen",
    "seventeenth": "seventeen",
    "eighteenth": "eighteen",
    "nineteenth": "nineteen",
    "twentieth": "twenty",
    "thirtieth": "thirty",
    "fortieth": "forty",
    "fiftieth": "fifty",
    "sixtieth": "sixty",
    "seventieth": "seventy",
    "eightieth": "eighty",
    "ninetieth": "ninety",
    "hundredth": "hundred",
    "thousandth": "thousand",
    "millionth": "million",
    "billionth": "billion",
}
_NUMBER_WORDS = {*_UNITS, *_TEENS, *_TENS, *_SCALES, "hundred", *_ORDINALS}

# Digits: "24,000" is one number, "3.5" keeps its point, "50th" is 50.
_THOUSANDS_COMMA = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_ORDINAL_SUFFIX = re.compile(r"(?<=\d)(?:st|nd|rd|th)\b")
_PER_CENT = re.compile(r"\bper\s+cent\b")
_TOKEN = re.compile(r"\d+(?:\.\d+)?|[^\W\d_]+")
_DIGIT = re.compile(r"\d")


def normalise(text: str) -> str:
    """Fold a claim for matching: casefold, strip accents, punctuation to spaces,
    numbers written in words to digits ("one hundred and fourteen" → "114",
    "fiftieth" → "50", "2 million" → "2000000"), whitespace collapsed."""
    text = text or ""
    if text.isascii():
        text = text.lower()  # no accents to strip; casefold is lower for ASCII
    else:
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    if _DIGIT.search(text):
        text = _THOUSANDS_COMMA.sub("", text)
        text = _ORDINAL_SUFFIX.sub("", text)
    text = text.replace("%", " percent ")
    if "per" in text:
        text = _PER_CENT.sub("percent", text)
    tokens = _TOKEN.findall(text)
    if _NUMBER_WORDS.isdisjoint(tokens):  # most claims: no number to write in digits
        return " ".join(tokens)
    return " ".join(_numbers_to_digits(tokens))


def _numbers_to_digits(tokens: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(tokens):
        value, used = _read_number(tokens, i)
        if used:
            out.append(value)
            i += used
        else:
            out.append(tokens[i])
            i += 1
    return out


def _read_number(tokens: list[str], i: int) -> tuple[str, int]:
    """The number that starts at tokens[i], as digits, and how many tokens it used
    (0 when none starts there). Accepts English cardinals and ordinals written in
    words ("two hundred and one thousand", "twenty first"), and digits followed by
    a scale word ("1.5 million")."""
    first = tokens[i]
    if first[0].isdigit():
        scale = tokens[i + 1] if i + 1 < len(tokens) else ""
        if scale in _SCALES:
            try:
                value = Decimal(first) * _SCALES[scale]
            except InvalidOperation:
                return "", 0
            return _format(value), 2
        return "", 0
    if first not in _NUMBER_WORDS or first in _SCALES or first in ("hundred", "hundredth"):
        # A number starts with a unit, a teen or a ten; "thousands of" stays words.
        return "", 0
    total = 0  # completed scale groups ("two million")
    group = 0  # the group being read, below a thousand
    last = ""  # kind of the last word taken: unit, teen, tens, hundred, scale, and
    last_scale = None
    used = 0
    j = i
    while j < len(tokens):
        word = tokens[j]
        ordinal = word in _ORDINALS
        word = _ORDINALS.get(word, word)
        if word == "and":
            # "and" belongs to the number only between a hundred/scale and what follows.
            nxt = tokens[j + 1] if j + 1 < len(tokens) else ""
            nxt = _ORDINALS.get(nxt, nxt)
            if last in ("hundred", "scale") and (nxt in _UNITS or nxt in _TEENS or nxt in _TENS):
                last = "and"
                j += 1
                continue
            break
        if word in _UNITS:
            if last not in ("", "tens", "hundred", "scale", "and") or (
                last == "tens" and group % 10
            ):
                break
            group += _UNITS[word]
            kind = "unit"
        elif word in _TEENS:
            if last not in ("", "hundred", "scale", "and"):
                break
            group += _TEENS[word]
            kind = "teen"
        elif word in _TENS:
            if last not in ("", "hundred", "scale", "and"):
                break
            group += _TENS[word]
            kind = "tens"
        elif word == "hundred":
            if last not in ("unit", "teen") or group >= 100:
                break
            group *= 100
            kind = "hundred"
        elif word in _SCALES:
            scale = _SCALES[word]
            if last in ("", "and", "scale") or (last_scale is not None and scale >= last_scale):
                break
            total += (group or 1) * scale
            group = 0
            last_scale = scale
            kind = "scale"
        else:
            break
        last = kind
        j += 1
        used = j - i
        if ordinal:
            break
    if not used:
        return "", 0
    return str(total + group), used


def _format(value: Decimal) -> str:
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")
