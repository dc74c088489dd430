"""Terms of a text for retrieval, pure: what the first stage looks up and the second
stage weighs.

A term is a meaning-bearing word of the folded text (`folding.normalise`: case, accents,
punctuation, numbers in words to digits): not a stop word, cut to its first STEM_CHARS
characters so that a word's forms share it ("countries", "country" → "countr"; crude, but
the same in every language and on both databases). Numbers stay whole. `term_key` hashes
a term to the signed 64-bit key stored in ClaimMatchKey / ReferenceMatchKey, in a band of
its own (TERM_BAND) so it never equals a MinHash band key of earlier versions.

`clean_pasted` keeps the words of a pasted tweet or post: links and
"pic.twitter.com/…" go, handles and hashtags become their words, and the "— Name
(@handle) date" signature its author's name and handle.
"""

import re
import zlib

from annotations.matching.folding import normalise

STEM_CHARS = 6
TERM_BAND = 31  # MinHash keys used bands 0–27 in the top bits
_KEY_BITS = 58
_KEY_MASK = (1 << _KEY_BITS) - 1

# English function words (PostgreSQL's snowball list) and tweet furniture.
_STOP_WORDS = """i me my myself we our ours ourselves you your yours yourself yourselves he
    him his himself she her hers herself it its itself they them their theirs themselves
    what which who whom this that these those am is are was were be been being have has had
    having do does did doing a an the and but if or because as until while of at by for with
    about against between into through during before after above below to from up down in
    out on off over under again further then once here there when where why how all any both
    each few more most other some such no nor not only own same so than too very s t can will
    just don should now would could also get got amp via rt u ll ve re d m"""
STOP_WORDS = frozenset(_STOP_WORDS.split())

_LINK = re.compile(r"(?:https?://|www\.|pic\.twitter\.com/)\S*", re.IGNORECASE)
# "@NekoCase", "#AustralianFires": the words of a handle or hashtag.
_TAG = re.compile(r"[@#](\w+)")
# "— Jane Doe (@jane) January 14, 2020", which ends an embedded tweet: its author, often
# whom the claim is about, stays; the dash, brackets and date go.
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_SIGNATURE = re.compile(
    rf"[\u2014\u2013]\s*([^\u2014\u2013()]{{0,80}}?)\s*\(@(\w+)\)\s*(?:(?:{_MONTHS})\s+\d{{1,2}},\s+\d{{4}})?"
)
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|_")


def _tag_words(tag: str) -> str:
    return _CAMEL.sub(" ", tag)


def clean_pasted(text: str) -> str:
    """The words of a pasted text: links removed; an embedded tweet's signature cut to
    its author's name and handle; handles and hashtags split into their words
    ("#AustralianFires" → "Australian Fires", "@NekoCase" → "Neko Case")."""
    text = _SIGNATURE.sub(lambda m: f" {m.group(1) or m.group(2)} ", text or "")
    text = _LINK.sub(" ", text)
    return _TAG.sub(lambda m: _tag_words(m.group(1)), text)


def stem(word: str) -> str:
    return word if word[0].isdigit() else word[:STEM_CHARS]


def folded_terms(folded: str) -> list[str]:
    """The terms of an already folded text, in order, with repeats."""
    return [
        stem(word)
        for word in folded.split()
        if word not in STOP_WORDS and (len(word) > 1 or word.isdigit())
    ]


def terms(text: str) -> list[str]:
    """The terms of a raw text, in order, with repeats."""
    return folded_terms(normalise(text))


def term_key(term: str) -> int:
    """A term's stored key: a 58-bit hash under the TERM_BAND, stable across processes."""
    data = term.encode("utf-8")
    low = zlib.crc32(data)
    high = zlib.crc32(data, 0x9E3779B9) & ((1 << (_KEY_BITS - 32)) - 1)
    return (TERM_BAND << _KEY_BITS) | (high << 32) | low


def term_keys(folded: str) -> list[int]:
    """The distinct keys of a folded text's terms, sorted."""
    return sorted({term_key(t) for t in folded_terms(folded)})
