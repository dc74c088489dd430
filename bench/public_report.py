"""What the public report's live updates cost a process, for a document with 2,000
published verdicts: rendering one verdict's payload (once per process for all its readers
of that report), a reader's poll when nothing happened, and a poll that brings one
verdict (rendered for the first reader who asks, shared by the next ones). Run by hand,
never by the test run:

    DATABASE_URL=postgres://... .venv/bin/python bench/public_report.py

It builds the data as bench/export.py does, in a throwaway workspace of the configured
database, prints the median wall and CPU milliseconds of REPEAT runs and the payload's
size, and deletes everything it made, also on failure.
"""

import os
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("SECURE_SSL", "0")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from annotations.models import Event, Verdict  # noqa: E402
from annotations.models.events import emit  # noqa: E402
from annotations.web import public_live  # noqa: E402
from bench.export import CLAIMS, build, clean, unapplied_migrations  # noqa: E402

REPEAT = 7


def timed(function, *args):
    walls, cpus = [], []
    for _ in range(REPEAT):
        wall, cpu = time.perf_counter(), time.process_time()
        result = function(*args)
        walls.append(1000 * (time.perf_counter() - wall))
        cpus.append(1000 * (time.process_time() - cpu))
    return statistics.median(walls), statistics.median(cpus), result


def first_poll(document, after):
    public_live._polled.clear()  # as the first reader of the process to ask
    return public_live.catch_up(document, after)


def main():
    if unapplied_migrations():
        print("The database has unapplied migrations: run manage.py migrate first.")
        return 2
    tag = uuid.uuid4().hex[:8]
    try:
        _, document, users = build(tag)
        document.report_slug = f"bench-{tag}"
        document.report_published_at = timezone.now()
        document.save()
        verdict = Verdict.objects.filter(claim__document=document).order_by("pk").first()
        before = Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        event = emit(
            Event.Kind.VERDICT_PUBLISHED,
            annotation=verdict.annotation,
            actor=users[-1],
            data=verdict.facts(),
        )
        print(f"{CLAIMS} claims with published verdicts ({connection.vendor}), median of {REPEAT}")
        print(f"{'what':<34} {'ms':>8} {'cpu ms':>8} {'bytes':>8}")
        wall, cpu, result = timed(public_live.payloads, document.pk, [event])
        size = len(str(result[0]))
        print(f"{'render one verdict (per process)':<34} {wall:8.1f} {cpu:8.1f} {size:8d}")
        wall, cpu, _ = timed(public_live.catch_up, document, event.pk)
        print(f"{'a poll, nothing new':<34} {wall:8.1f} {cpu:8.1f}")
        wall, cpu, _ = timed(first_poll, document, before)
        print(f"{'a poll bringing one verdict':<34} {wall:8.1f} {cpu:8.1f}")
        wall, cpu, _ = timed(public_live.catch_up, document, before)
        print(f"{'  the same, the next readers':<34} {wall:8.1f} {cpu:8.1f}")
        return 0
    finally:
        clean(tag)  # the workspace's events go with it


if __name__ == "__main__":
    sys.exit(main())
