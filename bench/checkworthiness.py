"""Benchmark of annotations.text.checkworthiness, run by hand: `python bench/checkworthiness.py`.

Quality: five-fold cross-validation on the ClaimBuster crowd-sourced sentences (positive =
Verdict 1), folds grouped by debate (File_id) so no debate is both fitted and scored. For
each fold the model is fitted anew on the other four with scripts/fit_checkworthiness.py's
fit(); the hand-weighted table scorer (checkworthiness.table_score, the scorer before the
model) scores the same sentences. Prints ROC AUC and precision at 20 % (the share of
check-worthy sentences among the fifth that scores highest), the mean over the folds.

Speed: the demo document repeated to 1 MB, split once, then every claim scored as an
import does (score(text, kind)); prints MB/s for the shipped model and the table scorer.

Budgets: AUC at least 0.88 and at least the table scorer's + 0.10; scoring 1 MB in at
most 1.5 s (an import of 1 MB, scoring included, must take under 3 s). Needs scikit-learn
(requirements-dev.txt). Exits non-zero when a budget is missed.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GroupKFold

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import fit_checkworthiness as fitting  # noqa: E402

from annotations.text import checkworthiness  # noqa: E402
from annotations.text.segmentation import split  # noqa: E402

DOCUMENT = ROOT / "fixtures" / "seed-document.txt"
MB = 1_000_000
FOLDS = 5
TOP = 0.20
MIN_AUC = 0.88
MIN_GAIN = 0.10
# An import of 1 MB must take under 3 s; splitting and storing take about half of that.
MAX_SECONDS_PER_MB = 1.5


def precision_at(labels: np.ndarray, scores: np.ndarray, share: float = TOP) -> float:
    """The share of positives among the `share` highest scores (ties in input order)."""
    top = np.argsort(-scores, kind="stable")[: round(share * len(scores))]
    return float(labels[top].mean())


def quality(data: Path) -> dict[str, tuple[float, float]]:
    texts, labels, debates = fitting.read(data)
    table = np.array([checkworthiness.table_score(t) for t in texts])
    figures: dict[str, list[tuple[float, float]]] = {"model": [], "table": []}
    for number, (train, test) in enumerate(GroupKFold(FOLDS).split(texts, labels, debates), 1):
        started = time.perf_counter()
        fitted = fitting.fit([texts[i] for i in train], labels[train])
        scores = fitted.scores([texts[i] for i in test])
        for name, s in (("model", scores), ("table", table[test])):
            figures[name].append((roc_auc_score(labels[test], s), precision_at(labels[test], s)))
        auc, p20 = figures["model"][-1]
        seconds = time.perf_counter() - started
        print(f"  fold {number}: {len(test)} sentences, AUC {auc:.3f}, P@20% {p20:.3f}", end="")
        print(f" ({seconds:.0f} s)", flush=True)
    return {name: tuple(np.mean(rows, axis=0)) for name, rows in figures.items()}


def speed(repeat: int) -> dict[str, float]:
    text = DOCUMENT.read_text(encoding="utf-8").rstrip() + "\n\n\n"
    text *= -(-MB // len(text.encode("utf-8")))
    spans = [(text[s.start : s.end], s.kind) for s in split(text)]
    size = len(text.encode("utf-8")) / MB
    checkworthiness.score("Warm-up: the model is read once, on first use.")
    rates = {}
    for name, scorer in (("model", checkworthiness.score), ("table", checkworthiness.table_score)):
        best = float("inf")
        for _ in range(repeat):
            gc.collect()
            started = time.perf_counter()
            for span, kind in spans:
                scorer(span, kind)
            best = min(best, time.perf_counter() - started)
        rates[name] = size / best
        print(f"  {name}: {len(spans)} claims of {size:.2f} MB in {best:.2f} s:", end="")
        print(f" {size / best:.2f} MB/s", flush=True)
    return rates


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=fitting.DATA)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--speed-only", action="store_true")
    args = parser.parse_args()
    missed = []
    print("Scoring speed, demo document repeated to 1 MB:")
    rates = speed(args.repeat)
    if 1 / rates["model"] > MAX_SECONDS_PER_MB:
        missed.append(f"scoring 1 MB takes {1 / rates['model']:.2f} s > {MAX_SECONDS_PER_MB} s")
    if not args.speed_only:
        print(f"Quality, {FOLDS}-fold cross-validation grouped by debate (positive = Verdict 1):")
        figures = quality(args.data)
        for name, (auc, p20) in figures.items():
            print(f"  {name}: ROC AUC {auc:.3f}, precision at 20 % {p20:.3f}")
        auc, old = figures["model"][0], figures["table"][0]
        if auc < MIN_AUC or auc < old + MIN_GAIN:
            missed.append(f"AUC {auc:.3f} < max({MIN_AUC}, {old:.3f} + {MIN_GAIN})")
    for line in missed:
        print("BUDGET MISSED:", line)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
