"""The two stages' arithmetic, pure (numpy, and the embedding model's files): which of
a query's terms the first stage looks up, and how the second stage scores each candidate
it found.

First stage: a query's terms are weighed by how rare they are among the workspace's
claims and reference fact-checks: their document frequency, counted up to DF_CAP (a
word in more texts than that says little about any of them, and counting further would
cost more than it tells). The LOOKUP_TERMS rarest terms below the cap are looked up, as
long as their summed document frequency (the index entries the lookup reads) stays
within LOOKUP_ENTRIES; the texts holding them, by the summed weight of the terms they
hold, are the candidates, at most CANDIDATES.

Second stage: each candidate gets features (BM25 over terms, as a share of the query's
idf mass, so that it reads the same in a small desk as in a large one; the share of the
query's rare-term mass it covers; cosine of character 2–4-gram TF-IDF vectors, idf over
the candidates; numbers shared, or its numbers all other than the query's; cosine of
their static word embeddings, `embedding`, for words that differ but mean the same; how
many of the query's terms it holds, up to SHARED_TERMS_CAP) and a score: a logistic
fusion of them whose weights and thresholds `scripts/fit_matching.py` fits on the
training tweets and writes to `weights.json`, with a second set of weights fitted to
rank the candidates of one query (`ranking`). The candidates are then ordered by
reciprocal-rank fusion of the ranking score's rank and the rank of a second cosine, of
word-bounded character 2–4-grams of the lower-cased raw (unfolded) texts, idf over the
query and the candidates (`raw_cosines`); its k and weight are fitted too. The score
shown stays the fitted probability.
"""

import json
import math
from collections import Counter
from functools import cache
from pathlib import Path

import numpy as np

from annotations.matching import embedding
from annotations.matching.terms import folded_terms

DF_CAP = 2000
N_CAP = 20_000  # texts counted, at most: a workspace's size as idf sees it
# The second stage cannot rank what the first did not find: on the training tweets, the
# 150 best candidates of 16 terms held the right fact-check for 94 % of them (tweets
# cleaned as before); of 24 terms, 150 held it for 97.4 %, 250 for 98.3 %, 500 for
# 98.5 % (at twice the cost).
LOOKUP_TERMS = 24
# Index entries the candidates query reads, at most: a claim whose terms are all common
# in a large desk (24 terms of up to 2,000 texts each) read ten times more than a tweet
# with rare words, for candidates its rarest terms already find (at 1,000,000 claims
# the query took 92 ms a claim lookup; 14 ms within 4,600, 26 ms within 6,000). Above
# every training tweet's and debate sentence's sum over the 10,375 verified claims (at
# most 4,271): the fitted pools are as before.
LOOKUP_ENTRIES = 5000
CANDIDATES = 250
K1, B = 1.2, 0.75
NGRAMS = (2, 3, 4)
# Measures of one candidate against the query alone, not relative to the others found
# (a second claim as close as the first scores as high; features relative to the best
# candidate ranked no better on the training tweets), and shares rather than sums, so a
# score means the same in a desk of ten claims and in one of a million.
FEATURES = (
    "bm25_share",
    "coverage",
    "char_cosine",
    "numbers_shared",
    "numbers_missing",
    "embedding_cosine",
    "shared_terms",
)
CHAR_COSINE = FEATURES.index("char_cosine")
# A short query covers its two or three terms easily ("And they get health care."):
# how many of its terms a candidate holds, up to SHARED_TERMS_CAP, tells how much
# evidence there is.
SHARED_TERMS_CAP = 10
WEIGHTS_FILE = Path(__file__).with_name("weights.json")


def idf(df: int, n: int) -> float:
    """The weight of a term found in `df` of `n` texts (df counted up to DF_CAP, n up
    to N_CAP): in a small desk no word is rare."""
    n = max(min(n, N_CAP), df, 1)
    return math.log((n + 1) / (min(df, DF_CAP) + 0.5))


