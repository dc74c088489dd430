"""Static word embeddings, for the meaning two texts share when their words differ
("jab" and "vaccine"): wordllama's 256-dimension model, whose weights and tokenizer ship
inside its wheel. Loaded once a process, from the package's own folder with downloads
disabled: matching never opens a network connection.

A text's embedding is the average of its tokens' vectors, normalised; two texts'
similarity is the cosine of theirs. Texts are embedded as the matcher folds them
(`folding.normalise`), so a claim, a reference fact-check and a pasted text read alike.
"""

import threading
from functools import cache
from pathlib import Path

import numpy as np

DIMENSIONS = 256


@cache
def model():
    """The wordllama model, from the files its wheel ships (no download)."""
    import wordllama  # imported here: the model loads on first use, not at start-up

    loaded = wordllama.WordLlama.load(
        dim=DIMENSIONS, cache_dir=Path(wordllama.__file__).parent, disable_download=True
    )
    loaded.tokenizer.no_padding()  # pooled below over each text's own tokens
    return loaded


def embed(texts: list[str]) -> np.ndarray:
    """One unit-length row of DIMENSIONS per text (zeros for a text without tokens):
    the sum of its words' token vectors, normalised."""
    return _unit(sums(texts))


def _unit(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return vectors / norms


def sums(texts: list[str]) -> np.ndarray:
    """One row of DIMENSIONS per text: the sum of its words' token vectors (not
    normalised: the sum of two texts' rows is the row of the two texts joined). Words
    are tokenized once a process and kept (WORDS_KEPT at most): tokenizing every
    candidate's text for every query cost more than the rest of the second stage."""
    vectors = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
    split = [text.split() for text in texts]
    index, matrix = _learn({word for words in split for word in words})
    lengths = np.array([len(words) for words in split])
    present = lengths > 0
    if present.any():
        rows = np.fromiter((index[w] for words in split for w in words), dtype=np.int64)
        starts = np.concatenate(([0], np.cumsum(lengths[present])[:-1]))
        summed = np.empty((len(starts), DIMENSIONS), dtype=np.float32)
        # A few dozen texts at a time: reduceat over one gather of a whole import's words
        # ran seven times slower (the same sums).
        for i in range(0, len(starts), _SUM_CHUNK):
            first = starts[i]
            last = starts[i + _SUM_CHUNK] if i + _SUM_CHUNK < len(starts) else len(rows)
            summed[i : i + _SUM_CHUNK] = np.add.reduceat(
                matrix[rows[first:last]], starts[i : i + _SUM_CHUNK] - first, axis=0
            )
        vectors[present] = summed
    return vectors


_SUM_CHUNK = 32


# A text's stored sum (Claim.match_vector, ReferenceFactCheck.match_vector): its length
# as a float32, then its direction in float16: 516 bytes, and no float16 overflow
# however long the text. Cosines read from it differ from those computed afresh by
# about 1e-4.
_STORED = np.dtype([("norm", "<f4"), ("unit", "<f2", (DIMENSIONS,))])
STORED_BYTES = _STORED.itemsize


def stored(texts: list[str]) -> list[bytes]:
    """Each folded text's word-vector sum as stored (see _STORED), computed now."""
    vectors = sums(texts)
    rows = np.zeros(len(texts), dtype=_STORED)
    rows["norm"] = np.linalg.norm(vectors, axis=1)
    rows["unit"] = _unit(vectors)
    data = rows.tobytes()
    return [data[i : i + STORED_BYTES] for i in range(0, len(data), STORED_BYTES)]


def from_stored(blobs: list) -> np.ndarray:
    """The sums that `stored` wrote, as float32 rows (zeros for a blob that is missing or
    not of the stored size: the caller computes those afresh)."""
    blank = bytes(STORED_BYTES)
    data = b"".join(bytes(b) if b is not None and len(b) == STORED_BYTES else blank for b in blobs)
    rows = np.frombuffer(data, dtype=_STORED)
    return rows["unit"].astype(np.float32) * rows["norm"][:, None]


def cosines_with_stored(query: str, blobs: list, added: list[str]) -> np.ndarray:
    """The cosine of the query's embedding with each candidate's: the sum stored for its
    text (`blobs[i]`, None when not stored) plus the sum of `added[i]`'s words (what
    the candidate's scored text holds besides: a claim's restatement, or the whole
    scored text when nothing is stored)."""
    if not blobs:
        return np.zeros(0)
    vectors = from_stored(blobs) + sums(added)
    query_vector = embed([query])[0]
    return (_unit(vectors) @ query_vector).astype(float)


WORDS_KEPT = 500_000
_index: dict[str, int] = {}
# Rows of the known words, in a matrix with room to grow: a few new words per query
# must not copy every known word's row (tens of MB in a long-running process).
_matrix = np.zeros((0, DIMENSIONS), dtype=np.float32)
_lock = threading.Lock()


def _learn(words: set[str]) -> tuple[dict[str, int], np.ndarray]:
    """The known words' rows, and their summed token vectors, new words added."""
    global _index, _matrix
    with _lock:
        new = sorted(words - _index.keys())
        if not new:
            return _index, _matrix
        if len(_index) + len(new) > WORDS_KEPT:
            _index, _matrix, new = {}, _matrix[:0], sorted(words)
        loaded = model()
        encoded = loaded.tokenizer.encode_batch(new, add_special_tokens=False)
        lengths = np.array([len(tokens.ids) for tokens in encoded])
        ids = np.fromiter((i for tokens in encoded for i in tokens.ids), dtype=np.int64)
        ids = np.clip(ids, 0, len(loaded.embedding) - 1)
        added = np.zeros((len(new), DIMENSIONS), dtype=np.float32)
        has = lengths > 0
        if has.any():
            starts = np.concatenate(([0], np.cumsum(lengths[has])[:-1]))
            added[has] = np.add.reduceat(loaded.embedding[ids], starts, axis=0)
        known = len(_index)
        if known + len(new) > len(_matrix):
            grown = np.zeros(
                (max(2 * len(_matrix), known + len(new), 1024), DIMENSIONS), np.float32
            )
            grown[:known] = _matrix[:known]
            _matrix = grown  # earlier callers keep the old matrix, whose rows stay right
        _matrix[known : known + len(new)] = added
        # A new dict: a caller reading the old one is never mid-update.
        _index = {**_index, **{word: known + i for i, word in enumerate(new)}}
        return _index, _matrix


def cosines(query: str, texts: list[str]) -> np.ndarray:
    """The cosine of the query's embedding with each text's."""
    if not texts:
        return np.zeros(0)
    vectors = embed([query, *texts])
    return (vectors[1:] @ vectors[0]).astype(float)
