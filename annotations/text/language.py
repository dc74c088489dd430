"""Guess whether a text is English, French or Dutch from its most common words.

Pure Python, no Django. `detect(text)` counts, over the first `SAMPLE` characters, the words
that belong to one language's list of function words only ("the", "les", "het"); words two of
the languages share ("de", "en", "in", "is") are dropped from the lists, so they count for
none; a French elision ("l'état", "qu'il") counts for French. The language with the most such
words wins if it has at least `MIN_WORDS` of them and `MARGIN` times the runner-up's count;
otherwise the text is too short or too mixed to tell, and the `default` is returned. Ties are
broken in the order of `LANGUAGES`, so the answer depends on the text alone.
"""

from __future__ import annotations

import re

__all__ = ["LANGUAGES", "detect"]

LANGUAGES = ("en", "fr", "nl")
SAMPLE = 20_000
MIN_WORDS = 2
# The winner needs this many times the runner-up's count.
MARGIN = 1.5

_FUNCTION_WORDS = {
    "en": """
        the and of to a is in that it for was with as on are be this by have from not but they
        which his her he she were has been their will would there what we you or an at who its
        can our all more than these those about into when also should could must if had them
        do does did so no only my your i me us him how why where while because very any just
        over after before such other some most many then out up
    """,
    "fr": """
        le la les et des du un une est que qui dans pour pas sur au aux par ce cette ces il en a
        elle nous vous ils elles sont avec plus mais ou où son sa ses été être leur leurs ont
        aussi comme à été fait très sans tout tous toute entre depuis donc car ni y ne se lui
        notre nos votre vos mon ma mes ton ta tes je tu on sous chez encore après avant selon
        était avait avons avez peut doit
    """,
    "nl": """
        de het een en van is dat die niet op te zijn met voor er maar om ook als bij aan wordt
        worden heeft hebben deze dit naar nog wel door over wij we zij ze hij ik uit tot kan
        meer geen al werd zal moet omdat hun onze ons jullie zich wat wie waar hoe wanneer
        tegen onder tussen sinds zonder dan na zou zouden moeten kunnen waren was hier daar nu
        reeds alleen echter dus wel nooit altijd wij 't 's
    """,
}


def _exclusive(words: dict[str, str]) -> dict[str, frozenset[str]]:
    sets = {code: frozenset(block.split()) for code, block in words.items()}
    return {
        code: words_of.difference(*(other for key, other in sets.items() if key != code))
        for code, words_of in sets.items()
    }


FUNCTION_WORDS: dict[str, frozenset[str]] = _exclusive(_FUNCTION_WORDS)
_ELISION = re.compile(r"(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu)'[^\W\d_]")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?|['’][st]\b")


def detect(text: str, default: str = "en") -> str:
    """The language code of `text` ("en", "fr" or "nl"), or `default` when it cannot tell."""
    counts = dict.fromkeys(LANGUAGES, 0)
    lookup = {word: code for code, words in FUNCTION_WORDS.items() for word in words}
    for match in _WORD.finditer(text, 0, SAMPLE):
        word = match.group().lower().replace("’", "'")
        code = lookup.get(word)
        if code is None and _ELISION.match(word):
            code = "fr"  # "l'état", "qu'il", "d'une"
        if code is not None:
            counts[code] += 1
    ranked = sorted(LANGUAGES, key=lambda code: -counts[code])
    best, runner_up = counts[ranked[0]], counts[ranked[1]]
    if best < MIN_WORDS or best < MARGIN * runner_up:
        return default
    return ranked[0]