def lookup_terms(dfs: dict[str, int], n: int) -> list[tuple[str, float]]:
    """The query's terms the first stage looks up, rarest first, with their weights:
    terms some text holds and fewer than DF_CAP do, at most LOOKUP_TERMS, and only while
    their summed document frequency stays within LOOKUP_ENTRIES (the rarest always)."""
    usable = sorted((df, term) for term, df in dfs.items() if 0 < df < DF_CAP)
    out, entries = [], 0
    for df, term in usable[:LOOKUP_TERMS]:
        entries += df
        if out and entries > LOOKUP_ENTRIES:
            break
        out.append((term, idf(df, n)))
    return out


_MIX = np.uint64(0x9E3779B97F4A7C15)


_BREAK = "\x01"  # between the words of a word-bounded text: no n-gram spans it


def _char_grams(texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The character n-grams (NGRAMS) of each text padded with a space: rows (text),
    gram indexes (of a hash of the code points) and counts, one entry per distinct
    gram of a text. Vectorised over all texts at once, with one sort."""
    joined = "\x00".join(f" {t} " for t in texts)
    points = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    row_of = np.cumsum(points == 0)
    points[points == ord(_BREAK)] = 0  # a break ends grams but not the text's row
    codes, rows = [], []
    for n in NGRAMS:
        if len(points) < n:
            continue
        length = len(points) - n + 1
        code = np.zeros(length, dtype=np.uint64)
        bad = np.zeros(length, dtype=bool)
        for k in range(n):
            part = points[k : k + length]
            code = (code * _MIX) ^ (part + np.uint64(n))
            bad |= part == 0
        codes.append(code[~bad])
        rows.append(row_of[:length][~bad])
    code = np.concatenate(codes)
    row = np.concatenate(rows).astype(np.uint64)
    # One sort of (gram, text) keys: the gram's hash in the high bits, the text's row in
    # the low ones; a run of one gram's keys gives its document frequency.
    bits = np.uint64(max(1, len(texts).bit_length()))
    mixed = code * _MIX  # the last code point, in the low bits, reaches the high ones
    pairs, counts = np.unique(((mixed >> bits) << bits) | row, return_counts=True)
    grams = pairs >> bits
    first = np.ones(len(grams), dtype=bool)
    first[1:] = grams[1:] != grams[:-1]
    return (
        (pairs & ((np.uint64(1) << bits) - np.uint64(1))).astype(np.int64),
        np.cumsum(first) - 1,
        counts,
    )


def _word_bounded(text: str) -> str:
    """The lower-cased text, each word padded with spaces, words apart by _BREAK."""
    return f" {_BREAK} ".join(text.replace(_BREAK, " ").replace("\x00", " ").lower().split())


def raw_cosines(query: str, texts: list[str]) -> np.ndarray:
    """Cosine of the word-bounded character n-gram TF-IDF vectors of the raw (unfolded,
    lower-cased) query and texts: grams never span two words."""
    return char_cosines(_word_bounded(query), [_word_bounded(t) for t in texts])


def char_cosines(query: str, texts: list[str]) -> np.ndarray:
    """Cosine of the query's and each text's character n-gram TF-IDF vectors (sublinear
    tf; idf over the query and the texts)."""
    n = len(texts) + 1
    rows, cols, counts = _char_grams([query, *texts])
    df = np.bincount(cols)
    idf = np.log((n + 1) / (df + 1)) + 1.0
    values = (1.0 + np.log(counts.astype(float))) * idf[cols]
    norms = np.sqrt(np.bincount(rows, values * values, minlength=n))
    query_dense = np.zeros(len(df))
    first = rows == 0
    query_dense[cols[first]] = values[first]
    dots = np.bincount(rows, values * query_dense[cols], minlength=n)
    norms[norms == 0] = 1.0
    return dots[1:] / (norms[1:] * norms[0])


def _numbers(words) -> set[str]:
    return {w for w in words if w[0].isdigit()}


def features(
    query: str,
    dfs: dict[str, int],
    n: int,
    texts: list[str],
    embedded=None,
    *,
    char_cosine=True,
    terms_of=None,
    units=None,
) -> np.ndarray:
    """One row of FEATURES per candidate: `query` and `texts` folded, `dfs` the
    document frequency of each query term among the `n` texts searched. `embedded`:
    the texts' stored word-vector sums and the words to add to them
    (`embedding.cosines_with_stored`), when the caller read them; else computed.
    Without `char_cosine` its column is left 0 (the caller fills it with
    `char_cosines`, if it needs it). `terms_of`: a dict kept by a caller that scores
    many queries against overlapping texts, each text's terms computed once. `units`:
    the texts' word embeddings (`embedding.embed`), when the caller keeps them."""
    q_set = set(folded_terms(query))
    q_idf = {t: idf(dfs[t], n) if dfs.get(t) else 0.0 for t in q_set}
    q_mass = sum(q_idf.values()) or 1.0
    q_numbers = _numbers(q_set)
    if terms_of is None:
        docs = [folded_terms(t) for t in texts]
    else:
        docs = [
            terms_of[t] if t in terms_of else terms_of.setdefault(t, folded_terms(t)) for t in texts
        ]
    avgdl = (sum(len(d) for d in docs) / len(docs)) if docs else 1.0
    rows = np.zeros((len(texts), len(FEATURES)))
    for i, doc in enumerate(docs):
        tf = Counter(doc)
        norm = K1 * (1 - B + B * len(doc) / (avgdl or 1.0))
        bm25 = sum(q_idf[t] * tf[t] * (K1 + 1) / (tf[t] + norm) for t in q_set if t in tf)
        numbers = _numbers(tf)
        rows[i, 0] = bm25 / q_mass  # a term once, in a text of average length: its idf
        rows[i, 1] = sum(q_idf[t] for t in q_set.intersection(tf)) / q_mass
        rows[i, 3] = 1.0 if q_numbers & numbers else 0.0
        rows[i, 4] = 1.0 if q_numbers and numbers and not q_numbers & numbers else 0.0
        rows[i, 6] = min(len(q_set.intersection(tf)), SHARED_TERMS_CAP) / SHARED_TERMS_CAP
    if len(texts):
        if char_cosine:
            rows[:, CHAR_COSINE] = char_cosines(query, texts)
        if units is not None:
            rows[:, 5] = (units @ embedding.embed([query])[0]).astype(float)
        elif embedded is None:
            rows[:, 5] = embedding.cosines(query, texts)
        else:
            rows[:, 5] = embedding.cosines_with_stored(query, *embedded)
    return rows


@cache
def fitted() -> dict:
    """The fusion's weights and thresholds, as scripts/fit_matching.py wrote them."""
    return json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))


