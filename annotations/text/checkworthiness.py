"""Check-worthiness: how much a piece of text reads as a checkable factual claim.

A transparent feature scorer, no model: each feature of FEATURES is a yes/no test on the
text (a number, a date, a slogan...) with one weight. The score is the logistic function of
BIAS plus the weights of the features that fired, so

    score(text, kind) == logistic(BIAS + sum of the weights of assess(text, kind).reasons)

and explain() lists exactly those features, in table order: first what raises the score,
then what lowers it. A reviewer can check every figure by hand.

Words differ by language, so they live in one Lexicon per language (LEXICONS); patterns
are compiled from them once, on first use. Add French by adding a Lexicon under "fr".
This module imports no Django: it is called for every claim when a document is split.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain
from typing import NamedTuple

# --- The table a reviewer reads -------------------------------------------------------

# With no feature at all a sentence scores logistic(-1.0) = 0.27: plain prose is rarely
# worth checking until something in it can be checked.
BIAS = -1.0

# name: (weight, reason). "{}" in a reason is filled with what was found, e.g. "(1991)".
FEATURES: dict[str, tuple[float, str]] = {
    "number": (1.2, "cites a number ({})"),
    "date": (1.0, "names a date ({})"),
    "percentage": (1.4, "contains a percentage ({})"),
    "money": (1.4, "mentions money ({})"),
    "entity": (0.8, "names people, places or organisations ({})"),
    "comparison": (0.6, "makes a comparison or superlative ({})"),
    "cause": (0.5, "states a cause ({})"),
    "attribution": (0.7, "attributes a statement ({})"),
    "question": (-1.5, "is a question"),
    "exhortation": (-1.5, "is an exhortation ({})"),
    "slogan": (-2.0, "reads as a slogan"),
    "opinion": (-0.8, "expresses opinion ({})"),
    "very_short": (-1.0, "is very short"),
    # Outweighs every raising feature together, so a heading or metadata line stays below
    # 0.3 whatever it contains (tests check the bound from this table).
    "heading": (-8.0, "is a heading"),
    "metadata": (-8.0, "is metadata"),
    "empty": (-math.inf, "is empty"),
}

# The claim kinds, and the feature each kind fires by itself.
KINDS: dict[str, str | None] = {
    "heading": "heading",
    "metadata": "metadata",
    "sentence": None,
    "list_item": None,
    "selection": None,
}

VERY_SHORT_WORDS = 4  # fewer words than this is "very short"
SLOGAN_MAX_WORDS = 12  # an exclamation this short reads as a slogan
EXAMPLES_SHOWN = 3  # how many findings a reason quotes


# --- Words, by language ---------------------------------------------------------------


def _phrases(listing: str) -> tuple[str, ...]:
    """Split "a, b c" into ("a", "b c"), so that word lists read as data."""
    return tuple(phrase.strip() for phrase in listing.split(",") if phrase.strip())


@dataclass(frozen=True)
class Lexicon:
    """The words of one language, lower case unless noted; "*" stands for any one word.

    Only months and weekdays are regular-expression fragments (written capitalised).
    """

    months: tuple[str, ...]
    weekdays: tuple[str, ...]
    units: tuple[str, ...]  # one..nine; "one" alone does not count as a number
    teens: tuple[str, ...]  # ten..nineteen
    tens: tuple[str, ...]  # twenty..ninety
    scales: tuple[str, ...]  # hundred, thousand, million...
    number_words: tuple[str, ...]  # count alone: ordinals from "fourth", "thousands"
    currency_words: tuple[str, ...]  # after an amount: "15 billion euros"
    comparisons: tuple[str, ...]
    not_comparisons: tuple[str, ...]  # look like one: "as well as"
    causes: tuple[str, ...]
    attribution_verbs: tuple[str, ...]  # shown as "… said"
    attribution_prefixes: tuple[str, ...]  # shown as "according to …"
    exhortations: tuple[str, ...]
    not_exhortations: tuple[str, ...]
    opinions: tuple[str, ...]  # phrases and loaded words
    slogan_openers: tuple[str, ...]
    name_connectors: tuple[str, ...]  # lower-case words inside names: "Republic of Korea"
    titles: tuple[str, ...]  # dropped before a name: "President Xi Jinping" -> "Xi Jinping"
    sentence_openers: tuple[str, ...]  # capitalised only because they open a sentence
    not_names: tuple[str, ...]  # capitalised words that name no one (as written)


ENGLISH = Lexicon(
    months=_phrases(
        r"January, February, March, April, May, June, July, August, September, October,"
        r"November, December, Jan\., Feb\., Mar\., Apr\., Jun\., Jul\., Aug\., Sept?\.,"
        r"Oct\., Nov\., Dec\."
    ),
    weekdays=_phrases("Monday, Tuesday, Wednesday, Thursday, Friday, Saturday, Sunday"),
    units=_phrases("one, two, three, four, five, six, seven, eight, nine"),
    teens=_phrases(
        "ten, eleven, twelve, thirteen, fourteen, fifteen, sixteen, seventeen, eighteen,nineteen"
    ),
    tens=_phrases("twenty, thirty, forty, fifty, sixty, seventy, eighty, ninety"),
    scales=_phrases("hundred, thousand, million, billion, trillion"),
    # "first", "second" and "third" are left out: too often rhetorical ("first priority").
    number_words=_phrases(
        "fourth, fifth, sixth, seventh, eighth, ninth, tenth, eleventh, twelfth, thirteenth,"
        "fourteenth, fifteenth, sixteenth, seventeenth, eighteenth, nineteenth, twentieth,"
        "thirtieth, fortieth, fiftieth, sixtieth, seventieth, eightieth, ninetieth, hundredth,"
        "thousandth, millionth, dozens, hundreds, thousands, millions, billions"
    ),
    currency_words=_phrases(
        "euro, euros, dollar, dollars, pounds, pounds sterling, francs, yen, yuan, roubles,rubles"
    ),
    comparisons=_phrases(
        "more than, less than, fewer than, greater than, higher than, lower than, larger than,"
        "smaller than, bigger than, better than, worse than, older than, younger than,"
        "richer than, poorer than, stronger than, weaker than, earlier than, later than,"
        "cheaper than, faster than, most *, least *, largest, biggest, highest, lowest,"
        "smallest, greatest, oldest, newest, richest, poorest, strongest, weakest, longest,"
        "shortest, fastest, deadliest, worst, best, first and only, twice, doubled, tripled,"
        "halved, two times, three times, four times, five times, ten times, as * as,"
        "compared to, compared with, surpass, surpasses, surpassed, exceed, exceeds, exceeded,"
        "outnumber, outnumbers, outnumbered, increased by, decreased by, rose by, fell by,"
        "dropped by, grew by"
    ),
    not_comparisons=_phrases(
        "as well as, as long as, as soon as, as far as, as early as, as if, as though,"
        "most of, at least, at most"
    ),
    causes=_phrases(
        "because, because of, due to, as a result, as a result of, owing to, thanks to,"
        "caused, caused by, led to, leads to, resulted in, results in, therefore,"
        "consequently"
    ),
    attribution_verbs=_phrases(
        "said, says, argues, argued, claims, claimed, stated, states that, announced, reported,"
        "told, wrote, declared, declares, promises, promised, insisted, insists, admitted,"
        "denied, warned, warns, confirmed, acknowledged, concluded, cited, called it, put it"
    ),
    attribution_prefixes=_phrases("according to"),
    exhortations=_phrases(
        "we must, we should, we need to, we have to, we ought to, you must, you should,"
        "everyone must, let's, let’s, let us, we demand, we call on, we call for, we urge,"
        "we appeal, we invite, must *, must not *, must be *, should *, should not *,"
        "should be *, are to be *"
    ),
    not_exhortations=_phrases("should be noted, should be said"),
    opinions=_phrases(
        "we believe, i believe, we think, i think, we feel, i feel, in our view, in my view,"
        "in our opinion, in my opinion, it is clear that, obviously, undoubtedly, of course,"
        "shameful, disgraceful, scandalous, outrageous, unacceptable, appalling, shocking,"
        "disgusting, despicable, heinous, criminal, barbaric, inhumane, brutal, brutally,"
        "heroic, glorious, reckless, fascist, neo-nazi, warmonger, warmongers, aggressive,"
        "legitimate, illegitimate, unjust, terrible, horrible, wonderful, disastrous"
    ),
    slogan_openers=_phrases("long live, down with, hands off, no to, yes to, stop, victory"),
    name_connectors=_phrases("of, of the, for, de, du, des, la, le, van, von, der"),
    titles=_phrases(
        "president, commissioner, minister, prime, chancellor, secretary, general, chief,"
        "leader, adviser, advisor, senator, governor, mayor, king, queen, pope, professor,"
        "mr, mrs, ms, dr, sir"
    ),
    sentence_openers=_phrases(
        "a, an, the, in, on, at, after, before, since, from, for, by, with, without, against,"
        "during, under, over, between, among, although, though, while, when, where, whereas,"
        "because, as, if, this, that, these, those, it, its, we, our, they, their, he, she,"
        "his, her, there, here, today, meanwhile, already, also, but, and, or, so, yet,"
        "however, then, every, all, each, no, not, only, even, especially, potentially, to,"
        "given, whether, wherever, whenever, unless, until, despite, towards, throughout,"
        "within, upon, like, unlike"
    ),
    not_names=_phrases("I, AM, PM, OK, EUR, USD, GBP"),
)

LEXICONS: dict[str, Lexicon] = {"en": ENGLISH}
DEFAULT_LANGUAGE = "en"


# --- Results --------------------------------------------------------------------------


class Reason(NamedTuple):
    """One feature that fired: its name, its weight and the words a reviewer reads."""

    feature: str
    weight: float
    text: str

    @property
    def direction(self) -> str:
        return "raises" if self.weight > 0 else "lowers"


class Assessment(NamedTuple):
    score: float
    reasons: list[Reason]


def score(text: str, kind: str = "sentence", language: str = DEFAULT_LANGUAGE) -> float:
    """How check-worthy `text` is, in [0, 1]; 0.0 for empty text."""
    # Only which features fire counts here, so each detector stops at its first finding.
    found = _found(text, kind, language, examples=1)
    return logistic(BIAS + sum(FEATURES[name][0] for name in found))


def explain(text: str, kind: str = "sentence", language: str = DEFAULT_LANGUAGE) -> list[str]:
    """The reasons behind score(), raising ones first, e.g. ["names a date (1991)"]."""
    return [reason.text for reason in assess(text, kind, language).reasons]


def assess(text: str, kind: str = "sentence", language: str = DEFAULT_LANGUAGE) -> Assessment:
    """Score and reasons at once (one pass over the text)."""
    found = _found(text, kind, language, examples=EXAMPLES_SHOWN)
    reasons = []
    for name, (weight, template) in FEATURES.items():
        if name in found:
            examples = found[name]
            words = template.format(", ".join(examples)) if examples else template
            reasons.append(Reason(name, weight, words))
    return Assessment(logistic(BIAS + sum(r.weight for r in reasons)), reasons)


def _found(text: str, kind: str, language: str, examples: int) -> dict[str, list[str]]:
    """The features that fire, each with up to `examples` findings to quote."""
    if kind not in KINDS:
        raise ValueError(f"unknown claim kind {kind!r}; expected one of {', '.join(KINDS)}")
    text = text.strip()
    if not text:
        return {"empty": []}
    found = _rules_for(language).find(text, examples)
    kind_feature = KINDS[kind]
    if kind_feature:
        found[kind_feature] = []
    return found


def logistic(z: float) -> float:
    # Two branches so that neither overflows; logistic(-inf) is exactly 0.0.
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


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

    def __init__(self, phrases: tuple[str, ...], exceptions: tuple[str, ...] = ()) -> None:
        self.first_words = frozenset(p.split()[0] for p in phrases)
        # Exceptions first and longest phrases first: the regex takes the first alternative
        # that matches, so "as well as" is seen (and dropped) before "as * as".
        self.exceptions = frozenset(exceptions)
        ordered = sorted(exceptions, key=len, reverse=True) + sorted(phrases, key=len, reverse=True)
        alternatives = "|".join(re.escape(p).replace(r"\*", _LETTERS) for p in ordered)
        self.pattern = re.compile(rf"(?<![\w'’-])(?:{alternatives})(?![\w'’-])")

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
        day = r"\d{1,2}(?:st|nd|rd|th)?(?:\s?[-–]\s?\d{1,2}(?:st|nd|rd|th)?)?"
        year = r"(?:1\d|20)\d{2}"
        currencies = _alternation(lex.currency_words)

        # The leading look-aheads let the engine skip most positions at once.
        self.money = re.compile(
            rf"(?=[€$£¥EUGC\d])(?:(?:[€$£¥]|\b(?:EUR|USD|GBP|CHF|US\$)\s?){amount}"
            rf"|(?<![\w.,])\d+(?:[.,]\d+)*(?:\s(?:{scales}))?\s(?:(?i:{currencies})|EUR|USD|GBP)\b)"
        )
        self.percentage = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)?\s?(?:%|(?:per\s?cent|percent)\b)")
        self.date = re.compile(
            rf"(?=[\d{_UPPER}])(?:\b(?:{day}\s(?:of\s)?(?:{months})(?:,?\s{year})?(?!\w)"
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
            rf"(?<![\w\-/:.,])\d+(?:[.,]\d+)*(?:st|nd|rd|th)?(?:\s(?:{scales}))?(?!\w)"
        )
        self.number_word_set = frozenset(
            lex.units[1:] + lex.teens + lex.tens + lex.scales + lex.number_words
        ) | {f"{t}-{u}" for t in lex.tens for u in lex.units}
        self.number_words = re.compile(
            rf"\b(?=[a-z])(?:(?:a|one|{cardinal})(?:\s(?:and\s)?{cardinal})*\s(?:{scales})"
            rf"|{cardinal}|{_alternation(lex.number_words)})\b"
        )
        self.comparison = _Phrases(lex.comparisons, lex.not_comparisons)
        self.cause = _Phrases(lex.causes)
        self.attribution_verb = _Phrases(lex.attribution_verbs)
        self.attribution_prefix = _Phrases(lex.attribution_prefixes)
        self.exhortation = _Phrases(lex.exhortations, lex.not_exhortations)
        self.opinion = _Phrases(lex.opinions)
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
    """Rules for a language code such as "en" or "en-GB"; English when there is no lexicon."""
    code = language.split("-")[0].lower() if language else DEFAULT_LANGUAGE
    if code not in LEXICONS:
        code = DEFAULT_LANGUAGE
    if code not in _compiled:
        _compiled[code] = _Rules(LEXICONS[code])
    return _compiled[code]
