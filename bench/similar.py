"""Time similar-claims lookups and searches at 1,000,000 claims (PostgreSQL) and at 10,000
claims (SQLite).

    .venv/bin/python bench/similar.py [--pg postgres://postgres@127.0.0.1:5432/factcheck_bench_similar]
                                      [--claims 1000000] [--sqlite-claims 10000] [--samples 200]

Each database is a throwaway one: a temporary SQLite file, and a PostgreSQL database that
is created and dropped. PostgreSQL is filled in bulk (COPY into a staging table, one
INSERT … SELECT that builds the search vectors, then the indexes of migration 0006 built
once over the full table), with varied sentences from templates, folded by
annotations.matching.normalise; their match keys (annotations.matching.match_keys_many, computed
in the same worker processes) are COPied into ClaimMatchKey, whose indexes are also built
once at the end. The lookups and searches go through the same functions
the API calls, for 200 claims sampled at random (a search takes three content words of
the sampled claim). Budget: p95 under 100 ms at 1,000,000 claims.
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

SUBJECTS = """The government|Unemployment|Inflation|The minister|Our party|The opposition|Crime|
Public debt|Immigration|The budget deficit|Average wages|Energy prices|NATO|The European Union|
China|Russia|The United States|Exports|Child poverty|Hospital waiting times|Rents|The pension
age|Military spending|Youth unemployment|The number of asylum seekers|Gas imports|Tax revenue|
Corporate profits|The minimum wage|Electricity bills|Rail fares|The prison population|Knife
crime|Homelessness|CO2 emissions|Solar capacity|The trade surplus|Foreign investment|Food
prices|Teacher salaries|Class sizes|Life expectancy|The birth rate|Vaccination rates|Police
numbers|Road deaths|Broadband coverage|The housing stock|Mortgage rates|Defence procurement|
Arms exports|Development aid|The farm subsidy bill|Fuel duty|Student debt|The care budget|
Bank lending|Interest payments|The wealth tax|Tourism revenue""".replace("\n", " ").split("|")
PREDICATES = """rose by {n}%|fell by {n}%|doubled since {year}|halved since {year}|increased to
{n} million|dropped to {n} million|is the lowest since {year}|is the highest since {year}|grew
faster than anywhere else|reached {n} billion euros|cost taxpayers {n} billion euros|went up by
{n} percent|went down by {n} percent|tripled over {n} years|has not changed since {year}|was
cut by {n}%|was raised by {n}%|now exceeds {n},000|is {n} times higher than in {year}|is below
the European average|is above the European average|broke every record|fell for the {nth} year
in a row|rose for the {nth} year in a row|accounts for {n}% of the budget|is worth {n} billion
dollars|costs every family {n} euros a month|was backed by {n} countries|was supported by {n}
countries|was rejected by {n} members""".replace("\n", " ").split("|")
PLACES = """in Belgium|in Flanders|in Wallonia|in Brussels|in Europe|across the country|in the
capital|in rural areas|in the eurozone|in Germany|in France|in the Netherlands|in Poland|in
Italy|in Spain|in the south|in the north|in our cities|nationwide|in the OECD|in Ukraine|in the
Donbass|in Asia|in Africa|in Latin America""".replace("\n", " ").split("|")
TIMES = """last year|in {year}|since {year}|over the past {n} years|this month|this
quarter|during the crisis|under this government|under the previous government|since the
pandemic|since the war began|in the last decade|before the election|after the
reform""".replace("\n", " ").split("|")
TAILS = """|, according to the minister|, the report says|, official figures show|, as we
promised|, despite the sanctions|, while wages stagnated|, unlike our neighbours|, the
opposition claims|, which nobody expected|, and the trend continues""".replace("\n", " ").split("|")
ORDINALS = ["second", "third", "fourth", "fifth", "sixth", "seventh", "tenth"]
_FIRST_NAMES = """Jan Marie Pieter Sofie Luc An Koen Els Bart Lies Tom Nathalie Dirk Sarah Marc Eva
Ahmed Fatima Kevin Laura Olivier Julie Thomas Emma Youssef Ines"""
FIRST_NAMES = _FIRST_NAMES.split()
TITLES = ["Minister", "Mayor", "Senator", "Professor", "Alderman", "Commissioner", "MP"]
OUTLETS = ["the broadcaster", "a local paper", "the parliament", "reporters", "the radio"]
NOUNS = """hospital|port|school budget|police force|airport|train station|tax office|steel
plant|water company|town hall|football club|university|power station|harbour|motorway
""".replace("\n", " ").split("|")
WORD = re.compile(r"[A-Za-z]{4,}")
# Invented names give the vocabulary the long tail of real claims (people, towns, firms).
_SYLLABLE_TEXT = """ba be bo da de di do ga ge go ka ke ko la le li lo ma me mi mo na ne ni no pa pe
po ra re ri ro sa se si so ta te ti to va ve vi vo za ze zo an en in on er ar or el al ul eck
st tr br kr dr gr ijk aar oot uis eel"""
_SYLLABLES = _SYLLABLE_TEXT.split()


def _names(rng: random.Random, count: int) -> list[str]:
    return [
        "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()
        for _ in range(count)
    ]


_NAMES = random.Random(0)
SURNAMES = _names(_NAMES, 20_000)
TOWNS = _names(_NAMES, 10_000)


def _skewed(rng: random.Random, pool: list[str]) -> str:
    # A few names come up often, most rarely, as in real claims.
    return pool[int(len(pool) * rng.random() ** 3)]


def sentence(rng: random.Random) -> str:
    def fill(template: str) -> str:
        return template.format(
            n=rng.randint(2, 99), year=rng.randint(1990, 2025), nth=rng.choice(ORDINALS)
        ).strip()

    person = f"{rng.choice(TITLES)} {rng.choice(FIRST_NAMES)} {_skewed(rng, SURNAMES)}"
    town = _skewed(rng, TOWNS)
    lead = rng.choice(["", "", f"{person} said that ", f"According to {person}, ", f"In {town}, "])
    subject = rng.choice(
        [rng.choice(SUBJECTS).strip(), f"{town}'s {rng.choice(NOUNS).strip()} budget"]
    )
    place = rng.choice([rng.choice(PLACES).strip(), f"in {_skewed(rng, TOWNS)}"])
    tail = rng.choice(
        [
            "",
            rng.choice(TAILS).strip(),
            f", {person} told {rng.choice(OUTLETS)}",
            f", unlike in {_skewed(rng, TOWNS)}",
        ]
    )
    text = f"{lead}{subject} {fill(rng.choice(PREDICATES))} {place} {fill(rng.choice(TIMES))}"
    text = f"{text}{tail}."
    return text[0].upper() + text[1:]


def _fold(texts: list[str]) -> list[tuple[str, list[int]]]:
    """Each text folded, with its match keys."""
    from annotations.matching import match_keys_many, normalise

    folded = [normalise(text) for text in texts]
    return list(zip(folded, match_keys_many(folded), strict=True))


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
    texts = [sentence(rng) for _ in range(n_claims)]
    with Pool() as pool:
        chunk = 20_000
        parts = pool.map(_fold, [texts[i : i + chunk] for i in range(0, n_claims, chunk)])
    folded = [f for part in parts for f, _ in part]
    keys = [k for part in parts for _, k in part]
    del parts
    print(
        f"  generated and folded {n_claims:,} sentences, with their match keys, in "
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
        _copy_claims_pg(connection, workspace, documents, spans, texts, folded, keys)
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
    return workspace, editor


# ClaimMatchKey's indexes and primary key, dropped before the COPY and built again
# at the end: (name, definition) pairs read from the catalogue.
_KEY_INDEXES: list[tuple[str, str]] = []
_KEY_CONSTRAINTS: list[tuple[str, str]] = []


def _copy_claims_pg(connection, workspace, documents, spans, texts, folded, keys):
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM annotations_claim")
        (base,) = cursor.fetchone()
    # Claims get explicit ids (base + 1 + their position), so their keys can be COPied
    # without reading the ids back.

    def rows():
        i = 0
        for document, offsets in zip(documents, spans, strict=True):
            for start, end in offsets:
                yield (base + 1 + i, document.pk, start, end, texts[i], folded[i])
                i += 1

    with connection.cursor() as cursor:
        raw = cursor.cursor
        # Indexes are built once over the full table: much faster than row by row.
        for name in (
            "claim_match_text_trgm",
            "claim_search_vector_gin",
            "annotation_search_vector_gin",
            "verdict_search_vector_gin",
        ):
            raw.execute(f"DROP INDEX IF EXISTS {name}")
        raw.execute(
            "CREATE UNLOGGED TABLE bench_claims "
            '(id bigint, document_id bigint, start int, "end" int, text text, match_text text)'
        )
        with raw.copy(
            'COPY bench_claims (id, document_id, start, "end", text, match_text) FROM STDIN'
        ) as copy:
            for row in rows():
                copy.write_row(row)
        raw.execute(
            """INSERT INTO annotations_claim (id, document_id, number, start, "end", kind,
                   text, checkworthiness, restatement, not_checkable, created_at, match_text,
                   search_vector)
               SELECT id, document_id,
                   ROW_NUMBER() OVER (PARTITION BY document_id ORDER BY start, "end", id),
                   start, "end", 'sentence', text, 0.7, '', false, now(),
                   match_text, setweight(to_tsvector('english', text), 'A')
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
                "CREATE INDEX claim_match_text_trgm ON annotations_claim "
                "USING gin (match_text gin_trgm_ops)"
            )
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


