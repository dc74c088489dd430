"""Match keys. Stored: the term keys of a claim (`terms.term_keys` of its folded text
and restatement) in ClaimMatchKey, and of a reference fact-check in ReferenceMatchKey:
`match_key_writer` / `key_writer` for an import, in bulk on SQLite and PostgreSQL;
`store_match_keys` for one claim's save.

Earlier versions stored MinHash band keys instead (`match_keys`, `match_key_matrix`,
pure, kept because migrations 0010 and 0020 compute them). They found only claims that
share long runs of words; the term keys find those too (near duplicates share all their
rare words) and rewordings besides, with about 10 rows a claim instead of 28. The
command `rebuild_match_keys` replaces MinHash keys of claims stored before."""

import json
import zlib
from collections.abc import Callable

import numpy as np
from django.db import connections, router, transaction

from annotations.matching import embedding
from annotations.matching.folding import normalise
from annotations.matching.terms import term_keys
from annotations.models import Claim, ClaimMatchKey, ReferenceFactCheck, ReferenceMatchKey

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


# --- storing the keys ----------------------------------------------------------------


def match_key_writer(connection, claim_ids, match_texts, workspace_id) -> Callable[[], None]:
    """Compute the term keys of new claims (ids, with their folded text) and prepare
    their rows now; return what writes them, on `connection`, in bulk. An import
    computes here and writes from a second thread (inside its transaction) while it
    scores the claims."""
    return key_writer(
        connection, ClaimMatchKey, claim_ids, [term_keys(t) for t in match_texts], workspace_id
    )


