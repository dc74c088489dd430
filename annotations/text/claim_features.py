"""The hand-written features of check-worthiness: yes/no tests on a text (a number, a
date, a slogan...), each with the words it found, so a reason can quote them.

`find(text, language)` returns feature name -> findings for the features that fire. Words
come from the Lexicon of the language (`claim_lexicons`); patterns are compiled from it
once, on first use. Pure: imports no Django.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from itertools import chain

from annotations.text.claim_lexicons import DEFAULT_LANGUAGE, LEXICONS, Lexicon, code

VERY_SHORT_WORDS = 4  # fewer words than this is "very short"
SLOGAN_MAX_WORDS = 12  # an exclamation this short reads as a slogan
EXAMPLES_SHOWN = 3  # how many findings a reason quotes

# The features find() may report, in the order reasons are listed.
NAMES = (
    "number",
    "date",
    "percentage",
    "money",
    "statistic",
    "entity",
    "comparison",
    "cause",
    "attribution",
    "question",
    "exhortation",
    "slogan",
    "opinion",
    "very_short",
)


def find(text: str, language: str = DEFAULT_LANGUAGE, examples: int = EXAMPLES_SHOWN):
    """Feature name -> up to `examples` distinct findings, for each feature that fires on
    `text` (stripped, not empty)."""
    return _rules_for(language).find(text, examples)


# --- Detection ------------------------------------------------------------------------

_UPPER = "A-ZÀ-ÖØ-Þ"
_LETTERS = r"[^\W\d_]+"
_WORD = re.compile(rf"{_LETTERS}(?:['’-]{_LETTERS})*")
_LETTER_RUN = re.compile(_LETTERS)
_DIGIT = re.compile(r"\d")
_QUOTED = re.compile(r'"[^"\n]{0,400}"|“[^”\n]{0,400}”')
_QUESTION = re.compile(r"\?[\"'”’)\]]*$")
_EXCLAMATION = re.compile(r"![\"'”’)\]]*$")
# Where a sentence starts: the first word there is capitalised whatever it is.
_SENTENCE_START = re.compile(r"(?:^|[.!?…][\"'”’)\]]*\s)[\s\"'“‘«(\[•*–—-]*")


class _Phrases:
    """Finds phrases of a word list in lower-case text; "*" matches any one word.

    The regular expression runs only when the first word of some phrase is in the text, so
    most sentences cost one set lookup per list.
    """

    def __init__(
        self, phrases: tuple[str, ...], exceptions: tuple[str, ...] = (), elision: bool = False
    ) -> None:
        self.first_words = frozenset(p.split()[0] for p in phrases)
        # Exceptions first and longest phrases first: the regex takes the first alternative
        # that matches, so "as well as" is seen (and dropped) before "as * as".
        self.exceptions = frozenset(exceptions)
        ordered = sorted(exceptions, key=len, reverse=True) + sorted(phrases, key=len, reverse=True)
        alternatives = "|".join(re.escape(p).replace(r"\*", _LETTERS) for p in ordered)
        before = r"(?<![\w-])" if elision else r"(?<![\w'’-])"
        self.pattern = re.compile(rf"{before}(?:{alternatives})(?![\w'’-])")

    def find(self, lower: str, tokens: set[str]) -> Iterator[str]:
        """The phrases found, in order, as the caller asks for them."""
        if self.first_words.isdisjoint(tokens):
            return
        for m in self.pattern.finditer(lower):
            if m.group() not in self.exceptions:
                yield m.group()


def _alternation(words: tuple[str, ...], regex: bool = False) -> str:
    return "|".join(words if regex else map(re.escape, words))


class _Rules:
    """Matchers built from one Lexicon."""

    def __init__(self, lex: Lexicon) -> None:
        units = _alternation(lex.units)
        teens, tens, scales = (_alternation(w) for w in (lex.teens, lex.tens, lex.scales))
        cardinal = rf"(?:(?:{tens})(?:[- ](?:{units}))?|{teens}|{_alternation(lex.units[1:])})"
        amount = rf"\d+(?:[.,]\d+)*(?:\s?(?:{scales}|bn|mn|m|k)\b)?"
        months = _alternation(lex.months, regex=True)
        ordinal = _alternation(lex.ordinal_suffixes, regex=True)
        day = rf"\d{{1,2}}(?:{ordinal})?(?:\s?[-–]\s?\d{{1,2}}(?:{ordinal})?)?"
        year = r"(?:1\d|20)\d{2}"
        currencies = _alternation(lex.currency_words)
        articles = _alternation(lex.number_articles)
        # Lower-case month and weekday names (French, Dutch) may start a date too.
        initials = re.escape("".join(sorted({w[0] for w in lex.months + lex.weekdays})))

        # The leading look-aheads let the engine skip most positions at once.
        self.money = re.compile(
            rf"(?=[€$£¥EUGC\d])(?:(?:[€$£¥]|\b(?:EUR|USD|GBP|CHF|US\$)\s?){amount}"
            rf"|(?<![\w.,])\d+(?:[.,]\d+)*(?:\s(?:{scales}))?\s(?:(?i:{currencies})|EUR|USD|GBP)\b"
            rf"|(?<![\w.,])\d+(?:[.,]\d+)*(?:\s(?:{scales}))?\s?(?:[€$£]|M€|Md€))"
        )
        percent = _alternation(lex.percent_words, regex=True)
        self.percentage = re.compile(rf"(?<![\w.,])\d+(?:[.,]\d+)?\s?(?:%|(?:{percent})\b)")
        self.date = re.compile(
            rf"(?=[\d{_UPPER}{initials}])(?:\b(?:{day}\s(?:of\s)?(?:{months})(?:,?\s{year})?(?!\w)"
            rf"|(?:{months})\s{day}(?:,?\s{year})?(?!\w)"
            rf"|(?:{months})\s{year}(?!\w)"
            r"|\d{1,2}/\d{1,2}/\d{2,4}(?!\w)"
            r"|\d{4}-\d{2}-\d{2}(?!\w)"
            r"|\d{1,2}:\d{2}(?:\s?[AaPp]\.?[Mm]\.?)?(?!\w)"
            rf"|{year}s"
            rf"|(?:{_alternation(lex.weekdays)})\b)"
            rf"|(?<![\w.,\-/€$£¥]){year}(?!\w|%|[.,]\d))"
        )
        self.weekdays = frozenset(w.lower() for w in lex.weekdays)
        self.digits = re.compile(
            rf"(?<![\w\-/:.,])\d+(?:[.,]\d+)*(?:{ordinal})?(?:\s(?:{scales}))?(?!\w)"
        )
        self.number_word_set = frozenset(
            lex.units[1:] + lex.teens + lex.tens + lex.scales + lex.number_words
        ) | {f"{t}-{u}" for t in lex.tens for u in lex.units}
        self.number_words = re.compile(
            rf"\b(?=[^\W\d_])(?:(?:{articles}|{cardinal})(?:\s(?:{lex.number_and}\s)?{cardinal})*"
            rf"\s(?:{scales})"
            rf"|{cardinal}|{_alternation(lex.number_words)})\b"
        )
        self.comparison = _Phrases(lex.comparisons, lex.not_comparisons, lex.elision)
        self.statistic = _Phrases(lex.statistics, (), lex.elision) if lex.statistics else None
        self.cause = _Phrases(lex.causes, (), lex.elision)
        self.attribution_verb = _Phrases(lex.attribution_verbs)
        self.attribution_prefix = _Phrases(lex.attribution_prefixes)
        self.exhortation = _Phrases(lex.exhortations, lex.not_exhortations)
        self.opinion = _Phrases(lex.opinions, (), lex.elision)
        self.slogan_opener = re.compile(
            rf"^[\W_]*(?:{_alternation(lex.slogan_openers)})(?![\w'’-])"
        )

        connectors = _alternation(lex.name_connectors)
        word = rf"(?:[{_UPPER}]\.){{2,}}|al-[{_UPPER}][\w'’-]*|[{_UPPER}][\w'’-]*"
        self.name = re.compile(rf"(?<![\w'’-])(?:{word})(?:\s(?:(?:{connectors})\s)*(?:{word}))*")
        self.connectors = frozenset(lex.name_connectors) | {"of", "the"}
        self.titles = frozenset(lex.titles)
        self.openers = frozenset(lex.sentence_openers)
        self.not_names = frozenset(lex.not_names) | {
            w for w in lex.months + lex.weekdays if w.isalpha()
        }

    def find(self, text: str, examples: int = EXAMPLES_SHOWN) -> dict[str, list[str]]:
        """Feature name -> up to `examples` distinct findings (maybe nothing to quote) for
        each feature that fired. Detectors yield findings lazily and stop once they have
        enough."""
        found: dict[str, list[str]] = {}
        lower = text.lower()
        words = _WORD.findall(lower)
        tokens = set(words)
        if "-" in lower or "'" in lower or "’" in lower:
            tokens.update(_LETTER_RUN.findall(lower))  # "pro-fascist" also holds "fascist"

        taken: list[tuple[int, int]] = []  # spans already counted as money, % or date
        has_digit = _DIGIT.search(text) is not None
        for name, pattern, wanted in (
            ("money", self.money, has_digit),
            ("percentage", self.percentage, has_digit),
            ("date", self.date, has_digit or not self.weekdays.isdisjoint(tokens)),
        ):
            if wanted:
                hits = [m for m in pattern.finditer(text) if not _overlaps(m.span(), taken)]
                if hits:
                    taken.extend(m.span() for m in hits)
                    found[name] = _distinct((m.group() for m in hits), examples)
        numbers = []
        if has_digit:
            numbers = [m for m in self.digits.finditer(text) if not _overlaps(m.span(), taken)]
        if not self.number_word_set.isdisjoint(tokens):
            numbers += self.number_words.finditer(lower)
            numbers.sort(key=lambda m: m.start())
        _add(found, "number", (m.group() for m in numbers), examples)
        _add(found, "entity", self._names(text), examples)
        if self.statistic:
            _add(found, "statistic", self.statistic.find(lower, tokens), examples)
        _add(found, "comparison", self.comparison.find(lower, tokens), examples)
        _add(found, "cause", (f"{c} …" for c in self.cause.find(lower, tokens)), examples)
        attributions = chain(
            (f"{a} …" for a in self.attribution_prefix.find(lower, tokens)),
            (f"… {a}" for a in self.attribution_verb.find(lower, tokens)),
        )
        _add(found, "attribution", attributions, examples)

        if _QUESTION.search(text):
            found["question"] = []
        # What is only quoted is not the speaker's own exhortation or opinion.
        own = _QUOTED.sub(" ", lower) if ('"' in text or "“" in text) else lower
        _add(found, "exhortation", self.exhortation.find(own, tokens), examples)
        if len(words) <= SLOGAN_MAX_WORDS and (
            _EXCLAMATION.search(text) or self.slogan_opener.search(lower)
        ):
            found["slogan"] = []
        _add(found, "opinion", self.opinion.find(own, tokens), examples)
        if len(text.split()) < VERY_SHORT_WORDS:
            found["very_short"] = []
        return found

    def _names(self, text: str) -> Iterator[str]:
        """The names of people, places and organisations, in order, lazily."""
        starts = None
        for m in self.name.finditer(text):
            words = m.group().split()
            if starts is None:
                starts = {s.end() for s in _SENTENCE_START.finditer(text)}
            if m.start() in starts and not _is_acronym(words[0]):
                # Capitalised because it opens the sentence: "Hawaii became…" is lost, but
                # so are "Today, …" and "Occupation of the Malvinas Islands".
                if len(words) == 1:
                    continue
                if words[1] in self.connectors:
                    words.pop(0)
            while (
                words
                and (words[0].lower() in self.openers or words[0] in self.connectors)
                and not _is_acronym(words[0])
            ):
                words.pop(0)
            for i in range(len(words) - 2, -1, -1):
                if words[i].lower().rstrip(".") in self.titles and words[i + 1][0].isupper():
                    words = words[i + 1 :]
                    break
            if not words or (len(words) == 1 and words[0] in self.not_names):
                continue
            name = " ".join(words)
            for possessive in ("'s", "’s", "'", "’"):
                name = name.removesuffix(possessive)
            yield name


def _is_acronym(word: str) -> bool:
    return len(word) > 1 and word.isupper()  # NATO, U.S., F16


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in taken)


def _distinct(items: Iterable[str], limit: int) -> list[str]:
    """The first `limit` distinct items, in order; reads no further."""
    seen: dict[str, None] = {}
    for item in items:
        seen.setdefault(item, None)
        if len(seen) == limit:
            break
    return list(seen)


def _add(found: dict[str, list[str]], name: str, items: Iterable[str], limit: int) -> None:
    examples = _distinct(items, limit)
    if examples:
        found[name] = examples


_compiled: dict[str, _Rules] = {}


def _rules_for(language: str) -> _Rules:
    """Rules for a language tag such as "en" or "fr-BE"; English when there is no lexicon."""
    key = code(language)
    if key not in _compiled:
        _compiled[key] = _Rules(LEXICONS[key])
    return _compiled[key]