def fuse(rows: np.ndarray, model: dict | None = None) -> np.ndarray:
    """Each candidate's score in [0, 1]: the fitted logistic fusion of its features."""
    model = model or fitted()
    weights = np.array([model["weights"][name] for name in FEATURES])
    return 1.0 / (1.0 + np.exp(-(rows @ weights + model["intercept"])))


def fuse_ceiling(rows: np.ndarray, model: dict | None = None) -> np.ndarray:
    """The highest score each candidate could reach whatever its character cosine (a
    number in [0, 1], its column not filled yet): what says a candidate cannot reach a
    threshold before the cosine is computed."""
    model = model or fitted()
    bounded = rows.copy()
    bounded[:, CHAR_COSINE] = 1.0 if model["weights"]["char_cosine"] > 0 else 0.0
    return fuse(bounded, model)


def ranking(rows: np.ndarray, model: dict | None = None) -> np.ndarray:
    """Each candidate's ranking score: its features weighed by the fitted `ranking`
    weights, which order the candidates of one query (not comparable across queries)."""
    model = model or fitted()
    return rows @ np.array([model["ranking"][name] for name in FEATURES])


def _ranks(values: np.ndarray) -> np.ndarray:
    """Each value's rank, 0 for the highest; ties in the candidates' order."""
    ranks = np.empty(len(values))
    ranks[np.argsort(-values, kind="stable")] = np.arange(len(values))
    return ranks


def fused_order(scores: np.ndarray, cosines: np.ndarray, model: dict | None = None) -> list:
    """The candidates' order: reciprocal-rank fusion of the rank by `scores` (the
    ranking score) and the raw-text cosine's rank (fitted `rrf_k` and `rrf_weight`),
    ties in the candidates' (first-stage) order."""
    model = model or fitted()
    k, weight = model["rrf_k"], model["rrf_weight"]
    fused = 1.0 / (k + _ranks(scores)) + weight / (k + _ranks(cosines))
    return sorted(range(len(scores)), key=lambda i: (-fused[i], i))
