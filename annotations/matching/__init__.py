"""Claim matching: was this, or something that says the same, checked before?

`folding.normalise` folds a text's wording (case, accents, punctuation, numbers written
in words). `terms` cuts folded text into meaning-bearing terms and their stored keys,
pure. `embedding` gives texts static word embeddings (wordllama's, shipped in its
wheel, loaded offline). `scoring` is the two stages' arithmetic, pure: which terms to
look up (the rarest) and the fitted fusions that score and rank candidates. `keys`
stores the term keys (ClaimMatchKey for claims, ReferenceMatchKey for reference
fact-checks; the MinHash keys of earlier versions are kept as functions for old
migrations). `engine.find_matches` answers for any text, with scores and reasons;
`similar.similar_claims` for a claim. `reuse` marks an imported document's claims with
prior verdicts and reuses a verdict.

Dependencies run folding -> terms -> embedding -> scoring -> keys -> engine -> similar ->
reuse.
Import from `annotations.matching`.
"""

from annotations.matching.engine import (
    KINDS,
    MAX_TEXT_CHARS,
    Match,
    check_text,
    find_matches,
    highlight,
    rank,
)
from annotations.matching.folding import normalise
from annotations.matching.keys import (
    BANDS,
    COPIES,
    MATCH_KEY_CLAIMS,
    MATCH_KEY_SEED,
    ROWS,
    claim_key_text,
    key_writer,
    match_key_matrix,
    match_key_writer,
    match_keys,
    match_keys_many,
    store_match_keys,
)
from annotations.matching.reuse import (
    INLINE_MARK_CLAIMS,
    mark_after_import,
    mark_prior_verdicts,
    mark_prior_verdicts_job,
    mark_references,
    marks_of,
    reuse_verdict,
)
from annotations.matching.similar import (
    MAX_LIMIT,
    mark_threshold,
    show_threshold,
    similar_claims,
)
from annotations.matching.terms import clean_pasted, term_keys

__all__ = [
    "BANDS",
    "COPIES",
    "INLINE_MARK_CLAIMS",
    "KINDS",
    "MATCH_KEY_CLAIMS",
    "MATCH_KEY_SEED",
    "MAX_LIMIT",
    "MAX_TEXT_CHARS",
    "ROWS",
    "Match",
    "check_text",
    "claim_key_text",
    "clean_pasted",
    "find_matches",
    "highlight",
    "key_writer",
    "mark_after_import",
    "mark_prior_verdicts",
    "mark_prior_verdicts_job",
    "mark_references",
    "marks_of",
    "mark_threshold",
    "match_key_matrix",
    "match_key_writer",
    "match_keys",
    "match_keys_many",
    "normalise",
    "rank",
    "reuse_verdict",
    "show_threshold",
    "similar_claims",
    "store_match_keys",
    "term_keys",
]
