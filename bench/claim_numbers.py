"""Time migration 0025, which numbers every existing claim in reading order, on a
throwaway PostgreSQL database holding N claims (default one million, in 1,000 documents).

    .venv/bin/python bench/claim_numbers.py [--pg postgres://postgres@127.0.0.1:5432/factcheck_bench_numbers]
                                            [--claims 1000000]

The claims are written by one INSERT … SELECT over generate_series, in an order that is not
their reading order, so the window function has real sorting to do. Prints the time of
0025 (add the column, fill it) and of 0026 (make it required and unique).
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BEFORE = ("annotations", "0024_notification_hidden_kinds")
FILL = ("annotations", "0025_claim_number")
REQUIRED = ("annotations", "0026_claim_number_required")
DOCUMENTS = 1000


def run(claims: int) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    import django

    django.setup()
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    old = executor.loader.project_state([BEFORE]).apps
    Workspace = old.get_model("annotations", "Workspace")
    Document = old.get_model("annotations", "Document")
    Claim = old.get_model("annotations", "Claim")
    per_document = claims // DOCUMENTS
    workspace = Workspace.objects.create(name="Bench", slug="bench")
    Document.objects.bulk_create(
        Document(
            workspace_id=workspace.pk,
            title=f"Doc {d}",
            text="x" * (per_document * 10),
            text_sha256=f"{d:064d}",
        )
        for d in range(DOCUMENTS)
    )
    # Claims inserted from the end of each document backwards: ids against the text.
    values = {
        "document_id": "d.id",
        "start": "(%(n)s - 1 - c) * 10",
        "end": "(%(n)s - 1 - c) * 10 + 9",
        "kind": "'sentence'",
        "text": "'xxxxxxxxx'",
        "checkworthiness": "0.5",
        "restatement": "''",
        "not_checkable": "false",
        "created_at": "now()",
        "match_text": "''",
        "speaker": "''",
    }
    fields = [f for f in Claim._meta.concrete_fields if f.column in values]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Claim._meta.db_table} ({', '.join(quote(f.column) for f in fields)}) "
            f"SELECT {', '.join(values[f.column] for f in fields)} "
            f"FROM {Document._meta.db_table} AS d, generate_series(0, %(n)s - 1) AS c",
            {"n": per_document},
        )
        cursor.execute(f"ANALYZE {Claim._meta.db_table}")
    started = time.perf_counter()
    MigrationExecutor(connection).migrate([FILL])
    filled = time.perf_counter() - started
    started = time.perf_counter()
    MigrationExecutor(connection).migrate([REQUIRED])
    required = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), min(number), max(number) FROM annotations_claim "
            "WHERE document_id = (SELECT min(id) FROM annotations_document)"
        )
        count, low, high = cursor.fetchone()
    assert (count, low, high) == (per_document, 1, per_document), (count, low, high)
    total = per_document * DOCUMENTS
    print(f"{total:,} claims in {DOCUMENTS:,} documents")
    print(f"0025 add and fill numbers: {filled:.1f} s ({total / filled:,.0f} claims/s)")
    print(f"0026 required and unique:  {required:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--pg", default="postgres://postgres@127.0.0.1:5432/factcheck_bench_numbers"
    )
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run(args.claims)
        return
    dbname = args.pg.rsplit("/", 1)[1]
    admin = args.pg.rsplit("/", 1)[0] + "/postgres"
    subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {dbname}"], check=True)
    subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {dbname}"], check=True)
    env = {**os.environ, "SECRET_KEY": "bench", "DEBUG": "0", "SECURE_SSL": "0"}
    try:
        subprocess.run(
            [sys.executable, __file__, "--child", "--claims", str(args.claims)],
            env={**env, "DATABASE_URL": args.pg},
            check=True,
        )
    finally:
        subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {dbname}"], check=True)


if __name__ == "__main__":
    main()