def _recall(connection, claims, editor) -> None:
    """Compare with the exact answer: every claim of the workspace at or above the
    threshold by pg_trgm's `%` operator (the GIN trigram index; slow at 1M claims)."""
    from django.db import transaction

    from annotations.matching import MAX_LIMIT, SIMILAR_THRESHOLD, similar_claims

    threshold = SIMILAR_THRESHOLD["postgresql"]
    bands = {0.5: [0, 0], 0.6: [0, 0], 0.67: [0, 0], 0.8: [0, 0]}  # score at least: found, exact
    started = time.perf_counter()
    for claim in claims:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('pg_trgm.similarity_threshold', %s, true)", [str(threshold)]
            )
            cursor.execute(
                """SELECT c.id, similarity(c.match_text, %s) AS score FROM annotations_claim c
                   JOIN annotations_document d ON d.id = c.document_id
                   WHERE d.workspace_id = %s AND c.id <> %s AND c.match_text %% %s
                   ORDER BY score DESC, c.id LIMIT %s""",
                [
                    claim.match_text,
                    claim.document.workspace_id,
                    claim.pk,
                    claim.match_text,
                    MAX_LIMIT,
                ],
            )
            exact = cursor.fetchall()
        ours = {c.pk for c, _ in similar_claims(claim, editor, limit=MAX_LIMIT)}
        for pk, score in exact:
            for low, counts in bands.items():
                if score >= low:
                    counts[0] += pk in ours
                    counts[1] += 1
    print(
        f"  recall against the exact pg_trgm lookup (`%`, GIN index) over {len(claims)} claims "
        f"({time.perf_counter() - started:.0f} s): "
        + ", ".join(f"score ≥ {low}: {f}/{n}" for low, (f, n) in bands.items())
    )


