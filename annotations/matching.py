"""Claim matching: have we checked this claim before?

`normalise` folds a claim's wording (case, accents, punctuation, numbers written in
words) so that the same claim worded a little differently compares close. It is pure.
`match_keys` turns folded text into MinHash band keys (pure too): claims that say about
the same thing share at least one key, unrelated claims rarely do. The keys are stored
in ClaimMatchKey (kept current on import, on Claim.save and by migration 0009).
`similar_claims` takes as candidates the claims of the workspace that share a key with
the claim (one indexed lookup, however many claims the workspace has), then scores them
by similarity of their folded text: PostgreSQL's pg_trgm `similarity()` or, elsewhere,
rapidfuzz.
"""

import json
import re
import unicodedata
import zlib
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation

import numpy as np
from django.contrib.postgres.search import TrigramSimilarity
from django.db import connections, router, transaction
from django.db.models import Count, Prefetch, Subquery
from rapidfuzz import fuzz, process

from annotations.models import (
    Annotation,
    Claim,
    ClaimMatchKey,
    InvalidInput,
    NotVisible,
    Verdict,
)

# --- normalisation: a pure function, no database -------------------------------------------------

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


# --- match keys: MinHash bands, pure ------------------------------------------------------
#
# A claim's shingles are the trigrams of its folded words, padded as pg_trgm pads them
# ("  w", " wo", "wor", "ord", "rd "), so the share of shingles two claims have in common
# (their Jaccard similarity) is about pg_trgm's `similarity()`. MinHash: for each of
# BANDS × ROWS "bins", the least hash value of the claim's shingles in it; two claims
# agree on a bin with probability about their Jaccard similarity J. A band's key hashes
# its ROWS bins together, so two claims share it with probability about J**ROWS, and
# share at least one of the BANDS keys with probability 1 - (1 - J**ROWS)**BANDS:
#
#     J                 0.3    0.4    0.5    0.6    0.67   0.75   0.85+
#     share, in theory  0.07   0.25   0.59   0.90   0.98   1.00   1.00   (28 bands × 5 rows)
#     share, measured   0.07   0.39   0.79   0.96   0.996  1.00   1.00
#
# (measured on 24,000 pairs of the bench's sentences and their rewordings: words
# replaced, inserted, dropped). The tests' twins ("114 countries backed / supported the
# resolution", J 0.67; the Donbass sentences, 0.94) share keys; of the demo document's
# 24,090 pairs of different sentences, 40 share a key. The pairs below 0.6 that are
# missed are those the thresholds call borderline anyway (on the demo document the
# closest pairs that are not the same claim reach 0.61). Keys and the MAX_CANDIDATES
# cap only choose what is scored: scores and thresholds are those of before.
#
# Fast, with numpy over a whole import at once (one-permutation hashing): each distinct
# word's shingles are hashed once (crc32, stable across processes and versions, then a
# 64-bit mix) into COPIES (bin, value) pairs, cached per word; a claim's least value per
# bin is one scatter-minimum over all its words' pairs; a bin no shingle fell into
# borrows the value of a fixed, pseudo-random other bin ("optimal densification"), so
# short claims get all their keys too; each band hashes its ROWS bins with a universal
# hash modulo the Mersenne prime 2**61 - 1, in exact 64-bit arithmetic. Everything is
# derived from MATCH_KEY_SEED: changing it, BANDS, ROWS or COPIES changes every key,
# and the stored keys must be rebuilt: a new migration that calls
# rebuild_stale_match_keys of migration 0020.
BANDS = 28
ROWS = 5
COPIES = 3
MATCH_KEY_SEED = 0x5EED_0001
_BINS = BANDS * ROWS
_M64 = (1 << 64) - 1
_P61 = (1 << 61) - 1  # a Mersenne prime: band keys are universal hashes modulo it
_KEY_BITS = 58  # the band number sits above: keys are non-negative signed 64-bit ints
_KEY_MASK = (1 << _KEY_BITS) - 1
_EMPTY = 1 << 40  # above any bin value (32 bits)


