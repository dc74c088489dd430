"""The learned part of check-worthiness: a linear model over word and character n-grams.

A text is read as its distinct words (lower case, every digit read as 0, so "1959" and
"2023" look alike) and its distinct pairs of adjacent words. Each word brings its own
n-gram ("w:percent") and the 2- to 5-letter pieces of the word padded with spaces
("c: per", "c:perc"...), each piece once per word; each pair brings its n-gram
("w:per cent"). An n-gram of the vocabulary counts as many times as the text's words bring
it, divided by the square root of the total count, so a long text does not score high
only for being long:

    ngram_sum(text) == sum of weight[g] * count[g] for the vocabulary n-grams / sqrt(total)

Since a word always brings the same n-grams, what it adds is worked out once per word.
`scripts/fit_checkworthiness.py` fits the weights with these very functions and writes them
to data/; scoring reads them with numpy alone. Pure: imports no Django.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import NamedTuple

import numpy as np

DATA = Path(__file__).resolve().parent / "data"
CHAR_SIZES = (2, 3, 4, 5)
WORD_PREFIX, CHAR_PREFIX = "w:", "c:"
CACHED_WORDS = 200_000  # per model; the cache is emptied when full

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_DIGIT = re.compile(r"\d")


def words(text: str) -> list[str]:
    """The words of `text`, lower case, as a reader sees them ("1959", "don't")."""
    return _WORD.findall(text.lower())


def normal(word: str) -> str:
    """A word as the model reads it: every digit is 0."""
    return word if word.isalpha() else _DIGIT.sub("0", word)


def char_grams(word: str) -> list[str]:
    """The pieces of a (normal) word, padded with spaces, in order: " pe", "per", ..."""
    padded = f" {word} "
    return [CHAR_PREFIX + padded[i : i + n] for n in CHAR_SIZES for i in range(len(padded) - n + 1)]


def distinct_words(text: str) -> tuple[list[str], dict[str, str]]:
    """The distinct words of `text` as shown, in order of first appearance, and its
    distinct pairs of adjacent words, as read -> as shown."""
    every = words(text)
    normals = [normal(w) for w in every]
    pairs: dict[str, str] = {}
    for i in range(len(every) - 1):
        pairs.setdefault(f"{normals[i]} {normals[i + 1]}", f"{every[i]} {every[i + 1]}")
    return list(dict.fromkeys(every)), pairs


def word_ngrams(word: str) -> list[str]:
    """The n-grams one (normal) word brings: itself, then its distinct pieces."""
    return [WORD_PREFIX + word, *dict.fromkeys(char_grams(word))]


def counted(text: str) -> dict[str, int]:
    """Every n-gram of `text` with its count (what the fitting script reads)."""
    shown, pairs = distinct_words(text)
    counts: dict[str, int] = {}
    for word in dict.fromkeys(normal(w) for w in shown):
        for gram in word_ngrams(word):
            counts[gram] = counts.get(gram, 0) + 1
    for pair in pairs:
        counts[WORD_PREFIX + pair] = 1
    return counts


class Term(NamedTuple):
    """A word or pair of words of the text and what its n-grams add to the score."""

    words: str
    weight: float


class NgramModel:
    """Weights over n-grams and named features, read from a JSON file of data/."""

    def __init__(self, fitted: dict) -> None:
        self.bias = float(fitted["bias"])
        self.features: dict[str, float] = {k: float(v) for k, v in fitted["features"].items()}
        vocabulary = sorted(fitted["ngrams"])
        self.index = {gram: i for i, gram in enumerate(vocabulary)}
        self.weights = np.array([fitted["ngrams"][g] for g in vocabulary], dtype=np.float64)
        # Pairs of words, looked up the most often, by their words alone.
        self.pairs = {
            gram[len(WORD_PREFIX) :]: float(self.weights[i])
            for gram, i in self.index.items()
            if gram.startswith(WORD_PREFIX) and " " in gram
        }
        self.sample: list[dict] = fitted.get("sample", [])
        self._words: dict[str, tuple[float, int]] = {}

    @classmethod
    def load(cls, name: str) -> NgramModel:
        with open(DATA / name, encoding="utf-8") as f:
            return cls(json.load(f))

    def _word(self, word: str) -> tuple[float, int]:
        """What a (normal) word adds to the sum, and how many vocabulary n-grams it brings;
        remembered per word, as most words of a document recur."""
        known = self._words.get(word)
        if known is None:
            if len(self._words) >= CACHED_WORDS:
                self._words.clear()
            ids = [i for i in map(self.index.get, word_ngrams(word)) if i is not None]
            known = (float(self.weights[ids].sum()), len(ids))
            self._words[word] = known
        return known

    def ngram_sum(self, text: str) -> float:
        """The n-grams' part of the model's sum for `text` (0.0 when none is known)."""
        every = _WORD.findall(text.lower())
        if _DIGIT.search(text):
            every = [normal(w) for w in every]
        total, count = 0.0, 0
        known = self._words
        for word in dict.fromkeys(every):
            added, brought = known.get(word) or self._word(word)
            total += added
            count += brought
        pairs = self.pairs
        for pair in dict.fromkeys([a + " " + b for a, b in zip(every, every[1:], strict=False)]):
            weight = pairs.get(pair)
            if weight is not None:
                total += weight
                count += 1
        return total / math.sqrt(count) if count else 0.0

    def terms(self, text: str) -> list[Term]:
        """What each word and pair of words adds; together ngram_sum(text). Words the model
        reads alike ("1959", "2023") count once, for the first."""
        shown, pairs = distinct_words(text)
        added: list[tuple[str, float]] = []
        count = 0
        read: set[str] = set()
        for word in shown:
            if normal(word) not in read:
                read.add(normal(word))
                weight, brought = self._word(normal(word))
                if brought:
                    added.append((word, weight))
                    count += brought
        for pair, shown_pair in pairs.items():
            weight = self.pairs.get(pair)
            if weight is not None:
                added.append((shown_pair, weight))
                count += 1
        if not count:
            return []
        scale = math.sqrt(count)
        return [Term(name, weight / scale) for name, weight in added]