def key_writer(connection, model, owner_ids, key_lists, workspace_id) -> Callable[[], None]:
    """What writes the keys of many owners (claims into ClaimMatchKey, reference
    fact-checks into ReferenceMatchKey: `key_lists[i]` are `owner_ids[i]`'s) in bulk,
    without model instances, ordered by key so that the lookup index is written page
    after page: on PostgreSQL one binary COPY, made with numpy; on SQLite one INSERT …
    SELECT per MATCH_KEY_CLAIMS owners from a JSON array of [owner id, key, key, …],
    which json_each reads far faster than executemany binds rows one by one."""
    owner_column = next(
        f.column for f in model._meta.concrete_fields if f.name in ("claim", "reference")
    )
    table = connection.ops.quote_name(model._meta.db_table)
    columns = f"{owner_column}, workspace_id, key"
    lengths = np.fromiter(map(len, key_lists), dtype=np.intp, count=len(key_lists))
    if connection.vendor == "postgresql":
        owners = np.repeat(np.array(owner_ids, dtype=np.int64), lengths)
        keys = np.fromiter((k for ks in key_lists for k in ks), dtype=np.int64, count=lengths.sum())
        order = np.argsort(keys, kind="stable")
        rows = np.empty(len(keys), dtype=_COPY_ROW)
        rows["fields"] = 3
        rows["claim_size"] = rows["workspace_size"] = rows["key_size"] = 8
        rows["claim"] = owners[order]
        rows["workspace"] = workspace_id
        rows["key"] = keys[order]
        data = _COPY_HEADER + rows.tobytes() + _COPY_TRAILER

        def write() -> None:
            if not len(keys):
                return
            with connection.cursor() as cursor, connection.wrap_database_errors:
                copy_sql = f"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)"
                with cursor.cursor.copy(copy_sql) as copy:
                    copy.write(data)

        return write
    statement = (
        f"INSERT INTO {table} ({columns}) "
        f"SELECT json_extract(owner.value, '$[0]'), %s, key.value "
        f"FROM json_each(%s) AS owner, json_each(owner.value) AS key "
        f"WHERE key.key > 0 ORDER BY key.value"
    )
    listed = [[pk, *keys] for pk, keys in zip(owner_ids, key_lists, strict=True) if keys]
    arguments = [
        [workspace_id, json.dumps(listed[i:j])] for i, j in _chunks(len(listed), MATCH_KEY_CLAIMS)
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


def claim_key_text(claim) -> str:
    """What a claim's term keys are made of: its folded text and restatement."""
    restatement = normalise(claim.restatement) if claim.restatement else ""
    return f"{claim.match_text} {restatement}".strip()


def store_match_keys(claim, *, using=None, replace=True) -> None:
    """Write the claim's term keys (after its text or restatement changed), replacing
    those it had unless `replace` is False (a new claim has none). Called from
    Claim.save() through search.indexed_save."""
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
    ClaimMatchKey.objects.using(using).bulk_create(
        ClaimMatchKey(claim_id=claim.pk, workspace_id=workspace_id, key=key)
        for key in term_keys(claim_key_text(claim))
    )


REBUILD_CHUNK = 2000


def rebuild_stale_keys(model, *, chunk: int = REBUILD_CHUNK, using=None) -> int:
    """Make the stored term keys of every claim (model Claim) or reference fact-check
    (ReferenceFactCheck) those of its text today, in chunks of `chunk` rows by primary
    key, each in its own short transaction: MinHash keys of earlier versions, missing or
    stale keys are replaced; rows whose keys are right are not written, so running it
    again writes nothing. Safe on a live database: imports go on meanwhile (each writes
    its own claims' keys). Returns how many rows got new keys."""
    using = using or router.db_for_write(model)
    if model is ReferenceFactCheck:
        key_model, owner = ReferenceMatchKey, "reference_id"
        fields = ("pk", "claim", "title", "workspace_id")

        def text_of(row):
            return normalise(f"{row[1]} {row[2]}")
    else:
        key_model, owner = ClaimMatchKey, "claim_id"
        fields = ("pk", "match_text", "restatement", "document__workspace_id")

        def text_of(row):
            restatement = normalise(row[2]) if row[2] else ""
            return f"{row[1]} {restatement}".strip()

    rows = model.objects.using(using).order_by("pk").values_list(*fields)
    keys_of = key_model.objects.using(using)
    last, rebuilt = 0, 0
    while batch := list(rows.filter(pk__gt=last)[:chunk]):
        last = batch[-1][0]
        stored = {}
        for pk, key in keys_of.filter(
            **{f"{owner}__gte": batch[0][0], f"{owner}__lte": last}
        ).values_list(owner, "key"):
            stored.setdefault(pk, set()).add(key)
        stale = [row for row in batch if stored.get(row[0], set()) != set(term_keys(text_of(row)))]
        if not stale:
            continue
        with transaction.atomic(using=using):
            keys_of.filter(**{f"{owner}__in": [row[0] for row in stale]}).delete()
            keys_of.bulk_create(
                (
                    key_model(**{owner: row[0], "workspace_id": row[3], "key": key})
                    for row in stale
                    for key in term_keys(text_of(row))
                ),
                batch_size=5000,
            )
        rebuilt += len(stale)
    return rebuilt


VECTOR_CHUNK = 5000


def backfill_match_vectors(model, *, chunk: int = VECTOR_CHUNK, using=None) -> int:
    """Store the word-vector sum (`embedding.stored`) of every claim (model Claim) or
    reference fact-check (ReferenceFactCheck) that has none: claims stored before the
    sums were, which the matcher otherwise embeds at every lookup. In chunks of `chunk`
    rows by primary key, each one short transaction of UPDATEs; a row whose text changed
    meanwhile is left to its own save (which writes its sum). Safe on a live database,
    and running it again writes nothing. Returns how many rows it embedded."""
    using = using or router.db_for_write(model)
    connection = connections[using]
    if model is ReferenceFactCheck:
        fields, guard = ("pk", "claim", "title"), ("claim", "title")

        def text_of(row):
            return normalise(f"{row[1]} {row[2]}")
    else:
        fields, guard = ("pk", "match_text"), ("match_text",)

        def text_of(row):
            return row[1]

    rows = (
        model.objects.using(using)
        .filter(match_vector__isnull=True)
        .exclude(**{guard[0]: ""})
        .order_by("pk")
        .values_list(*fields)
    )
    quote = connection.ops.quote_name
    where = " AND ".join(f"{quote(model._meta.get_field(f).column)} = %s" for f in guard)
    sql = (
        f"UPDATE {quote(model._meta.db_table)} SET {quote('match_vector')} = %s "
        f"WHERE {quote(model._meta.pk.column)} = %s AND {quote('match_vector')} IS NULL "
        f"AND {where}"
    )
    last, filled = 0, 0
    while batch := list(rows.filter(pk__gt=last)[:chunk]):
        last = batch[-1][0]
        vectors = embedding.stored([text_of(row) for row in batch])
        params = [(vector, row[0], *row[1:]) for vector, row in zip(vectors, batch, strict=True)]
        with transaction.atomic(using=using), connection.cursor() as cursor:
            cursor.executemany(sql, params)
        filled += len(batch)
    return filled
