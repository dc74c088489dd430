"""Claim matching: have we checked this claim before?

`folding.normalise` folds a claim's wording (case, accents, punctuation, numbers written
in words) so that the same claim worded a little differently compares close. It is pure.
`keys.match_keys` turns folded text into MinHash band keys (pure too): claims that say
about the same thing share at least one key, unrelated claims rarely do. The keys are
stored in ClaimMatchKey (kept current on import, on Claim.save and by migration 0009).
`similar.similar_claims` takes as candidates the claims of the workspace that share a key
with the claim, then scores them by similarity of their folded text. `reuse` marks an
imported document's claims with prior verdicts and reuses a verdict for a new annotation.

Dependencies run folding -> keys -> similar -> reuse. Every public name is re-exported
here: import from `annotations.matching`.
"""

from annotations.matching.folding import normalise
from annotations.matching.keys import (
    BANDS,
    COPIES,
    MATCH_KEY_CLAIMS,
    MATCH_KEY_SEED,
    ROWS,
    match_key_matrix,
    match_key_writer,
    match_keys,
    match_keys_many,
    store_match_keys,
)
from annotations.matching.reuse import mark_prior_verdicts, reuse_verdict
from annotations.matching.similar import (
    MAX_CANDIDATES,
    MAX_LIMIT,
    PRIOR_VERDICT_THRESHOLD,
    SIMILAR_THRESHOLD,
    default_threshold,
    similar_claims,
)

__all__ = [
    "BANDS",
    "COPIES",
    "MATCH_KEY_CLAIMS",
    "MATCH_KEY_SEED",
    "MAX_CANDIDATES",
    "MAX_LIMIT",
    "PRIOR_VERDICT_THRESHOLD",
    "ROWS",
    "SIMILAR_THRESHOLD",
    "default_threshold",
    "mark_prior_verdicts",
    "match_key_matrix",
    "match_key_writer",
    "match_keys",
    "match_keys_many",
    "normalise",
    "reuse_verdict",
    "similar_claims",
    "store_match_keys",
]
