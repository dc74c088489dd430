"""Time and peak memory of every export format for a document with 2,000 claims and
6,000 annotations. Run by hand, never by the test run:

    DATABASE_URL=postgres://... .venv/bin/python bench/export.py [FORMAT ...]

It builds the data in a throwaway workspace of the configured database (bulk inserts),
exports each format as the system (an editor's view) and as a blind annotator, prints
wall seconds, CPU seconds of this process (the database's time excluded; steadier on a
busy machine) and the tracemalloc peak (from a second run: tracing slows Python down),
and deletes everything it made, also on failure.
Budget (issue 7): under 1 s per format, under 20 s for pdf.
"""

import logging
import os
import sys
import time
import tracemalloc
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("SECURE_SSL", "0")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.utils import timezone  # noqa: E402

from annotations.exports import FORMATS  # noqa: E402
from annotations.models import (  # noqa: E402
    Annotation,
    Claim,
    Comment,
    Document,
    Membership,
    Rating,
    Role,
    Source,
    Verdict,
    Workspace,
)

CLAIMS, ANNOTATORS = 2000, 3
BUDGET = dict.fromkeys(FORMATS, 1.0) | {"pdf": 20.0}


def build(tag):
    User = get_user_model()
    workspace = Workspace.objects.create(
        slug=f"bench-{tag}", name=f"Bench {tag}", organisation_name="Bench Checks",
        methodology="We check **everything** against [sources](https://example.org).",
        blind=True,
    )  # fmt: skip
    users = [User.objects.create(username=f"bench-{tag}-{i}") for i in range(ANNOTATORS + 1)]
    editor = users[-1]
    Membership.objects.bulk_create(
        [Membership(workspace=workspace, user=u, role=Role.ANNOTATOR) for u in users[:-1]]
        + [Membership(workspace=workspace, user=editor, role=Role.EDITOR)]
    )
    sentences = [
        f"In {1990 + i % 30} the rate was {i % 97}.{i % 10}% & rising <fast> in region {i}."
        for i in range(CLAIMS)
    ]
    text = " ".join(sentences)
    document = Document.objects.create(
        workspace=workspace, title="Bench speech", speaker="A. Speaker", text=text,
        source_url="https://example.org/speech",
    )  # fmt: skip
    claims, start = [], 0
    for number, sentence in enumerate(sentences, start=1):
        claims.append(
            Claim(document=document, number=number, start=start, end=start + len(sentence),
                  text=sentence, checkworthiness=0.7)
        )  # fmt: skip
        start += len(sentence) + 1
    claims = Claim.objects.bulk_create(claims)
    ratings = list(Rating.objects.filter(scale__workspace=workspace))
    annotations = Annotation.objects.bulk_create(
        [
            Annotation(
                claim=claim, author=users[j], rating=ratings[(i + j) % len(ratings)],
                summary=f"Summary {i}-{j}: the figure is off.",
                note=f"See **table {i}** of [the office](https://stats.example.org/{i}).",
                status=Annotation.Status.APPROVED, submitted_at=timezone.now(),
            )
            for i, claim in enumerate(claims)
            for j in range(ANNOTATORS)
        ]
    )  # fmt: skip
    Source.objects.bulk_create(
        Source(annotation=a, url=f"https://stats.example.org/{a.pk}", title="Report",
               publisher="Office")
        for a in annotations
    )  # fmt: skip
    Comment.objects.bulk_create(
        Comment(annotation=a, author=editor, decision=Comment.Decision.APPROVE, body="ok")
        for a in annotations[::ANNOTATORS]
    )
    Verdict.objects.bulk_create(
        Verdict(
            claim=a.claim, annotation=a, rating=a.rating, summary=a.summary,
            sources=[{"url": f"https://stats.example.org/{a.pk}", "title": "Report"}],
            checked_by=a.author, published_by=editor,
        )
        for a in annotations[::ANNOTATORS]
    )  # fmt: skip
    return workspace, document, users


def run(name, document_id, user) -> int:
    document = Document.objects.select_related("workspace").get(pk=document_id)
    result = FORMATS[name].export(document, user)
    return len(result) if isinstance(result, bytes) else sum(len(chunk) for chunk in result)


def measure(name, document, user):
    """Time without tracemalloc (it slows Python several times over), then peak memory
    in a second run under tracemalloc."""
    started, cpu = time.perf_counter(), time.process_time()
    size = run(name, document.pk, user)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    tracemalloc.start()
    run(name, document.pk, user)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return seconds, cpu, peak, size


def clean(tag):
    User = get_user_model()
    Document.objects.filter(workspace__slug=f"bench-{tag}").delete()
    Workspace.objects.filter(slug=f"bench-{tag}").delete()
    User.objects.filter(username__startswith=f"bench-{tag}-").delete()


def unapplied_migrations() -> list:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return executor.migration_plan(executor.loader.graph.leaf_nodes())


def main():
    if unapplied_migrations():
        # Clean-up deletes through every model; a missing table would leave the data behind.
        print("The database has unapplied migrations: run manage.py migrate first.")
        return 2
    # WeasyPrint logs a line per page at INFO.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    tag = uuid.uuid4().hex[:8]
    try:
        started = time.perf_counter()
        workspace, document, users = build(tag)
        print(
            f"built {CLAIMS} claims, {CLAIMS * ANNOTATORS} annotations in "
            f"{time.perf_counter() - started:.1f} s ({django.db.connection.vendor})"
        )
        print(
            f"{'format':<12} {'as':<10} {'seconds':>8} {'cpu s':>6} {'peak MiB':>9} {'bytes':>10}"
        )
        over = False
        for name in sys.argv[1:] or FORMATS:
            for label, user in (("system", None), ("annotator", users[0])):
                if FORMATS[name].public and user is not None:
                    continue  # the same report for everyone
                seconds, cpu, peak, size = measure(name, document, user)
                ok = seconds < BUDGET[name]
                over |= not ok
                print(
                    f"{name:<12} {label:<10} {seconds:8.2f} {cpu:6.2f} {peak / 2**20:9.1f} "
                    f"{size:10d}  {'ok' if ok else 'OVER'} (< {BUDGET[name]:.0f} s)"
                )
        return 1 if over else 0
    finally:
        clean(tag)


if __name__ == "__main__":
    sys.exit(main())