def _mix64(z: int) -> int:
    """splitmix64's finaliser: a 64-bit integer scrambled, deterministic."""
    z = (z + 0x9E3779B97F4A7C15) & _M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _M64
    return z ^ (z >> 31)


def _mix64_array(z: np.ndarray) -> np.ndarray:
    """_mix64 over an array of uint64 (whose arithmetic wraps modulo 2**64)."""
    z = z + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


_U32 = np.uint64(32)
_LOW32 = np.uint64(0xFFFF_FFFF)
_EMPTY_U = np.uint64(_EMPTY)
_P61_U = np.uint64(_P61)
_COPY_SEEDS = np.array(
    [_mix64(MATCH_KEY_SEED ^ (0xC0 << 32) ^ i) for i in range(COPIES)], dtype=np.uint64
)
# Per band and row: the coefficient of the band's hash (in [1, P61 - 1]), split in its
# low 32 and high 29 bits so that each product with a 32-bit bin value fits 64 bits.
_COEFFICIENTS = np.array(
    [
        [
            _mix64(MATCH_KEY_SEED ^ (0xBA << 32) ^ (band * ROWS + row)) % (_P61 - 1) + 1
            for row in range(ROWS)
        ]
        for band in range(BANDS)
    ],
    dtype=np.uint64,
)
_COEFFICIENTS_LOW = _COEFFICIENTS & _LOW32
_COEFFICIENTS_HIGH = _COEFFICIENTS >> _U32
# Each band's number in the top bits of its key.
_BAND_TOPS = np.array([band << _KEY_BITS for band in range(BANDS)], dtype=np.uint64)
# Column r of row j: the r-th other bin, in a fixed pseudo-random order, that an empty
# bin j borrows from (the first of them that is not empty).
_DONORS = np.array(
    [
        sorted(
            (d for d in range(_BINS) if d != j),
            key=lambda d, j=j: _mix64(MATCH_KEY_SEED ^ (j << 16) ^ d),
        )
        for j in range(_BINS)
    ],
    dtype=np.intp,
)
# A word's shingle hashes as one uint64 array of (bin << 32) | value.
_WORD_CODES: dict[str, np.ndarray] = {}
_WORD_CACHE_SIZE = 100_000


def _word_codes(words: list[str]) -> list[np.ndarray]:
    """Each word's shingles, hashed: one array of (bin << 32) | value per word."""
    hashes = []
    counts = []
    crc32 = zlib.crc32
    for word in words:
        padded = f"  {word} ".encode()
        if len(padded) == len(word) + 3:  # ASCII: one byte a character
            hashes += [crc32(padded[i : i + 3]) for i in range(len(padded) - 2)]
        else:
            padded_text = f"  {word} "
            hashes += [crc32(padded_text[i : i + 3].encode()) for i in range(len(padded_text) - 2)]
        counts.append(len(word) + 1)
    mixed = _mix64_array(np.array(hashes, dtype=np.uint64)[:, None] ^ _COPY_SEEDS)
    codes = ((mixed % np.uint64(_BINS)) << _U32) | (mixed >> _U32)
    return np.split(codes.ravel(), np.cumsum(np.array(counts[:-1]) * COPIES))


def _band_hashes(mins: np.ndarray) -> np.ndarray:
    """(n, BANDS) keys from (n, BINS) bin values below 2**32: per band, the sum over its
    rows of value × coefficient modulo 2**61 - 1, computed exactly in 64 bits
    (2**61 ≡ 1), masked to _KEY_BITS, with the band's number on top."""
    values = mins.reshape(-1, BANDS, ROWS)
    # value × coefficient = high × 2**32 + low, with high = value × (coefficient >> 32)
    # below 2**61 and low = value × (coefficient & 0xFFFFFFFF) below 2**64. Writing high
    # as q × 2**29 + r: high × 2**32 = q × 2**61 + r × 2**32 ≡ q + r × 2**32.
    high = values * _COEFFICIENTS_HIGH
    high = (high >> np.uint64(29)) + ((high & np.uint64((1 << 29) - 1)) << _U32)
    low = values * _COEFFICIENTS_LOW
    low = (low & _P61_U) + (low >> np.uint64(61))
    terms = high + low  # < 2**62 + 2**32 + 8
    terms = (terms & _P61_U) + (terms >> np.uint64(61))  # < 2**61 + 2: five fit 64 bits
    sums = terms.sum(axis=2, dtype=np.uint64)
    sums = (sums & _P61_U) + (sums >> np.uint64(61))  # < 2**61 + 3
    sums = np.where(sums >= _P61_U, sums - _P61_U, sums)
    return ((sums & np.uint64(_KEY_MASK)) | _BAND_TOPS).astype(np.int64)


