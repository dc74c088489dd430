"""Server time of the document page, run by hand: `python bench/document_page.py`.

Builds a document of 2,000 claims (sentences in paragraphs of five, plus 200 `selection`
claims overlapping them) with 6,000 annotations (three members on every claim) and a
verdict on every tenth claim, then renders the page with Django's test client as an
annotator, a reviewer and a blind workspace's annotator, and prints for each the best and
the median time of several runs, the queries and the size of the HTML. Also times one
claim panel. The page caches the marked text under a digest of its content: the figures
are with that cache warm, and in brackets without it. Runs against a throwaway SQLite
database unless DATABASE_URL is set (then it creates and drops a test database there, as
the test runner does).
"""

from __future__ import annotations

import argparse
import os
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
    os.environ.setdefault("DATA_DIR", tmp)
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    # A database of its own, so a test run going on at the same time is not disturbed.
    from django.db import connection

    test = connection.settings_dict.setdefault("TEST", {})
    if connection.vendor == "sqlite":
        test["NAME"] = str(Path(tmp) / "bench.sqlite3")
    else:
        test["NAME"] = f"bench_document_page_{os.getpid()}"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def build(n_claims: int, annotators: int, blind: bool):
    from django.contrib.auth import get_user_model

    from annotations.models import (
        Annotation,
        Claim,
        Document,
        Membership,
        Rating,
        Role,
        Verdict,
        Workspace,
    )

    User = get_user_model()
    tag = f"{n_claims}-{annotators}-{int(blind)}"
    workspace = Workspace.objects.create(slug=f"bench-{tag}", name=f"Bench {tag}", blind=blind)
    sentences = [
        f"In {1900 + i % 120} the rate rose to {i % 97}.{i % 10}% in region {i}, officials said."
        for i in range(n_claims)
    ]
    parts, spans, offset = [], [], 0
    for i, sentence in enumerate(sentences):
        spans.append((offset, offset + len(sentence)))
        separator = "\n\n" if i % 5 == 4 else " "
        parts.append(sentence + separator)
        offset += len(sentence) + len(separator)
    text = "".join(parts)
    document = Document.objects.create(workspace=workspace, title="Bench", text=text)
    Claim.objects.bulk_create(
        Claim(document=document, number=i, start=s, end=e, text=text[s:e], checkworthiness=0.7)
        for i, (s, e) in enumerate(spans, start=1)
    )
    # Overlapping selections: from the middle of one sentence into the next.
    Claim.objects.bulk_create(
        Claim(
            document=document,
            number=len(spans) + 1 + i,
            start=spans[i][0] + 8,
            end=spans[i + 1][0] + 10,
            kind="selection",
            text=text[spans[i][0] + 8 : spans[i + 1][0] + 10],
        )
        for i in range(0, n_claims - 1, 10)
    )
    claims = list(document.claims.all())
    users = [User.objects.create_user(f"bench-{tag}-{i}", password="x") for i in range(3 + 2)]
    roles = [Role.ANNOTATOR] * annotators + [Role.REVIEWER, Role.EDITOR]
    Membership.objects.bulk_create(
        Membership(workspace=workspace, user=u, role=r) for u, r in zip(users, roles, strict=False)
    )
    ratings = list(Rating.objects.filter(scale__workspace=workspace))
    Annotation.objects.bulk_create(
        Annotation(
            claim=claim,
            author=users[a],
            rating=ratings[(i + a) % len(ratings)],
            summary="A summary.",
            note="A *note*.",
            status=["draft", "submitted", "approved"][(i + a) % 3],
        )
        for i, claim in enumerate(claims[:n_claims])
        for a in range(annotators)
    )
    Verdict.objects.bulk_create(
        Verdict(claim=c, rating=ratings[i % len(ratings)], summary="S.", published_by=users[-1])
        for i, c in enumerate(claims[:n_claims:10])
    )
    return document, users, claims


def measure(client, url: str, runs: int, clear_cache=False) -> tuple[list[float], int, int]:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    for _ in range(runs):
        if clear_cache:
            cache.clear()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    return times, len(queries.captured_queries), len(response.content)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=2000)
    parser.add_argument("--annotators", type=int, default=3)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(tmp)
        from django.db import connection
        from django.test import Client
        from django.test.utils import setup_test_environment

        setup_test_environment()
        old_name = connection.creation.create_test_db(verbosity=0)
        try:
            started = time.perf_counter()
            document, users, claims = build(args.claims, args.annotators, blind=False)
            blind_document, blind_users, _ = build(args.claims, args.annotators, blind=True)
            print(
                f"{connection.vendor}: built {len(claims)} claims "
                f"({args.claims} sentences + {len(claims) - args.claims} overlapping selections), "
                f"{args.claims * args.annotators} annotations, {args.claims // 10} verdicts "
                f"per document in {time.perf_counter() - started:.1f} s"
            )
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")  # as autovacuum would after a bulk load
            client = Client()
            cases = [
                ("annotator", users[0], document),
                ("reviewer", users[-2], document),
                ("blind annotator", blind_users[0], blind_document),
            ]
            for label, user, doc in cases:
                client.force_login(user)
                url = f"/documents/{doc.pk}/"
                client.get(url)  # warm caches (templates, roles)
                cold, _, _ = measure(client, url, args.runs, clear_cache=True)
                times, queries, size = measure(client, url, args.runs)
                print(
                    f"document page, {label:16}: best {min(times) * 1000:6.0f} ms, "
                    f"median {statistics.median(times) * 1000:6.0f} ms "
                    f"(marked text not cached: {statistics.median(cold) * 1000:.0f} ms), "
                    f"{queries} queries, {size / 1000:.0f} kB"
                )
            client.force_login(users[-2])
            times, queries, size = measure(client, f"/claims/{claims[5].pk}/panel/", args.runs)
            print(
                f"claim panel, reviewer        : best {min(times) * 1000:6.0f} ms, "
                f"median {statistics.median(times) * 1000:6.0f} ms, {queries} queries, "
                f"{size / 1000:.0f} kB"
            )
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
