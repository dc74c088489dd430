"""Fit the matcher's fusion weights and thresholds on the training tweets; write them to
annotations/matching/weights.json. Deterministic: same data, same file.

    .venv/bin/python scripts/fit_matching.py

The verified claims (claim and title) are indexed in memory exactly as the database
indexes reference fact-checks (annotations.matching.terms and .scoring: the same terms,
the same capped document frequencies, the same lookup of the rarest terms, the same
features). Each training tweet's candidates are labelled (is it the right fact-check?),
and two sets of weights are fitted on them (scikit-learn and scipy, development
requirements only): the score, a logistic regression over all candidates, which says
how likely a candidate is right and which the thresholds read; and the ranking, a
softmax over each tweet's candidates whose log-likelihood of the right one is maximised
(L-BFGS from zero, with an L2 penalty), which orders the candidates of one query: the
right fact-check first among its own tweet's candidates, rather than above those of
every tweet. The reciprocal-rank fusion of the ranking score with the raw-text cosine
(`scoring.fused_order`) takes the k and weight of RRF_K × RRF_WEIGHT (a weight of 0:
the ranking alone) with the best training recall@5.
Thresholds, from the first matches in that fused order on the
training data alone:
- `show`: the lowest score from which the first-ranked matches are right at least
  SHOW_PRECISION of the time, over the training tweets and the even-numbered
  check-worthy debate sentences (which match nothing): what "checked before?" lists;
- `mark`: the same at MARK_PRECISION: what an import marks.
The development part is never read here: bench/matching_quality.py measures it.
"""

import json
import multiprocessing
import os
import sys
from collections import defaultdict
from pathlib import Path

import django
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
os.environ.setdefault("SECRET_KEY", "fit-matching")
django.setup()  # annotations.matching's package imports the models

from scipy.optimize import minimize  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402

from annotations.matching import scoring  # noqa: E402
from annotations.matching import terms as term_module  # noqa: E402
from annotations.matching.folding import normalise  # noqa: E402
from bench import matching_data  # noqa: E402

# An import marks without a person's look, and most imported sentences match nothing.
MARK_PRECISION = 0.98
SHOW_PRECISION = 0.5
RRF_K = (1, 5, 10, 30, 60)
RRF_WEIGHT = (0.0, 0.5, 1.0)
L2 = 1.0  # the ranking fit's penalty on the squared weights


class MemoryIndex:
    """The verified claims as the database holds reference fact-checks: folded text,
    and postings of each term."""

    def __init__(self, docs: list[tuple[str, str]]):
        self.ids = [doc_id for doc_id, _ in docs]
        self.raw = [text for _, text in docs]
        self.folded = [normalise(text) for _, text in docs]
        postings = defaultdict(set)
        for i, folded in enumerate(self.folded):
            for term in term_module.folded_terms(folded):
                postings[term].add(i)
        self.postings = {t: sorted(p) for t, p in postings.items()}

    def candidates(self, text: str):
        """What the engine computes for a pasted text: (ids, features, raw cosines)."""
        pasted = term_module.clean_pasted(text)
        query = normalise(pasted)
        q_terms = set(term_module.folded_terms(query))
        dfs = {t: min(len(self.postings.get(t, ())), scoring.DF_CAP) for t in q_terms}
        found = defaultdict(float)
        n = len(self.ids)
        for term, weight in scoring.lookup_terms(dfs, n):
            for i in self.postings[term]:
                found[i] += weight
        ranked = sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))[: scoring.CANDIDATES]
        texts = [self.folded[i] for i, _ in ranked]
        rows = scoring.features(query, dfs, n, texts)
        cosines = scoring.raw_cosines(pasted, [self.raw[i] for i, _ in ranked])
        return [self.ids[i] for i, _ in ranked], rows, cosines


def load_index() -> MemoryIndex:
    return MemoryIndex(
        [(v, f"{claim} {title}") for v, claim, title in matching_data.verified_claims()]
    )


def grouped(part: str) -> list[tuple[str, set[str]]]:
    right = defaultdict(set)
    texts = {}
    for tweet, text, vclaim in matching_data.tweets(part):
        right[tweet].add(vclaim)
        texts[tweet] = text
    return [(texts[t], right[t]) for t in sorted(right, key=int)]


_INDEX: MemoryIndex | None = None  # the index a worker process reads (forked)


def _candidates(text: str):
    return _INDEX.candidates(text)


def pools(index: MemoryIndex) -> tuple[list, list]:
    """Each training tweet's candidates (ids, features, raw cosines, right ids), and
    each training debate sentence's (ids, features, raw cosines): computed once, read
    by every step, in worker processes (in order: the same result as one process)."""
    global _INDEX
    _INDEX = index
    tweets = grouped("train")
    debates = matching_data.debate_sentences("train")
    with multiprocessing.get_context("fork").Pool() as pool:
        found = pool.map(_candidates, [text for text, _ in tweets] + debates, chunksize=20)
    return [(*f, right) for f, (_, right) in zip(found, tweets, strict=False)], found[len(tweets) :]


