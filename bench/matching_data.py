"""The development data the matching bench and the fitting script read: the CLEF-2020
claim-retrieval tweets and verified claims, and ClaimBuster's debate sentences."""

import csv
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
CLEF = DATA / "clef2020-claim-retrieval"
CLAIMBUSTER = DATA / "claimbuster-crowdsourced.csv"


def _tsv(path: Path) -> list[list[str]]:
    csv.field_size_limit(sys.maxsize)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t"))
    return rows[1:]


def verified_claims(root: Path = CLEF) -> list[tuple[str, str, str]]:
    """(vclaim_id, claim, title) of the 10,375 fact-checked claims."""
    return [
        (r[0], r[1], r[2] if len(r) > 2 else "") for r in _tsv(root / "verified_claims.docs.tsv")
    ]


def tweets(part: str, root: Path = CLEF) -> list[tuple[str, str, str]]:
    """(tweet_id, text, vclaim_id it matches) of the `part` ("train" or "dev")."""
    texts = {r[0]: r[1] for r in _tsv(root / part / "tweets.queries.tsv")}
    with (root / part / "tweet-vclaim-pairs.qrels").open(encoding="utf-8") as handle:
        pairs = [line.split() for line in handle if line.strip()]
    return [(tweet, texts[tweet], vclaim) for tweet, _, vclaim, _ in pairs if tweet in texts]


def debate_sentences(part: str, path: Path = CLAIMBUSTER) -> list[str]:
    """Check-worthy debate sentences (Verdict 1), which match no Snopes claim: those of
    even Sentence_id for fitting ("train"), odd for measuring ("dev")."""
    parity = 0 if part == "train" else 1
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            row["Text"]
            for row in csv.DictReader(handle)
            if row["Verdict"] == "1" and int(row["Sentence_id"]) % 2 == parity
        ]
