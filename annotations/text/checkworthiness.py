"""Check-worthiness: how much a piece of text reads as a checkable factual claim.

A linear score a reviewer can follow. The text fires hand-written features (a number, a
date, a slogan...: `claim_features`) and, in English, holds n-grams a model has learned
from expert-labelled debate sentences (`claim_ngrams`, weights in data/). The score is

    score(text, kind, language) == logistic(bias + sum of the weights of assess(...).reasons)

and explain() lists those reasons in words: first what raises the score, then what lowers
it. In English the bias and the weights are learned (scripts/fit_checkworthiness.py; a
feature the data never showed, such as "very short", keeps the table's weight); the
words that weigh most are quoted ('the words "percent", "million" suggest a checkable
claim'). French and Dutch have no labelled sentences to learn from, so they score with the
hand-set weights of FEATURES below, from their own word lists.

A heading or a metadata line is never check-worthy by itself: its kind's weight is
lowered by whatever the text adds, so its score stays at most logistic(-8) whatever it says.
This module imports no Django: it is called for every claim when a document is split.
"""

from __future__ import annotations

import math
from functools import cache
from typing import NamedTuple

from annotations.text import claim_features
from annotations.text.claim_lexicons import DEFAULT_LANGUAGE, code
from annotations.text.claim_ngrams import NgramModel, Term

# --- The table a reviewer reads -------------------------------------------------------

# Without a learned model, and with no feature at all, a sentence scores logistic(-1.0) =
# 0.27: plain prose is rarely worth checking until something in it can be checked.
BIAS = -1.0

