"""Fit the English check-worthiness model and write it to annotations/text/data/.

    python scripts/fit_checkworthiness.py [--data PATH] [--out PATH]

Reads the ClaimBuster crowd-sourced sentences (Arslan, Hassan, Li, Tremayne, "A Benchmark
Dataset of Check-worthy Factual Claims", ICWSM 2020, Zenodo 3609356, CC BY 4.0); a sentence
is check-worthy when its Verdict is 1. The model is a logistic regression over the n-grams
of annotations.text.claim_ngrams and the hand features of annotations.text.claim_features,
read by the very functions that score at run time. It is fitted once on every n-gram seen
in at least MIN_DOCUMENTS sentences, cut to the KEEP n-grams of largest weight, and fitted
again on those, so the file holds exactly the model that scored the sample it records.

Deterministic: sorted vocabulary, liblinear with a fixed seed, no sampling. Needs
scikit-learn (requirements-dev.txt); scoring does not.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotations.text import claim_features, claim_ngrams  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "claimbuster-crowdsourced.csv"
OUT = claim_ngrams.DATA / "checkworthiness-en.json"
MIN_DOCUMENTS = 2  # an n-gram seen once says more about its sentence than about claims
KEEP = 20_000  # n-grams shipped
C = 3.0  # inverse strength of the L2 penalty
SEED = 0
LANGUAGE = "en"
SAMPLE = (
    "Belgium has sent €316 million in military aid to Zelenskiy's fascist regime",
    "Unemployment fell to 4.1 percent last year, the lowest level since 2000.",
    "We must refuse to move their men and machines.",
    "I think we've seen a deterioration of values.",
    "Thank you very much.",
    "The tax cut would add $1.5 trillion to the deficit over ten years.",
)


def read(path: Path) -> tuple[list[str], np.ndarray, list[str]]:
    """Texts, labels (1 when Verdict is 1) and debate (File_id) of each sentence."""
    with open(path, encoding="utf-8", newline="") as f:
        rows = [row for row in csv.DictReader(f) if row["Text"].strip()]
    labels = np.array([row["Verdict"].strip() == "1" for row in rows], dtype=np.int8)
    return [row["Text"] for row in rows], labels, [row["File_id"] for row in rows]


def hand_features(text: str) -> list[str]:
    """The hand features that fire on `text`, as checkworthiness reads them."""
    return sorted(claim_features.find(text.strip(), LANGUAGE, examples=1))


@dataclass
class Fitted:
    """A fitted model: its weights as shipped, and the scikit-learn model that holds them."""

    vocabulary: list[str]
    model: LogisticRegression
    fired: frozenset[str] = frozenset()  # the hand features seen in fitting

    def matrix(self, texts: list[str]) -> sparse.csr_matrix:
        return _matrix(texts, {g: i for i, g in enumerate(self.vocabulary)})

    def scores(self, texts: list[str]) -> np.ndarray:
        """The probability of check-worthiness, as scikit-learn computes it."""
        return self.model.predict_proba(self.matrix(texts))[:, 1]

    def weights(self) -> dict:
        """Bias, n-gram weights and the weights of the hand features that fired at least
        once in fitting; the others (no sentence of the data is "very short") keep their
        hand-set weight at run time, as the data say nothing of them."""
        coefficients = self.model.coef_[0]
        width = len(self.vocabulary)
        return {
            "bias": float(self.model.intercept_[0]),
            "features": {
                name: float(w)
                for name, w in zip(claim_features.NAMES, coefficients[width:], strict=True)
                if name in self.fired
            },
            "ngrams": {
                g: float(w) for g, w in zip(self.vocabulary, coefficients[:width], strict=True)
            },
        }


def _matrix(texts: list[str], index: dict[str, int]) -> sparse.csr_matrix:
    """One row per text: its vocabulary n-grams, each its count / sqrt(the total count),
    then its hand features, each 1."""
    rows, columns, values = [], [], []
    width = len(index)
    features = {name: width + i for i, name in enumerate(claim_features.NAMES)}
    for row, text in enumerate(texts):
        held = {index[g]: n for g, n in claim_ngrams.counted(text).items() if g in index}
        total = sum(held.values())
        rows += [row] * len(held)
        columns += list(held)
        values += [n / np.sqrt(total) for n in held.values()]
        fired = [features[name] for name in hand_features(text)]
        rows += [row] * len(fired)
        columns += fired
        values += [1.0] * len(fired)
    shape = (len(texts), width + len(features))
    return sparse.csr_matrix((values, (rows, columns)), shape=shape, dtype=np.float64)


def _fit_on(texts: list[str], labels: np.ndarray, vocabulary: list[str], c: float) -> Fitted:
    fitted = Fitted(vocabulary, LogisticRegression(C=c, solver="liblinear", random_state=SEED))
    matrix = fitted.matrix(texts)
    fitted.model.fit(matrix, labels)
    seen = matrix[:, len(vocabulary) :].getnnz(axis=0)
    fitted.fired = frozenset(
        n for n, count in zip(claim_features.NAMES, seen, strict=True) if count
    )
    return fitted


def fit(texts: list[str], labels: np.ndarray, *, keep: int = KEEP, c: float = C) -> Fitted:
    """Fit on every n-gram of at least MIN_DOCUMENTS texts, keep the `keep` weightiest,
    and fit again on those."""
    counts = Counter(g for text in texts for g in claim_ngrams.counted(text))
    vocabulary = sorted(g for g, n in counts.items() if n >= MIN_DOCUMENTS)
    first = _fit_on(texts, labels, vocabulary, c)
    weights = first.model.coef_[0][: len(vocabulary)]
    # Ties broken by the n-gram itself, so the cut does not depend on the sort's whims.
    ranked = sorted(range(len(vocabulary)), key=lambda i: (-abs(weights[i]), vocabulary[i]))
    kept = sorted(vocabulary[i] for i in ranked[:keep])
    return _fit_on(texts, labels, kept, c)


def write(fitted: Fitted, out: Path) -> None:
    shipped = fitted.weights()
    sample = list(SAMPLE)
    shipped["sample"] = [
        {"text": text, "score": float(score)}
        for text, score in zip(sample, fitted.scores(sample), strict=True)
    ]
    shipped["source"] = (
        "ClaimBuster crowd-sourced sentences (Arslan, Hassan, Li, Tremayne, ICWSM 2020, "
        "Zenodo 3609356), CC BY 4.0; fitted by scripts/fit_checkworthiness.py"
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8") as f:
        json.dump(shipped, f, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        f.write("\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    texts, labels, _ = read(args.data)
    fitted = fit(texts, labels)
    write(fitted, args.out)
    size = args.out.stat().st_size
    print(f"{len(texts)} sentences, {int(labels.sum())} check-worthy")
    print(f"{len(fitted.vocabulary)} n-grams kept; wrote {args.out} ({size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
