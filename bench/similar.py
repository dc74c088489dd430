"""Time claim lookups, pasted-text matches and searches at 1,000,000 claims (PostgreSQL)
and at 10,000 claims (SQLite), and the recall of the pasted-text match at that size.

    .venv/bin/python bench/similar.py [--pg postgres://postgres@127.0.0.1:5432/factcheck_bench_similar]
                                      [--claims 1000000] [--sqlite-claims 10000] [--samples 200]
                                      [--keep] [--reuse]

Each database is a throwaway one: a temporary SQLite file, and a PostgreSQL database that
is created and dropped (`--keep` keeps it; `--reuse` measures again over a kept one,
filled with the same --claims, without filling it). The claims are real sentences: the
10,375 Snopes claims of the CLEF-2020 verified claims as they are, and the rest made by
joining the first part of a ClaimBuster debate sentence or Snopes claim to the last part
of another. PostgreSQL is
filled in bulk (COPY into a staging table, one INSERT … SELECT that builds the search
vectors, then the indexes built once over the full table); the claims' term keys
(annotations.matching.term_keys, computed in worker processes) are COPied into
ClaimMatchKey, whose indexes are also built once at the end; the claims' word-vector
sums (matching.embedding.stored, also computed in the workers) go in with the claims,
as an import stores them (a database kept by an earlier version gets them from
`manage.py migrate` and `manage.py backfill_match_vectors`). Measured through the
functions the API calls: similar claims of 200 claims sampled at random (a claim
lookup), find_matches for each development tweet (a pasted text, also giving recall@5
of the Snopes claim the tweet repeats, among all the claims), and a search of three
content words of each sampled claim. Budget: p95 under 100 ms at 1,000,000 claims.
"""

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from multiprocessing import Pool
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET_MS = 100.0
CLAIMS_PER_DOCUMENT = 100

WORD = re.compile(r"[A-Za-z]{4,}")


def _fold(texts: list[str]) -> list[tuple[str, list[int], bytes]]:
    """Each text folded, with its term keys and word-vector sum (what an import
    stores)."""
    from annotations.matching import embedding, normalise, term_keys

    folded = [normalise(text) for text in texts]
    vectors = embedding.stored(folded)
    return [(f, term_keys(f), v) for f, v in zip(folded, vectors, strict=True)]