# name: (weight without a learned model, reason). "{}" in a reason is filled with what was
# found, e.g. "(1991)".
FEATURES: dict[str, tuple[float, str]] = {
    "number": (1.2, "cites a number ({})"),
    "date": (1.0, "names a date ({})"),
    "percentage": (1.4, "contains a percentage ({})"),
    "money": (1.4, "mentions money ({})"),
    "statistic": (0.5, "speaks of statistics ({})"),
    "entity": (0.8, "names people, places or organisations ({})"),
    "comparison": (0.6, "makes a comparison or superlative ({})"),
    "cause": (0.5, "states a cause ({})"),
    "attribution": (0.7, "attributes a statement ({})"),
    "question": (-1.5, "is a question"),
    "exhortation": (-1.5, "is an exhortation ({})"),
    "slogan": (-2.0, "reads as a slogan"),
    "opinion": (-0.8, "expresses opinion ({})"),
    "very_short": (-1.0, "is very short"),
    # Lowered further by what the text adds (see _kind_reason), so a heading or metadata
    # line stays at most logistic(-8.0) whatever it contains.
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

# The learned models, by language (files of annotations/text/data/).
MODELS = {"en": "checkworthiness-en.json"}
WORDS_SHOWN = 3  # how many words a reason quotes
# Quoted: words adding at least this, of three letters or more ("to", "of" tell a reader
# little, though they count).
MIN_WORD_WEIGHT = 0.05
RAISING = "a checkable claim"
LOWERING = "opinion or talk rather than a checkable claim"


# --- Results --------------------------------------------------------------------------


class Reason(NamedTuple):
    """One feature that fired, or the words that weigh: a name, a weight and the words a
    reviewer reads."""

    feature: str
    weight: float
    text: str

    @property
    def direction(self) -> str:
        return "raises" if self.weight > 0 else "lowers"


class Assessment(NamedTuple):
    score: float
    reasons: list[Reason]
    bias: float = BIAS


def score(text: str, kind: str = "sentence", language: str = DEFAULT_LANGUAGE) -> float:
    """How check-worthy `text` is, in [0, 1]; 0.0 for empty text."""
    _check(kind)
    text = text.strip()
    if not text:
        return 0.0
    key = code(language)
    # Only which features fire counts here, so each detector stops at its first finding.
    found = claim_features.find(text, key, examples=1)
    model = model_for(key)
    if model is None:
        z = BIAS + sum(FEATURES[name][0] for name in found)
    else:
        z = model.bias + sum(_learned(model, name) for name in found) + model.ngram_sum(text)
    kind_feature = KINDS[kind]
    if kind_feature:
        z = min(z, 0.0) + FEATURES[kind_feature][0]
    return logistic(z)


def explain(text: str, kind: str = "sentence", language: str = DEFAULT_LANGUAGE) -> list[str]:
    """The reasons behind score(), raising ones first, e.g. ["names a date (1991)"]."""
    return [reason.text for reason in assess(text, kind, language).reasons]


def assess(text: str, kind: str = "sentence", language: str = DEFAULT_LANGUAGE) -> Assessment:
    """Score, reasons and bias at once: score == logistic(bias + the reasons' weights)."""
    _check(kind)
    text = text.strip()
    if not text:
        return Assessment(0.0, [Reason("empty", *FEATURES["empty"])])
    key = code(language)
    found = claim_features.find(text, key)
    model = model_for(key)
    bias = BIAS if model is None else model.bias
    reasons = []
    for name in claim_features.NAMES:
        if name in found:
            weight = FEATURES[name][0] if model is None else _learned(model, name)
            reasons.append(Reason(name, weight, _words(FEATURES[name][1], found[name])))
    if model is not None:
        reasons += _word_reasons(model.terms(text))
    # Raising reasons first; within each direction, table order, then the words.
    reasons.sort(key=lambda reason: reason.weight <= 0)
    kind_feature = KINDS[kind]
    if kind_feature:
        reasons.append(_kind_reason(kind_feature, bias + sum(r.weight for r in reasons)))
    return Assessment(logistic(bias + sum(r.weight for r in reasons)), reasons, bias)


def table_score(text: str, kind: str = "sentence", language: str = DEFAULT_LANGUAGE) -> float:
    """The score from FEATURES alone (BIAS plus the table's weights of the features that
    fire, the kind's included): the scorer before a model was learned, kept to measure
    the model against."""
    _check(kind)
    text = text.strip()
    if not text:
        return 0.0
    found = claim_features.find(text, code(language), examples=1)
    kind_feature = KINDS[kind]
    z = BIAS + sum(FEATURES[name][0] for name in found)
    return logistic(z + (FEATURES[kind_feature][0] if kind_feature else 0.0))


def logistic(z: float) -> float:
    # Two branches so that neither overflows; logistic(-inf) is exactly 0.0.
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


@cache
def model_for(language: str) -> NgramModel | None:
    """The learned model of a language, read once; None where none was learned."""
    name = MODELS.get(code(language))
    return NgramModel.load(name) if name else None


# --- Reasons in words -----------------------------------------------------------------


def _check(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown claim kind {kind!r}; expected one of {', '.join(KINDS)}")


def _learned(model: NgramModel, feature: str) -> float:
    """A feature's learned weight; the table's where the data never showed it."""
    return model.features.get(feature, FEATURES[feature][0])


def _words(template: str, examples: list[str]) -> str:
    return template.format(", ".join(examples)) if examples else template


def _word_reasons(terms: list[Term]) -> list[Reason]:
    """At most two reasons: what the words raising the score add together, quoting the
    strongest of them, and likewise for the words lowering it."""
    reasons = []
    for sign, feature, verdict in ((1, "words_raise", RAISING), (-1, "words_lower", LOWERING)):
        side = [t for t in terms if (t.weight > 0) == (sign > 0) and t.weight != 0]
        if not side:
            continue
        quotable = [t for t in side if abs(t.weight) >= MIN_WORD_WEIGHT and len(t.words) > 2]
        strongest = sorted(quotable, key=lambda t: -abs(t.weight))[:WORDS_SHOWN]
        quoted = [t.words for t in strongest]
        total = math.fsum(t.weight for t in side)
        if quoted:
            listed = ", ".join(f'"{w}"' for w in quoted)
            noun, verb = ("the words", "suggest") if len(quoted) > 1 else ("the word", "suggests")
            words = f"{noun} {listed} {verb} {verdict}"
        else:
            words = f"its other words {'raise' if sign > 0 else 'lower'} the score slightly"
        reasons.append(Reason(feature, total, words))
    return reasons


def _kind_reason(feature: str, z: float) -> Reason:
    """A heading or metadata line: the kind's weight, lowered by what the text adds."""
    weight, words = FEATURES[feature]
    return Reason(feature, weight - max(z, 0.0), words)