def measure(workspace, editor, samples: int, seed: int = 2, recall_samples: int = 0) -> None:
    from django.db import connection

    from annotations.matching import similar_claims
    from annotations.models import Claim
    from annotations.search import STOP_WORDS, search

    rng = random.Random(seed)
    ids = (
        list(Claim.objects.values_list("pk", flat=True))
        if connection.vendor != "postgresql"
        else None
    )
    if ids is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT max(id), min(id) FROM annotations_claim")
            top, bottom = cursor.fetchone()
        picked = rng.sample(range(bottom, top + 1), samples)
    else:
        picked = rng.sample(ids, samples)
    claims = list(Claim.objects.filter(pk__in=picked).select_related("document__workspace"))
    # Warm-up: the roles of the user, the connection, the caches of the database.
    similar_claims(claims[0], editor)
    search(editor, workspace, "taxes")

    similar_times, found = [], []
    for claim in claims:
        started = time.perf_counter()
        result = similar_claims(claim, editor)
        similar_times.append(time.perf_counter() - started)
        found.append(len(result))
    search_times, hits = [], []
    for claim in claims:
        words = [w for w in WORD.findall(claim.text.lower()) if w not in STOP_WORDS]
        query = " ".join(rng.sample(words, min(3, len(words))))
        started = time.perf_counter()
        result = search(editor, workspace, query)
        search_times.append(time.perf_counter() - started)
        hits.append(len(result))
    total = Claim.objects.count()
    if connection.vendor == "postgresql" and recall_samples:
        _recall(connection, claims[:recall_samples], editor)
    for name, times, counts in (
        ("similar claims", similar_times, found),
        ("search", search_times, hits),
    ):
        p95 = sorted(times)[max(0, round(0.95 * len(times)) - 1)] * 1000
        verdict = "within" if p95 < BUDGET_MS else "OVER"
        print(
            f"{connection.vendor:<10} {total:>9,} claims  {name:<15} {percentiles(times)}   "
            f"mean results {statistics.mean(counts):5.1f}   ({verdict} the {BUDGET_MS:.0f} ms "
            "budget)"
        )


def run_one(n_claims: int, samples: int, recall_samples: int = 0) -> None:
    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(f"filling {n_claims:,} claims …")
    workspace, editor = fill(n_claims)
    measure(workspace, editor, samples, recall_samples=recall_samples)


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
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_one(args.child, args.samples, args.recall)
        return
    base = {**os.environ, "SECRET_KEY": "bench", "DEBUG": "0", "SECURE_SSL": "0"}
    child = [sys.executable, __file__, "--samples", str(args.samples), "--recall", str(args.recall)]
    child.append("--child")
    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            env = {**base, "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3", "DATA_DIR": tmp}
            subprocess.run([*child, str(args.sqlite_claims)], env=env, check=True)
    if args.skip_pg:
        return
    dbname = args.pg.rsplit("/", 1)[1]
    admin = args.pg.rsplit("/", 1)[0] + "/postgres"
    subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {dbname}"], check=True)
    subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {dbname}"], check=True)
    try:
        env = {**base, "DATABASE_URL": args.pg}
        subprocess.run([*child, str(args.claims)], env=env, check=True)
    finally:
        if not args.keep:
            subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {dbname}"], check=True)


if __name__ == "__main__":
    main()