def real_sentences(n_claims: int, rng: random.Random) -> tuple[list[str], dict[str, int]]:
    """`n_claims` sentences from real ones: every Snopes claim of the verified claims as
    it is, at a random place, and the rest made by joining the first part of one
    ClaimBuster debate sentence or Snopes claim to the last part of another (cut at a
    word boundary). Returns the texts and, for each verified claim id, its position."""
    sys.path.insert(0, str(ROOT))
    from bench import matching_data

    snopes = matching_data.verified_claims()
    pool = [t for t in matching_data.debate_sentences("train") if len(t) > 30]
    pool += [t for t in matching_data.debate_sentences("dev") if len(t) > 30]
    with matching_data.CLAIMBUSTER.open(encoding="utf-8", newline="") as handle:
        import csv

        pool += [row["Text"] for row in csv.DictReader(handle) if len(row["Text"]) > 30]
    pool += [claim for _, claim, _ in snopes]
    halves = [t.split() for t in pool]
    texts = []
    for _ in range(max(0, n_claims - len(snopes))):
        first, last = rng.choice(halves), rng.choice(halves)
        cut_a = rng.randint(max(1, len(first) // 3), max(1, 2 * len(first) // 3))
        cut_b = rng.randint(max(1, len(last) // 3), max(1, 2 * len(last) // 3))
        texts.append(" ".join(first[:cut_a] + last[cut_b:]))
    positions = {}
    for vclaim, claim, _ in snopes[:n_claims]:
        at = rng.randint(0, len(texts))
        texts.insert(at, claim)
        positions[vclaim] = at
    # Inserting moved later ones: read the positions back.
    index = {text: i for i, text in enumerate(texts)}
    return texts, {v: index[claim] for v, claim, _ in snopes[:n_claims] if claim in index}


def percentiles(samples_s: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples_s)
    p50 = statistics.median(ms)
    p95 = ms[max(0, round(0.95 * len(ms)) - 1)]
    return f"p50 {p50:7.1f} ms   p95 {p95:7.1f} ms"


def setup_django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    import django

    django.setup()


def fill(n_claims: int, seed: int = 1):
    """Documents of CLAIMS_PER_DOCUMENT claims each, a few users, and a verdict on one
    claim in a hundred and an annotation on one in fifty. Returns (workspace, editor)."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from annotations.models import Claim, ClaimMatchKey, Document, Membership, Role, Workspace

    rng = random.Random(seed)
    workspace = Workspace.objects.create(slug="bench", name="Bench")
    user_model = get_user_model()
    editor = user_model.objects.create(username="editor")
    author = user_model.objects.create(username="author")
    Membership.objects.create(workspace=workspace, user=editor, role=Role.EDITOR)
    Membership.objects.create(workspace=workspace, user=author, role=Role.ANNOTATOR)

    started = time.perf_counter()
    texts, positions = real_sentences(n_claims, rng)
    with Pool() as pool:
        chunk = 20_000
        parts = pool.map(_fold, [texts[i : i + chunk] for i in range(0, n_claims, chunk)])
    folded = [f for part in parts for f, _, _ in part]
    keys = [k for part in parts for _, k, _ in part]
    vectors = [v for part in parts for _, _, v in part]
    del parts
    print(
        f"  recombined and folded {n_claims:,} real sentences, with their term keys and "
        f"word-vector sums, in "
        f"{time.perf_counter() - started:.1f} s"
    )

    started = time.perf_counter()
    documents = []
    spans = []
    for d in range(0, n_claims, CLAIMS_PER_DOCUMENT):
        parts, offsets, position = [], [], 0
        for text in texts[d : d + CLAIMS_PER_DOCUMENT]:
            offsets.append((position, position + len(text)))
            parts.append(text)
            position += len(text) + 1
        body = " ".join(parts)
        documents.append(
            Document(
                workspace=workspace,
                title=f"Speech {d // CLAIMS_PER_DOCUMENT}",
                speaker=rng.choice(["Jane Minister", "Paul Senator", "The Party"]),
                text=body,
                text_sha256=Document.hash_text(body),
            )
        )
        spans.append(offsets)
    Document.objects.bulk_create(documents, batch_size=2000)

    if connection.vendor == "postgresql":
        _copy_claims_pg(connection, workspace, documents, spans, texts, folded, keys, vectors)
    else:
        claims = []
        i = 0
        for document, offsets in zip(documents, spans, strict=True):
            for number, (start, end) in enumerate(offsets, start=1):
                claims.append(
                    Claim(
                        document=document,
                        number=number,
                        start=start,
                        end=end,
                        text=texts[i],
                        match_text=folded[i],
                        match_vector=vectors[i],
                        checkworthiness=0.7,
                    )
                )
                i += 1
        Claim.objects.bulk_create(claims, batch_size=2000)
        ClaimMatchKey.objects.bulk_create(
            (
                ClaimMatchKey(claim_id=claim.pk, workspace_id=workspace.pk, key=key)
                for claim, claim_keys in zip(claims, keys, strict=True)
                for key in claim_keys
            ),
            batch_size=2000,
        )
    print(f"  stored the claims in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    _fill_work(connection, workspace, editor, author)
    print(f"  verdicts and annotations in {time.perf_counter() - started:.1f} s")
    first = Claim.objects.order_by("pk").values_list("pk", flat=True)[:1][0]
    # Claims were stored in order: the i-th text is the claim first + i.
    return workspace, editor, {vclaim: first + i for vclaim, i in positions.items()}


# ClaimMatchKey's indexes and primary key, dropped before the COPY and built again
# at the end: (name, definition) pairs read from the catalogue.
_KEY_INDEXES: list[tuple[str, str]] = []
_KEY_CONSTRAINTS: list[tuple[str, str]] = []


def _copy_claims_pg(connection, workspace, documents, spans, texts, folded, keys, vectors):
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM annotations_claim")
        (base,) = cursor.fetchone()
    # Claims get explicit ids (base + 1 + their position), so their keys can be COPied
    # without reading the ids back.

    def rows():
        i = 0
        for document, offsets in zip(documents, spans, strict=True):
            for start, end in offsets:
                yield (base + 1 + i, document.pk, start, end, texts[i], folded[i], vectors[i])
                i += 1

    with connection.cursor() as cursor:
        raw = cursor.cursor
        # Indexes are built once over the full table: much faster than row by row.
        for name in (
            "claim_search_vector_gin",
            "annotation_search_vector_gin",
            "verdict_search_vector_gin",
        ):
            raw.execute(f"DROP INDEX IF EXISTS {name}")
        raw.execute(
            "CREATE UNLOGGED TABLE bench_claims "
            '(id bigint, document_id bigint, start int, "end" int, text text, match_text text, '
            "match_vector bytea)"
        )
        with raw.copy(
            'COPY bench_claims (id, document_id, start, "end", text, match_text, match_vector) '
            "FROM STDIN"
        ) as copy:
            for row in rows():
                copy.write_row(row)
        raw.execute(
            """INSERT INTO annotations_claim (id, document_id, number, start, "end", kind,
                   text, checkworthiness, restatement, speaker, not_checkable, created_at,
                   match_text, match_vector, search_vector)
               SELECT id, document_id,
                   ROW_NUMBER() OVER (PARTITION BY document_id ORDER BY start, "end", id),
                   start, "end", 'sentence', text, 0.7, '', '', false, now(),
                   match_text, match_vector, setweight(to_tsvector('english', text), 'A')
               FROM bench_claims"""
        )
        raw.execute("DROP TABLE bench_claims")
        raw.execute(
            "SELECT setval(pg_get_serial_sequence('annotations_claim', 'id'), "
            "(SELECT max(id) FROM annotations_claim))"
        )

        started = time.perf_counter()
        raw.execute(
            """SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
               WHERE conrelid = 'annotations_claimmatchkey'::regclass AND contype IN ('p', 'u')"""
        )
        _KEY_CONSTRAINTS[:] = raw.fetchall()
        for name, _ in _KEY_CONSTRAINTS:
            raw.execute(f"ALTER TABLE annotations_claimmatchkey DROP CONSTRAINT {name}")
        raw.execute(
            """SELECT indexname, indexdef FROM pg_indexes
               WHERE tablename = 'annotations_claimmatchkey' AND indexname NOT LIKE '%%_pkey'"""
        )
        _KEY_INDEXES[:] = raw.fetchall()
        for name, _ in _KEY_INDEXES:
            raw.execute(f"DROP INDEX {name}")
        # The foreign keys are right by construction: no trigger per row.
        raw.execute("SET session_replication_role = replica")
        with raw.copy(
            "COPY annotations_claimmatchkey (claim_id, workspace_id, key) FROM STDIN"
        ) as copy:
            for i, claim_keys in enumerate(keys):
                prefix = f"{base + 1 + i}\t{workspace.pk}\t"
                copy.write("".join(f"{prefix}{key}\n" for key in claim_keys))
        raw.execute("SET session_replication_role = DEFAULT")
        print(
            f"  copied {sum(map(len, keys)):,} match keys in {time.perf_counter() - started:.1f} s"
        )


def _fill_work(connection, workspace, editor, author):
    from django.utils import timezone

    from annotations.models import Annotation, Claim, Rating, Verdict

    ratings = list(Rating.objects.filter(scale__workspace=workspace))
    claims = list(Claim.objects.order_by("pk").values_list("pk", "text")[::50])
    now = timezone.now()
    verdicts, annotations = [], []
    for i, (pk, text) in enumerate(claims):
        rating = ratings[i % len(ratings)]
        summary = f"{rating.label}: the official figures tell otherwise about {text[:60]}"
        annotations.append(
            Annotation(
                claim_id=pk,
                author=author,
                rating=rating,
                summary=summary,
                note="We compared the statistics office's series with the claim.",
                status=Annotation.Status.APPROVED,
                created_at=now,
                updated_at=now,
            )
        )
        if i % 2 == 0:
            verdicts.append(
                Verdict(claim_id=pk, rating=rating, summary=summary, published_by=editor)
            )
    Annotation.objects.bulk_create(annotations, batch_size=2000)
    Verdict.objects.bulk_create(verdicts, batch_size=2000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            raw = cursor.cursor
            raw.execute(
                """UPDATE annotations_annotation SET search_vector =
                   setweight(to_tsvector('english', summary), 'A')
                   || setweight(to_tsvector('english', note), 'B')"""
            )
            raw.execute(
                """UPDATE annotations_verdict SET search_vector =
                   setweight(to_tsvector('english', summary), 'A')"""
            )
            started = time.perf_counter()
            raw.execute("SET maintenance_work_mem = '1GB'")
            raw.execute(
                "CREATE INDEX claim_search_vector_gin ON annotations_claim "
                "USING gin (search_vector)"
            )
            raw.execute(
                "CREATE INDEX annotation_search_vector_gin ON annotations_annotation "
                "USING gin (search_vector)"
            )
            raw.execute(
                "CREATE INDEX verdict_search_vector_gin ON annotations_verdict "
                "USING gin (search_vector)"
            )
            for _, definition in _KEY_INDEXES:
                raw.execute(definition)
            for name, definition in _KEY_CONSTRAINTS:
                raw.execute(
                    f"ALTER TABLE annotations_claimmatchkey ADD CONSTRAINT {name} {definition}"
                )
            raw.execute("VACUUM ANALYZE annotations_claim")
            raw.execute("VACUUM ANALYZE annotations_claimmatchkey")
            raw.execute("ANALYZE annotations_document")
            raw.execute("ANALYZE annotations_annotation")
            raw.execute("ANALYZE annotations_verdict")
            print(f"  built the indexes in {time.perf_counter() - started:.1f} s")


def _p95(times: list[float]) -> float:
    return sorted(times)[max(0, round(0.95 * len(times)) - 1)] * 1000


def measure(workspace, editor, samples: int, claim_of: dict[str, int], seed: int = 2) -> None:
    """Claim lookups (similar claims of sampled claims), pasted-text matches (the dev
    tweets, through find_matches as POST …/match/ calls it) with their recall@5 of the
    Snopes claim each tweet repeats, and searches."""
    from django.db import connection

    from annotations.matching import find_matches, similar_claims
    from annotations.models import Claim
    from annotations.search import STOP_WORDS, search
    from bench import matching_data

    rng = random.Random(seed)
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id), min(id) FROM annotations_claim")
        top, bottom = cursor.fetchone()
    picked = rng.sample(range(bottom, top + 1), min(samples, top - bottom + 1))
    claims = list(Claim.objects.filter(pk__in=picked).select_related("document__workspace"))
    # Warm-up: the roles of the user, the connection, the caches of the database.
    similar_claims(claims[0], editor)
    search(editor, workspace, "taxes")
    lookup_times, found = [], []
    for claim in claims:
        started = time.perf_counter()
        found.append(len(similar_claims(claim, editor)))
        lookup_times.append(time.perf_counter() - started)
    right, tweets = {}, {}
    for tweet, text, vclaim in matching_data.tweets("dev"):
        if vclaim in claim_of:
            right.setdefault(tweet, set()).add(claim_of[vclaim])
            tweets[tweet] = text
    match_times, hits = [], 0
    for tweet, text in tweets.items():
        started = time.perf_counter()
        matches = find_matches(workspace, text, editor, limit=5, kinds=("claim",), threshold=1e-9)
        match_times.append(time.perf_counter() - started)
        hits += bool({m.claim.pk for m in matches} & right[tweet])
    search_times = []
    for claim in claims:
        words = [w for w in WORD.findall(claim.text.lower()) if w not in STOP_WORDS]
        query = " ".join(rng.sample(words, min(3, len(words))))
        started = time.perf_counter()
        search(editor, workspace, query)
        search_times.append(time.perf_counter() - started)
    total = Claim.objects.count()
    for name, times in (
        ("claim lookup", lookup_times),
        ("pasted text", match_times),
        ("search", search_times),
    ):
        verdict = "within" if _p95(times) < BUDGET_MS else "OVER"
        print(
            f"{connection.vendor:<10} {total:>9,} claims  {name:<13} {percentiles(times)}   "
            f"({verdict} the {BUDGET_MS:.0f} ms budget)"
        )
    print(
        f"{connection.vendor:<10} {total:>9,} claims  similar claims found a lookup: mean "
        f"{statistics.mean(found):.1f}; dev tweets: recall@5 {hits / max(1, len(tweets)):.3f} "
        f"({hits}/{len(tweets)}, the Snopes claims among the {total:,})"
    )


def kept(n_claims: int, seed: int = 1):
    """What `fill` returned, read back from a kept database: the texts are made again
    with fill's seed, so the Snopes claims' positions are the same."""
    from django.contrib.auth import get_user_model

    from annotations.models import Claim, Workspace

    _, positions = real_sentences(n_claims, random.Random(seed))
    first = Claim.objects.order_by("pk").values_list("pk", flat=True)[:1][0]
    workspace = Workspace.objects.get(slug="bench")
    editor = get_user_model().objects.get(username="editor")
    print(f"reusing the kept {Claim.objects.count():,} claims")
    return workspace, editor, {vclaim: first + i for vclaim, i in positions.items()}


def run_one(n_claims: int, samples: int, recall_samples: int = 0, reuse: bool = False) -> None:
    setup_django()
    from django.core.management import call_command

    if reuse:
        workspace, editor, claim_of = kept(n_claims)
    else:
        call_command("migrate", verbosity=0)
        print(f"filling {n_claims:,} claims …")
        workspace, editor, claim_of = fill(n_claims)
    measure(workspace, editor, samples, claim_of)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--pg", default="postgres://postgres@127.0.0.1:5432/factcheck_bench_similar"
    )
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--sqlite-claims", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument(
        "--recall",
        type=int,
        default=20,
        help="PostgreSQL: compare this many lookups with the exact (slow) pg_trgm one",
    )
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--skip-pg", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="PostgreSQL: measure over a database kept by --keep (same --claims), unfilled",
    )
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_one(args.child, args.samples, args.recall, args.reuse)
        return
    base = {**os.environ, "SECRET_KEY": "bench", "DEBUG": "0", "SECURE_SSL": "0"}
    child = [sys.executable, __file__, "--samples", str(args.samples), "--recall", str(args.recall)]
    if args.reuse:
        child.append("--reuse")
    child.append("--child")
    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            env = {**base, "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3", "DATA_DIR": tmp}
            subprocess.run([*child, str(args.sqlite_claims)], env=env, check=True)
    if args.skip_pg:
        return
    dbname = args.pg.rsplit("/", 1)[1]
    admin = args.pg.rsplit("/", 1)[0] + "/postgres"
    if not args.reuse:
        subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {dbname}"], check=True)
        subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {dbname}"], check=True)
    try:
        env = {**base, "DATABASE_URL": args.pg}
        subprocess.run([*child, str(args.claims)], env=env, check=True)
    finally:
        if not (args.keep or args.reuse):
            subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {dbname}"], check=True)


if __name__ == "__main__":
    main()
