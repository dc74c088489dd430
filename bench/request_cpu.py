"""CPU a request of bench/load.py's mix, measured in-process: run by hand,

    DATABASE_URL=postgres://... .venv/bin/python bench/request_cpu.py [--runs 30] [--profile NAME]

Builds bench/load.py's desk on a throwaway test database (one document of 2,000 claims
with 3 submitted annotations each, a reviewer reading it), then sends each of the load's
requests through Django's test client with the production middleware (DEBUG off): the
document page (session), the claim list API and the CSV export (token), an annotation
create, update and a comment. It prints, per request, the median and the 10th
percentile of this process's CPU time (`time.process_time()`: the database's own time is
not counted, so a busy machine disturbs it little) and the number of queries. With
`--profile NAME` it also prints a cProfile of that request (cumulative, top 40).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django(tmp: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("SECURE_SSL", "0")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("DATA_DIR", tmp)
    os.environ.setdefault("AXES_ENABLED", "0")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    settings.ALLOWED_HOSTS = ["*"]
    test = connection.settings_dict.setdefault("TEST", {})
    if connection.vendor == "sqlite":
        test["NAME"] = str(Path(tmp) / "bench.sqlite3")
    else:
        test["NAME"] = f"bench_request_cpu_{os.getpid()}"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def build():
    """bench/load.py's fill, for one document."""
    from django.contrib.auth import get_user_model

    from annotations.models import Annotation, Membership, Rating, Role, Workspace
    from annotations.services import import_document

    User = get_user_model()
    workspace = Workspace.objects.create(slug="load", name="Load desk")
    users = [User.objects.create_user(f"load{i}", password="x") for i in range(104)]
    Membership.objects.bulk_create(
        [Membership(workspace=workspace, user=u, role=Role.REVIEWER) for u in users]
    )
    rng = random.Random(7)
    subjects = ["Unemployment", "Inflation", "The deficit", "Crime", "Emissions", "Turnout"]
    verbs = ["fell to", "rose to", "stayed at", "reached", "doubled to"]
    ratings = list(Rating.objects.filter(scale__workspace=workspace, ordinal=True))
    sentences = [
        f"{rng.choice(subjects)} {rng.choice(verbs)} {rng.randint(1, 99)}.{i % 10}% "
        f"in {1990 + i % 35} according to report 0-{i}."
        for i in range(2000)
    ]
    text = "\n\n".join(" ".join(sentences[i : i + 4]) for i in range(0, len(sentences), 4))
    document = import_document(workspace, text, title="Speech 0").document
    claims = list(document.claims.values_list("pk", flat=True))
    Annotation.objects.bulk_create(
        Annotation(
            claim_id=claim_id,
            author=author,
            rating=rng.choice(ratings),
            summary="Checked against the statistics office.",
            note="The **official** figure differs.",
            status="submitted",
        )
        for claim_id in claims
        for author in users[100:103]
    )
    return document, users, claims, ratings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--profile", default="")
    parser.add_argument("--queries", default="", help="Print the queries of this request.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(tmp)
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext, setup_test_environment
        from rest_framework.authtoken.models import Token

        setup_test_environment()
        old_name = connection.creation.create_test_db(verbosity=0)
        try:
            document, users, claims, ratings = build()
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            reader = users[0]
            session = Client()
            session.force_login(reader)
            token = Token.objects.create(user=reader).key
            api = Client(HTTP_AUTHORIZATION=f"Token {token}")
            rng = random.Random(1)
            mine = []

            def create():
                claim = claims[len(mine) % len(claims)]
                response = api.post(
                    "/api/v1/annotations/",
                    {
                        "claim": claim,
                        "rating": rng.choice(ratings).pk,
                        "summary": "Official figures say otherwise.",
                        "note": "See the statistics office table.",
                        "sources": [{"url": "https://stats.example.org/t1", "title": "Table 1"}],
                    },
                    content_type="application/json",
                )
                assert response.status_code == 201, response.content
                mine.append((response.json()["id"], response["ETag"]))
                return response

            def update():
                pk, etag = mine[-1]
                response = api.patch(
                    f"/api/v1/annotations/{pk}/",
                    {"summary": f"Revised {time.time()}."},
                    content_type="application/json",
                    HTTP_IF_MATCH=etag,
                )
                assert response.status_code == 200, response.content
                mine[-1] = (pk, response["ETag"])
                return response

            def comment():
                return api.post(
                    "/api/v1/comments/",
                    {"annotation": mine[-1][0], "body": "Is there a newer table?"},
                    content_type="application/json",
                )

            cases = {
                "document page": lambda: session.get(f"/documents/{document.pk}/"),
                "claim list": lambda: api.get(
                    f"/api/v1/claims/?document={document.pk}&page_size=100"
                ),
                "export csv": lambda: api.get(f"/api/v1/documents/{document.pk}/export/csv/"),
                "annotation create": create,
                "annotation update": update,
                "comment": comment,
            }
            for name, send in cases.items():
                for _ in range(3):  # warm: templates, caches, connection
                    response = send()
                    if hasattr(response, "streaming_content"):
                        b"".join(response.streaming_content)
                assert response.status_code in (200, 201), (name, response.status_code)
                cpu, wall = [], []
                for _ in range(args.runs):
                    with CaptureQueriesContext(connection) as queries:
                        started, clock = time.process_time(), time.perf_counter()
                        response = send()
                        if hasattr(response, "streaming_content"):
                            size = len(b"".join(response.streaming_content))
                        else:
                            size = len(response.content)
                        cpu.append(time.process_time() - started)
                        wall.append(time.perf_counter() - clock)
                cpu.sort()
                print(
                    f"{name:<18} CPU median {statistics.median(cpu) * 1000:6.1f} ms, "
                    f"p10 {cpu[len(cpu) // 10] * 1000:6.1f} ms, "
                    f"wall median {statistics.median(wall) * 1000:6.1f} ms, "
                    f"{len(queries.captured_queries):>3} queries, {size / 1000:.0f} kB"
                )
                if name == args.queries:
                    for query in queries.captured_queries:
                        print(f"    {float(query['time']) * 1000:6.1f} ms  {query['sql'][:300]}")
                if name == args.profile:
                    profile = cProfile.Profile()
                    profile.enable()
                    for _ in range(10):
                        response = send()
                        if hasattr(response, "streaming_content"):
                            b"".join(response.streaming_content)
                    profile.disable()
                    stats = pstats.Stats(profile).sort_stats("cumulative")
                    stats.print_stats(45)
                    stats.sort_stats("tottime").print_stats(30)
        finally:
            connection.close()
            connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
