"""How well "checked before?" finds the fact-check a tweet repeats, rewords or alludes to.

    .venv/bin/python bench/matching_quality.py [--pg postgres://postgres@127.0.0.1:5432/factcheck_bench_matching]
                                               [--skip-sqlite] [--skip-pg] [--negatives 2656]

On each database (a throwaway SQLite file; a PostgreSQL database created and dropped):
the 10,375 verified claims of ../shared/data/clef2020-claim-retrieval/ are loaded as
reference fact-checks of a workspace through services.factchecks.store_references, and
each development tweet is asked of annotations.matching.find_matches, the function
POST /api/v1/workspaces/{slug}/match/ calls. Printed: recall@1, recall@5 and MAP@5 (one
right fact-check a tweet, except where the qrels name several), and in the same run two
baselines computed here over the same claims: bm25s over claim plus title, and character
2–4-gram TF-IDF cosine (scikit-learn). Then the precision of the import-time mark (the
fitted `mark` threshold) over the development tweets and the odd-numbered check-worthy
ClaimBuster debate sentences, which match no Snopes claim.

The training tweets are never read here: scripts/fit_matching.py fits on them.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import matching_data  # noqa: E402


def grouped(part: str) -> list[tuple[str, set[str]]]:
    right, texts = {}, {}
    for tweet, text, vclaim in matching_data.tweets(part):
        right.setdefault(tweet, set()).add(vclaim)
        texts[tweet] = text
    return [(texts[t], right[t]) for t in sorted(right, key=int)]


def figures(rankings: list[list[str]], queries) -> tuple[float, float, float]:
    r1 = r5 = ap = 0.0
    for ranked, (_, right) in zip(rankings, queries, strict=True):
        r1 += bool(set(ranked[:1]) & right)
        r5 += bool(set(ranked[:5]) & right)
        hits, precision = 0, 0.0
        for k, found in enumerate(ranked[:5], 1):
            if found in right:
                hits += 1
                precision += hits / k
        ap += precision / min(len(right), 5)
    n = len(queries)
    return r1 / n, r5 / n, ap / n


def baselines(claims, queries) -> dict[str, list[list[str]]]:
    import bm25s
    from sklearn.feature_extraction.text import TfidfVectorizer

    ids = [v for v, _, _ in claims]
    corpus = [f"{claim} {title}" for _, claim, title in claims]
    retriever = bm25s.BM25()
    retriever.index(
        bm25s.tokenize(corpus, stopwords="en", show_progress=False), show_progress=False
    )
    found, _ = retriever.retrieve(
        bm25s.tokenize([t for t, _ in queries], stopwords="en", show_progress=False),
        k=5,
        show_progress=False,
    )
    out = {"bm25s (claim + title)": [[ids[i] for i in row] for row in found]}
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)
    matrix = vectorizer.fit_transform(corpus)
    scores = (vectorizer.transform([t for t, _ in queries]) @ matrix.T).toarray()
    top = np.argsort(-scores, axis=1, kind="stable")[:, :5]
    out["char 2-4-gram TF-IDF cosine"] = [[ids[i] for i in row] for row in top]
    return out


def run(negatives: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from annotations.matching import find_matches, mark_threshold
    from annotations.models import Membership, Role, Workspace
    from annotations.services.factchecks import FactCheckRecord, store_references

    call_command("migrate", verbosity=0)
    workspace = Workspace.objects.create(slug="bench-matching", name="Bench")
    editor = get_user_model().objects.create(username="bench-editor")
    Membership.objects.create(workspace=workspace, user=editor, role=Role.EDITOR)
    claims = matching_data.verified_claims()
    started = time.perf_counter()
    store_references(
        workspace,
        [
            FactCheckRecord(claim=c, title=t[:500], url=f"https://www.snopes.com/v/{v}/")
            for v, c, t in claims
        ],
        editor,
    )
    loaded = time.perf_counter() - started
    url_to_id = {f"https://www.snopes.com/v/{v}/": v for v, _, _ in claims}
    queries = grouped("dev")
    print(f"{connection.vendor}: {len(claims):,} reference fact-checks loaded in {loaded:.1f} s")

    rankings, times, firsts = [], [], []
    find_matches(workspace, queries[0][0], editor)  # warm-up
    for text, right in queries:
        started = time.perf_counter()
        found = find_matches(workspace, text, editor, limit=5, threshold=1e-9)
        times.append(time.perf_counter() - started)
        ranked = [url_to_id[m.reference.url] for m in found]
        rankings.append(ranked)
        firsts.append((found[0].score if found else 0.0, bool(ranked[:1] and ranked[0] in right)))
    rows = {"matcher (find_matches)": rankings, **baselines(claims, queries)}
    print(f"  {len(queries)} development tweets")
    for name, ranked in rows.items():
        r1, r5, map5 = figures(ranked, queries)
        print(f"  {name:<30} recall@1 {r1:.3f}   recall@5 {r5:.3f}   MAP@5 {map5:.3f}")
    ms = sorted(t * 1000 for t in times)
    print(
        f"  matcher time a tweet: p50 {ms[len(ms) // 2]:.1f} ms, "
        f"p95 {ms[int(len(ms) * 0.95)]:.1f} ms"
    )

    threshold = mark_threshold()
    debate = matching_data.debate_sentences("dev")[:negatives]
    false_marks = 0
    for text in debate:
        found = find_matches(workspace, text, editor, limit=1, threshold=threshold)
        false_marks += bool(found)
    right_marks = sum(ok for score, ok in firsts if score >= threshold)
    wrong_tweet_marks = sum(not ok for score, ok in firsts if score >= threshold)
    marked = right_marks + wrong_tweet_marks + false_marks
    precision = right_marks / marked if marked else 1.0
    print(
        f"  import-time mark (score ≥ {threshold}): {marked} marks over {len(queries)} tweets "
        f"and {len(debate):,} debate sentences; right {right_marks}, wrong fact-check "
        f"{wrong_tweet_marks}, debate sentences marked {false_marks}: precision {precision:.3f}, "
        f"tweets marked rightly {right_marks / len(queries):.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--pg", default="postgres://postgres@127.0.0.1:5432/factcheck_bench_matching"
    )
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--skip-pg", action="store_true")
    parser.add_argument("--negatives", type=int, default=100_000)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run(args.negatives)
        return
    base = {**os.environ, "SECRET_KEY": "bench", "DEBUG": "0", "SECURE_SSL": "0"}
    child = [sys.executable, __file__, "--child", "--negatives", str(args.negatives)]
    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            env = {**base, "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3", "DATA_DIR": tmp}
            subprocess.run(child, env=env, check=True)
    if args.skip_pg:
        return
    dbname = args.pg.rsplit("/", 1)[1]
    admin = args.pg.rsplit("/", 1)[0] + "/postgres"
    subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {dbname}"], check=True)
    subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {dbname}"], check=True)
    try:
        subprocess.run(child, env={**base, "DATABASE_URL": args.pg}, check=True)
    finally:
        subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {dbname}"], check=True)


if __name__ == "__main__":
    main()