def match_key_matrix(match_texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The match keys of many folded texts at once: an (n, BANDS) int64 array, and a
    boolean array of which texts have words (the others have no keys; their row is
    meaningless). In chunks, so that the working arrays stay a few megabytes whatever
    the number of texts."""
    keys = np.empty((len(match_texts), BANDS), dtype=np.int64)
    has_words = np.empty(len(match_texts), dtype=bool)
    for start in range(0, len(match_texts), _KEY_CHUNK):
        chunk = slice(start, start + _KEY_CHUNK)
        keys[chunk], has_words[chunk] = _key_chunk(match_texts[chunk])
    return keys, has_words


_KEY_CHUNK = 1024


def _key_chunk(match_texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    n = len(match_texts)
    word_sets = [set(text.split()) for text in match_texts]
    cache = _WORD_CODES
    new = list({word for words in word_sets for word in words if word not in cache})
    if new:
        if len(cache) + len(new) > _WORD_CACHE_SIZE:
            cache.clear()
            new = list({word for words in word_sets for word in words})
        cache.update(zip(new, _word_codes(new), strict=True))
    counts = np.fromiter(map(len, word_sets), dtype=np.intp, count=n)
    has_words = counts > 0
    mins = np.full(n * _BINS, _EMPTY_U, dtype=np.uint64)
    if has_words.any():
        arrays = [cache[word] for words in word_sets for word in words]
        codes = np.concatenate(arrays)
        lengths = np.fromiter(map(len, arrays), dtype=np.intp, count=len(arrays))
        slots = (codes >> _U32).astype(np.intp)
        slots += np.repeat(
            np.repeat(np.arange(0, n * _BINS, _BINS, dtype=np.intp), counts), lengths
        )
        np.minimum.at(mins, slots, codes & _LOW32)
    mins = mins.reshape(n, _BINS)
    mins[~has_words] = 0
    # Densify: walk each empty bin's donors, rank by rank, over the bins still empty.
    rows, bins = np.nonzero(mins == _EMPTY_U)
    original = mins.copy()
    for rank in range(_BINS - 1):
        if not rows.size:
            break
        donor = original[rows, _DONORS[bins, rank]]
        found = donor != _EMPTY_U
        mins[rows[found], bins[found]] = donor[found]
        rows, bins = rows[~found], bins[~found]
    return _band_hashes(mins), has_words


def match_keys_many(match_texts: list[str]) -> list[list[int]]:
    """`match_keys` of each text, computed together (much faster than one by one)."""
    keys, has_words = match_key_matrix(match_texts)
    return [row if words else [] for row, words in zip(keys.tolist(), has_words, strict=True)]


def match_keys(match_text: str) -> list[int]:
    """The BANDS MinHash band keys of a folded text (see `normalise`), as non-negative
    64-bit integers, the band number in the top bits; [] for a text without words.
    Deterministic: the same text gives the same keys in every process."""
    return match_keys_many([match_text])[0]


# --- lookups -------------------------------------------------------------------------

# The two backends score on different scales: pg_trgm's similarity is the share of
# trigrams two texts have in common; rapidfuzz's ratio is an edit-distance similarity
# that runs higher on unrelated text (about 0.35 where pg_trgm gives 0.05). So each has
# its own thresholds, set on the demo document: the Donbass twins score 0.94 / 0.96, the
# "114 countries backed / supported" twins 0.67 / 0.85, the closest pairs that are not
# the same claim at most 0.61 / 0.71.
SIMILAR_THRESHOLD = {"postgresql": 0.5, "default": 0.7}
PRIOR_VERDICT_THRESHOLD = {"postgresql": 0.6, "default": 0.8}
MAX_LIMIT = 50


def default_threshold(table: dict[str, float], vendor: str) -> float:
    return table.get(vendor, table["default"])


def _vendor(model=Claim) -> tuple[str, str]:
    alias = router.db_for_read(model)
    return alias, connections[alias].vendor


def _check_threshold(threshold: float) -> float:
    threshold = float(threshold)
    if not 0.0 < threshold <= 1.0:
        raise InvalidInput("The threshold must be above 0 and at most 1.", field="threshold")
    return threshold


# The claims sharing the most keys with the claim that are scored. Sharing keys is a
# coarse estimate of similarity: a claim at 0.5-0.6 shares one key or two, as do claims
# that are less alike; the more are scored, the more of those are found (bench at 1M
# claims: a lookup takes p95 33 ms with 200, 53 ms with 1,000, 81 ms with 2,000).
MAX_CANDIDATES = 1000


def _published_verdict():
    return Prefetch(
        "verdicts",
        queryset=Verdict.objects.filter(is_current=True, retracted_at__isnull=True).select_related(
            "rating"
        ),
        to_attr="_published_verdicts",
    )


def _attach_published_verdict(claims) -> None:
    for claim in claims:
        published = claim._published_verdicts
        claim.published_verdict = published[0] if published else None


def _candidates(alias: str, workspace_id: int, keys: list[int], exclude_pk, *fields: str):
    """The claims of the workspace other than `exclude_pk` that share at least one of
    the keys, most shared keys first, at most MAX_CANDIDATES: rows of `fields`, a query
    not run yet. Served by the (workspace, key, claim) index of migration 0009 alone
    (an index-only scan on PostgreSQL: hence COUNT(*), not of a column)."""
    return (
        ClaimMatchKey.objects.using(alias)
        .filter(workspace_id=workspace_id, key__in=keys)
        .exclude(claim_id=exclude_pk)
        .values(*fields)
        .annotate(shared=Count("*"))
        .order_by("-shared", "claim_id")
        .values_list(*fields)[:MAX_CANDIDATES]
    )


def similar_claims(claim, user, *, limit=10, threshold=None) -> list[tuple[Claim, float]]:
    """The other claims of the claim's workspace (in any of its documents) that say
    about the same thing, best first, each with its score in [0, 1]. Every claim
    returned has `document` and `published_verdict` (its current, unretracted verdict
    with its rating, or None) loaded. Raises NotVisible when the user may not read the
    claim, InvalidInput for a threshold outside (0, 1].

    Candidates are the claims sharing a match key with the claim (`match_keys`), at
    most MAX_CANDIDATES; they are scored with pg_trgm's `similarity()` on PostgreSQL,
    rapidfuzz elsewhere. Queries, whatever the number of claims: PostgreSQL 2 (the
    candidates scored, with their documents, in one query; their verdicts), 1 when
    nothing matches; elsewhere 3 (the candidates' folded texts; the claims with their
    documents; their verdicts), 1 when nothing matches; plus the user's roles once per
    user object."""
    from annotations.permissions import can

    if not can(user, "document.read", claim):
        raise NotVisible()
    limit = max(1, min(int(limit), MAX_LIMIT))
    alias, vendor = _vendor()
    threshold = _check_threshold(
        default_threshold(SIMILAR_THRESHOLD, vendor) if threshold is None else threshold
    )
    text = claim.match_text or normalise(claim.text)
    keys = match_keys(text)
    if not keys:
        return []
    workspace_id = claim.document.workspace_id
    if vendor == "postgresql":
        candidates = _candidates(alias, workspace_id, keys, claim.pk, "claim_id")
        found = list(
            Claim.objects.using(alias)
            .filter(pk__in=Subquery(candidates))
            .annotate(score=TrigramSimilarity("match_text", text))
            .filter(score__gte=threshold)
            .select_related("document")
            .prefetch_related(_published_verdict())
            .order_by("-score", "pk")[:limit]
        )
        _attach_published_verdict(found)
        return [(c, float(c.score)) for c in found]
    rows = list(_candidates(alias, workspace_id, keys, claim.pk, "claim_id", "claim__match_text"))
    matches = process.extract(
        text,
        [folded for _, folded in rows],
        scorer=fuzz.ratio,
        score_cutoff=threshold * 100,
        limit=None,
    )
    ranked = sorted(((score / 100, rows[i][0]) for _, score, i in matches), key=_best_first)
    ranked = ranked[:limit]
    if not ranked:
        return []
    by_pk = {
        c.pk: c
        for c in Claim.objects.using(alias)
        .filter(pk__in=[pk for _, pk in ranked])
        .select_related("document")
        .prefetch_related(_published_verdict())
    }
    found = [by_pk[pk] for _, pk in ranked]
    _attach_published_verdict(found)
    return [(by_pk[pk], score) for score, pk in ranked]


def _best_first(scored: tuple[float, int]) -> tuple[float, int]:
    score, pk = scored
    return (-score, pk)


def mark_prior_verdicts(document, *, threshold=None) -> int:
    """Point each claim of the document that says about the same as a claim with a
    published verdict (current, not retracted) elsewhere in the workspace at that
    verdict, with the score; clear the mark where no such verdict is left. Returns how
    many claims are marked."""
    alias, vendor = _vendor()
    threshold = _check_threshold(
        default_threshold(PRIOR_VERDICT_THRESHOLD, vendor) if threshold is None else threshold
    )
    published_elsewhere = (
        Verdict.objects.using(alias)
        .filter(
            claim__document__workspace_id=document.workspace_id,
            is_current=True,
            retracted_at__isnull=True,
        )
        .exclude(claim__document=document)
    )
    claims = Claim.objects.using(alias).filter(document=document)
    if not published_elsewhere.exists():
        # Nothing to match against (a new desk, or the first document): clear old marks.
        claims.filter(prior_verdict__isnull=False).update(prior_verdict=None, prior_similarity=None)
        return 0
    if vendor == "postgresql":
        best = _prior_verdicts_pg(alias, document, threshold)
    else:
        best = _prior_verdicts_fuzz(alias, document, threshold)
    claims = claims.only("pk", "prior_verdict", "prior_similarity")
    changed = []
    for claim in claims:
        verdict_id, score = best.get(claim.pk, (None, None))
        if (claim.prior_verdict_id, claim.prior_similarity) != (verdict_id, score):
            claim.prior_verdict_id, claim.prior_similarity = verdict_id, score
            changed.append(claim)
    Claim.objects.using(alias).bulk_update(
        changed, ["prior_verdict", "prior_similarity"], batch_size=500
    )
    return len(best)


def _prior_candidates_sql() -> str:
    """The (claim of the document, claim with a published verdict) pairs of the
    workspace that share a match key: a CTE named `pairs`, parameters (document id,
    workspace id, True)."""
    key_table = ClaimMatchKey._meta.db_table
    claim_table = Claim._meta.db_table
    verdict_table = Verdict._meta.db_table
    return f"""
        WITH pairs AS (
            SELECT DISTINCT mk.claim_id AS claim_id, vk.claim_id AS verdict_claim_id
            FROM {key_table} mk
            JOIN {claim_table} c0 ON c0.id = mk.claim_id
            JOIN {key_table} vk ON vk.workspace_id = mk.workspace_id AND vk.key = mk.key
                AND vk.claim_id <> mk.claim_id
            WHERE c0.document_id = %s AND mk.workspace_id = %s
              AND EXISTS (
                  SELECT 1 FROM {verdict_table} v0 WHERE v0.claim_id = vk.claim_id
                  AND v0.is_current = %s AND v0.retracted_at IS NULL)
        )"""


def _prior_verdicts_pg(alias, document, threshold) -> dict[int, tuple[int, float]]:
    claim_table = Claim._meta.db_table
    verdict_table = Verdict._meta.db_table
    # One claim per row, with the best-scoring verdict; the newest wins a tie.
    sql = f"""{_prior_candidates_sql()}
        SELECT DISTINCT ON (c.id) c.id, v.id, similarity(c.match_text, vc.match_text) AS score
        FROM pairs p
        JOIN {claim_table} c ON c.id = p.claim_id
        JOIN {claim_table} vc ON vc.id = p.verdict_claim_id
        JOIN {verdict_table} v ON v.claim_id = vc.id
        WHERE v.is_current AND v.retracted_at IS NULL AND c.match_text <> ''
          AND similarity(c.match_text, vc.match_text) >= %s
        ORDER BY c.id, score DESC, v.published_at DESC, v.id DESC
    """
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, [document.pk, document.workspace_id, True, threshold])
        return {claim_id: (verdict_id, float(score)) for claim_id, verdict_id, score in cursor}


def _prior_verdicts_fuzz(alias, document, threshold) -> dict[int, tuple[int, float]]:
    claim_table = Claim._meta.db_table
    verdict_table = Verdict._meta.db_table
    sql = f"""{_prior_candidates_sql()}
        SELECT c.id, c.match_text, v.id, vc.match_text
        FROM pairs p
        JOIN {claim_table} c ON c.id = p.claim_id
        JOIN {claim_table} vc ON vc.id = p.verdict_claim_id
        JOIN {verdict_table} v ON v.claim_id = vc.id
        WHERE v.is_current = %s AND v.retracted_at IS NULL AND c.match_text <> ''
          AND vc.match_text <> ''
        ORDER BY v.published_at DESC, v.id DESC
    """
    best = {}
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, [document.pk, document.workspace_id, True, True])
        for claim_id, folded, verdict_id, verdict_folded in cursor.fetchall():
            score = fuzz.ratio(folded, verdict_folded, score_cutoff=threshold * 100)
            # Rows come newest verdict first: a later one must score higher to win.
            if score and (claim_id not in best or score / 100 > best[claim_id][1]):
                best[claim_id] = (verdict_id, score / 100)
    return best


def match_key_writer(connection, claim_ids, match_texts, workspace_id) -> Callable[[], None]:
    """Compute the match keys of new claims (ids, with their folded text) and prepare
    their rows now; return what writes them, on `connection` (a DatabaseWrapper), in
    bulk. An import computes here and writes from a second thread (inside its
    transaction) while it scores the claims: the writing is then the database's work and
    holds no GIL.

    ~28 rows a claim are the largest part of an import, so they go straight to the
    database without model instances, ordered by key so that the lookup index is
    written page after page rather than at random: on PostgreSQL one binary COPY, made
    with numpy; on SQLite one INSERT … SELECT per MATCH_KEY_CLAIMS claims from a JSON
    array of [claim id, key, key, …], which json_each reads and SQLite sorts far faster
    than executemany binds rows one by one."""
    keys, has_words = match_key_matrix(match_texts)
    claims = np.array(claim_ids, dtype=np.int64)[has_words]
    keys = keys[has_words]
    table = connection.ops.quote_name(ClaimMatchKey._meta.db_table)
    columns = "claim_id, workspace_id, key"
    if connection.vendor == "postgresql":
        claims = np.repeat(claims, BANDS)
        keys = keys.ravel()
        order = np.argsort(keys, kind="stable")
        rows = np.empty(len(keys), dtype=_COPY_ROW)
        rows["fields"] = 3
        rows["claim_size"] = rows["workspace_size"] = rows["key_size"] = 8
        rows["claim"] = claims[order]
        rows["workspace"] = workspace_id
        rows["key"] = keys[order]
        data = _COPY_HEADER + rows.tobytes() + _COPY_TRAILER

        def write() -> None:
            with connection.cursor() as cursor, connection.wrap_database_errors:
                copy_sql = f"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)"
                with cursor.cursor.copy(copy_sql) as copy:
                    copy.write(data)

        return write
    statement = (
        f"INSERT INTO {table} ({columns}) "
        f"SELECT json_extract(claim.value, '$[0]'), %s, key.value "
        f"FROM json_each(%s) AS claim, json_each(claim.value) AS key "
        f"WHERE key.key > 0 ORDER BY key.value"
    )
    arguments = [
        [workspace_id, json.dumps(np.column_stack((claims[i:j], keys[i:j])).tolist())]
        for i, j in _chunks(len(claims), MATCH_KEY_CLAIMS)
    ]

    def write() -> None:
        with connection.cursor() as cursor, connection.wrap_database_errors:
            for params in arguments:
                cursor.execute(statement, params)

    return write


def _chunks(length: int, size: int):
    return ((i, min(i + size, length)) for i in range(0, length, size))


MATCH_KEY_CLAIMS = 10_000
# PostgreSQL's binary COPY: a header, then per row its field count and each field's
# length and big-endian value, then a trailer.
_COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)
_COPY_TRAILER = b"\xff\xff"
_COPY_ROW = np.dtype(
    [
        ("fields", ">i2"),
        ("claim_size", ">i4"),
        ("claim", ">i8"),
        ("workspace_size", ">i4"),
        ("workspace", ">i8"),
        ("key_size", ">i4"),
        ("key", ">i8"),
    ]
)


def _key_rows(claims, workspace_id):
    for claim in claims:
        for key in match_keys(claim.match_text):
            yield ClaimMatchKey(claim_id=claim.pk, workspace_id=workspace_id, key=key)


def store_match_keys(claim, *, using=None, replace=True) -> None:
    """Write the claim's match keys (after its match_text changed), replacing those it
    had unless `replace` is False (a new claim has none). Called from Claim.save()
    through search.indexed_save."""
    using = using or router.db_for_write(ClaimMatchKey)
    if Claim.document.is_cached(claim):
        workspace_id = claim.document.workspace_id
    else:
        workspace_id = (
            Claim.objects.using(using)
            .values_list("document__workspace_id", flat=True)
            .get(pk=claim.pk)
        )
    if replace:
        ClaimMatchKey.objects.using(using).filter(claim_id=claim.pk).delete()
    ClaimMatchKey.objects.using(using).bulk_create(_key_rows([claim], workspace_id))


def _source_fields(source: dict, position: int) -> dict:
    published = source.get("published") or None
    if isinstance(published, str):
        published = date.fromisoformat(published)
    return {
        "url": source.get("url") or "",
        "title": source.get("title") or "",
        "publisher": source.get("publisher") or "",
        "published": published,
        "excerpt": source.get("excerpt") or "",
        "stance": source.get("stance") or "context",
        "archive_url": source.get("archive_url") or "",
        "position": position,
    }


def reuse_verdict(verdict, claim, by) -> Annotation:
    """Start `by`'s annotation on the claim from a published verdict on a similar claim:
    its rating and summary, a copy of its sources, and a link to it (`reused_from`).
    The workflow's own checks apply (Annotation.start, add_source): NotVisible outside
    the user's workspaces or across workspaces, WorkflowError for a second annotation
    on the claim, InvalidInput for a superseded or retracted verdict."""
    from annotations.permissions import can

    if not can(by, "document.read", verdict) or (
        verdict.claim.document.workspace_id != claim.document.workspace_id
    ):
        raise NotVisible()
    if not verdict.is_current or verdict.is_retracted:
        raise InvalidInput(
            "Only a claim's current verdict can be reused; this one was superseded or retracted.",
            field="verdict",
        )
    with transaction.atomic():
        annotation = Annotation.start(claim, by, rating=verdict.rating, summary=verdict.summary)
        annotation.reused_from = verdict
        annotation.save(update_fields=["reused_from"])
        for position, source in enumerate(verdict.sources or []):
            annotation.add_source(by, **_source_fields(source, position))
    return annotation