def fit(tweets: list) -> dict:
    """The probability of being right (logistic regression over every candidate) and
    the ranking weights (softmax over each tweet's candidates)."""
    x = np.vstack([rows for ids, rows, _, _ in tweets if ids])
    y = np.array([1 if i in right else 0 for ids, _, _, right in tweets for i in ids])
    model = LogisticRegression(C=1.0, max_iter=5000)
    model.fit(x, y)
    return {
        "weights": {
            name: round(float(w), 6)
            for name, w in zip(scoring.FEATURES, model.coef_[0], strict=True)
        },
        "intercept": round(float(model.intercept_[0]), 6),
        "ranking": {
            name: round(float(w), 6)
            for name, w in zip(scoring.FEATURES, fit_ranking(tweets), strict=True)
        },
    }


def fit_ranking(tweets: list) -> np.ndarray:
    """Weights maximising the log-likelihood of the right candidate under a softmax
    over each tweet's candidates, with an L2 penalty (L-BFGS from zero)."""
    lists = []
    for ids, rows, _, right in tweets:
        labels = np.array([i in right for i in ids], dtype=bool)
        if labels.any():
            lists.append((rows, labels))

    def loss(weights):
        total, gradient = L2 * weights @ weights / 2, L2 * weights
        for rows, labels in lists:
            scores = rows @ weights
            p = np.exp(scores - scores.max())
            p /= p.sum()
            right = p[labels].sum()
            total -= np.log(right)
            gradient = gradient + rows.T @ (p - np.where(labels, p / right, 0.0))
        return total, gradient

    return minimize(loss, np.zeros(len(scoring.FEATURES)), jac=True, method="L-BFGS-B").x


def ranked(ids: list, rows: np.ndarray, cosines, model: dict) -> tuple[list, np.ndarray]:
    """The candidates in the engine's (fused) order, and their scores."""
    if not ids:
        return [], np.zeros(0)
    scores = scoring.fuse(rows, model)
    order = scoring.fused_order(scoring.ranking(rows, model), cosines, model)
    return [ids[i] for i in order], scores[order]


def fit_rrf(tweets: list, model: dict) -> dict:
    """The reciprocal-rank fusion's k and weight with the best training recall@5 (then
    recall@1; then the first in RRF_K × RRF_WEIGHT order)."""
    best, chosen = None, None
    for k in RRF_K:
        for weight in RRF_WEIGHT:
            trial = {**model, "rrf_k": k, "rrf_weight": weight}
            figures = (recall_at(tweets, trial, 5), recall_at(tweets, trial, 1))
            if best is None or figures > best:
                best, chosen = figures, {"rrf_k": k, "rrf_weight": weight}
    return chosen


def thresholds(tweets: list, debates: list, model: dict) -> dict:
    firsts = []  # (score of the first match, is it right)
    for ids, rows, cosines, right in tweets:
        found, scores = ranked(ids, rows, cosines, model)
        if found:
            firsts.append((float(scores[0]), found[0] in right))
    for ids, rows, cosines in debates:
        found, scores = ranked(ids, rows, cosines, model)
        if found:
            firsts.append((float(scores[0]), False))
    return {
        "show": round(lowest_with_precision(firsts, SHOW_PRECISION), 4),
        "mark": round(lowest_with_precision(firsts, MARK_PRECISION), 4),
    }


def lowest_with_precision(firsts: list[tuple[float, bool]], precision: float) -> float:
    """The lowest score from which the first matches are right at least `precision` of
    the time (and at least 20 of them)."""
    threshold, right, total = 1.0, 0, 0
    for score, ok in sorted(firsts, key=lambda pair: -pair[0]):
        right, total = right + ok, total + 1
        if total >= 20 and right / total >= precision:
            threshold = score
    return threshold


def recall_at(tweets: list, model: dict, k: int) -> float:
    hits = sum(
        bool(set(ranked(ids, rows, cosines, model)[0][:k]) & right)
        for ids, rows, cosines, right in tweets
    )
    return hits / len(tweets)


def main() -> None:
    tweets, debates = pools(load_index())
    model = fit(tweets)
    model.update(fit_rrf(tweets, model))
    model.update(thresholds(tweets, debates, model))
    model["fitted_on"] = "CLEF-2020 claim retrieval, train (800 tweets); ClaimBuster even ids"
    path = scoring.WEIGHTS_FILE
    path.write_text(json.dumps(model, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT)}")
    print(json.dumps(model, indent=2, sort_keys=True))
    print(f"train recall@1 {recall_at(tweets, model, 1):.3f}")
    print(f"train recall@5 {recall_at(tweets, model, 5):.3f}")


if __name__ == "__main__":
    main()
